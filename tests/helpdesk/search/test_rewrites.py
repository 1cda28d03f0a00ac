"""What the engine searches besides a query word: compounds, families, spellings."""

from __future__ import annotations

import pytest
from flask import Flask

from helpdesk.search import analysis, query, search
from helpdesk.search.engine import (
    _compound,
    _family,
    _same_beginning,
    _same_root,
    root,
)
from helpdesk.search.speller import Speller


def nl_forms(word: str) -> tuple[str, ...]:
    return analysis.query_forms("nl", word)


def pl_forms(word: str) -> tuple[str, ...]:
    return analysis.query_forms("pl", word)


def indexed_in(text: str, lang: str = "nl"):
    terms = {t.text for t in analysis.analyzer(lang)(text)}
    return terms.__contains__


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("gebruikersaccount", ("gebruikers", "account")),  # linking s kept
        ("vergaderruimte", ("vergader", "ruimte")),
    ],
)
def test_a_dutch_compound_splits_into_indexed_words(
    word: str, parts: tuple[str, str]
) -> None:
    indexed = indexed_in("Gebruikers van het account vergader in een ruimte")
    found = set(_compound(word, nl_forms, indexed))
    for part in parts:
        assert set(nl_forms(part)) & found


def test_no_split_without_two_indexed_words() -> None:
    indexed = indexed_in("Gebruikers verwijderen")
    assert _compound("gebruikersaccount", nl_forms, indexed) == ()
    # Parts shorter than four letters are not words of their own here.
    assert _compound("ontkoppelen", nl_forms, indexed_in("ont koppelen")) == ()


def test_a_word_finds_its_family_by_its_beginning() -> None:
    speller = Speller({"wylaczone": ["wyłączone", 3], "wlaczyc": ["włączyć", 9]})
    found = _family("wylaczyc", speller, pl_forms)
    assert set(pl_forms("wyłączone")) <= set(found)
    assert not set(pl_forms("włączyć")) & set(found)
    # Too little in common: no family.
    assert _family("wyslac", speller, pl_forms) == ()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (("usuniecie", "usunac", "usuniety", "usuniecia"), "usun"),
        (("dezaktywacja", "dezaktywowac", "dezaktywowane", "dezaktywuj"), "dezaktyw"),
        (("odlaczenie", "odlaczyc", "odlaczony"), "odlacz"),
        (("usuwanie", "usuwac"), "usuw"),
    ],
)
def test_polish_nouns_verbs_and_participles_share_a_root(
    words: tuple[str, ...], expected: str
) -> None:
    assert {root(word, "pl") for word in words} == {expected}


def test_a_root_is_long_enough_and_only_polish() -> None:
    assert root("dane", "pl") == "dane"  # "d" is no root
    assert root("konta", "pl") == "konta"  # no derivational ending
    assert root("deactivation", "en") == "deactivation"


def test_a_derived_word_finds_the_known_words_of_its_root() -> None:
    speller = Speller(
        {
            "usunac": ["usunąć", 9],
            "usuniete": ["usunięte", 3],
            "usuniecie": ["usunięcie", 1],
            "usunieto": ["usunięto", 2],  # another ending: not this root's
            "usuwac": ["usuwać", 5],  # another verb
        }
    )
    found = set(_same_root("usuniecie", speller, pl_forms, "pl"))
    assert set(pl_forms("usunąć")) | set(pl_forms("usunięte")) <= found
    assert not set(pl_forms("usuwać")) & found
    assert "usuniecie" not in found  # the word itself is no kin
    # A word without a derivational ending, or another language: nothing.
    assert _same_root("konta", speller, pl_forms, "pl") == ()
    assert _same_root("usuniecie", speller, pl_forms, "en") == ()


def test_a_correction_in_the_ending_is_kept_one_in_the_beginning_is_not() -> None:
    assert _same_beginning("deactiveern", "deactiveren")
    assert not _same_beginning("wylaczyc", "wlaczyc")


def test_speller_lists_known_words_by_their_beginning() -> None:
    speller = Speller({"deactiveren": ["deactiveren", 5], "deactiveert": ["x", 9]})
    assert speller.starting_with("deactive", 5) == ["x", "deactiveren"]
    assert speller.starting_with("deactive", 1) == ["x"]
    assert speller.starting_with("zzz", 5) == []


def test_compound_parts_share_a_small_weight() -> None:
    parsed = query.parse_query("gebruikersaccount")
    q = query.build_query(parsed, "nl", parts={"gebruikersaccount": ("account",)})
    assert q is not None
    boosts = {t.text: t.boost for t in q.subqueries if t.fieldname == "body_nl"}
    assert boosts["account"] == pytest.approx(query.PART_BOOST)


def test_variants_are_searched_at_full_weight() -> None:
    parsed = query.parse_query("uzytkownikow")
    q = query.build_query(parsed, "pl", variants={"uzytkownikow": ("uzytkownik",)})
    assert q is not None
    boosts = {t.text: t.boost for t in q.subqueries if t.fieldname == "body_pl"}
    assert boosts["uzytkownik"] == pytest.approx(boosts["uzytkownikow"])


def keys(app: Flask, text: str, lang: str) -> list[str]:
    with app.test_request_context(f"/{lang}/search"):
        result = search(text, lang)
    return [f"{hit.slug}#{hit.section}" for hit in result.hits]


def test_polish_typed_without_diacritics_finds_the_stem(search_app: Flask) -> None:
    # uzytkownikow is użytkowników: it must also match użytkownika, użytkownik.
    assert keys(search_app, "uzytkownikow", "pl") == keys(
        search_app, "użytkowników", "pl"
    )


def test_an_unknown_inflection_finds_its_family_not_its_opposite(
    search_app: Flask,
) -> None:
    # wyłączyć (disable) is not in the articles, wyłączone (disabled) is; the
    # one-letter "correction" włączyć means enable.
    found = keys(search_app, "wyłączyć", "pl")
    assert found and found[0].startswith("remove-users#deactivate")
    assert "remove-users#auto-delete" not in found[:1]


def test_a_dutch_compound_finds_the_sections_of_its_parts(search_app: Flask) -> None:
    assert "remove-rooms#delete-room" in keys(search_app, "vergaderruimte", "nl")[:3]


def test_a_polish_verbal_noun_finds_the_sections_of_its_verb(search_app: Flask) -> None:
    # usunięcie (deletion) stems apart from usunąć (delete) and usunięty (deleted).
    found = keys(search_app, "usunięcie", "pl")
    assert found and found[0].startswith("remove-users#delete")
