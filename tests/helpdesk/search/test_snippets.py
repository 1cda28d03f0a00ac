"""Snippets cut at words or sentences, with ellipses; marks; all-or-none suggestions."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.search import analysis, search, snippets
from helpdesk.search.snippets import ELLIPSIS, SNIPPET_CHARS

_MARK = re.compile(r"</?mark>")


def plain_text(snippet: str) -> str:
    return unescape(_MARK.sub("", snippet))


def marked(snippet: str) -> list[str]:
    return [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", snippet)]


def cut(lang: str, text: str, *words: str) -> str:
    wanted = {form for word in words for form in analysis.word_forms(lang, word)}
    stops = snippets.never_marked(lang, analysis.stop_words(lang))
    return snippets.snippet(text, lang, wanted, stops)


FILLER = {
    "en": "Admins open the portal and check every setting twice before saving.",
    "nl": "Beheerders openen het portaal en controleren elke instelling twee keer.",
    "pl": "Administratorzy otwierają portal i dwa razy sprawdzają każde ustawienie.",
}
TARGET = {
    "en": ("Then unlink the user from the account", "unlink"),
    "nl": ("Ontkoppel daarna de gebruiker van het account", "gebruiker"),
    "pl": ("Następnie odłącz użytkownika od konta", "użytkownika"),
}


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_a_cut_snippet_starts_at_a_sentence_and_ends_with_an_ellipsis(
    lang: str,
) -> None:
    sentence, word = TARGET[lang]
    text = " ".join([FILLER[lang]] * 6 + [sentence + "."] + [FILLER[lang]] * 6)
    snippet = cut(lang, text, word)
    shown = plain_text(snippet)
    assert shown.startswith(f"{ELLIPSIS} ") and shown.endswith(f" {ELLIPSIS}")
    body = shown.removeprefix(f"{ELLIPSIS} ").removesuffix(f" {ELLIPSIS}")
    assert body in text and len(body) <= SNIPPET_CHARS and sentence in body
    assert text[text.index(body) - 2 : text.index(body)] == ". "  # a sentence's start
    assert body.endswith(".")  # ends at the end of a sentence
    assert marked(snippet) == [word if lang != "en" else "unlink"]


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_a_snippet_of_a_short_text_has_no_ellipsis(lang: str) -> None:
    sentence, word = TARGET[lang]
    snippet = cut(lang, sentence, word)
    assert ELLIPSIS not in snippet
    assert plain_text(snippet) == sentence


def test_without_a_sentence_nearby_the_cut_falls_between_words() -> None:
    text = " ".join(["longwinded administration"] * 30 + ["unlink"] + ["x y"] * 200)
    snippet = cut("en", text, "unlink")
    shown = plain_text(snippet)
    assert shown.startswith(f"{ELLIPSIS} ") and shown.endswith(f" {ELLIPSIS}")
    body = shown[2:-2]
    start = text.index(body)
    assert start > 0 and text[start - 1] == " "  # not inside a word
    end = start + len(body)
    assert text[end] == " "


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "user",
                "users",
                "account",
                "Zoom",
                "unlink",
                "a",
                "the",
                "ontkoppel",
                "(1,009)",
                "é",
                "ąę",
                "can't",
                "—",
                "\n",
                ".",
                "Odłącz",
                "Sign-in.",
            ]
        ),
        min_size=1,
        max_size=300,
    )  # fmt: skip
)
def test_snippets_never_cut_inside_a_word(words: list[str]) -> None:
    text = " ".join(words)
    snippet = cut("en", text, "unlink", "user")
    if not snippet:
        assert not {"unlink", "user", "users"} & set(analysis.words(text))
        return
    shown = plain_text(snippet)
    head = shown.startswith(f"{ELLIPSIS} ")
    tail = shown.endswith(f" {ELLIPSIS}")
    body = shown[2 if head else 0 : len(shown) - (2 if tail else 0)]
    start = text.find(body)
    assert start >= 0
    assert head == (start > len(text) - len(text.lstrip()))  # text left out before
    assert tail == (start + len(body) < len(text.rstrip()))
    word_char = re.compile(r"\w")
    if start > 0:
        assert not (word_char.match(text[start - 1]) and word_char.match(text[start]))
    end = start + len(body)
    if end < len(text):
        assert not (word_char.match(text[end - 1]) and word_char.match(text[end]))
    for mark in marked(snippet):
        assert mark.lower() in {"unlink", "user", "users"}


@pytest.mark.parametrize(
    ("lang", "text", "unmarked"),
    [
        ("en", "You cannot unlink a user who is not on the account.", "not"),
        ("nl", "U kunt een gebruiker niet ontkoppelen als het niet mag.", "niet"),
        ("pl", "Nie można odłączyć użytkownika, jeśli nie ma konta.", "nie"),
    ],
)
def test_stop_words_are_never_marked(lang: str, text: str, unmarked: str) -> None:
    # Even when the query's terms include them (a stop word typed and indexed).
    words = [*analysis.words(text)]
    snippet = cut(lang, text, *words)
    found = {m.lower() for m in marked(snippet)}
    assert found  # the content words are marked
    assert unmarked not in found
    assert not found & analysis.stop_words(lang)
    assert not found & snippets.UNMARKED[lang]


@pytest.mark.parametrize(
    ("lang", "query"),
    [
        ("en", "can't unlink users"),
        ("nl", "kan gebruiker niet ontkoppelen"),
        ("pl", "nie można usunąć użytkownika"),
    ],
)
def test_search_snippets_mark_no_stop_words(
    search_app: Flask, lang: str, query: str
) -> None:
    with search_app.test_request_context():
        result = search(query, lang)
    assert result.hits
    never = snippets.never_marked(lang, analysis.stop_words(lang))
    for hit in result.hits:
        for mark in marked(hit.snippet):
            assert mark.lower() not in never, (hit.slug, hit.snippet)


@pytest.mark.parametrize(
    ("lang", "query", "suggestion"),
    [
        ("en", "deactivte uesrs", "deactivate users"),
        ("nl", "gebruker deactiveern", "gebruiker deactiveren"),
        ("pl", "uzytkownka dezaktywcja", "użytkownika dezaktywacja"),
    ],
)
def test_did_you_mean_corrects_every_word(
    search_app: Flask, lang: str, query: str, suggestion: str
) -> None:
    with search_app.test_request_context():
        assert search(query, lang).suggestion == suggestion


@pytest.mark.parametrize(
    ("lang", "query"),
    [
        ("en", "deactivte usr"),  # "usr": too short to correct
        ("nl", "gebruker qqxq"),
        ("pl", "dezaktywcja zzqx"),
    ],
)
def test_did_you_mean_is_none_when_a_word_cannot_be_corrected(
    search_app: Flask, lang: str, query: str
) -> None:
    with search_app.test_request_context():
        result = search(query, lang)
    assert result.suggestion is None
    assert result.total > 0  # the correctable word is still searched
