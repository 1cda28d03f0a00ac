"""Articles: parsing, the in-memory library and the content check."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from helpdesk.content import freshness
from helpdesk.content.check import check_content
from helpdesk.content.library import ContentLibrary, Translation
from helpdesk.content.model import Article, Origin, Section, Step
from helpdesk.content.parser import ContentError

__all__ = [
    "Article",
    "ContentError",
    "ContentLibrary",
    "Origin",
    "Section",
    "Step",
    "Translation",
    "check_content",
    "get_library",
    "init_app",
]

content_cli = AppGroup("content", help="Check the articles and their translations.")

_EXTENSION_KEY = "helpdesk.content"


@content_cli.command("check")
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=None)
def check_command(directory: str | None) -> None:
    """Fail with a clear message on any problem in the articles."""
    root = Path(directory or current_app.config["CONTENT_DIR"])
    problems = check_content(root, tuple(current_app.config["LANGUAGES"]))
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {root}", err=True)
        sys.exit(1)
    click.echo(f"content OK: {root}")


@content_cli.command("status")
@click.option("--strict", is_flag=True, help="Exit 1 when a section is outdated.")
def status_command(strict: bool) -> None:
    """Print every translated section: up to date, outdated or missing."""
    library = _load_library()
    states = freshness.status(library)
    rows = [("article", "language", "from", "section", "state")]
    rows += [(s.slug, s.lang, s.source, s.section, s.state.value) for s in states]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo(
            "  ".join(
                cell.ljust(w) for cell, w in zip(row, widths, strict=True)
            ).rstrip()
        )
    counts = {state: 0 for state in freshness.State}
    for s in states:
        counts[s.state] += 1
    click.echo(", ".join(f"{n} {state.value}" for state, n in counts.items()))
    if strict and counts[freshness.State.OUTDATED]:
        sys.exit(1)


@content_cli.command("sync")
@click.argument("slug")
@click.argument("lang")
@click.argument("sections", nargs=-1)
def sync_command(slug: str, lang: str, sections: tuple[str, ...]) -> None:
    """Record a translation as current with its source (all sections if none named)."""
    library = _load_library()
    try:
        recorded = freshness.sync(library, slug, lang, sections)
    except freshness.FreshnessError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{slug}/{lang}: {len(recorded)} section(s) recorded as current")


def _load_library() -> ContentLibrary:
    """Parse the content folder afresh (a CLI run must see edits made just now)."""
    return ContentLibrary.load(
        Path(current_app.config["CONTENT_DIR"]), tuple(current_app.config["LANGUAGES"])
    )


def init_app(app: Flask) -> None:
    """Register the content CLI; the library is parsed on first use."""
    app.cli.add_command(content_cli)


def get_library() -> ContentLibrary:
    """Return the app's content library, parsing the content folder once."""
    library = current_app.extensions.get(_EXTENSION_KEY)
    if library is None:
        library = ContentLibrary.load_cached(
            Path(current_app.config["CONTENT_DIR"]),
            tuple(current_app.config["LANGUAGES"]),
        )
        current_app.extensions[_EXTENSION_KEY] = library
    return library
