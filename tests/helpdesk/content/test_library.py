"""The content library: which articles exist in which language."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpdesk.content import ContentLibrary

ARTICLES = Path(__file__).parents[3] / "articles"


def test_written_in_names_the_articles_of_a_language_without_fallbacks(
    tmp_path: Path,
) -> None:
    shutil.copytree(ARTICLES / "remove-rooms", tmp_path / "remove-rooms")
    (tmp_path / "error-1009").mkdir()
    shutil.copy(ARTICLES / "error-1009" / "en.md", tmp_path / "error-1009")
    library = ContentLibrary.load(tmp_path)
    assert library.written_in("en") == {"remove-rooms", "error-1009"}
    assert library.written_in("pl") == {"remove-rooms"}
    # The Polish reader is still offered the English article (a fallback).
    assert {t.article.slug for t in library.translations("pl")} == {
        "remove-rooms",
        "error-1009",
    }
    assert library.written_in("pl") is library.written_in("pl")
