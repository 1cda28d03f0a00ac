"""Real-browser journeys: the 1009 fix in each language, a guided one in Dutch."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from babel.support import Translations

from helpdesk.i18n_check import TRANSLATIONS
from helpdesk.settings import LANGUAGES

pytestmark = pytest.mark.browser

Page = Any  # playwright.sync_api.Page, imported lazily by the fixtures


def row(page: Page, email: str) -> Any:
    """Return the Users table row of a user."""
    return page.locator("tr", has=page.get_by_text(email, exact=True))


def open_menu(page: Page, email: str) -> Any:
    """Open the More (...) menu of a user's row; return the row."""
    target = row(page, email)
    target.locator("details.sb-more > summary").click()
    return target


def go_to_users(page: Page, label: str) -> None:
    """Click User Management → Users in the portal's menu."""
    page.locator("nav.sb-nav").get_by_role("link", name=label, exact=True).click()


def labels(lang: str) -> Callable[[str], str]:
    """Return gettext for ``lang`` from the compiled catalogs the site itself uses."""
    translations = Translations.load(str(TRANSLATIONS), [lang])
    return translations.gettext


@pytest.mark.parametrize("lang", LANGUAGES)
def test_fixing_error_1009(page: Page, lang: str) -> None:
    _ = labels(lang)
    # Look the code up in the header box, as pasted from Zoom's message.
    page.goto(f"/{lang}/")
    page.locator("#header-code").fill("(1,009)")
    page.locator("form.code-form").get_by_role("button").click()
    page.wait_for_url(re.compile(rf"/{lang}/errors/1009"))
    # The diagnosis: the plan for the typical account, on the error-code page.
    plan = page.locator("#plan")
    plan.scroll_into_view_if_needed()
    assert plan.locator("li.ec-step").count() >= 4
    page.get_by_role("button", name=_("Fix it step by step in the sandbox")).click()
    page.wait_for_url(re.compile(rf"/{lang}/sandbox/"))

    # Accepting now fails with 1009 and lists what blocks it, with the fixes.
    page.get_by_role("button", name=_("Accept")).click()
    refusal = page.locator(".sb-notice-refusal")
    assert "1009" in refusal.inner_text()
    blockers = refusal.locator(".sb-blockers li")
    assert blockers.count() == 5
    assert refusal.locator(
        f'a[href="/{lang}/articles/remove-users#convert-admin"]'
    ).count()
    page.screenshot(path=f"/tmp/sandbox-{lang}-1009.png", full_page=True)

    # 1. Convert the admin to a member (only the owner can).
    go_to_users(page, _("Users"))
    row(page, "ann@acme.example").get_by_role(
        "link", name=re.compile("^" + re.escape(_("Edit")))
    ).click()
    page.locator("#role").select_option("member")
    page.locator("form[action$='/role']").get_by_role("button", name=_("Save")).click()
    assert "ann@acme.example" in page.locator(".sb-notice-success").inner_text()

    # 2. Unlink the users who are not on the managed domain; they keep their data.
    for email in ("sanne@partner.example", "bob@other.example"):
        go_to_users(page, _("Users"))
        open_menu(page, email).get_by_role(
            "link", name=_("Unlink from your account")
        ).click()
        assert page.locator(".sb-consequences").is_visible()
        page.get_by_role("button", name=_("Unlink Without Data Transfer")).click()
        unlinked = _("%(email)s was unlinked from your account.") % {"email": email}
        assert unlinked in page.locator(".sb-notice-success").inner_text()

    # 3. Delete the managed-domain users, transferring their data to the owner.
    # The dialog foretells the transfer; the notice then says it was done.
    will = _("Will be transferred to %(email)s") % {"email": "owner@acme.example"}
    transferred = _("Transferred to %(email)s: %(items)s.").split("%(items)s")[0] % {
        "email": "owner@acme.example"
    }
    for email, boxes in (
        (
            "piotr@acme.example",
            ("#transfer-meeting", "#transfer-webinar", "#transfer-recording"),
        ),
        ("ann@acme.example", ("#transfer-meeting", "#transfer-recording")),
    ):
        go_to_users(page, _("Users"))
        open_menu(page, email).get_by_role("link", name=_("Delete"), exact=True).click()
        page.locator("#transfer-email").fill("owner@acme.example")
        for box in boxes:
            page.locator(box).check()
        page.get_by_role("button", name=_("Preview"), exact=True).click()
        assert will in page.locator(".sb-consequences").inner_text()
        page.get_by_role("button", name=_("Transfer Data and Delete")).click()
        assert transferred in page.locator(".sb-notice-success").inner_text()

    # 4. Delete the Zoom Room.
    page.locator("nav.sb-nav").get_by_role("link", name=_("Zoom Rooms")).click()
    page.locator(".sb-main").get_by_role(
        "link", name=re.compile("^" + re.escape(_("Delete")))
    ).click()
    page.get_by_role("button", name=_("Delete"), exact=True).click()
    assert "Boardroom" in page.locator(".sb-notice-success").inner_text()

    # Only the owner and the pending user are left: the invitation goes through,
    # and the plan's one success screen says so.
    page.get_by_role("button", name=_("Accept")).click()
    accepted = _("The invitation was accepted: you have joined the other account.")
    assert accepted in page.locator("[role=status]").inner_text()
    page.get_by_role("link", name=_("Back to the sandbox")).click()
    page.locator("nav.sb-nav").get_by_role("link", name=_("Event timeline")).click()
    page.screenshot(path=f"/tmp/sandbox-{lang}-timeline.png", full_page=True)
    assert page.locator("tr.sb-refused").count() == 1  # the first, blocked attempt


