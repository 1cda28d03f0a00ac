"""Per-language analysis: inflections, diacritics and stop words."""

from __future__ import annotations

import pytest

from helpdesk.search.analysis import analyzer, fold, query_forms, stop_words


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
