"""Parsing front matter and Markdown into sections, steps and links."""

from __future__ import annotations

import datetime as dt

import pytest

from helpdesk.content.parser import ContentError, parse_article
from helpdesk.settings import LANGUAGES

GOOD = """---
title: Remove a Zoom Room
summary: How to delete a room.
updated: 2026-11-21
source: en
---
Lead with a [link](#delete-room).

## Delete a room {#delete-room .procedure}
1. Sign in. <!-- step: sign-in -->
2. Open **Room Management**. <!-- step: open-rooms -->

> **Note:** see [error 1009](error-1009#cause).

## Why {#why}
Text with <script>alert(1)</script> in it.
"""


def parse(text: str = GOOD):
    return parse_article(text, "remove-rooms", "nl", LANGUAGES)


def test_front_matter_becomes_article_metadata():
    article = parse()
    assert article.title == "Remove a Zoom Room"
    assert article.updated == dt.date(2026, 11, 21)
    assert article.source == "en"
    assert article.error_codes == ()


def test_sections_keep_their_ids_levels_and_procedure_flag():
    article = parse()
    assert article.section_ids == ("delete-room", "why")
    room = article.section("delete-room")
    assert room.procedure and room.level == 2
    assert room.step_kinds == ("sign-in", "open-rooms")
    assert room.steps[1].text == "Open Room Management."
    assert not article.section("why").procedure


def test_step_comments_become_data_attributes_not_visible_text():
    html = parse().section("delete-room").html
    assert 'data-step="open-rooms"' in html
    assert "<!--" not in html


def test_internal_links_point_at_the_readers_language():
    article = parse()
    assert '/nl/articles/error-1009#cause"' in article.section("delete-room").html
    assert '/nl/articles/remove-rooms#delete-room"' in article.lead_html
    assert set(article.links) == {"remove-rooms#delete-room", "error-1009#cause"}


def test_plain_text_has_no_markup():
    assert "<strong>" not in parse().section("delete-room").text
    assert "Room Management" in parse().section("delete-room").text


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD.replace("---\ntitle", "title", 1), "front matter"),
        (GOOD.replace("updated: 2026-11-21", "updated: soon"), "updated"),
        (GOOD.replace("summary: How to delete a room.\n", ""), "summary"),
        (GOOD.replace("source: en", "source: de"), "source"),
        (GOOD.replace("source: en", "source: en\nauthor: x"), "unknown fields"),
        (GOOD.replace("source: en", "error_codes: [abc]"), "error_codes"),
        (GOOD.replace(" {#why}", ""), "needs one id"),
        (GOOD.replace("{#why}", "{#why .procedure}"), "no steps"),
        (GOOD.replace(" .procedure}", "}"), "not .procedure"),
        (GOOD.replace("title: Remove", "title: [Remove"), "not valid YAML"),
    ],
)
def test_invalid_content_is_rejected_with_a_clear_message(broken, message):
    with pytest.raises(ContentError, match=message):
        parse(broken)


def test_origin_names_the_zoom_article_and_its_language():
    article = parse(
        GOOD.replace("source: en\n", 'source: en\norigin: {title: "X", lang: nl}\n')
    )
    assert article.origin is not None
    assert (article.origin.title, article.origin.lang) == ("X", "nl")
    assert parse().origin is None


@pytest.mark.parametrize(
    "origin",
    ['"X"', "{title: X}", "{title: X, lang: de}", '{title: "", lang: nl}',
     "{title: X, lang: nl, url: y}"],
)  # fmt: skip
def test_a_malformed_origin_is_refused(origin):
    with pytest.raises(ContentError, match="origin"):
        parse(GOOD.replace("source: en\n", f"source: en\norigin: {origin}\n"))
