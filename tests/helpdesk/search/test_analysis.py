"""Per-language analysis: inflections, diacritics and stop words."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from whoosh.analysis import RegexTokenizer, Token

from helpdesk.search.analysis import (
    WORD_PATTERN,
    LanguageAnalyzer,
    LanguageFilter,
    analyzer,
    fold,
    query_forms,
    stop_words,
)


def terms(lang: str, text: str) -> set[str]:
    return {token.text for token in analyzer(lang)(text)}


def matches(lang: str, query_word: str, text: str) -> bool:
    return bool(set(query_forms(lang, query_word)) & terms(lang, text))


@pytest.mark.parametrize(
    ("lang", "query_word", "text"),
    [
        ("pl", "użytkownik", "Usuń użytkowników z konta"),
        ("pl", "użytkownika", "Lista użytkowników"),
        ("pl", "uzytkownikow", "Lista użytkowników"),
        ("pl", "uzytkownika", "Wyszukaj użytkownika"),
        ("pl", "odlaczyc", "Jak odłączyć użytkownika"),
        ("pl", "odłączyć", "Można odłączyć konto"),
        ("pl", "usun", "Kliknij Usuń"),
        ("pl", "nagrania", "przeniesienie nagrań w chmurze"),
        ("nl", "gebruiker", "Meerdere gebruikers ontkoppelen"),
        ("nl", "ontkoppelen", "Eén gebruiker ontkoppelen"),
        ("nl", "verwijder", "Gebruikers verwijderen"),
        ("nl", "uitnodigingen", "De uitnodiging accepteren"),
        ("nl", "gedeactiveerd", "Gedeactiveerde gebruikers"),
        ("en", "users", "Unlink a single user"),
        ("en", "deactivated", "Deactivate users"),
        ("en", "recordings", "Transfer the cloud recording"),
    ],
)
def test_inflected_and_unaccented_forms_match(
    lang: str, query_word: str, text: str
) -> None:
    assert matches(lang, query_word, text)


@pytest.mark.parametrize(
    ("lang", "word"),
    [("pl", "się"), ("pl", "i"), ("nl", "de"), ("nl", "het"), ("en", "the")],
)
def test_stop_words_are_not_indexed(lang: str, word: str) -> None:
    assert word in stop_words(lang)
    assert not terms(lang, word)


def test_unrelated_words_do_not_match() -> None:
    assert not matches("pl", "konto", "Usuń użytkowników")
    assert not matches("en", "delete", "Unlink a user")


def test_folding_removes_polish_and_dutch_diacritics() -> None:
    assert fold("Odłączyć użytkowników ŁÓDŹ") == "Odlaczyc uzytkownikow LODZ"
    assert fold("één geïnstalleerd") == "een geinstalleerd"


def test_both_forms_share_one_position() -> None:
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer("pl")("Usuń użytkowników", positions=True, chars=True)
    ]
    assert ("uzytkownik", 1, 5, 17) in tokens
    assert ("uzytkownikow", 1, 5, 17) in tokens


def test_analyzer_is_picklable_by_reference() -> None:
    import pickle

    restored = pickle.loads(pickle.dumps(analyzer("pl")))
    assert terms("pl", "użytkowników") == {t.text for t in restored("użytkowników")}


CHAIN_TEXTS = [
    ("pl", "Usuń użytkowników ŁÓDŹ, i się: don't x’y 1,009 #1009"),
    ("nl", "Eén gebruiker ontkoppelen; de beheerde beheerder's account"),
    ("en", "Don't unlink the users' accounts — deactivate them (error 1009)."),
    ("en", ""),
]


def _dump(tokens: Iterator[Token]) -> list[tuple[object, ...]]:
    names = ("text", "pos", "startchar", "endchar", "stopped", "boost", "original")
    return [tuple(getattr(t, name, None) for name in names) for t in tokens]


@pytest.mark.parametrize(("lang", "text"), CHAIN_TEXTS)
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"positions": True, "chars": True, "boosts": True, "mode": "index"},
        {"positions": True, "removestops": False, "keeporiginal": True},
        {"positions": True, "chars": True, "start_pos": 3, "start_char": 7},
        {"tokenize": False, "positions": True, "chars": True},
    ],
)
def test_one_pass_analyzer_equals_the_filter_chain(
    lang: str, text: str, options: dict[str, object]
) -> None:
    chain = RegexTokenizer(WORD_PATTERN) | LanguageFilter(lang)
    assert _dump(analyzer(lang)(text, **options)) == _dump(chain(text, **options))


@pytest.mark.parametrize(("lang", "text"), CHAIN_TEXTS)
def test_word_positions_equal_the_tokens(lang: str, text: str) -> None:
    expected: dict[str, list[tuple[int, int, int]]] = {}
    for t in analyzer(lang)(text, positions=True, chars=True):
        expected.setdefault(t.text, []).append((t.pos, t.startchar, t.endchar))
    found = LanguageAnalyzer(lang).word_positions(text)
    assert list(found.items()) == list(expected.items())


@pytest.mark.parametrize(
    ("lang", "word"),
    [
        ("pl", "dlaczego"),  # a question word
        ("pl", "mogę"),
        ("pl", "moge"),  # typed without diacritics
        ("pl", "sie"),  # się without diacritics
        ("nl", "waarom"),
        ("nl", "welke"),
        ("en", "can't"),
        ("en", "don’t"),  # typographic apostrophe
    ],
)
def test_question_words_and_unaccented_stop_words_are_dropped(
    lang: str, word: str
) -> None:
    assert word in stop_words(lang)
    assert terms(lang, f"{word} usuń") == terms(lang, "usuń")


def test_negation_is_not_a_polish_stop_word() -> None:
    assert "nie" not in stop_words("pl")
