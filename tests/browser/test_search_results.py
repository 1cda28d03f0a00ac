"""The grouped search results in a real browser: narrow screens and the keyboard."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize(
    ("lang", "query"),
    [
        ("en", "unlink a single user"),
        ("nl", "één gebruiker ontkoppelen"),
        ("pl", "odłączanie pojedynczego użytkownika"),
    ],
)
def test_grouped_results_fit_390_px_and_work_by_keyboard(
    page: Any, lang: str, query: str
) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"/{lang}/search?q={query}")
    page.get_by_text("1009", exact=False).first.wait_for()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    groups = page.locator("li.search-group")
    assert groups.count() >= 2
    # The first group's best section, then its compact list, reached by Tab.
    best = groups.first.locator(".search-result-heading a")
    other = groups.first.locator(".search-group-sections a").first
    best.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == other.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{lang}/articles/**#*")


def test_the_error_code_notice_leads_to_the_code_page(page: Any) -> None:
    page.goto("/pl/search?q=(1,009)")
    page.locator(".search-code a").click()
    page.wait_for_url("**/pl/errors/1009")


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
@pytest.mark.parametrize("query", ["a" * 300, "gebruikersaccountverwijdering" * 12])
def test_a_long_unbroken_query_still_fits_390_px(
    page: Any, lang: str, query: str
) -> None:
    # The count line echoes the reader's words (nothing found, or found).
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"/{lang}/search?q={query}")
    page.locator(".search-count").wait_for()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
