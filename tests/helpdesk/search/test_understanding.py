"""Questions, not just keywords: lemmas, synonyms and question words."""

from __future__ import annotations

import pytest
from flask import Flask

from helpdesk.search import analysis, lemmas, query, search
from helpdesk.settings import PROJECT_ROOT


@pytest.mark.parametrize("lang", lemmas.LANGUAGES)
def test_the_lemma_table_covers_every_article_word(lang: str) -> None:
    # Fails after article text was added: run `python -m helpdesk.search.lemmas`.
    missing = lemmas.article_words(lang, PROJECT_ROOT / "articles") - lemmas.covered(
        lang
    )
    assert missing == set()


@pytest.mark.parametrize(
    ("lang", "one", "other"),
    [
        ("nl", "deactiveer", "deactiveert"),
        ("nl", "deactiveer", "gedeactiveerde"),
        ("pl", "aktywował", "aktywowali"),
        ("pl", "usunięcie", "usunąć"),
    ],
)
def test_inflections_share_their_lemma(lang: str, one: str, other: str) -> None:
    shared = set(analysis.word_forms(lang, one)) & set(analysis.word_forms(lang, other))
    assert shared, (analysis.word_forms(lang, one), analysis.word_forms(lang, other))


def test_english_has_no_lemma_table() -> None:
    assert lemmas.lemma("en", "deleted") is None
    assert len(analysis.word_forms("en", "deleted")) <= 2


@pytest.mark.parametrize(
    ("lang", "word", "synonym"),
    [
        ("en", "permission", "privilege"),
        ("en", "permissions", "privileges"),
        ("nl", "inloggen", "aanmelden"),
        ("nl", "rechten", "bevoegdheden"),
        ("pl", "przywileje", "uprawnienia"),
        ("pl", "przywilejów", "uprawnienia"),
    ],
)
def test_synonyms_work_for_any_inflection(lang: str, word: str, synonym: str) -> None:
    assert synonym in analysis.synonyms(lang, word)
    assert word not in analysis.synonyms(lang, word)


def test_a_word_outside_the_sets_has_no_synonyms() -> None:
    assert analysis.synonyms("en", "zoom") == ()


@pytest.mark.parametrize(
    ("lang", "text", "words"),
    [
        ("en", "what happens to someone deactivated", ["deactivated"]),
        # Nothing but how it is asked: then that is searched.
        ("nl", "wat gebeurt er met iemand", ["gebeurt"]),
        ("pl", "co się dzieje z licencjami", ["licencjami"]),
    ],
)
def test_question_words_give_way_to_content_words(
    lang: str, text: str, words: list[str]
) -> None:
    parsed = query.parse_query(text)
    assert query.content_words(parsed, lang, analysis.stop_words) == words


def keys(app: Flask, text: str, lang: str) -> list[str]:
    with app.test_request_context():
        return [f"{h.slug}#{h.section}" for h in search(text, lang, limit=5).hits]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "permission to remove many users at once", "remove-users#prerequisites"),
        (
            "nl",
            "kan een gedeactiveerde gebruiker nog inloggen",
            "remove-users#deactivate",
        ),
        ("pl", "użytkownik który nie aktywował konta", "remove-users#pending-users"),
        (
            "pl",
            "przywileje do usuwania wielu użytkowników",
            "remove-users#prerequisites",
        ),
    ],
)
def test_questions_find_the_section_that_answers_them(
    search_app: Flask, lang: str, text: str, expected: str
) -> None:
    assert expected in keys(search_app, text, lang)


@pytest.mark.parametrize(
    ("lang", "words", "names"),
    [
        ("en", ("user", "has", "not", "activated", "account"), ("pending",)),
        ("nl", ("niet", "geactiveerd"), ("behandeling",)),
        ("pl", ("nie", "aktywował", "konta"), ("oczekujący",)),
        ("pl", ("aktywował", "konta"), ()),  # no negation
        ("en", ("not", "deleted"), ()),  # a negation of something else
    ],
)
def test_a_negation_names_what_the_glossary_calls_it(
    lang: str, words: tuple[str, ...], names: tuple[str, ...]
) -> None:
    assert analysis.negated_names(lang, words) == names
