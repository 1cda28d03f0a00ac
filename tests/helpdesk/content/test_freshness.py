"""Per-section translation freshness: the lock, the notice on pages, status and sync."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from helpdesk import create_app
from helpdesk.content import ContentLibrary, check_content
from helpdesk.content.freshness import State, section_digest, status
from helpdesk.content.library import content_signature
from helpdesk.content.lock import LOCK_NAME
from helpdesk.settings import LANGUAGES

#: remove-rooms is written in English and translated into Dutch and Polish.
SLUG, SECTION, OTHER_SECTION = "remove-rooms", "delete-room", "why-1009"

NOTICES = {
    "nl": "Deze sectie is in het Engels gewijzigd sinds ze is vertaald.",
    "pl": "Od czasu przetłumaczenia ta sekcja zmieniła się w wersji oryginalnej "
    "(język angielski).",
}


@pytest.fixture
def app_config(app_config: dict[str, object], content_dir: Path) -> dict[str, object]:
    """Private content; no index rebuild when a test edits it."""
    return {**app_config, "CONTENT_DIR": str(content_dir), "SEARCH_AUTO_BUILD": False}


def change_a_sentence(content_dir: Path, slug: str, lang: str, section: str) -> None:
    """Add a sentence at the end of one section of one file."""
    path = content_dir / slug / f"{lang}.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if f"{{#{section}" in line)
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith("#")),
        len(lines),
    )
    lines[end:end] = ["", "Check the list once more when you are done.", ""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def outdated_on_page(app_config: dict[str, object], lang: str) -> list[str]:
    """Return the ids of the sections marked outdated on the article page.

    A new app each time: an app keeps the library it parsed first.
    """
    client = create_app(app_config).test_client()
    body = client.get(f"/{lang}/articles/{SLUG}").get_data(as_text=True)
    sections = re.findall(r"<section [^>]*>.*?</section>", body, re.DOTALL)
    marked = []
    for section in sections:
        section_id = re.search(r'aria-labelledby="([^"]+)"', section)
        assert section_id
        if 'data-translation="outdated"' in section:
            marked.append(section_id.group(1))
            if lang in NOTICES:
                assert NOTICES[lang] in section
            href = f'href="/en/articles/{SLUG}#{section_id.group(1)}" hreflang="en"'
            assert href in section
        else:
            assert "translation-outdated" not in section
    return marked


def test_the_shipped_translations_are_all_up_to_date(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["content", "status", "--strict"])
    assert result.exit_code == 0, result.output
    assert " outdated" not in result.output.replace("0 outdated", "")
    assert " missing" not in result.output.replace("0 missing", "")
    assert re.search(
        r"remove-rooms\s+nl\s+en\s+delete-room\s+up to date", result.output
    )
    assert re.search(r"error-1009\s+pl\s+nl\s+cause\s+up to date", result.output)
    assert re.search(r"remove-users\s+en\s+pl\s+bulk-csv\s+up to date", result.output)


def test_every_translation_of_the_shipped_articles_has_a_lock() -> None:
    library = ContentLibrary.load(Path(__file__).parents[3] / "articles")
    states = status(library)
    assert states and all(s.state is State.UP_TO_DATE for s in states)
    translated = {(s.slug, s.lang) for s in states}
    assert len(translated) == 2 * len(library.slugs)  # one original per article


def test_changing_a_sentence_of_an_english_section_marks_exactly_that_section(
    app_config: dict[str, object], content_dir: Path, runner: FlaskCliRunner
) -> None:
    for lang in LANGUAGES:
        assert outdated_on_page(app_config, lang) == []

    change_a_sentence(content_dir, SLUG, "en", SECTION)

    assert outdated_on_page(app_config, "en") == []
    assert outdated_on_page(app_config, "nl") == [SECTION]
    assert outdated_on_page(app_config, "pl") == [SECTION]
    result = runner.invoke(args=["content", "status"])
    assert result.exit_code == 0
    assert re.search(rf"{SLUG}\s+nl\s+en\s+{SECTION}\s+outdated", result.output)
    assert re.search(rf"{SLUG}\s+pl\s+en\s+{OTHER_SECTION}\s+up to date", result.output)
    strict = runner.invoke(args=["content", "status", "--strict"])
    assert strict.exit_code == 1
    assert runner.invoke(args=["content", "check"]).exit_code == 0  # not a problem

    synced = runner.invoke(args=["content", "sync", SLUG, "nl", SECTION])
    assert synced.exit_code == 0, synced.output
    assert outdated_on_page(app_config, "nl") == []
    assert outdated_on_page(app_config, "pl") == [SECTION]
    assert runner.invoke(args=["content", "status", "--strict"]).exit_code == 1

    assert runner.invoke(args=["content", "sync", SLUG, "pl"]).exit_code == 0
    assert outdated_on_page(app_config, "pl") == []
    result = runner.invoke(args=["content", "status", "--strict"])
    assert result.exit_code == 0, result.output


def test_a_change_in_a_dutch_source_marks_the_english_and_polish_translations(
    app_config: dict[str, object], content_dir: Path
) -> None:
    # error-1009 was written in Dutch: its English page links to the Dutch section.
    change_a_sentence(content_dir, "error-1009", "nl", "solution")
    client = create_app(app_config).test_client()
    body = client.get("/en/articles/error-1009").get_data(as_text=True)
    assert body.count('data-translation="outdated"') == 1
    assert "This section changed in Dutch since it was translated." in body
    assert 'href="/nl/articles/error-1009#solution" hreflang="nl"' in body
    nl = client.get("/nl/articles/error-1009").get_data(as_text=True)
    assert "data-translation" not in nl


def test_the_lock_is_part_of_the_content_signature(content_dir: Path) -> None:
    before = content_signature(content_dir)
    assert any(name.endswith(LOCK_NAME) for name, _, _ in before)
    (content_dir / SLUG / LOCK_NAME).unlink()
    assert content_signature(content_dir) != before


def lock_of(content_dir: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((content_dir / SLUG / LOCK_NAME).read_text(encoding="utf-8"))


def write_lock(content_dir: Path, data: dict) -> None:  # type: ignore[type-arg]
    (content_dir / SLUG / LOCK_NAME).write_text(json.dumps(data), encoding="utf-8")


def problems(content_dir: Path) -> list[str]:
    return [str(p) for p in check_content(content_dir)]


def test_a_hash_of_a_version_that_never_existed_fails_the_check(
    content_dir: Path,
) -> None:
    data = lock_of(content_dir)
    data["translations"]["nl"]["sections"][SECTION] = "0" * 64
    write_lock(content_dir, data)
    assert problems(content_dir) == [
        f"{SLUG}/{LOCK_NAME}: nl: section '{SECTION}' claims a version of en.md "
        "that never existed"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["translations"]["pl"]["sections"].update({SECTION: "abc"}),
            f"pl: section '{SECTION}': 'abc' is not a SHA-256 digest",
        ),
        (
            lambda d: d["translations"]["pl"]["sections"].update({"gone": "0" * 64}),
            "pl: section 'gone' is not in en.md",
        ),
        (
            lambda d: d["translations"]["pl"].update({"from": "nl"}),
            "pl: recorded as translated from 'nl', but the front matter says 'en'",
        ),
        (
            lambda d: d["translations"].update({"en": d["translations"]["pl"]}),
            "en: en.md is an original, not a translation",
        ),
        (lambda d: d.update({"format": 7}), "cannot be read"),
    ],
)
def test_a_lock_that_cannot_be_true_fails_the_check(
    content_dir: Path, change, expected: str
) -> None:  # type: ignore[no-untyped-def]
    data = lock_of(content_dir)
    change(data)
    write_lock(content_dir, data)
    found = problems(content_dir)
    assert len(found) == 1 and expected in found[0], found


def test_an_older_synced_version_is_outdated_but_not_a_problem(
    content_dir: Path, runner: FlaskCliRunner, app_config: dict[str, object]
) -> None:
    before = lock_of(content_dir)
    old = before["translations"]["pl"]["sections"][SECTION]
    known = before["versions"]["en"][SECTION]
    change_a_sentence(content_dir, SLUG, "en", SECTION)
    assert runner.invoke(args=["content", "sync", SLUG, "nl"]).exit_code == 0
    data = lock_of(content_dir)
    assert data["translations"]["pl"]["sections"][SECTION] == old
    # Every version synced before is kept; the new one is added after them.
    assert data["versions"]["en"][SECTION][: len(known)] == known
    assert old in known
    assert len(data["versions"]["en"][SECTION]) == len(known) + 1
    assert problems(content_dir) == []
    library = ContentLibrary.load(content_dir)
    source = library.get(SLUG, "en")
    assert source is not None
    section = source.section(SECTION)
    assert section is not None
    assert data["translations"]["nl"]["sections"][SECTION] == section_digest(section)


def test_whitespace_alone_is_not_a_change(content_dir: Path) -> None:
    path = content_dir / SLUG / "en.md"
    text = path.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    lines = [
        line.replace(". ", ".\n   ") if line[:1].isalpha() else line
        for line in body.splitlines()
    ]
    rewrapped = front + "\n---\n" + "\n".join(lines) + "\n"
    assert rewrapped != text
    path.write_text(rewrapped, encoding="utf-8")
    states = status(ContentLibrary.load(content_dir))
    assert all(s.state is State.UP_TO_DATE for s in states)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["content", "sync", "nope", "nl"], "no article 'nope'"),
        (["content", "sync", SLUG, "en"], "is an original"),
        (["content", "sync", SLUG, "nl", "nope"], "has no section nope"),
    ],
)
def test_sync_refuses_what_it_cannot_record(
    runner: FlaskCliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output


def test_a_missing_lock_shows_sections_as_missing_and_no_notice(
    content_dir: Path, runner: FlaskCliRunner, app_config: dict[str, object]
) -> None:
    (content_dir / SLUG / LOCK_NAME).unlink()
    result = runner.invoke(args=["content", "status", "--strict"])
    assert result.exit_code == 0
    assert re.search(rf"{SLUG}\s+pl\s+en\s+{SECTION}\s+missing", result.output)
    assert outdated_on_page(app_config, "pl") == []
    assert problems(content_dir) == []
