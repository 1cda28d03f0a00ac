"""The fix plan as the sandbox's guide panel, its success screen, one announcement."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

import simulator
from helpdesk.sandboxes import sandboxes

from .sandbox_helpers import guide_states, sandbox_account, text

LANGS = ("en", "nl", "pl")

BLOCKERS_LEFT = {
    "en": "Blockers left: {} of {}",
    "nl": "Nog te verhelpen: {} van {}",
    "pl": "Pozostałe blokady: {} z {}",
}
FIXED = {
    "en": "Error 1009 is fixed",
    "nl": "Fout 1009 is verholpen",
    "pl": "Błąd 1009 został naprawiony",
}
BUTTON = {
    "en": "Fix it step by step in the sandbox",
    "nl": "Stap voor stap oplossen in de oefenomgeving",
    "pl": "Napraw krok po kroku w piaskownicy",
}


def open_plan(client: FlaskClient, lang: str, **answers: str) -> str:
    """Press the error-code page's button; return the sandbox page it opens."""
    response = client.post(f"/{lang}/errors/1009/sandbox", data=answers)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{lang}/sandbox/"
    return client.get(response.headers["Location"]).get_data(as_text=True)


def status_regions(body: str) -> int:
    """Return how many live regions (status, alert, aria-live) a page has."""
    return len(re.findall(r'role="(?:status|alert)"|aria-live=', body))


def finish_plan(app: Flask, client: FlaskClient) -> None:
    """Take every step of the typical plan through the service."""
    with client.session_transaction() as sess:
        sandbox_id = sess["sandbox_id"]
    with app.app_context():
        service = sandboxes()
        account = service.get(sandbox_id).account
        for step in simulator.diagnose(account).plan:
            if step.action == "change-role":
                service.change_role(sandbox_id, step.target, "member")
            elif step.action == "delete-room":
                service.delete_room(sandbox_id, step.target)
            else:
                service.remove_user(sandbox_id, step.target, step.action, None)


@pytest.mark.parametrize("lang", LANGS)
def test_the_error_code_page_offers_one_button_for_situation_and_plan(
    client: FlaskClient, lang: str
) -> None:
    body = text(client.get(f"/{lang}/errors/1009"))
    assert BUTTON[lang] in body


@pytest.mark.parametrize("lang", LANGS)
def test_the_button_opens_the_sandbox_with_the_typical_plan_beside_it(
    client: FlaskClient, lang: str
) -> None:
    body = open_plan(client, lang)
    assert 'data-guide-mode="plan"' in body
    flat = re.sub(r"\s+", " ", body)
    assert BLOCKERS_LEFT[lang].format(5, 5) in flat
    assert guide_states_of(body) == [
        ("current", "change-role"),
        ("todo", "disassociate"),
        ("todo", "delete"),
        ("todo", "delete-room"),
    ]
    # Each step names its section of the help; each target links to where it is done.
    assert f'href="/{lang}/articles/remove-users#convert-admin"' in body
    assert f'href="/{lang}/sandbox/users/ann@acme.example/edit"' in body
    assert f'href="/{lang}/sandbox/users/sanne@partner.example/unlink"' in body
    assert f'href="/{lang}/sandbox/rooms/room-1/delete"' in body
    delete = re.search(
        rf'href="(/{lang}/sandbox/users/piotr@acme.example/delete\?[^"]+)"', body
    )
    assert delete is not None and "transfer_email=owner@acme.example" in delete.group(1)
    # Several users of one step: the portal's bulk action, with the plan's transfer.
    bulk = re.findall(r'class="sb-guide-all"><a href="([^"]+)"', body)
    assert [url.split("?")[0] for url in bulk] == [f"/{lang}/sandbox/users/bulk"] * 2
    assert "action=disassociate&amp;email=sanne@partner.example" in bulk[0]
    assert "transfer_email=owner@acme.example" in bulk[1]
    # Each blocker left, with where it is fixed.
    assert body.count('class="sb-guide-blockers"') == 1
    assert f'href="/{lang}/articles/error-1009"' in body  # back to the article


