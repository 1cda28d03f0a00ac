"""``next=``: a form sends the visitor back only to a sandbox page of this site."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpdesk.redirects import safe_next
from helpdesk.settings import LANGUAGES

PREFIXES = tuple(f"/{lang}/sandbox/" for lang in LANGUAGES)

#: Values a form may carry that must not be followed.
ATTACKS = (
    "/%09/evil.example/",
    "/\t/evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https://evil.example/",
    "https:/evil.example",
    "javascript:alert(1)",
    "/en/sandbox/\r\nSet-Cookie: x=1",
    "/en/sandbox/%0d%0aSet-Cookie: x=1",
    "/en/sandbox/\n",
    "/en/sandbox/\x00",
    "/en/sandbox/ users",
    "/en/sandbox/\u2028",
    "/en/sandbox/\u200b",
    "/en/sandbox/\\evil.example",
    "/en/sandbox/%5cevil.example",
    "/en/sandbox//evil.example",
    "/en/sandbox/%2F%2Fevil.example",
    "/en/sandbox/%252F%252Fevil.example",
    "/en/sandbox/../../evil",
    "/en/sandbox/%2e%2e/%2e%2e/evil",
    "/en/sandbox/.%2E/articles/error-1009",
    "/en/sandbox/?next=https://evil.example",
    "/en/sandbox",
    "/en/articles/error-1009",
    "/de/sandbox/",
    "/",
    "",
    "en/sandbox/",
    "/en/sandbox/%25252F%25252Fevil.example",  # encoded three times
    "/en/sandbox/%" + "25" * 8 + "2Fx",  # still decoding after every round
    "/en/sandbox/" + "x" * 3000,
)
#: Values our own pages put in ``next`` (``request.full_path``).
OWN = (
    "/en/sandbox/?",
    "/nl/sandbox/users?",
    "/pl/sandbox/users?q=ann&status=deactivated",
    "/en/sandbox/users/ann@acme.example/unlink?",
    "/pl/sandbox/users/ann%40acme.example?",
    "/nl/sandbox/rooms#room-1",
    "/pl/sandbox/użytkownicy",
)


def assert_safe(result: str | None) -> None:
    if result is None:
        return
    assert result.startswith(PREFIXES)
    for text in (result, unquote(result)):
        assert "//" not in text
        assert "\\" not in text
        assert not any(
            c.isspace() or unicodedata.category(c)[0] in "CZ" for c in text
        ), text


@given(st.text())
@example("/en/sandbox/%09/x")
@example("/en/sandbox/\\x")
def test_any_text_is_refused_or_a_plain_sandbox_path(value: str) -> None:
    assert_safe(safe_next(value, LANGUAGES))


@given(
    st.sampled_from(PREFIXES),
    st.text(alphabet=st.characters(codec="ascii") | st.sampled_from("%\t\\/.")),
)
def test_text_after_a_sandbox_prefix_is_refused_or_plain(
    prefix: str, rest: str
) -> None:
    assert_safe(safe_next(prefix + rest, LANGUAGES))


@pytest.mark.parametrize("value", ATTACKS)
def test_attacks_are_refused(value: str) -> None:
    assert safe_next(value, LANGUAGES) is None


@pytest.mark.parametrize("value", OWN)
def test_our_own_pages_are_followed(value: str) -> None:
    assert safe_next(value, LANGUAGES) == value


def test_only_the_given_languages_count() -> None:
    assert safe_next("/pl/sandbox/users", ("en",)) is None
    assert safe_next("/pl/sandbox/users", ("pl",)) == "/pl/sandbox/users"


# --- over HTTP: the forms that send the visitor back -------------------------------

#: Form posts that end with ``back()``, with the fields each needs.
BACK_FORMS = (
    ("guide/stop", {}),
    ("actor", {"actor": "owner@acme.example"}),
    ("clock", {"days": "1"}),
    ("clock", {"days": "nope"}),
)


@pytest.mark.parametrize("value", ATTACKS)
def test_a_hostile_next_falls_back_to_the_sandbox_home(
    client: FlaskClient, value: str
) -> None:
    for lang in LANGUAGES:
        for path, fields in BACK_FORMS:
            response = client.post(
                f"/{lang}/sandbox/{path}", data={**fields, "next": value}
            )
            assert response.status_code == 302, (path, response.get_data())
            assert response.headers["Location"] == f"/{lang}/sandbox/", path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_sandbox_next_is_followed(client: FlaskClient, lang: str) -> None:
    for value in (f"/{lang}/sandbox/users?status=deactivated", "/pl/sandbox/rooms"):
        response = client.post(f"/{lang}/sandbox/guide/stop", data={"next": value})
        assert response.status_code == 302
        assert response.headers["Location"] == value


def test_a_non_ascii_next_is_followed_percent_encoded(client: FlaskClient) -> None:
    response = client.post("/pl/sandbox/guide/stop", data={"next": "/pl/sandbox/żółw"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/pl/sandbox/%C5%BC%C3%B3%C5%82w"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(value=st.one_of(st.sampled_from(ATTACKS + OWN), st.text(max_size=60)))
def test_any_next_redirects_without_a_server_error(
    client: FlaskClient, value: str
) -> None:
    response = client.post("/en/sandbox/guide/stop", data={"next": value})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(PREFIXES)
    assert "//" not in location and "\\" not in location
