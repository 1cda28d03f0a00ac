"""Session cookies verified once (and never trusted beyond what Flask would), and
CSRF tokens signed once a second per reader."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf

from helpdesk import create_app, sessions
from helpdesk.sessions import VerifiedCookieSessionInterface, reader_csrf_token

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def session_app(app_config: dict[str, object]) -> Flask:
    app_config["WTF_CSRF_ENABLED"] = True
    app = create_app(app_config)

    @app.post("/_test/remember")
    def remember() -> dict[str, Any]:
        session["seen"] = [*session.get("seen", []), "x"]
        return {"seen": session["seen"]}

    @app.get("/_test/session")
    def show() -> dict[str, Any]:
        shown = copy.deepcopy(dict(session))
        seen = session.get("seen")
        if seen is not None:
            seen.append("changed in place")  # in place: the session is not saved
        return {"session": shown}

    @app.get("/_test/token")
    def token() -> dict[str, str]:
        return {"token": reader_csrf_token()}

    return app


class Loads:
    """Counts how often the app verifies a session cookie (its serializer's loads)."""

    def __init__(self, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        serializer = app.session_interface.get_signing_serializer(app)
        assert serializer is not None
        original = serializer.loads

        def counted(*args: Any, **kw: Any) -> Any:
            self.calls += 1
            return original(*args, **kw)

        monkeypatch.setattr(serializer, "loads", counted)


def post_with_token(client: FlaskClient, path: str) -> Any:
    token = client.get("/_test/token").get_json()["token"]
    return client.post(path, headers={"X-CSRFToken": token})


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_the_app_uses_the_verifying_session_interface(session_app: Flask) -> None:
    assert isinstance(session_app.session_interface, VerifiedCookieSessionInterface)


def test_a_cookie_is_verified_once_and_read_the_same_afterwards(
    session_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = session_app.test_client()
    assert post_with_token(client, "/_test/remember").status_code == 200
    loads = Loads(session_app, monkeypatch)
    first = client.get("/_test/session").get_json()["session"]
    second = client.get("/_test/session").get_json()["session"]
    assert first == second
    assert first["seen"] == ["x"]
    assert "csrf_token" in first
    assert loads.calls == 1


def test_a_changed_session_is_a_new_cookie_and_verified_anew(
    session_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = session_app.test_client()
    post_with_token(client, "/_test/remember")
    client.get("/_test/session")
    loads = Loads(session_app, monkeypatch)
    post_with_token(client, "/_test/remember")
    assert client.get("/_test/session").get_json()["session"]["seen"] == ["x", "x"]
    assert loads.calls == 1  # the new cookie; the POST's own came from the memo


def test_changes_made_in_place_during_one_request_never_reach_the_next(
    session_app: Flask,
) -> None:
    client = session_app.test_client()
    post_with_token(client, "/_test/remember")
    for _ in range(3):
        shown = client.get("/_test/session").get_json()["session"]
        assert shown["seen"] == ["x"]


def test_a_tampered_cookie_is_an_empty_session_even_after_the_real_one_was_seen(
    session_app: Flask,
) -> None:
    client = session_app.test_client()
    post_with_token(client, "/_test/remember")
    client.get("/_test/session")
    real = session_cookie(client)
    payload, _, rest = real.partition(".")
    tampered = f"{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}.{rest}"
    for value in (tampered, real[:-1], real + "x"):
        other = session_app.test_client()
        other.set_cookie("session", value)
        assert other.get("/_test/session").get_json()["session"] == {}


def test_a_remembered_cookie_expires_with_the_session_lifetime(
    session_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = session_app.test_client()
    post_with_token(client, "/_test/remember")
    assert client.get("/_test/session").get_json()["session"]["seen"] == ["x"]
    lifetime = session_app.permanent_session_lifetime.total_seconds()
    now = sessions.time.time()
    monkeypatch.setattr(sessions.time, "time", lambda: now + lifetime + 5)
    assert client.get("/_test/session").get_json()["session"] == {}


def test_a_cookie_signed_with_another_key_is_not_taken_from_the_memo(
    session_app: Flask,
) -> None:
    client = session_app.test_client()
    post_with_token(client, "/_test/remember")
    assert client.get("/_test/session").get_json()["session"]["seen"] == ["x"]
    session_app.secret_key = "another key entirely"
    assert client.get("/_test/session").get_json()["session"] == {}


def test_the_memo_keeps_at_most_its_number_of_cookies(session_app: Flask) -> None:
    interface = VerifiedCookieSessionInterface(max_entries=2)
    session_app.session_interface = interface
    cookies = []
    for _ in range(3):
        client = session_app.test_client()
        post_with_token(client, "/_test/remember")
        cookies.append(session_cookie(client))
    for value in cookies:
        reader = session_app.test_client()
        reader.set_cookie("session", value)
        assert reader.get("/_test/session").get_json()["session"]["seen"] == ["x"]
    assert len(interface._verified) == 2


def test_a_token_signed_in_the_same_second_is_the_one_flask_wtf_signs(
    session_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sessions.time, "time", lambda: 1_800_000_000.25)
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: 1_800_000_000.25)
    client = session_app.test_client()
    first = client.get("/_test/token").get_json()["token"]
    again = client.get("/_test/token").get_json()["token"]
    assert again == first
    with session_app.test_request_context("/"):
        cookie = session_cookie(client)
        serializer = session_app.session_interface.get_signing_serializer(session_app)
        assert serializer is not None
        session.update(serializer.loads(cookie))
        assert generate_csrf() == first


def test_each_reader_gets_a_token_of_their_own(session_app: Flask) -> None:
    one, two = session_app.test_client(), session_app.test_client()
    token_one = one.get("/_test/token").get_json()["token"]
    token_two = two.get("/_test/token").get_json()["token"]
    assert token_one != token_two
    assert one.post("/_test/remember", headers={"X-CSRFToken": token_one}).is_json
    refused = two.post("/_test/remember", headers={"X-CSRFToken": token_one})
    assert refused.status_code == 400


def test_a_new_second_signs_a_new_token_that_still_validates(
    session_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1_800_000_000.0]
    monkeypatch.setattr(sessions.time, "time", lambda: clock[0])
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: clock[0])
    client = session_app.test_client()
    first = client.get("/_test/token").get_json()["token"]
    clock[0] += 1
    second = client.get("/_test/token").get_json()["token"]
    assert second != first
    for token in (first, second):
        answer = client.post("/_test/remember", headers={"X-CSRFToken": token})
        assert answer.status_code == 200


def test_pages_carry_the_token_of_the_readers_session(session_app: Flask) -> None:
    client = session_app.test_client()
    page = client.get("/en/articles/remove-users").get_data(as_text=True)
    found = set(TOKEN.findall(page))
    assert len(found) == 1
    token = found.pop()
    answer = client.post("/_test/remember", headers={"X-CSRFToken": token})
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (None, "Cookie"),
        ("", "Cookie"),
        ("Accept-Encoding", "Accept-Encoding, Cookie"),
        ("Accept-Encoding, Cookie", "Accept-Encoding, Cookie"),
        ("cookie", "cookie"),
        ("Origin , COOKIE", "Origin , COOKIE"),
        ("Cookies", "Cookies, Cookie"),
    ],
)
def test_an_unchanged_session_read_by_the_page_adds_vary_cookie_once(
    session_app: Flask, before: str | None, after: str
) -> None:
    @session_app.get("/_test/vary")
    def vary() -> tuple[str, int, dict[str, str]]:
        session.get("seen")
        # Not a text type: no Vary: Accept-Encoding from helpdesk.compression.
        headers = {"Content-Type": "application/octet-stream"}
        return "ok", 200, headers if before is None else {**headers, "Vary": before}

    client = session_app.test_client()
    post_with_token(client, "/_test/remember")
    answer = client.get("/_test/vary")
    assert answer.headers.getlist("Vary") == [after]
    assert answer.headers.get("Set-Cookie") is None


def test_a_changed_session_is_saved_as_flask_saves_it(session_app: Flask) -> None:
    client = session_app.test_client()
    answer = post_with_token(client, "/_test/remember")
    assert "session=" in answer.headers["Set-Cookie"]
    assert "Cookie" in answer.headers["Vary"]
