"""Locale selection, localized blueprints and locale-aware formatting."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import Locale, numbers
from flask import Blueprint, Flask, current_app, g, request, url_for
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from werkzeug.routing import BuildError

from helpdesk.settings import API_PREFIX, DEFAULT_LANGUAGE, LANGUAGES

LANGUAGE_COOKIE = "lang"
#: The URL converter for a language prefix, built from the one LANGUAGES setting.
LANG_CONVERTER = "any({}):lang_code".format(", ".join(LANGUAGES))

#: Each language's name in that language, for the language switcher.
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "pl": "Polski"}


def language_name(code: str, in_language: str | None = None) -> str:
    """Return the name of language ``code`` in the reader's language (or another).

    For running text ("You are reading the Dutch version"); the language switcher
    keeps the endonyms of :data:`LANGUAGE_NAMES`.
    """
    return str(Locale.parse(code).get_display_name(in_language or current_language()))


babel = Babel()


def localized_blueprint(name: str, import_name: str, prefix: str = "") -> Blueprint:
    """Return a blueprint under ``/<lang>``; ``g.lang_code`` is set per request."""
    bp = Blueprint(name, import_name, url_prefix=f"/<{LANG_CONVERTER}>{prefix}")

    @bp.url_value_preprocessor
    def pull_lang_code(endpoint: str | None, values: dict[str, Any] | None) -> None:
        g.lang_code = (values or {}).pop("lang_code", DEFAULT_LANGUAGE)

    @bp.url_defaults
    def add_lang_code(endpoint: str, values: dict[str, Any]) -> None:
        # Checked first: setdefault(..., g.lang_code) would evaluate g.lang_code eagerly
        # and break url_for outside a localized request.
        if "lang_code" not in values:
            values["lang_code"] = getattr(g, "lang_code", None) or negotiate()

    return bp


def _asked_language() -> str:
    """Return ``?lang=``, or "" when absent or the query string is not UTF-8.

    Read for every message, the error page refusing such a query string too.
    """
    try:
        return request.args.get("lang", "")
    except UnicodeDecodeError:
        return ""


def negotiate() -> str:
    """Choose a language for a request that has none in its URL.

    Order: ``?lang=``, the language cookie, ``Accept-Language``, then the default.
    """
    candidate = _asked_language()
    if candidate in LANGUAGES:
        return candidate
    candidate = request.cookies.get(LANGUAGE_COOKIE, "")
    if candidate in LANGUAGES:
        return candidate
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def negotiate_api_language() -> str:
    """Choose the language of an API answer: ``?lang=``, else ``Accept-Language``."""
    candidate = _asked_language()
    if candidate in LANGUAGES:
        return candidate
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    """Return the language of the current request.

    The URL prefix first; the API answers by :func:`negotiate_api_language`, every
    other page by :func:`negotiate`. Flask-Babel uses this, so every message of a
    request is in this language without a view having to force it.
    """
    lang = getattr(g, "lang_code", None)
    if lang in LANGUAGES:
        return str(lang)
    # A URL that no rule matched (a 404 or 405 under /pl/) still names its language.
    prefix = request.path.split("/", 2)[1]
    if prefix in LANGUAGES:
        return prefix
    if request.path.startswith(API_PREFIX):
        return negotiate_api_language()
    return negotiate()


def language_urls() -> dict[str, str]:
    """Return this page's URL in every language (the home page where it has none).

    The query string is kept; the ``#section`` is added by ``site.js`` on click,
    since a fragment never reaches the server.
    """
    urls = {}
    localized = getattr(g, "lang_code", None) is not None and request.endpoint
    query = request.query_string.decode("utf-8", "replace")
    for code in LANGUAGES:
        try:
            if not localized:
                raise BuildError(request.endpoint or "", {}, None)
            url = url_for(request.endpoint, **(request.view_args or {}), lang_code=code)
            urls[code] = f"{url}?{query}" if query else url
        except BuildError:
            urls[code] = url_for("pages.home", lang_code=code)
    return urls


# -- templates: the request's translations looked up once per rendering -----------
#
# Flask-Babel's template callables find the translations (locale, domain, cache)
# anew for every message and number: a search page has a few dozen, at 15-20 us
# each. These read what :func:`_rendering_i18n` put in the template's context
# when the rendering began (under ``force_locale`` too, which is in force then);
# a macro imported without context has none and asks Flask-Babel.

_TRANSLATIONS = "_i18n_translations"
_LOCALE = "_i18n_locale"


def _translations(context: Context) -> Any:
    found = context.get(_TRANSLATIONS)
    return found if found is not None else get_translations()


@pass_context
def _gettext(context: Context, string: str) -> str:
    return str(_translations(context).ugettext(string))


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return str(_translations(context).ungettext(singular, plural, n))


@pass_context
def _pgettext(context: Context, message_context: str, string: str) -> str:
    return str(_translations(context).upgettext(message_context, string))


@pass_context
def _npgettext(
    context: Context, message_context: str, singular: str, plural: str, n: int
) -> str:
    return str(_translations(context).unpgettext(message_context, singular, plural, n))


@lru_cache(maxsize=4_096)
def _integer(number: int, locale: str) -> str:
    return str(numbers.format_decimal(number, locale=locale))


@pass_context
def number_filter(context: Context, number: Any) -> str:
    """Format ``number`` as Flask-Babel's ``format_number`` does (integers kept)."""
    locale = context.get(_LOCALE) or get_locale()
    if type(number) is int and locale is not None:
        return _integer(number, str(locale))
    return str(numbers.format_decimal(number, locale=locale))


def _rendering_i18n() -> dict[str, Any]:
    return {_TRANSLATIONS: get_translations(), _LOCALE: get_locale()}


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the locale taken from the URL first."""
    babel.init_app(app, locale_selector=current_language)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext,
        ngettext=_ngettext,
        newstyle=True,
        pgettext=_pgettext,
        npgettext=_npgettext,
    )
    app.jinja_env.filters["numberformat"] = number_filter
    app.context_processor(_rendering_i18n)

    @app.context_processor
    def language_context() -> dict[str, Any]:
        return {
            "LANGUAGES": LANGUAGES,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "language_name": language_name,
            "lang": current_language(),
            "language_urls": language_urls,
        }

    @app.after_request
    def remember_language(response: Any) -> Any:
        # A page viewed in a language makes it the default for the next visit to "/".
        lang = getattr(g, "lang_code", None)
        if (
            lang in LANGUAGES
            and request.cookies.get(LANGUAGE_COOKIE) != lang
            and response.mimetype == "text/html"
        ):
            response.set_cookie(
                LANGUAGE_COOKIE,
                lang,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            )
        return response
