"""Localized error pages (HTML) and JSON errors for the API."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from helpdesk.i18n import current_language
from helpdesk.settings import API_PREFIX, LANGUAGES


def is_api_request() -> bool:
    """Return whether the request is for the JSON API."""
    return request.path.startswith(API_PREFIX)


def api_error(
    status: int,
    message: str,
    code: int | str | None = None,
    rule: str | None = None,
    **extra: object,
) -> tuple[dict[str, object], int]:
    """Return the API's error body ``{"error": {code, rule, message}}`` and status."""
    body: dict[str, object] = {
        "error": {
            "code": code if code is not None else status,
            "rule": rule,
            "message": message,
            **extra,
        }
    }
    return body, status


def _message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        403: _("You are not allowed to do that."),
        404: _("We could not find that page."),
        405: _("That method is not allowed here."),
        409: _("That conflicts with the current state."),
        413: _("What you sent is too large."),
        415: _("That kind of content is not supported here."),
        422: _("That could not be processed."),
        500: _("Something went wrong on our side."),
    }
    return messages.get(status, _("Something went wrong on our side."))


def init_app(app: Flask) -> None:
    """Render every HTTP error as a localized page, or as JSON under ``/api/``."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        message = _(
            "Your form expired or was not sent from this site. Please try again."
        )
        if is_api_request():
            return api_error(400, message, code="csrf")
        return render_template(
            "errors/error.html", status=400, message=message, lang=current_language()
        ), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):  # type: ignore[no-untyped-def]
        # Raised before the URL is matched: the request has no URL adapter, so the
        # page cannot call url_for, and request.host/url raise again if read. The
        # language comes from the path's prefix, which no URL rule has parsed.
        if is_api_request():
            message = _("This site does not answer to that host name.")
            return api_error(400, message, code="untrusted-host")
        prefix = request.path.split("/")[1]
        lang = prefix if prefix in LANGUAGES else current_language()
        with force_locale(lang):
            message = _("This site does not answer to that host name.")
            return render_template(
                "errors/host.html", status=400, message=message, lang=lang
            ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        # What the error says beside its text (a 405's Allow, a 401's
        # WWW-Authenticate) goes with the page that replaces it.
        headers = {
            name: value
            for name, value in error.get_headers()
            if name.lower() != "content-type"
        }
        if is_api_request():
            body, status = api_error(status, _message(status))
            return body, status, headers
        template = "errors/404.html" if status == 404 else "errors/error.html"
        page = render_template(
            template, status=status, message=_message(status), lang=current_language()
        )
        return page, status, headers

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error")
        if is_api_request():
            return api_error(500, _message(500))
        return render_template(
            "errors/error.html",
            status=500,
            message=_message(500),
            lang=current_language(),
        ), 500
