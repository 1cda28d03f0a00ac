"""axe-core on every page type, in every language, at 1280 and at 390 px.

Fails on any violation of impact moderate, serious or critical, and (at 390 px)
on a page wider than the screen; also on landmarks that share a role and a name
and on a header control whose role and name the page repeats (two "Look up"
buttons). axe-core comes bundled with axe-playwright-python
(the dev extra), so nothing is downloaded.

To add a page, add one line to ``PAGES``: a name, the path (``{lang}`` is replaced)
and, if the page needs a state first, a setup from the ones below (a setup that
ends on the page to check has the path ``None``). The pages run in order in one
browser context per language and width, so a setup's changes carry over.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

import simulator
from helpdesk.sandboxes import sandboxes, store
from helpdesk.settings import LANGUAGES
from tests.browser.conftest import browser_app, serve

pytestmark = pytest.mark.browser

Page = Any  # playwright.sync_api.Page, imported lazily

FAILING_IMPACTS = {"moderate", "serious", "critical"}
#: Landmark roles as Chromium's accessibility tree names them; a region or a form
#: is a landmark only with a name.
LANDMARKS = {"banner", "navigation", "main", "complementary", "contentinfo", "search"}
NAMED_LANDMARKS = {"region", "form"}
#: Form controls, as Chromium's accessibility tree names their roles.
CONTROLS = {"button", "textbox", "searchbox", "combobox", "checkbox", "radio"}
WIDTHS = {1280: 900, 390: 844}
STAFF_EMAIL = "axe@example.org"
STAFF_PASSWORD = "correct horse battery staple"
GUIDE = "remove-users%23unlink-single"
CSV = b"Email\npiotr@acme.example\nnobody@acme.example\n"


@dataclass(frozen=True)
class Site:
    """The app under test and the URL it is served at."""

    app: Flask
    url: str


Setup = Callable[[Page, str, Site], None]


# --- setups: each leaves the page in the state to check --------------------------


def start_sandbox(page: Page, lang: str, site: Site) -> None:
    """Start an error-1009 sandbox from the Sandbox tools menu (shows a notice)."""
    page.goto(f"/{lang}/sandbox/")
    page.locator("details.sb-tools > summary").click()
    page.locator("#sb-scenario").select_option("error-1009")
    page.locator("form[action$='/sandbox/new'] button").click()
    page.wait_for_load_state()


def open_tools(page: Page, lang: str, site: Site) -> None:
    """The users page with the Sandbox tools menu open."""
    page.goto(f"/{lang}/sandbox/users")
    page.locator("details.sb-tools > summary").click()


def open_last_row_menu(page: Page, lang: str, site: Site) -> None:
    """The users page with the last row's More (...) open."""
    page.goto(f"/{lang}/sandbox/users")
    page.locator("table.sb-users tbody tr").last.locator("summary").click()


def preview_transfer(page: Page, lang: str, site: Site) -> None:
    """Ask the delete page what a transfer to the owner changes."""
    page.goto(f"/{lang}/sandbox/users/piotr@acme.example/delete")
    page.locator("#transfer-email").fill("owner@acme.example")
    page.locator("#transfer-meeting").check()
    page.locator("button[value=preview]").click()
    page.locator(".sb-consequences").wait_for()


def refuse_invitation(page: Page, lang: str, site: Site) -> None:
    """Accept the invitation while users block it: the 1009 refusal notice."""
    page.goto(f"/{lang}/sandbox/")
    page.locator(".sb-invitation button").click()
    page.locator(".sb-notice-refusal").wait_for()


