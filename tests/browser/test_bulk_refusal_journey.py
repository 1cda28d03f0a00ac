"""Real-browser journey: Dutch unlink by selection with a refused user, then on."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .test_sandbox_journeys import go_to_users, labels, row

pytestmark = pytest.mark.browser

Page = Any  # playwright.sync_api.Page, imported lazily by the fixtures

PIOTR, SANNE, OWNER = (
    "piotr@acme.example",
    "sanne@partner.example",
    "owner@acme.example",
)


def test_dutch_unlink_by_selection_continues_without_the_refused_user(
    page: Page,
) -> None:
    from playwright.sync_api import expect

    _ = labels("nl")
    page.goto("/nl/sandbox/")
    go_to_users(page, _("Users"))
    for email in (PIOTR, SANNE):
        row(page, email).locator("input[type=checkbox]").check()
    page.locator("#bulk-form").get_by_role(
        "button", name=_("Unlink"), exact=True
    ).click()
    page.wait_for_url(re.compile(r"/nl/sandbox/users/bulk\?"))

    # The refusal names the managed-domain user and offers both ways on.
    refusal = page.locator(".sb-notice-refusal")
    assert PIOTR in refusal.inner_text()
    assert SANNE not in refusal.inner_text()
    expect(page.get_by_role("heading", name=_("Continue without them"))).to_be_visible()
    delete_instead = page.locator(".sb-delete-instead")
    assert "Verwijderen is definitief" in delete_instead.inner_text()
    expect(delete_instead.get_by_role("link")).to_have_attribute(
        "href", f"/nl/sandbox/users/{PIOTR}/delete"
    )

    # With the script, the "may be out of date" note is hidden and the preview
    # follows the form: the recording stays with Sanne, then goes to the owner.
    expect(page.locator("[data-stale-note]")).to_be_hidden()
    preview = page.locator("#sb-preview")
    expect(preview).to_contain_text("sanne@partner.example wordt ontkoppeld")
    expect(preview).to_contain_text("De ontkoppelde gebruiker houdt")
    moved = "Over te dragen aan owner@acme.example: 1 cloudopname."
    assert moved not in preview.inner_text()
    page.locator("#transfer-email").fill(OWNER)
    page.get_by_label(_("Cloud recordings"), exact=True).check()
    expect(preview).to_contain_text(moved)
    page.screenshot(path="/tmp/sandbox-nl-bulk-refusal.png", full_page=True)

    # Continue without Piotr: only Sanne is unlinked, her recording transferred.
    page.get_by_role("button", name=_("Transfer Data and Unlink")).click()
    page.wait_for_url(re.compile(r"/nl/sandbox/users$"))
    done = page.locator(".sb-notice-success").inner_text()
    assert "sanne@partner.example is ontkoppeld van uw account." in done
    assert "Overgedragen aan owner@acme.example: 1 cloudopname." in done
    expect(row(page, SANNE)).to_have_count(0)
    expect(row(page, PIOTR)).to_have_count(1)


def test_a_failed_live_preview_says_it_may_be_out_of_date(page: Page) -> None:
    from playwright.sync_api import expect

    _ = labels("pl")
    page.goto(f"/pl/sandbox/users/{SANNE}/unlink")
    note = page.locator("[data-stale-note]")
    expect(note).to_be_hidden()
    page.route("**/unlink/preview?*", lambda route: route.abort())
    page.get_by_label(_("Meetings"), exact=True).check()
    expect(note).to_be_visible()
    # Preview (a form post) still brings the dialog up to date.
    page.unroute("**/unlink/preview?*")
    page.get_by_role("button", name=_("Preview"), exact=True).click()
    expect(page.locator("#sb-preview")).to_contain_text(
        _("Choose the user to transfer the data to.")
    )
