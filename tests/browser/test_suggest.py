"""Search as you type in a real browser: the header combobox, with keys and touch.

Also the header search box itself (issue 9): its own value, placeholders that
fit, one help search box per page and a unique name for every landmark.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from helpdesk.settings import LANGUAGES

pytestmark = pytest.mark.browser

Page = Any  # playwright.sync_api.Page, imported lazily by the fixtures

#: What is typed in each language, and a section it must offer (heading, URL).
TYPED = {
    "en": ("auto-del", "Automatically delete deactivated users", "#auto-delete"),
    "nl": ("ontkop", "Gebruikers ontkoppelen", "#unlink"),
    "pl": ("odla", "Jak odłączyć użytkowników", "#unlink"),
}


def type_in_header(page: Page, text: str) -> Any:
    """Type ``text`` key by key into the header box; return the open listbox."""
    box = page.locator("#header-q")
    box.click()
    box.press_sequentially(text, delay=30)
    listbox = page.locator("#header-q-listbox")
    listbox.wait_for(state="visible")
    return listbox


def test_typing_odla_in_polish_offers_the_unlink_sections(page: Page) -> None:
    page.goto("/pl/articles/remove-rooms")
    listbox = type_in_header(page, "odla")
    box = page.locator("#header-q")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-autocomplete") == "list"
    assert box.get_attribute("aria-controls") == "header-q-listbox"
    assert listbox.get_attribute("role") == "listbox"
    titles = listbox.locator(".suggest-title").all_inner_texts()
    assert "Jak odłączyć użytkowników" in titles
    assert "Odłączanie pojedynczego użytkownika" in titles
    assert "Odłączanie wielu użytkowników" in titles
    assert all("odłącz" in t.lower() for t in titles)  # each completes "odla"
    # The count is announced in Polish, with the right plural.
    status = page.locator(".suggest [role=status]")
    count = len(titles)
    assert status.inner_text() == (
        f"{count} podpowiedzi" if count > 1 else f"{count} podpowiedź"
    )
    # Arrow keys move the active option; the focus stays in the box.
    box.press("ArrowDown")
    first = listbox.locator("[role=option]").nth(0)
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    box.press("ArrowDown")
    box.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert page.evaluate("document.activeElement.id") == "header-q"
    box.press("Enter")
    page.wait_for_url(re.compile(r"/pl/articles/(error-1009|remove-users)#unlink"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_arrow_and_enter_open_the_chosen_section(page: Page, lang: str) -> None:
    typed, heading, anchor = TYPED[lang]
    page.goto(f"/{lang}/articles/remove-rooms")
    listbox = type_in_header(page, typed)
    options = listbox.locator("[role=option]")
    titles = listbox.locator(".suggest-title").all_inner_texts()
    assert heading in titles
    box = page.locator("#header-q")
    for _ in range(titles.index(heading) + 1):
        box.press("ArrowDown")
    chosen = options.nth(titles.index(heading))
    assert chosen.get_attribute("aria-selected") == "true"
    box.press("Enter")
    page.wait_for_url(re.compile(rf"/{lang}/articles/remove-users{anchor}$"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_escape_closes_and_keeps_the_text_and_the_focus(page: Page, lang: str) -> None:
    typed = TYPED[lang][0]
    page.goto(f"/{lang}/articles/remove-users")
    listbox = type_in_header(page, typed)
    box = page.locator("#header-q")
    box.press("ArrowDown")
    box.press("Escape")
    assert listbox.is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    assert box.get_attribute("aria-activedescendant") is None
    assert box.input_value() == typed
    assert page.evaluate("document.activeElement.id") == "header-q"
    # Enter with no option chosen is a full search for what was typed.
    box.press("Enter")
    page.wait_for_url(re.compile(rf"/{lang}/search\?q="))


def test_a_section_of_the_same_page_takes_the_focus(page: Page) -> None:
    page.goto("/en/articles/remove-users")
    type_in_header(page, "auto-del")
    box = page.locator("#header-q")
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/en/articles/remove-users#auto-delete$"))
    assert page.evaluate("document.activeElement.id") == "auto-delete"
    assert page.locator("#header-q-listbox").is_hidden()


def test_a_code_prefix_completes_to_the_code(page: Page) -> None:
    page.goto("/nl/articles/remove-users")
    listbox = type_in_header(page, "1,00")
    first = listbox.locator("[role=option]").nth(0)
    assert first.get_attribute("data-kind") == "error-code"
    assert first.locator(".suggest-note").inner_text().lower() == "foutcode"
    first.click()
    page.wait_for_url(re.compile(r"/nl/errors/1009"))


def test_a_stale_answer_never_replaces_a_newer_one(page: Page) -> None:
    held: list[Any] = []

    def hold_the_first(route: Any) -> None:
        # The answer for "unlink" is held back until a newer one is shown.
        if "q=unlink" in route.request.url:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/v1/suggest*", hold_the_first)
    page.goto("/en/articles/remove-users")
    box = page.locator("#header-q")
    box.click()
    box.press_sequentially("unlink", delay=5)
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held
    box.fill("")
    box.press_sequentially("reactiv", delay=5)
    listbox = page.locator("#header-q-listbox")
    listbox.wait_for(state="visible")
    late = json.dumps(
        {
            "query": "unlink",
            "lang": "en",
            "suggestions": [
                {
                    "slug": "remove-users",
                    "section": "unlink",
                    "lang": "en",
                    "title": "Unlink users",
                    "article": "",
                    "url": "/en/articles/remove-users#unlink",
                    "kind": "section",
                }
            ],
        }
    )
    try:
        held[0].fulfill(status=200, content_type="application/json", body=late)
    except Exception:  # noqa: BLE001 - the script aborted it: just as good
        pass
    page.wait_for_timeout(400)
    titles = listbox.locator(".suggest-title").all_inner_texts()
    assert titles and titles[0].startswith("Reactivate")
    assert all("Unlink" not in t for t in titles)


def test_touch_at_390_px(browser: Any, live_server: str) -> None:
    context = browser.new_context(
        base_url=live_server,
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/pl/articles/remove-rooms")
        listbox = type_in_header(page, "dezakt")
        box = listbox.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        option = listbox.locator("[role=option]").nth(0)
        assert option.bounding_box()["height"] >= 44  # a finger-sized target
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        option.tap()
        page.wait_for_url(re.compile(r"/pl/articles/remove-users#deactivate"))
    finally:
        context.close()


def test_without_javascript_the_box_is_a_plain_search_form(
    browser: Any, live_server: str
) -> None:
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/pl/articles/remove-rooms")
        box = page.locator("#header-q")
        assert box.get_attribute("role") is None
        assert page.locator("[role=listbox]").count() == 0
        box.fill("odla")
        box.press("Enter")
        page.wait_for_url(re.compile(r"/pl/search\?q=odla"))
    finally:
        context.close()


def test_the_header_box_does_not_show_the_sandbox_user_filter(page: Page) -> None:
    page.goto("/nl/sandbox/users?q=acme")
    assert page.locator("#sb-q").input_value() == "acme"
    assert page.locator("#header-q").input_value() == ""
    # Two search landmarks, told apart by their names.
    names = page.evaluate(
        "[...document.querySelectorAll('[role=search]')].map(f => "
        "f.getAttribute('aria-label') || "
        "document.getElementById(f.getAttribute('aria-labelledby')).textContent)"
    )
    assert len(names) == 2 and len(set(names)) == 2


@pytest.mark.parametrize(
    "path", ["/{lang}/", "/{lang}/search?q=user", "/{lang}/no-such-page"]
)
def test_one_help_search_box_where_the_page_has_its_own(page: Page, path: str) -> None:
    page.goto(path.format(lang="pl"))
    assert page.locator("#header-q").count() == 0
    assert page.locator("[role=search]").count() == 1
    assert page.locator("#header-code").count() == 1  # the code box stays


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_header_placeholders_fit(
    browser: Any, live_server: str, lang: str, width: int
) -> None:
    context = browser.new_context(
        base_url=live_server, viewport={"width": width, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto(f"/{lang}/articles/remove-users")
        overflow = page.evaluate(
            """() => [...document.querySelectorAll('.header-tools input')]
               .map(input => {
                 const style = getComputedStyle(input);
                 const ctx = document.createElement('canvas').getContext('2d');
                 ctx.font = style.font;
                 const room = input.clientWidth - parseFloat(style.paddingLeft)
                   - parseFloat(style.paddingRight);
                 return [input.id, ctx.measureText(input.placeholder).width - room];
               })"""
        )
        assert len(overflow) == 2
        for name, excess in overflow:
            assert excess <= 0, f"{name} placeholder clipped by {excess:.0f}px"
    finally:
        context.close()


AXE_PAGES = [
    "/{lang}/",
    "/{lang}/articles/remove-users",
    "/{lang}/search?q=odla",
    "/{lang}/errors/",
    "/{lang}/errors/1009",
    "/{lang}/errors/9999?q=9999",
    "/{lang}/no-such-page",
    "/{lang}/sandbox/users?q=acme",
]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_duplicate_landmarks(page: Page, path: str) -> None:
    axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")
    page.goto(path.format(lang="pl"))
    page.locator("#header-q, #search-q, #home-q, #nf-q").first.wait_for()
    results = axe_playwright.Axe().run(
        page,
        options={
            "runOnly": [
                "landmark-unique",
                "landmark-no-duplicate-banner",
                "landmark-no-duplicate-contentinfo",
                "landmark-no-duplicate-main",
                "aria-allowed-attr",
                "aria-required-children",
                "aria-required-parent",
                "aria-valid-attr-value",
                "duplicate-id-aria",
            ]
        },
    )
    violations = results.response["violations"]
    assert violations == [], [v["id"] for v in violations]
