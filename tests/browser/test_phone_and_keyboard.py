"""The sandbox on a 390 px phone and with the keyboard alone (issue 9)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from helpdesk.settings import LANGUAGES
from tests.browser.test_sandbox_journeys import labels

pytestmark = pytest.mark.browser

Page = Any  # playwright.sync_api.Page, imported lazily by the fixtures

PHONE = {"width": 390, "height": 844}
LAST_USER = "bob@other.example"  # the last row of the error-1009 scenario


def active(page: Page) -> dict[str, str]:
    """Describe the focused element: tag, text, class and the row it is in."""
    return page.evaluate(
        """() => {
          const e = document.activeElement;
          const row = e.closest("tr");
          return {tag: e.tagName.toLowerCase(), text: e.textContent.trim(),
                  cls: e.className || "", row: row ? row.rowIndex : -1,
                  inTable: !!e.closest("table")};
        }"""
    )


@pytest.fixture
def phone(browser: Any, live_server: str) -> Any:
    """A page in a 390 x 844 window (an iPhone 12 to 15)."""
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_users_page_fits_a_phone_and_the_last_rows_menu_works(
    phone: Page, lang: str
) -> None:
    _ = labels(lang)
    phone.goto(f"/{lang}/sandbox/users")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The page title is in the first screen (issue 9: it was ~700 px down).
    heading = phone.locator("h1").bounding_box()
    assert heading is not None and heading["y"] + heading["height"] <= PHONE["height"]
    # The last row's More (...) can be reached, opened, and an item in it used.
    last = phone.locator("table.sb-users tbody tr").last
    assert LAST_USER in last.inner_text()
    last.locator("details.sb-more > summary").click()
    item = last.get_by_role("link", name=_("Edit role and licenses"))
    box = item.bounding_box()
    assert box is not None and box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    item.click()
    phone.wait_for_url(
        re.compile(rf"/{lang}/sandbox/users/{re.escape(LAST_USER)}/edit")
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_sandbox_tools_menu_holds_clock_user_scenario_and_reset(
    phone: Page,
) -> None:
    phone.goto("/en/sandbox/")
    tools = phone.locator("details.sb-tools")
    assert not phone.locator("#sb-days").is_visible()  # folded away on a phone
    tools.locator("summary").click()
    phone.locator("#sb-days").fill("3")
    phone.get_by_role("button", name="Advance").click()
    assert phone.locator(".sb-day").inner_text() == "Day 3"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_escape_closes_the_row_menu_and_gives_focus_back(page: Page) -> None:
    page.goto("/en/sandbox/users")
    menu = page.locator("tr", has_text="ann@acme.example").locator("details.sb-more")
    summary = menu.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("open") is not None
    page.keyboard.press("ArrowDown")  # into the menu
    # Each item names its user: "Deactivate ann@acme.example", not five "Deactivate".
    assert active(page)["text"] == "Edit role and licenses ann@acme.example"
    page.keyboard.press("ArrowDown")
    assert active(page)["text"] == "Deactivate ann@acme.example"
    page.keyboard.press("Escape")
    assert menu.get_attribute("open") is None
    assert active(page)["tag"] == "summary"
    assert "ann@acme.example" in active(page)["text"]
    # Tabbing out of the open menu closes it.
    page.keyboard.press("Enter")
    assert menu.get_attribute("open") is not None
    page.keyboard.press("Shift+Tab")  # out of the table, to the bulk buttons
    assert not active(page)["inTable"]
    assert menu.get_attribute("open") is None
    # A click elsewhere closes an open menu too, and opening one closes the other.
    summary.click()
    other = page.locator("tr", has_text="owner@acme.example").locator("details.sb-more")
    other.locator("summary").click()
    assert menu.get_attribute("open") is None
    page.locator("h1").click()
    assert other.get_attribute("open") is None


def test_escape_closes_the_sandbox_tools_menu(page: Page) -> None:
    page.goto("/en/sandbox/users")
    tools = page.locator("details.sb-tools")
    tools.locator("summary").click()
    page.locator("#sb-days").focus()
    page.keyboard.press("Escape")
    assert tools.get_attribute("open") is None
    assert active(page)["text"] == "Sandbox tools"


def test_a_rows_actions_are_a_few_tab_stops_away(page: Page) -> None:
    page.goto("/en/sandbox/users")
    presses = 0
    while not active(page)["inTable"]:
        page.keyboard.press("Tab")
        presses += 1
        if active(page)["text"] == "Skip to the users table":
            page.keyboard.press("Enter")
        assert presses <= 5, active(page)
    # Tab to "Skip to content", Tab to "Skip to the users table", Enter: in the table.
    # (Issue 9: a row's More (...) was the 33rd Tab stop.)
    assert presses == 2
    assert active(page) | {"text": ""} == {
        "tag": "input",
        "text": "",
        "cls": "",
        "row": 1,
        "inTable": True,
    }
    page.keyboard.press("End")  # the row's last control: More (...)
    assert active(page)["tag"] == "summary" and active(page)["row"] == 1
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    focused = active(page)
    assert (focused["tag"], focused["row"]) == ("summary", 5)
    assert LAST_USER in focused["text"]
    page.keyboard.press("ArrowLeft")  # the deactivated user's Activate button
    assert active(page)["text"].startswith("Activate")
    page.keyboard.press("ArrowUp")  # no Activate above: that row's More (...)
    assert (active(page)["tag"], active(page)["row"]) == ("summary", 4)
    # The table is one Tab stop: Tab leaves it.
    page.keyboard.press("Tab")
    assert not active(page)["inTable"]
    page.keyboard.press("Shift+Tab")
    assert (active(page)["tag"], active(page)["row"]) == ("summary", 4)
    # Open the row menu from the keyboard and use an item.
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/sandbox/users/sanne@partner.example/edit"))


def test_confirmation_and_result_pages_move_focus_to_what_they_say(page: Page) -> None:
    page.goto("/en/sandbox/users/piotr@acme.example/deactivate")
    focused = active(page)
    assert focused["tag"] == "h1"
    assert focused["text"] == "Deactivate piotr@acme.example?"
    page.get_by_role("button", name="Deactivate", exact=True).click()
    page.wait_for_url(re.compile(r"/en/sandbox/users$"))
    # The result: the notice saying what happened is focused, so it is read first.
    assert "sb-notices" in active(page)["cls"]
    assert "piotr@acme.example" in active(page)["text"]
    # A page opened at a fragment keeps the reader there.
    page.goto("/en/sandbox/users/piotr@acme.example/delete#transfer-email")
    assert active(page)["tag"] != "h1"


@pytest.mark.parametrize("width", [390, 768, 1024, 1101, 1280])
def test_the_users_table_fits_its_box_at_every_width(
    browser: Any, live_server: str, width: int
) -> None:
    context = browser.new_context(
        base_url=live_server, viewport={"width": width, "height": 900}
    )
    try:
        tab = context.new_page()
        tab.goto("/pl/sandbox/users")  # the longest labels
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        # Not wider than the portal's main column either (it once was, hidden).
        table, column = tab.evaluate(
            """() => [document.querySelector("table.sb-users"),
                      document.querySelector(".sb-main")]
                     .map(e => Math.round(e.getBoundingClientRect().right))"""
        )
        assert table <= column
    finally:
        context.close()


def test_the_last_rows_menu_is_not_cut_off_on_a_wide_screen(page: Page) -> None:
    page.goto("/en/sandbox/users")
    last = page.locator("table.sb-users tbody tr").last
    last.locator("details.sb-more > summary").click()
    # The menu's last item hangs below the portal frame: it must not be clipped.
    last.get_by_role("link", name=f"Delete {LAST_USER}").click()
    page.wait_for_url(re.compile(rf"/en/sandbox/users/{re.escape(LAST_USER)}/delete"))
