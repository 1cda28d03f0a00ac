"""The error-code pages in every language, and the sandbox button."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

LANGS = ("en", "nl", "pl")


def html_lang(body: str) -> str | None:
    """Return the ``<html lang>`` of a page."""
    match = re.search(r'<html lang="([a-z]+)"', body)
    return match.group(1) if match else None


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/errors/", 200),
        ("/errors/?code=", 200),
        ("/errors/?code=hello+world", 400),
        ("/errors/1009", 200),
        ("/errors/1009?diagnose=1&rooms=1", 200),
        ("/errors/1009?diagnose=1&users=abc", 400),
        ("/errors/4711", 404),
        ("/errors/not-a-code", 404),
    ],
)
def test_every_page_in_every_language(
    client: FlaskClient, lang: str, path: str, status: int
) -> None:
    response = client.get(f"/{lang}{path}")
    assert response.status_code == status
    assert html_lang(response.get_data(as_text=True)) == lang


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("pasted", "location"),
    [
        ("1009", "/errors/1009"),
        ("(1,009)", "/errors/1009"),
        ("kod błędu 1 009", "/errors/1009"),
        (
            "The user already holds an active account. (1,009)",
            "/errors/1009",
        ),
        ("4711", "/errors/4711"),
        ("Error 4711 again", "/errors/4711?q=Error+4711+again"),
    ],
)
def test_the_lookup_box_redirects_to_the_code(
    client: FlaskClient, lang: str, pasted: str, location: str
) -> None:
    response = client.get(f"/{lang}/errors/", query_string={"code": pasted})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{lang}{location}"


def test_a_grouped_code_in_the_url_redirects_to_the_plain_one(
    client: FlaskClient,
) -> None:
    response = client.get("/nl/errors/1.009?diagnose=1&rooms=2")
    assert response.status_code == 301
    assert response.headers["Location"] == "/nl/errors/1009?diagnose=1&rooms=2"


@pytest.mark.parametrize(
    "query", ["code=x", "lang_code=de", "_external=1", "_anchor=top", "_method=POST"]
)
def test_the_grouped_code_redirect_keeps_only_the_fields_the_page_reads(
    client: FlaskClient, query: str
) -> None:
    response = client.get(f"/en/errors/1,009?{query}&rooms=2&q=1%2C009")
    assert response.status_code == 301
    assert response.headers["Location"] == "/en/errors/1009?rooms=2&q=1,009"


@pytest.mark.parametrize(
    ("lang", "title", "own"),
    [
        ("en", "Zoom error code 1009", "not on the account that invited you"),
        (
            "nl",
            "Zoom-foutcode 1009",
            "niet in het account dat de uitnodiging heeft verstuurd",
        ),
        ("pl", "Kod błędu 1009 w Zoom", "a nie na koncie, które Cię zaprosiło"),
    ],
)
def test_the_code_page_explains_the_cause_on_the_own_account(
    client: FlaskClient, lang: str, title: str, own: str
) -> None:
    body = client.get(f"/{lang}/errors/1009").get_data(as_text=True)
    assert title in body
    assert 'id="ec-cause-heading"' in body
    assert own in body
    assert f'href="/{lang}/articles/error-1009#solution"' in body


def test_the_typical_plan_is_shown_without_answers(client: FlaskClient) -> None:
    body = client.get("/en/errors/1009").get_data(as_text=True)
    assert "A typical fix plan" in body
    assert 'data-section="remove-users#convert-admin"' in body
    assert 'data-section="remove-rooms#delete-room"' in body


def test_a_zoom_room_alone_gives_one_linked_step(client: FlaskClient) -> None:
    body = client.get("/en/errors/1009?diagnose=1&rooms=1").get_data(as_text=True)
    assert "Your fix plan" in body
    assert body.count('class="ec-step"') == 1
    assert 'href="/en/articles/remove-rooms#delete-room"' in body
    assert 'href="/en/articles/error-1009#delete-rooms"' in body


def test_an_admin_on_a_managed_domain_is_converted_then_deleted(
    client: FlaskClient,
) -> None:
    body = client.get("/pl/errors/1009?diagnose=1&users=1&admins=1&managed=1").get_data(
        as_text=True
    )
    convert = body.index('data-section="remove-users#convert-admin"')
    delete = body.index('data-section="remove-users#delete-single"')
    assert convert < delete
    assert "Przekonwertuj 1 administratora na członka" in body
    assert 'href="/pl/articles/error-1009#unlink-users"' in body


def test_add_ons_are_explained_without_a_procedure(client: FlaskClient) -> None:
    body = client.get("/nl/errors/1009?diagnose=1&addons=yes").get_data(as_text=True)
    assert "Verwijder 1 invoegtoepassing" in body
    assert "Onze helpartikelen hebben hiervoor geen stapsgewijze procedure." in body


def test_nothing_on_the_account_is_not_blocked(client: FlaskClient) -> None:
    body = client.get("/en/errors/1009?diagnose=1").get_data(as_text=True)
    assert "Nothing on your own account blocks the invitation" in body
    assert 'class="ec-step"' not in body


def test_invalid_answers_are_shown_next_to_the_field(client: FlaskClient) -> None:
    response = client.get("/pl/errors/1009?diagnose=1&users=1&admins=3")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="ec-admins-error"' in body
    assert "liczba pozostałych użytkowników (1)" in body


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "We could not find an error code"),
        ("nl", "We konden geen foutcode vinden"),
        ("pl", "nie znaleźliśmy kodu błędu"),
    ],
)
def test_text_without_a_code_lists_known_codes(
    client: FlaskClient, lang: str, message: str
) -> None:
    response = client.get(f"/{lang}/errors/?code=help+me")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message in body
    assert f'href="/{lang}/errors/1009"' in body


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "We have no article about error code 4711 yet."),
        ("nl", "We hebben nog geen artikel over foutcode 4711."),
        ("pl", "Nie mamy jeszcze artykułu o kodzie błędu 4711."),
    ],
)
def test_an_unknown_code_is_a_helpful_404(
    client: FlaskClient, lang: str, message: str
) -> None:
    response = client.get(
        f"/{lang}/errors/4711", query_string={"q": "error 4711 accept invitation"}
    )
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert message in body
    assert f'href="/{lang}/errors/1009"' in body


def test_a_new_code_from_an_article_gets_a_page(
    app_config: dict[str, object], content_dir: Path
) -> None:
    from helpdesk import create_app

    (content_dir / "error-3001").mkdir()
    (content_dir / "error-3001" / "en.md").write_text(
        "---\ntitle: Zoom error code 3001\nsummary: The meeting does not exist.\n"
        "error_codes: [3001]\nupdated: 2026-11-21\n---\nLead.\n\n"
        "## What it means {#cause}\n\nThe meeting ID is wrong.\n",
        encoding="utf-8",
    )
    app_config["CONTENT_DIR"] = str(content_dir)
    app_config["SEARCH_AUTO_BUILD"] = False
    client = create_app(app_config).test_client()
    assert client.get("/pl/errors/?code=(3,001)").headers["Location"] == (
        "/pl/errors/3001"
    )
    response = client.get("/pl/errors/3001")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "The meeting ID is wrong." in body
    assert 'class="ec-diagnosis"' not in body  # the simulator does not model it


# --- the sandbox button --------------------------------------------------------------


def test_the_button_reproduces_the_answers_in_the_sandbox(client: FlaskClient) -> None:
    response = client.post(
        "/en/errors/1009/sandbox",
        data={"diagnose": "1", "users": "2", "admins": "1", "rooms": "1"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/sandbox/"
    with client.session_transaction() as session:
        sandbox_id = session["sandbox_id"]
    from helpdesk.sandboxes import sandboxes

    with client.application.app_context():
        account = sandboxes().get(sandbox_id).account
    assert len(account.users) == 3
    assert len(account.rooms) == 1


def test_the_button_without_answers_uses_the_typical_scenario(
    client: FlaskClient,
) -> None:
    response = client.post("/pl/errors/1009/sandbox")
    assert response.status_code == 302
    assert response.headers["Location"] == "/pl/sandbox/"


@pytest.mark.parametrize(
    ("path", "data", "status"),
    [
        ("/en/errors/4711/sandbox", {}, 404),
        ("/en/errors/1009/sandbox", {"users": "x"}, 400),
    ],
)
def test_the_button_refuses_bad_requests(
    client: FlaskClient, path: str, data: dict[str, str], status: int
) -> None:
    assert client.post(path, data=data).status_code == status
    with client.session_transaction() as session:
        assert "sandbox_id" not in session


@pytest.fixture
def csrf_client(app_config: dict[str, object]) -> FlaskClient:
    """A client of an app that checks CSRF tokens."""
    from helpdesk import create_app

    app_config["WTF_CSRF_ENABLED"] = True
    return create_app(app_config).test_client()


def test_the_button_needs_the_csrf_token(csrf_client: FlaskClient) -> None:
    response = csrf_client.post("/nl/errors/1009/sandbox", data={"rooms": "1"})
    assert response.status_code == 400
    with csrf_client.session_transaction() as session:
        assert "sandbox_id" not in session


def test_the_button_works_with_the_pages_csrf_token(csrf_client: FlaskClient) -> None:
    body = csrf_client.get("/nl/errors/1009?diagnose=1&rooms=1").get_data(as_text=True)
    form = body[body.index('class="ec-reproduce"') :]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    fields = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form))
    assert fields["rooms"] == "1"
    response = csrf_client.post("/nl/errors/1009/sandbox", data=fields)
    assert response.status_code == 302
    assert response.headers["Location"] == "/nl/sandbox/"
