"""Real-browser journey: a Polish reader fixes 1009 with the plan beside the portal.

From "(1,009)" typed in the search box, through the error-code page's one button,
to the sandbox with the fix plan as the guide panel, every step taken from the
panel's links, to Accept and the one success screen with its way back to the
article. The number of page loads is printed (``-s``) for the issue's count.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_sandbox_journeys import labels

pytestmark = pytest.mark.browser

Page = Any  # playwright.sync_api.Page, imported lazily by the fixtures


def count_loads(page: Page) -> list[str]:
    """Return a list that gets the URL of every document the tab loads."""
    loads: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: loads.append(frame.url) if frame == page.main_frame else None,
    )
    return loads


def panel_step(page: Page, kind: str) -> Any:
    """Return the guide panel's plan step of one kind of action."""
    return page.locator(f'.sb-guide-steps > li[data-kind="{kind}"]')


def take(page: Page, kind: str, target: str) -> None:
    """Open the page where the panel says one target of a step is done."""
    panel_step(page, kind).get_by_role("link", name=target, exact=True).click()


def test_polish_reader_fixes_1009_with_the_plan_beside_the_portal(
    page: Page,
) -> None:
    from playwright.sync_api import expect

    _ = labels("pl")
    page.set_viewport_size({"width": 1280, "height": 900})
    loads = count_loads(page)
    page.goto("/pl/")
    page.locator("#header-q").fill("(1,009)")
    page.locator("form.search-form").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/pl/search"))
    banner = page.locator('main a[href="/pl/errors/1009"]')
    if banner.count():
        path = "search banner"
        banner.first.click()
    else:
        # Until the search page links a pasted code to its page, the error-code
        # box (in the header of every page) takes the same text.
        path = "search box, then the error-code box"
        page.locator("#header-code").fill("(1,009)")
        page.locator("form.code-form").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/pl/errors/1009$"))

    # One button: the situation and the plan.
    page.get_by_role("button", name=_("Fix it step by step in the sandbox")).click()
    page.wait_for_url(re.compile(r"/pl/sandbox/$"))
    panel = page.locator("aside.sb-guide")
    expect(panel).to_be_visible()
    count = panel.locator(".sb-guide-count")
    expect(count).to_have_text("Pozostałe blokady: 5 z 5")
    assert panel.locator(".sb-guide-steps > li").count() == 4
    assert panel.locator(".sb-guide-blockers .sb-blockers > li").count() == 5
    # Each step names the section of the help that explains it.
    role_step = panel_step(page, "change-role")
    assert role_step.get_attribute("aria-current") == "step"
    assert role_step.locator(
        'a[href="/pl/articles/remove-users#convert-admin"]'
    ).count()

    # At 1280 px the portal keeps its width beside the panel.
    main_box = page.locator(".sb-main").bounding_box()
    panel_box = panel.bounding_box()
    assert main_box is not None and panel_box is not None
    assert main_box["width"] >= 800
    assert panel_box["x"] >= main_box["x"] + main_box["width"] - 1
    assert panel_box["x"] + panel_box["width"] <= 1280

    # 1. Give the admin the role Member (the panel links to the Edit page).
    take(page, "change-role", "ann@acme.example")
    page.locator("#role").select_option("member")
    page.locator("form[action$='/role']").get_by_role("button", name=_("Save")).click()
    expect(role_step).to_have_class("done")
    expect(count).to_have_text("Pozostałe blokady: 5 z 5")  # Ann is still there

    # 2. Unlink the users who are not on the managed domain: both at once, as the
    # article's procedure for several users does it (the portal's bulk action).
    panel_step(page, "disassociate").get_by_role(
        "link", name=_("All of them at once (%(num)s)") % {"num": "2"}
    ).click()
    page.get_by_role("button", name=_("Unlink Without Data Transfer")).click()
    expect(count).to_have_text("Pozostałe blokady: 3 z 5")
    expect(panel_step(page, "disassociate")).to_have_class("done")

    # 3. Delete the managed-domain users: the dialog opens with the plan's transfer.
    panel_step(page, "delete").get_by_role(
        "link", name=_("All of them at once (%(num)s)") % {"num": "2"}
    ).click()
    expect(page.locator("#transfer-email")).to_have_value("owner@acme.example")
    page.get_by_role("button", name=_("Transfer Data and Delete")).click()
    expect(count).to_have_text("Pozostałe blokady: 1 z 5")
    assert "owner@acme.example" in page.locator(".sb-notice-success").inner_text()

    # The panel stays in view on a long page.
    page.mouse.wheel(0, 3000)
    panel_box = panel.bounding_box()
    assert panel_box is not None and panel_box["y"] < 900

    # 4. Delete the Zoom Room.
    take(page, "delete-room", "room-1")
    page.get_by_role("button", name=_("Delete"), exact=True).click()
    expect(count).to_have_text("Pozostałe blokady: 0 z 5")
    classes = [
        panel.locator(".sb-guide-steps > li").nth(i).get_attribute("class")
        for i in range(4)
    ]
    assert classes == ["done"] * 4

    # Accept: one success screen says what changed, announced once.
    before_accept = len(loads)
    page.get_by_role("button", name=_("Accept")).click()
    page.wait_for_url(re.compile(r"/pl/sandbox/guide/done$"))
    assert len(loads) == before_accept + 1
    assert page.locator("[role=status], [role=alert], [aria-live]").count() == 1
    status = page.locator("[role=status]").inner_text()
    assert "Błąd 1009 został naprawiony" in status
    assert "Odłączono 2 użytkowników" in status
    assert "Usunięto 2 użytkowników z domeny zarządzanej." in status
    assert "Zaproszenie zostało przyjęte: dołączono do drugiego konta." in status
    page.screenshot(path="/tmp/sandbox-pl-plan-done.png", full_page=True)
    to_accept = len(loads)
    page.get_by_role("link", name=re.compile("^Wróć do artykułu")).click()
    page.wait_for_url(re.compile(r"/pl/articles/error-1009$"))
    print(f"\n[{path}] page loads to the success screen: {to_accept}")


def test_below_900_px_the_plan_folds_into_a_bar_above_the_page(page: Page) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/nl/errors/1009")
    page.get_by_role(
        "button", name="Stap voor stap oplossen in de oefenomgeving"
    ).click()
    page.wait_for_url(re.compile(r"/nl/sandbox/$"))
    bar = page.locator("aside.sb-guide summary")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("Nog te verhelpen: 5 van 5")
    # Folded: the steps are hidden until the bar is opened (keyboard works too).
    steps = page.locator(".sb-guide-steps")
    expect(steps).to_be_hidden()
    panel_box = page.locator("aside.sb-guide").bounding_box()
    main_box = page.locator(".sb-main").bounding_box()
    assert panel_box is not None and main_box is not None
    assert panel_box["y"] < main_box["y"]  # above the page
    bar.focus()
    page.keyboard.press("Enter")
    expect(steps).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