def test_a_guided_procedure_in_dutch_ticks_every_step(page: Page) -> None:
    page.goto("/nl/articles/remove-users")
    section = page.locator("section", has=page.locator("h3#unlink-single"))
    section.get_by_role("link", name="Probeer het in de oefenomgeving").click()
    # The link only offers to start: starting replaces the sandbox, so it posts.
    page.get_by_role("button", name="Begin stap voor stap").click()
    page.wait_for_url(re.compile(r"/nl/sandbox/$"))
    steps = page.locator(".sb-guide-steps li")
    assert steps.count() == 7
    assert steps.nth(0).get_attribute("class") == "done"  # signed in as the owner
    assert steps.nth(1).get_attribute("class") == "current"

    go_to_users(page, "Gebruikers")
    assert steps.nth(1).get_attribute("class") == "done"
    page.get_by_label("Zoeken op e-mailadres").fill("sanne")
    page.locator("form.sb-search").get_by_role("button", name="Zoeken").click()
    assert steps.nth(2).get_attribute("class") == "done"
    # Opening the row menu makes no request: the script ticks the step.
    open_menu(page, "sanne@partner.example")
    from playwright.sync_api import expect

    expect(steps.nth(3)).to_have_class("done")
    page.screenshot(path="/tmp/sandbox-nl-guide.png", full_page=True)
    row(page, "sanne@partner.example").get_by_role(
        "link", name="Ontkoppelen van uw account"
    ).click()
    assert steps.nth(4).get_attribute("class") == "done"
    page.locator("#transfer-email").fill("owner@acme.example")
    page.get_by_label("Vergaderingen").check()
    page.get_by_role("button", name="Gegevens overdragen en dan ontkoppelen").click()

    classes = [steps.nth(i).get_attribute("class") for i in range(steps.count())]
    assert classes == ["done"] * 7
    guide = page.locator(".sb-guide").inner_text()
    assert "U hebt deze procedure afgerond." in guide
    assert "sanne@partner.example is ontkoppeld van uw account." in guide
    assert "Overgedragen aan owner@acme.example: 1 vergadering." in guide
    page.screenshot(path="/tmp/sandbox-nl-guide-done.png", full_page=True)
