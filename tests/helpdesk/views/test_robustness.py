"""Arbitrary input to every sandbox and error-code route: never a 5xx, never an echo.

Hypothesis posts (or gets) random form fields and query strings, known field names
mixed with unknown ones, repeated fields, odd e-mails and numbers, to every route of
the sandbox UI and the error-code pages, in every language.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from helpdesk.settings import LANGUAGES
from tests.helpdesk.views.sandbox_helpers import start

#: Field names the sandbox and error-code forms read, plus a stranger.
FIELDS = (
    "days", "enabled", "notify", "scenario", "actor", "next", "signal", "action",
    "data", "file", "email", "mode", "transfer_email", "transfer_meeting",
    "transfer_webinar", "transfer_recording", "role", "license", "webinar", "q",
    "guide", "code", "users", "admins", "managed", "deactivated", "rooms", "addons",
    "diagnose", "unknown",
)  # fmt: skip

#: Values a careless or hostile visitor sends.
TRICKY = (
    "", "-1", "0", "1", "7", "3650", "3651", "9" * 40, "1e9", "1_000", "１２", "٣",
    "NaN", "abc", "<script>alert(1)</script>", "owner@acme.example",
    "bob@other.example", "ann%40acme.example", "a@b@c", "%00", "\x00", "../../etc",
    "//evil.example", "/\\evil.example", "x" * 5000, "yes", "error-1009",
    "error-1009#unlink-single", "remove-users#bulk-csv", "deactivate", "delete",
    "disassociate", "transfer", "preview", "member", "admin", "licensed", "r1",
)  # fmt: skip

values = st.one_of(st.sampled_from(TRICKY), st.text(max_size=40))
fields = st.lists(
    st.tuples(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), values),
    max_size=8,
)
segments = st.one_of(
    st.sampled_from(
        ("owner@acme.example", "bob@other.example", "r1", "1009", "1,009", "x")
    ),
    st.text(min_size=1, max_size=30),
)

#: ``<script`` is only allowed as our own external scripts.
ECHO = re.compile(r"<script(?![^>]*\bsrc=\"/static/)", re.IGNORECASE)


def _routes(app: Flask) -> list[tuple[str, str]]:
    """Return ``(method, rule)`` for every sandbox and error-code route."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("sandbox", "errorcodes"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule))
    return sorted(found)


def _path(rule: str, lang: str, segment: str) -> str:
    path = rule.replace("<any(en, nl, pl):lang_code>", lang)
    return re.sub(r"<[^>]+>", quote(segment, safe=""), path)


@pytest.fixture
def fuzzed(app: Flask) -> FlaskClient:
    """A client with a sandbox, on an app that renders unexpected errors as 500s."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    start(client)
    return client


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    index=st.integers(min_value=0),
    lang=st.sampled_from(LANGUAGES),
    segment=segments,
    data=fields,
    query=fields,
)
def test_arbitrary_input_never_fails_the_server_nor_echoes_markup(
    app: Flask,
    fuzzed: FlaskClient,
    index: int,
    lang: str,
    segment: str,
    data: list[tuple[str, str]],
    query: list[tuple[str, str]],
) -> None:
    routes = _routes(app)
    method, rule = routes[index % len(routes)]
    path = _path(rule, lang, segment)
    response = fuzzed.open(
        path, method=method, query_string=MultiDict(query), data=MultiDict(data)
    )
    assert response.status_code < 500, (method, path, query, data)
    assert not ECHO.search(response.get_data(as_text=True)), (method, path)


def test_every_sandbox_and_error_code_route_is_fuzzed(app: Flask) -> None:
    methods = {method for method, _ in _routes(app)}
    assert methods == {"GET", "POST"}
    assert len(_routes(app)) >= 35
