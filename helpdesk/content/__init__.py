"""Articles: parsing, the in-memory library and the content check."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from helpdesk.content.check import check_content
from helpdesk.content.library import ContentLibrary, Translation
from helpdesk.content.model import Article, Section, Step
from helpdesk.content.parser import ContentError

__all__ = [
    "Article",
    "ContentError",
    "ContentLibrary",
    "Section",
    "Step",
    "Translation",
    "check_content",
    "get_library",
    "init_app",
]

content_cli = AppGroup("content", help="Check the articles.")

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
