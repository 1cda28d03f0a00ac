"""Signed-cookie sessions that verify a reader's cookie once, not on every request.

A reader sends the same session cookie with every request until the session
changes. Flask verifies it anew each time: a key derivation and an HMAC, base64
and tagged JSON, and a new serializer built for it. On a cached page that was a
quarter of the app's time (bench/page_throughput.py). This interface keeps what
it verified: the exact cookie string maps to its data and the time it was
signed, and a change of keys empties the memo. A cookie that differs by one byte
is not in the memo and is verified as Flask would; an entry older than the session
lifetime is not used. Each reader gets a copy of its own, so one request's
changes never reach another's session.

The CSRF tokens of the pages are signed anew on each request in the same way
(:func:`reader_csrf_token` keeps them for the second they were signed in).
"""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from typing import Any

from flask import Flask, current_app, g, session
from flask.sessions import (
    SecureCookieSession,
    SecureCookieSessionInterface,
    SessionMixin,
)
from flask.wrappers import Request, Response
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer

#: Verified cookies kept per worker (a few hundred bytes each).
VERIFIED_ENTRIES = 4096
#: Tokens signed in the current second kept per worker.
SIGNED_TOKEN_ENTRIES = 4096
_TOKENS_KEY = "helpdesk.sessions.csrf_tokens"
_IMMUTABLE = frozenset({str, int, float, bool, type(None)})


class VerifiedCookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions with a memo of the cookies already verified."""

    def __init__(self, max_entries: int = VERIFIED_ENTRIES) -> None:
        self.max_entries = max_entries
        #: Cookie -> (its data, when it was signed), for the keys of _serializer.
        self._verified: OrderedDict[str, tuple[dict[str, Any], float]]
        self._verified = OrderedDict()
        self._lock = threading.Lock()
        self._serializer: tuple[tuple[Any, ...], URLSafeTimedSerializer] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return Flask's serializer, built once per set of keys."""
        keys = _keys(app)
        found = self._serializer
        if found is not None and found[0] == keys:
            return found[1]
        serializer = super().get_signing_serializer(app)
        with self._lock:
            # What was verified with other keys is not taken as verified now.
            self._verified.clear()
            self._serializer = None if serializer is None else (keys, serializer)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Return the reader's session, verifying its cookie only the first time."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        with self._lock:
            found = self._verified.get(value)
            if found is not None:
                self._verified.move_to_end(value)
        if found is not None:
            data, signed_at = found
            if 0 <= time.time() - signed_at <= max_age:
                return self.session_class(_copy(data))
        try:
            data, signed = serializer.loads(
                value, max_age=max_age, return_timestamp=True
            )
        except BadSignature:
            return self.session_class()
        with self._lock:
            if self._serializer is None or self._serializer[1] is not serializer:
                return self.session_class(data)  # the keys changed meanwhile
            self._verified[value] = (_copy(data), signed.timestamp())
            while len(self._verified) > self.max_entries:
                self._verified.popitem(last=False)
        return self.session_class(data)

    def save_session(
        self, app: Flask, session: SessionMixin, response: Response
    ) -> None:
        """Save as Flask does; an unchanged session only adds ``Vary: Cookie``.

        That is what Flask does for it too, by parsing the whole Vary header into
        a set and writing it back: here one look at the header does.
        """
        if session.modified or self.should_set_cookie(app, session):
            super().save_session(app, session, response)
        elif session.accessed:
            _vary_on_cookie(response)


def _vary_on_cookie(response: Response) -> None:
    vary = response.headers.get("Vary")
    if vary is None:
        response.headers.add("Vary", "Cookie")
    elif "cookie" not in {part.strip().lower() for part in vary.split(",")}:
        response.headers["Vary"] = f"{vary}, Cookie" if vary.strip() else "Cookie"


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    # Most sessions hold strings only (the CSRF token, a sandbox id): a flat copy
    # is a copy then. Anything else (flashed messages, lists) is copied deeply.
    if all(type(value) in _IMMUTABLE for value in data.values()):
        return dict(data)
    return copy.deepcopy(data)


def _keys(app: Flask) -> tuple[Any, ...]:
    return (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))


class _SignedTokens:
    """CSRF tokens signed in one second, by session token: signing the same token
    in the same second gives the same bytes (itsdangerous stamps whole seconds)."""

    def __init__(self, max_entries: int = SIGNED_TOKEN_ENTRIES) -> None:
        self.max_entries = max_entries
        self.second = -1
        self.tokens: dict[tuple[Any, str], str] = {}
        self._lock = threading.Lock()

    def get(self, second: int, key: tuple[Any, str]) -> str | None:
        with self._lock:
            return self.tokens.get(key) if second == self.second else None

    def put(self, second: int, key: tuple[Any, str], token: str) -> None:
        with self._lock:
            if second != self.second:
                self.second, self.tokens = second, {}
            if len(self.tokens) < self.max_entries:
                self.tokens[key] = token


def reader_csrf_token() -> str:
    """Return :func:`flask_wtf.csrf.generate_csrf` for this reader.

    The same token, signed in the same second, is the same string: it is signed
    once and reused for the other requests of that second. A reader without a
    session token yet gets one from ``generate_csrf`` as always.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    config = app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    raw = session.get(field)
    if field in g or not isinstance(raw, str):
        return str(generate_csrf())
    secret = config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    tokens: _SignedTokens = app.extensions[_TOKENS_KEY]
    second = int(time.time())
    key = (secret, raw)
    token = tokens.get(second, key)
    if token is None:
        token = str(generate_csrf())
        tokens.put(second, key, token)
    else:
        setattr(g, field, token)  # where generate_csrf keeps it for the request
    return token


def init_app(app: Flask) -> None:
    """Use the verifying session interface and keep signed CSRF tokens per second.

    Call after :func:`helpdesk.security.init_app` (it sets up CSRF protection).
    """
    app.session_interface = VerifiedCookieSessionInterface()
    app.extensions[_TOKENS_KEY] = _SignedTokens()
    # Templates rendered per request ask for their token by this name.
    app.jinja_env.globals["csrf_token"] = reader_csrf_token
