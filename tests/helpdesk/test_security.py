"""Trusted hosts (any other Host is a localized 400), no-store for the sandbox and
the security headers of every answer."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk import create_app
from helpdesk.security import (
    CONTENT_SECURITY_POLICY,
    SECURITY_HEADERS,
    is_sandbox_path,
)
from helpdesk.settings import DEFAULT_TRUSTED_HOSTS, LANGUAGES, from_environment
from tests.helpdesk.sandbox.helpers import API, XHR, create

UNTRUSTED = {
    "en": "This site does not answer to that host name.",
    "nl": "Deze site is niet bereikbaar onder die hostnaam.",
    "pl": "Ta witryna nie jest dostępna pod tą nazwą hosta.",
}


# --- trusted hosts -----------------------------------------------------------------


def test_the_trusted_hosts_come_from_the_environment() -> None:
    config = from_environment(
        {"HELPDESK_TRUSTED_HOSTS": " help.example, .acme.example ,"}
    )
    assert config == {"TRUSTED_HOSTS": ["help.example", ".acme.example"]}
    assert from_environment({}) == {}
    with pytest.raises(ValueError, match="HELPDESK_TRUSTED_HOSTS"):
        from_environment({"HELPDESK_TRUSTED_HOSTS": " , "})


def test_the_default_trusted_hosts_are_the_local_machine(app: Flask) -> None:
    assert DEFAULT_TRUSTED_HOSTS == ("localhost", "127.0.0.1", "::1")
    assert app.config["TRUSTED_HOSTS"] == list(DEFAULT_TRUSTED_HOSTS)


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8000", "127.0.0.1", "127.0.0.1:8000"]
)
def test_trusted_hosts_are_served_with_or_without_a_port(
    client: FlaskClient, host: str
) -> None:
    response = client.get("/", headers={"Host": host, "Accept-Language": "nl"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/nl/"
    assert client.get("/en/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "host", ["evil.example", "localhost.evil.example", "evil.example:8000"]
)
def test_an_untrusted_host_is_a_localized_400_page(
    client: FlaskClient, lang: str, host: str
) -> None:
    for path in ("/", f"/{lang}/", f"/{lang}/sandbox/", f"/{lang}/articles/nope"):
        response = client.get(path, headers={"Host": host, "Accept-Language": lang})
        assert response.status_code == 400, path
        assert response.mimetype == "text/html"
        body = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in body
        assert UNTRUSTED[lang] in body
        assert "Location" not in response.headers
        assert host.split(":")[0] not in body


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_untrusted_host_is_refused_before_a_form_post_runs(
    app: Flask, lang: str
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True  # the host is refused first, not the form
    client = app.test_client()
    response = client.post(
        f"/{lang}/sandbox/reset", data={"next": "/"}, headers={"Host": "evil.example"}
    )
    assert response.status_code == 400
    assert UNTRUSTED[lang] in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_untrusted_host_is_the_json_error_under_the_api(
    client: FlaskClient, lang: str
) -> None:
    for method, path in (("GET", "/api/v1/errors/1009"), ("POST", API)):
        response = client.open(
            f"{path}?lang={lang}",
            method=method,
            json={"scenario": "clean"},
            headers={"Host": "evil.example"},
        )
        assert response.status_code == 400
        assert response.json == {
            "error": {
                "code": "untrusted-host",
                "rule": None,
                "message": UNTRUSTED[lang],
            }
        }


def test_a_configured_host_is_served_and_the_defaults_no_longer(
    app_config: dict[str, object],
) -> None:
    app = create_app({**app_config, "TRUSTED_HOSTS": [".help.example"]})
    client = app.test_client()
    response = client.get("/", base_url="https://www.help.example:8443")
    assert response.status_code == 302
    assert client.get("/en/", headers={"Host": "help.example"}).status_code == 200
    assert client.get("/en/", headers={"Host": "localhost"}).status_code == 400


# --- Cache-Control: no-store -------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_sandbox_page_is_no_store(client: FlaskClient, lang: str) -> None:
    responses = [
        client.get(f"/{lang}/sandbox/"),
        client.get(f"/{lang}/sandbox/users"),
        client.get(f"/{lang}/sandbox/rooms"),
        client.get(f"/{lang}/sandbox/users/nobody@acme.example/deactivate"),  # 404
        client.get(f"/{lang}/sandbox/no-such-page"),  # 404, no endpoint matched
        client.post(f"/{lang}/sandbox/reset"),  # a redirect
        client.get(f"/{lang}/sandbox/reset/undo"),  # 405
        client.get(f"/{lang}/sandbox/", headers={"Host": "evil.example"}),  # 400
    ]
    statuses = [r.status_code for r in responses]
    assert statuses == [200, 200, 200, 404, 404, 302, 405, 400]
    for response in responses:
        assert response.headers["Cache-Control"] == "no-store", response.request.path


def test_every_sandbox_api_answer_is_no_store(client: FlaskClient) -> None:
    sid = create(client)
    responses = [
        client.post(API, json={"scenario": "clean"}),  # 201
        client.get(f"{API}/{sid}"),
        client.get(f"{API}/{sid}/imports/sample.csv?action=delete"),
        client.post(f"{API}/{sid}/invitation/accept", headers=XHR),  # 409
        client.get(f"{API}/{'B' * 32}"),  # 404 unknown sandbox
        client.get(f"/api/v1/shared/{'B' * 43}"),  # 404 unknown share token
        client.post(f"{API}/{sid}/reset"),  # 403 cross-site-request
        client.get(f"{API}/{sid}/no-such-thing"),  # 404, no endpoint matched
        client.post(API, data="{", content_type="application/json"),  # 400
    ]
    statuses = [r.status_code for r in responses]
    assert statuses == [201, 200, 200, 409, 404, 404, 403, 404, 400]
    for response in responses:
        assert response.headers["Cache-Control"] == "no-store", response.request.path


def test_pages_outside_the_sandbox_may_be_cached(client: FlaskClient) -> None:
    for path in ("/en/", "/nl/articles/error-1009", "/api/v1/errors/1009"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", ""), path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v1/sandboxes", True),
        ("/api/v1/sandboxes/abc/users", True),
        ("/api/v1/sandboxesque", False),
        ("/api/v1/search", False),
        ("/en/sandbox", True),
        ("/pl/sandbox/users", True),
        ("/de/sandbox/users", False),
        ("/en/sandboxes", False),
        ("/en/articles/sandbox", False),
        ("/sandbox", False),
        ("/", False),
    ],
)
def test_sandbox_paths(path: str, expected: bool) -> None:
    assert is_sandbox_path(path) is expected


# --- headers on every answer --------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/en/", "/nl/articles/error-1009", "/healthz", "/api/v1/nothing", "/pl/x"]
)
def test_every_answer_carries_the_security_headers_once(
    client: FlaskClient, path: str
) -> None:
    answer = client.get(path)
    for name, value in SECURITY_HEADERS:
        assert answer.headers.getlist(name) == [value]


def test_a_view_that_sets_a_security_header_keeps_its_own(
    app_config: dict[str, object],
) -> None:
    app = create_app(app_config)

    @app.get("/_test/framed")
    def framed() -> tuple[str, int, dict[str, str]]:
        return "framed", 200, {"x-frame-options": "DENY"}

    answer = app.test_client().get("/_test/framed")
    assert answer.headers.getlist("X-Frame-Options") == ["DENY"]
    assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_no_flask_limiter_hook_runs_around_requests(app: Flask) -> None:
    # Limits are counted by helpdesk.ratelimit.hit() where an action is limited;
    # the limiter's own per-request hooks would only cost time on every page.
    limiter = app.extensions["helpdesk.ratelimit"]
    hooks = [
        *app.before_request_funcs.get(None, []),
        *app.after_request_funcs.get(None, []),
        *app.teardown_request_funcs.get(None, []),
    ]
    owners = {getattr(h, "__self__", None) for h in hooks}
    owners |= {(getattr(h, "args", None) or (None,))[0] for h in hooks}
    assert limiter not in owners
    assert "X-RateLimit-Limit" not in app.test_client().get("/en/").headers


# --- CSRF checks: unsafe methods only, the API exempt --------------------------------


@pytest.fixture
def csrf_client(app_config: dict[str, object]) -> FlaskClient:
    app_config["WTF_CSRF_ENABLED"] = True
    return create_app(app_config).test_client()


FEEDBACK = "/en/articles/remove-users/feedback"


def test_a_form_post_without_the_readers_token_is_refused(
    csrf_client: FlaskClient,
) -> None:
    csrf_client.get("/en/articles/remove-users")
    assert csrf_client.post(FEEDBACK, data={"helpful": "yes"}).status_code == 400


def test_a_form_post_with_the_readers_token_passes_the_check(
    csrf_client: FlaskClient,
) -> None:
    page = csrf_client.get("/en/articles/remove-users").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    answer = csrf_client.post(
        FEEDBACK, data={"helpful": "yes", "csrf_token": token.group(1)}
    )
    assert answer.status_code == 303


def test_the_api_is_exempt_from_form_tokens(csrf_client: FlaskClient) -> None:
    answer = csrf_client.post(API, json={"scenario": "error-1009"}, headers=XHR)
    assert answer.status_code == 201


def test_safe_methods_are_never_checked(csrf_client: FlaskClient) -> None:
    for method in ("GET", "HEAD", "OPTIONS"):
        assert csrf_client.open("/en/", method=method).status_code == 200
