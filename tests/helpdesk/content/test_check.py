"""The content check on the real articles and on deliberately broken copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpdesk.content.check import CANONICAL_SECTIONS, check_content
from helpdesk.content.library import ContentLibrary
from helpdesk.settings import LANGUAGES
from simulator import RULES
from tests.conftest import ARTICLES


def test_the_shipped_articles_pass_the_check():
    assert check_content(ARTICLES) == []


def test_every_translation_shares_section_ids_and_step_kinds():
    library = ContentLibrary.load(ARTICLES)
    for slug in CANONICAL_SECTIONS:
        versions = [library.get(slug, lang) for lang in LANGUAGES]
        assert all(versions), slug
        assert len({v.section_ids for v in versions}) == 1
        for section_id in versions[0].section_ids:
            kinds = {v.section(section_id).step_kinds for v in versions}
            assert len(kinds) == 1, (slug, section_id)


def test_every_section_a_rule_links_to_is_kept_by_the_check():
    # A rule's refusal links to its section: renaming or dropping one must fail.
    for rule in RULES.values():
        for source in (rule.source, *rule.also):
            slug, section = source.split("#")
            assert section in CANONICAL_SECTIONS[slug], source


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_missing_language_is_reported(content_dir):
    (content_dir / "remove-rooms" / "nl.md").unlink()
    problems = [str(p) for p in check_content(content_dir)]
    assert problems == ["remove-rooms/nl.md: translation is missing"]


def test_differing_section_ids_are_reported(content_dir):
    rewrite(content_dir / "error-1009" / "pl.md", "{#solution}", "{#rozwiazanie}")
    messages = " ".join(str(p) for p in check_content(content_dir))
    assert "error-1009/pl.md: section ids" in messages
    assert "canonical section 'solution'" not in messages or "en.md" not in messages


def test_differing_step_kinds_are_reported(content_dir):
    rewrite(
        content_dir / "remove-users" / "nl.md", "step: find-user", "step: open-more"
    )
    messages = " ".join(str(p) for p in check_content(content_dir))
    assert "remove-users/nl.md#" in messages and "step kinds" in messages


def test_unknown_step_kind_is_reported(content_dir):
    rewrite(content_dir / "remove-rooms" / "en.md", "step: find-room", "step: dance")
    messages = " ".join(str(p) for p in check_content(content_dir))
    assert "unknown step kinds ['dance']" in messages


def test_broken_internal_link_is_reported(content_dir):
    rewrite(
        content_dir / "remove-rooms" / "en.md", "error-1009#cause", "error-1009#gone"
    )
    messages = " ".join(str(p) for p in check_content(content_dir))
    assert "broken internal link 'error-1009#gone'" in messages


def test_invalid_front_matter_is_reported(content_dir):
    rewrite(content_dir / "error-1009" / "en.md", "updated: 2026-12-02", "updated: x")
    messages = " ".join(str(p) for p in check_content(content_dir))
    assert "error-1009/en.md" in messages and "updated" in messages


def test_missing_canonical_section_is_reported(content_dir):
    for lang in LANGUAGES:
        rewrite(
            content_dir / "remove-rooms" / f"{lang}.md", "{#delete-room", "{#x-room"
        )
    messages = " ".join(str(p) for p in check_content(content_dir))
    assert "canonical section 'delete-room' is missing" in messages


@pytest.mark.parametrize("broken", [False, True])
def test_cli_command_exits_by_the_result(runner, content_dir, broken):
    if broken:
        (content_dir / "remove-rooms" / "pl.md").unlink()
    result = runner.invoke(args=["content", "check", "--dir", str(content_dir)])
    assert result.exit_code == (1 if broken else 0)
    if broken:
        assert "remove-rooms/pl.md: translation is missing" in result.output
    else:
        assert "content OK" in result.output