def upload_csv(page: Page, lang: str, site: Site) -> None:
    """Upload a deactivation file: the page that shows what it would do."""
    page.goto(f"/{lang}/sandbox/import/upload?action=deactivate")
    page.locator("#csv-file").set_input_files(
        files=[{"name": "users.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    page.locator("form[enctype] button[type=submit]").click()
    page.locator(".sb-consequences").wait_for()


def import_csv(page: Page, lang: str, site: Site) -> None:
    """Upload and confirm the file: the import results."""
    upload_csv(page, lang, site)
    page.locator(".sb-confirm button").click()
    page.locator("table.sb-table").wait_for()


def ask_to_replace_for_guide(page: Page, lang: str, site: Site) -> None:
    """Start a guide in a sandbox with changes: 'Replace your sandbox?'."""
    page.goto(f"/{lang}/sandbox/?guide={GUIDE}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/sandbox/replace\?"))


def start_guide(page: Page, lang: str, site: Site) -> None:
    """Run the guide on the current account (asked before): the guide panel."""
    page.locator("button[name=keep]").click()
    page.locator(".sb-guide").wait_for()


def paste_bad_json(page: Page, lang: str, site: Site) -> None:
    """Paste account JSON that is no account: the new-sandbox page names the field."""
    page.goto(f"/{lang}/sandbox/new")
    page.locator("#account-json").fill('{"users": 1}')
    page.locator("form[action$='/new/account'] button[type=submit]").click()
    page.locator("#account-error").wait_for()


def create_share_link(page: Page, lang: str, site: Site) -> None:
    """Make the read-only share link: the share page that shows it."""
    page.goto(f"/{lang}/sandbox/share")
    page.locator("form[action$='/sandbox/share'] button").click()
    page.locator("#share-url").wait_for()


def open_share_link(page: Page, lang: str, site: Site) -> None:
    """Open the share link made before: the read-only shared view."""
    page.goto(f"/{lang}/sandbox/share")
    response = page.goto(page.locator("#share-url").input_value())
    assert response is not None and response.ok, "the share link does not open"


def reset_sandbox(page: Page, lang: str, site: Site) -> None:
    """Confirm the reset: the portal that offers to undo it."""
    page.goto(f"/{lang}/sandbox/reset")
    page.locator("button[name=confirm]").click()
    page.locator("form.sb-undo").wait_for()


def undo_reset(page: Page, lang: str, site: Site) -> None:
    """Undo the reset just made: the portal with the changes back."""
    page.locator("form.sb-undo button").click()
    page.wait_for_load_state()


def ask_to_replace_for_error(page: Page, lang: str, site: Site) -> None:
    """Fix error 1009 in a sandbox with changes: 'Replace your sandbox?'."""
    page.goto(f"/{lang}/errors/1009")
    page.locator("form.ec-reproduce button").click()
    page.wait_for_url(re.compile(r"/sandbox/replace\?"))


def open_fix_plan(page: Page, lang: str, site: Site) -> None:
    """Replace the sandbox (asked before): the portal with the fix-plan panel."""
    page.locator("button[name=replace]").click()
    page.locator(".sb-guide[data-guide-mode=plan]").wait_for()


def delete_instead(page: Page, lang: str, site: Site) -> None:
    """Follow the bulk refusal's 'delete instead': the delete dialog it leads to."""
    page.locator("main a.button-secondary[href*='/delete']").click()
    page.wait_for_url(re.compile(r"/delete\?"))


def finish_plan(page: Page, lang: str, site: Site) -> None:
    """Take every step of the fix plan, then accept: the success screen."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "session")
    serializer = site.app.session_interface.get_signing_serializer(site.app)  # type: ignore[attr-defined]
    sandbox_id = serializer.loads(cookie["value"])["sandbox_id"]
    with site.app.app_context():
        service = sandboxes()
        for step in simulator.diagnose(service.get(sandbox_id).account).plan:
            if step.action == "change-role":
                service.change_role(sandbox_id, step.target, "member")
            elif step.action == "delete-room":
                service.delete_room(sandbox_id, step.target)
            else:
                service.remove_user(sandbox_id, step.target, step.action, None)
    page.goto(f"/{lang}/sandbox/")
    page.locator(".sb-invitation button").click()
    page.wait_for_url(re.compile(r"/sandbox/guide/done$"))


def expire_sandbox(page: Page, lang: str, site: Site) -> None:
    """Post to a sandbox that expired meanwhile: the 'Your sandbox expired' page."""
    page.goto(f"/{lang}/sandbox/reset")
    with site.app.app_context():
        sandboxes = store()
        clock = sandboxes.clock  # type: ignore[attr-defined]
        sandboxes.clock = lambda: time.time() + 2 * 24 * 3600  # type: ignore[attr-defined]
        try:
            page.locator("button[name=confirm]").click()
            # The expired page offers a new sandbox (and is not the portal's menu).
            page.locator(f"main form[action='/{lang}/sandbox/new']").wait_for()
        finally:
            sandboxes.clock = clock  # type: ignore[attr-defined]


def sign_in_staff(page: Page, lang: str, site: Site) -> None:
    """Sign in to the staff area: its dashboard."""
    page.goto(f"/staff/sign-in?lang={lang}")
    page.locator("#staff-email").fill(STAFF_EMAIL)
    page.locator("#staff-password").fill(STAFF_PASSWORD)
    page.locator("form.staff-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/(\?.*)?$"))


# --- the pages: (name, path or None, setup or None) ---------------------------------

PAGES: list[tuple[str, str | None, Setup | None]] = [
    ("home", "/{lang}/", None),
    ("article list", "/{lang}/articles/", None),
    ("article", "/{lang}/articles/remove-users", None),
    ("article with a sandbox link", "/{lang}/articles/error-1009", None),
    ("search form", "/{lang}/search", None),
    ("search results", "/{lang}/search?q=unlink", None),
    ("search without results", "/{lang}/search?q=qqxxzzyy", None),
    ("error-code index", "/{lang}/errors/", None),
    ("error code", "/{lang}/errors/1009", None),
    ("unknown error code", "/{lang}/errors/4321?q=error%204321", None),
    ("page not found", "/{lang}/no-such-page", None),
    ("start a guide", "/{lang}/sandbox/?guide=" + GUIDE, None),
    ("sandbox preview", "/{lang}/sandbox/", None),
    ("sandbox started (notice)", None, start_sandbox),
    ("sandbox tools open", None, open_tools),
    ("users", "/{lang}/sandbox/users", None),
    ("users row menu open", None, open_last_row_menu),
    ("users search", "/{lang}/sandbox/users?q=ann", None),
    ("users search, no match", "/{lang}/sandbox/users?q=nobody", None),
    ("pending", "/{lang}/sandbox/users/pending", None),
    ("advanced", "/{lang}/sandbox/users/advanced", None),
    ("edit user", "/{lang}/sandbox/users/ann@acme.example/edit", None),
    ("owner's edit page", "/{lang}/sandbox/users/owner@acme.example/edit", None),
    ("confirm deactivate", "/{lang}/sandbox/users/piotr@acme.example/deactivate", None),
    ("deactivate refused", "/{lang}/sandbox/users/owner@acme.example/deactivate", None),
    ("confirm unlink", "/{lang}/sandbox/users/sanne@partner.example/unlink", None),
    ("confirm delete", "/{lang}/sandbox/users/piotr@acme.example/delete", None),
    ("transfer preview", None, preview_transfer),
    (
        "bulk deactivate",
        "/{lang}/sandbox/users/bulk?action=deactivate"
        "&email=piotr@acme.example&email=ann@acme.example",
        None,
    ),
    (
        "bulk unlink",
        "/{lang}/sandbox/users/bulk?action=disassociate&email=sanne@partner.example",
        None,
    ),
    (
        "bulk delete",
        "/{lang}/sandbox/users/bulk?action=delete&email=piotr@acme.example",
        None,
    ),
    ("refusal notice", None, refuse_invitation),
    ("rooms", "/{lang}/sandbox/rooms", None),
    ("confirm room delete", "/{lang}/sandbox/rooms/room-1/delete", None),
    ("timeline", "/{lang}/sandbox/timeline", None),
    ("import", "/{lang}/sandbox/import", None),
    ("import: update users", "/{lang}/sandbox/import/update", None),
    ("import: action chosen", "/{lang}/sandbox/import/update?action=delete", None),
    ("import: upload", "/{lang}/sandbox/import/upload?action=deactivate", None),
    ("import results, none yet", "/{lang}/sandbox/import/results", None),
    ("import: check the file", None, upload_csv),
    ("import results", None, import_csv),
    ("confirm replace (guide)", None, ask_to_replace_for_guide),
    ("guide panel", None, start_guide),
    ("users with the guide panel", "/{lang}/sandbox/users", None),
    ("new sandbox", "/{lang}/sandbox/new", None),
    ("new sandbox, bad account JSON", None, paste_bad_json),
    ("share", "/{lang}/sandbox/share", None),
    ("share link made", None, create_share_link),
    ("shared sandbox (read-only)", None, open_share_link),
    ("confirm reset", "/{lang}/sandbox/reset", None),
    ("reset, undo offered", None, reset_sandbox),
    ("reset undone", None, undo_reset),
    ("confirm replace (error code)", None, ask_to_replace_for_error),
    ("fix-plan panel", None, open_fix_plan),
    (
        "bulk unlink refused, continue without them",
        "/{lang}/sandbox/users/bulk?action=disassociate"
        "&email=piotr@acme.example&email=sanne@partner.example"
        "&transfer_email=owner@acme.example&transfer_recording=1",
        None,
    ),
    ("delete instead", None, delete_instead),
    ("fix plan done", None, finish_plan),
    # Matches one article in every language and others in the other languages.
    ("search: also in other languages", "/{lang}/search?q=ontkoppelen%20sale", None),
    ("search: a known error code", "/{lang}/search?q=1009", None),
    ("search: an unknown error code", "/{lang}/search?q=error%204711", None),
    ("sandbox expired", None, expire_sandbox),
    ("staff sign-in", "/staff/sign-in?lang={lang}", None),
    ("staff dashboard", None, sign_in_staff),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One app and server for all the runs, with a staff account."""
    app = browser_app(Path(tmp_path_factory.mktemp("axe")) / "instance")
    created = app.test_cli_runner().invoke(
        args=["staff", "create", STAFF_EMAIL],
        input=f"{STAFF_PASSWORD}\n{STAFF_PASSWORD}\n",
    )
    assert created.exit_code == 0, created.output
    with serve(app) as url:
        yield Site(app, url)


def axe_core() -> Any:
    """axe-core as bundled with axe-playwright-python, or ``$HELPDESK_AXE_CORE``.

    The variable names an ``axe.min.js`` of a newer axe-core release to run instead.
    """
    from axe_playwright_python.sync_playwright import Axe

    newer = os.environ.get("HELPDESK_AXE_CORE")
    return Axe.from_file(newer) if newer else Axe()


def duplicate_landmarks(nodes: list[dict[str, Any]]) -> list[str]:
    """Return the landmarks sharing a role and a name, as Chromium computes them.

    axe-core 4.14's landmark-unique reports two unnamed ``form role=search``; 4.12.1,
    the release bundled with axe-playwright-python 0.1.8, does not.
    """
    seen: dict[tuple[str, str], int] = {}
    for node in nodes:
        if node.get("ignored"):
            continue
        role = node.get("role", {}).get("value", "")
        name = node.get("name", {}).get("value", "")
        if role in LANDMARKS or (role in NAMED_LANDMARKS and name):
            seen[role, name] = seen.get((role, name), 0) + 1
    return [
        f"landmark-unique: {count} x {role} {name!r}"
        for (role, name), count in seen.items()
        if count > 1
    ]


def header_control_names_reused(nodes: list[dict[str, Any]]) -> list[str]:
    """Return the header's form controls whose role and name a control below repeats.

    Two "Look up" buttons on one page (the header's and the page's own) cannot be
    told apart in a list of the page's buttons; axe-core has no rule for it.
    Controls repeated within the page itself (a "Yes" per section) are told apart
    by their description and are not counted.
    """
    by_id = {node["nodeId"]: node for node in nodes}
    in_banner: set[str] = set()
    todo = [n["nodeId"] for n in nodes if n.get("role", {}).get("value") == "banner"]
    while todo:
        node_id = todo.pop()
        if node_id not in in_banner:
            in_banner.add(node_id)
            todo.extend(by_id.get(node_id, {}).get("childIds", []))

    def control(node: dict[str, Any]) -> tuple[str, str] | None:
        role = node.get("role", {}).get("value", "")
        name = node.get("name", {}).get("value", "").strip()
        if role in CONTROLS and name and not node.get("ignored"):
            return role, name
        return None

    header = {control(by_id[i]) for i in in_banner if i in by_id} - {None}
    below = {control(n) for n in nodes if n["nodeId"] not in in_banner} - {None}
    return [
        f"header-control-name-reused: {found[0]} {found[1]!r}"
        for found in sorted(header & below)  # type: ignore[type-var]
    ]


def problems(page: Page, axe: Any, cdp: Any, width: int) -> list[str]:
    """Return the page's axe violations (moderate and worse) and overflow."""
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    found = duplicate_landmarks(nodes) + header_control_names_reused(nodes)
    result = axe.run(page).response
    for violation in result["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        found.append(f"{violation['id']} ({violation['impact']}): {targets[:5]}")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    if overflow > width:
        found.append(f"the page is {overflow} px wide in a {width} px window")
    return found


def test_the_page_list_has_unique_names() -> None:
    names = [name for name, _, _ in PAGES]
    assert len(names) == len(set(names))
    assert all(path or setup for _, path, setup in PAGES)


@pytest.mark.parametrize("width", sorted(WIDTHS, reverse=True))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_axe_violation_on_any_page(
    browser: Any, site: Site, lang: str, width: int
) -> None:
    axe = axe_core()
    context = browser.new_context(
        base_url=site.url, viewport={"width": width, "height": WIDTHS[width]}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    cdp = context.new_cdp_session(page)
    report: dict[str, list[str]] = {}
    try:
        for name, path, setup in PAGES:
            if setup is not None:
                setup(page, lang, site)
            if path is not None:
                page.goto(path.format(lang=lang))
            assert page.locator("html").get_attribute("lang") == lang, name
            found = problems(page, axe, cdp, width)
            if found:
                report[f"{name} ({page.url})"] = found
    finally:
        context.close()
    assert report == {}


def test_a_header_control_repeated_on_the_page_is_reported() -> None:
    def node(node_id: str, role: str, name: str = "", *kids: str) -> dict[str, Any]:
        return {
            "nodeId": node_id,
            "role": {"value": role},
            "name": {"value": name},
            "childIds": list(kids),
        }

    tree = [
        node("1", "RootWebArea", "", "2", "5"),
        node("2", "banner", "", "3", "4"),
        node("3", "button", "Look up"),
        node("4", "button", "Search"),
        node("5", "main", "", "6", "7", "8"),
        node("6", "button", "Look up"),
        node("7", "button", "Yes"),
        node("8", "button", "Yes"),
    ]
    assert header_control_names_reused(tree) == [
        "header-control-name-reused: button 'Look up'"
    ]
    tree[5]["name"] = {"value": "Look up the pasted error code or message"}
    assert header_control_names_reused(tree) == []
