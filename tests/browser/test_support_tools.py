"""Real-browser journey: an English support agent reproduces a customer's account.

The agent pastes the customer's account JSON, shares the sandbox and copies the
link; a colleague in a second browser context (other cookies) opens the link,
sees it read-only and copies it into a sandbox of their own.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

Page = Any  # playwright.sync_api.Page, imported lazily by the fixtures

CUSTOMER = {
    "managed_domains": ["customer.example"],
    "licenses": {"licensed": 5, "webinar": 1},
    "rooms": [{"id": "r1", "name": "Front desk"}],
    "users": [
        {"email": "boss@customer.example", "role": "owner", "license": "licensed"},
        {"email": "ines@customer.example", "role": "admin"},
        {"email": "temp@freelance.example", "status": "deactivated"},
    ],
}


def test_an_agent_pastes_shares_and_a_colleague_copies(
    browser: Any, live_server: str
) -> None:
    agent_context = browser.new_context(base_url=live_server)
    agent_context.grant_permissions(["clipboard-read", "clipboard-write"])
    agent = agent_context.new_page()
    agent.set_default_timeout(10_000)

    # A mistake first: the error names the field, as the API would.
    agent.goto("/en/sandbox/new")
    broken = json.loads(json.dumps(CUSTOMER))
    broken["users"][1]["role"] = "boss"
    agent.get_by_role("textbox", name="Account JSON").fill(json.dumps(broken, indent=2))
    agent.get_by_role("button", name="Open this account in a new sandbox").click()
    alert = agent.locator("#account-error")
    assert "users[1].role" in alert.inner_text()

    # Fixed and pasted again: the sandbox is the customer's account.
    agent.get_by_role("textbox", name="Account JSON").fill(
        json.dumps(CUSTOMER, indent=2)
    )
    agent.get_by_role("button", name="Open this account in a new sandbox").click()
    agent.wait_for_url(re.compile(r"/en/sandbox/$"))
    assert "boss@customer.example" in agent.locator(".sb-facts").inner_text()

    # Share it; the link is shown selectable and the button copies it.
    agent.locator("nav.sb-nav").get_by_role("link", name="Share and export").click()
    agent.get_by_role("button", name="Create a share link").click()
    link_box = agent.get_by_label("Share link")
    link = link_box.input_value()
    assert re.fullmatch(
        rf"{re.escape(live_server)}/en/sandbox/shared/[\w-]{{43}}", link
    )
    agent.get_by_role("button", name="Copy link").click()
    agent.get_by_text("Link copied.").wait_for()
    assert agent.evaluate("navigator.clipboard.readText()") == link

    # A colleague, in another browser context, opens the link: read-only.
    colleague_context = browser.new_context(base_url=live_server)
    colleague = colleague_context.new_page()
    colleague.set_default_timeout(10_000)
    colleague.goto(link)
    colleague.get_by_role("heading", name="Shared sandbox (read-only)").wait_for()
    users = colleague.locator("#shared-users-heading + .sb-scroll tbody tr")
    assert users.count() == 3
    assert "ines@customer.example" in users.nth(1).inner_text()
    assert "Front desk" in colleague.locator("#shared-rooms-heading + ul").inner_text()
    assert colleague.get_by_role("button", name="Accept").count() == 0
    assert colleague.locator("form[method=post]").count() == 1

    # ... and copies it into a sandbox of their own, which they can change.
    colleague.get_by_role("button", name="Copy into my own sandbox").click()
    colleague.wait_for_url(re.compile(r"/en/sandbox/$"))
    colleague.get_by_text("The shared sandbox was copied").wait_for()
    assert "boss@customer.example" in colleague.locator(".sb-facts").inner_text()
    colleague.get_by_role("link", name="Zoom Rooms", exact=True).first.click()
    assert colleague.get_by_text("Front desk").count() >= 1

    # The agent revokes the link: the colleague's copy stays, the link is dead.
    agent.get_by_role("button", name="Revoke the link").click()
    agent.get_by_text("The share link was revoked").wait_for()
    response = colleague.goto(link)
    assert response is not None and response.status == 404
    colleague_context.close()
    agent_context.close()
