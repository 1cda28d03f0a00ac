"""Trusted hosts: any other Host is a localized 400, never a 500 or a redirect."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk import create_app
from helpdesk.settings import DEFAULT_TRUSTED_HOSTS, LANGUAGES, from_environment
from tests.helpdesk.sandbox.helpers import API

UNTRUSTED = {
    "en": "This site does not answer to that host name.",
    "nl": "Deze site is niet bereikbaar onder die hostnaam.",
    "pl": "Ta witryna nie jest dostępna pod tą nazwą hosta.",
}


# --- trusted hosts -----------------------------------------------------------------


def test_the_trusted_hosts_come_from_the_environment() -> None:
    assert create_app.__module__  # the factory reads settings.defaults() first
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
