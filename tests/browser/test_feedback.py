"""'Was this helpful?' in a real browser: answered in place, stored, thanked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpdesk.database import SQLiteDatabase
from helpdesk.feedback.store import SQLiteFeedbackStore

pytestmark = pytest.mark.browser


def test_a_polish_reader_answers_no_with_a_reason_without_leaving_the_page(
    page: Any, tmp_path: Path
) -> None:
    page.goto("/pl/articles/remove-rooms")
    url = page.url
    feedback = page.locator("#feedback")  # the whole article's form, at the end
    feedback.get_by_text("Nie", exact=True).click()
    feedback.get_by_label("Niejasne").check()
    feedback.get_by_label("Komentarz (opcjonalnie)").fill("Brakuje zrzutu ekranu.")
    feedback.get_by_role("button", name="Wyślij opinię").click()
    status = feedback.locator(".feedback-status")
    status.filter(has_text="Dziękujemy za opinię.").wait_for()
    assert page.url == url  # answered in place: no navigation
    assert feedback.locator("form").count() == 0
    # The live server (tests/browser/conftest.py) keeps its data in tmp_path.
    database = SQLiteDatabase(str(tmp_path / "instance" / "content_loop.sqlite3"))
    [entry] = SQLiteFeedbackStore(database).comments("pl")
    assert (entry.slug, entry.section, entry.reason) == ("remove-rooms", "", "unclear")
    assert entry.comment == "Brakuje zrzutu ekranu."