def guide_states_of(body: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="(\w+)" data-kind="([\w-]+)"', body)


@pytest.mark.parametrize("lang", LANGS)
def test_the_panel_folds_into_a_bar_without_js(client: FlaskClient, lang: str) -> None:
    body = open_plan(client, lang)
    panel = body[body.index('<aside class="sb-guide') :]
    panel = panel[: panel.index("</aside>")]
    # <details open> with the heading and the count in its <summary>: a bar below
    # 900 px that opens and closes with no script at all.
    assert re.search(r'<details class="sb-guide-fold" open>\s*<summary', panel)
    summary = panel[panel.index("<summary") : panel.index("</summary>")]
    assert 'id="guide-heading"' in summary
    assert "sb-guide-count" in summary


def test_the_plan_is_the_personal_one_from_the_answers(client: FlaskClient) -> None:
    answers = {"diagnose": "1", "users": "3", "admins": "1", "managed": "2"}
    body = open_plan(client, "pl", **answers)
    assert BLOCKERS_LEFT["pl"].format(3, 3) in re.sub(r"\s+", " ", body)
    assert [kind for _, kind in guide_states_of(body)] == [
        "change-role",
        "disassociate",
        "delete",
    ]
    assert "ann@acme.example" not in body  # not the typical account's people
    # One user to unlink: no bulk action is offered for a single user.
    assert "action=disassociate" not in body
    # The panel links back to the same, personal plan on the error-code page.
    back = re.search(r'href="(/pl/errors/1009\?[^"]*)"', body)
    assert back is not None
    assert "users=3" in back.group(1) and back.group(1).endswith("#plan")
    # Resetting the sandbox keeps following the same plan.
    client.post("/pl/sandbox/reset")
    body = client.get("/pl/sandbox/").get_data(as_text=True)
    assert BLOCKERS_LEFT["pl"].format(3, 3) in re.sub(r"\s+", " ", body)
    assert "users=3" in body


def test_steps_are_ticked_after_each_action_and_blockers_recounted(
    app: Flask, client: FlaskClient
) -> None:
    open_plan(client, "nl")
    page = client.post(
        "/nl/sandbox/users/ann@acme.example/role",
        data={"role": "member"},
        follow_redirects=True,
    )
    assert guide_states(page)[0] == ("done", "change-role")
    assert guide_states(page)[1] == ("current", "disassociate")
    assert BLOCKERS_LEFT["nl"].format(5, 5) in text(page)
    page = client.post(
        "/nl/sandbox/users/bob@other.example/unlink",
        data={"mode": "none"},
        follow_redirects=True,
    )
    assert BLOCKERS_LEFT["nl"].format(4, 5) in text(page)
    assert guide_states(page)[1] == ("current", "disassociate")  # Sanne is left
    # Signals a page's script sends tick nothing in a plan (the account does).
    response = client.post("/nl/sandbox/guide/signal", data={"signal": "row-menu"})
    assert response.status_code == 200
    assert not sandbox_account(app, client).has_user("bob@other.example")


def test_a_refused_accept_keeps_the_blockers_in_the_panel(client: FlaskClient) -> None:
    open_plan(client, "en")
    page = client.post("/en/sandbox/invitation/accept", follow_redirects=True)
    body = text(page)
    assert "1009" in body
    assert BLOCKERS_LEFT["en"].format(5, 5) in body
    # The panel's list stays on the next page; the refusal notice does not.
    body = client.get("/en/sandbox/users").get_data(as_text=True)
    assert 'class="sb-guide-blockers"' in body
    assert "sb-notice-refusal" not in body


@pytest.mark.parametrize("lang", LANGS)
def test_accepting_ends_on_one_success_screen_with_a_link_back(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    open_plan(client, lang)
    finish_plan(app, client)
    page = client.get(f"/{lang}/sandbox/")
    assert BLOCKERS_LEFT[lang].format(0, 5) in text(page)
    assert all(state == "done" for state, _ in guide_states(page))

    response = client.post(f"/{lang}/sandbox/invitation/accept")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{lang}/sandbox/guide/done"
    done = client.get(response.headers["Location"])
    assert done.status_code == 200
    body = done.get_data(as_text=True)
    assert FIXED[lang] in text(done)
    assert status_regions(body) == 1  # announced once
    assert f'href="/{lang}/articles/error-1009"' in body
    assert f'href="/{lang}/errors/1009#plan"' in body
    # Nothing was queued to say it again on the next page.
    after = client.get(f"/{lang}/sandbox/").get_data(as_text=True)
    assert "sb-notice-success" not in after
    assert sandbox_account(app, client).invitation_accepted


def test_the_success_screen_lists_what_changed(app: Flask, client: FlaskClient) -> None:
    open_plan(client, "pl")
    finish_plan(app, client)
    client.post("/pl/sandbox/invitation/accept")
    body = text(client.get("/pl/sandbox/guide/done"))
    assert "Zmieniono rolę 1 administratora na Członek." in body
    assert "Odłączono 2 użytkowników" in body
    assert "Usunięto 2 użytkowników z domeny zarządzanej." in body
    assert "Usunięto 1 salę Zoom Rooms." in body
    assert "Zaproszenie zostało przyjęte: dołączono do drugiego konta." in body


def test_the_success_screen_needs_a_finished_plan(client: FlaskClient) -> None:
    # No plan at all, then a plan not finished: back to the portal, nothing shown.
    response = client.get("/en/sandbox/guide/done")
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/sandbox/"
    open_plan(client, "en")
    response = client.get("/en/sandbox/guide/done")
    assert response.headers["Location"] == "/en/sandbox/"


def test_without_a_plan_accepting_still_flashes_one_notice(
    app: Flask, client: FlaskClient
) -> None:
    open_plan(client, "en")
    client.post("/en/sandbox/guide/stop")
    finish_plan(app, client)
    page = client.post("/en/sandbox/invitation/accept", follow_redirects=True)
    body = page.get_data(as_text=True)
    assert "The invitation was accepted" in text(page)
    assert status_regions(body) == 1


def test_a_procedure_finished_by_a_change_announces_it_once(
    client: FlaskClient,
) -> None:
    client.post("/en/sandbox/guide/start", data={"guide": "error-1009#unlink-single"})
    client.get("/en/sandbox/users")
    client.get("/en/sandbox/users?q=sanne")
    client.post("/en/sandbox/guide/signal", data={"signal": "row-menu"})
    client.get("/en/sandbox/users/sanne@partner.example/unlink")
    page = client.post(
        "/en/sandbox/users/sanne@partner.example/unlink",
        data={"mode": "none"},
        follow_redirects=True,
    )
    assert all(state == "done" for state, _ in guide_states(page))
    body = page.get_data(as_text=True)
    assert text(page).count("sanne@partner.example was unlinked") == 1
    assert status_regions(body) == 1


def test_a_step_before_the_end_still_gets_its_notice(client: FlaskClient) -> None:
    open_plan(client, "en")
    page = client.post(
        "/en/sandbox/users/ann@acme.example/role",
        data={"role": "member"},
        follow_redirects=True,
    )
    body = page.get_data(as_text=True)
    assert "sb-notice-success" in body
    assert status_regions(body) == 1


def test_a_long_list_of_blockers_is_cut_short_with_the_rest_counted(
    client: FlaskClient,
) -> None:
    answers = {"diagnose": "1", "users": "40", "managed": "10", "rooms": "3"}
    body = open_plan(client, "en", **answers)
    panel = body[body.index('class="sb-guide-blockers"') :]
    panel = panel[: panel.index("</section>")]
    assert panel.count("<li>") == 10
    assert "…and 33 more: the steps above clear them too." in text_of(panel)
    assert BLOCKERS_LEFT["en"].format(43, 43) in text_of(body)


def text_of(html_text: str) -> str:
    return re.sub(r"\s+", " ", html_text)
