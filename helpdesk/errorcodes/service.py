"""What the error-code pages and the errors API need, one function per request.

The meaning of a code comes from the article that lists it in ``error_codes``; the
fix plan and the sections that fix a code come from :mod:`helpdesk.errorcodes.plan`,
the wording of the questionnaire's errors from :mod:`helpdesk.errorcodes.form`.
This module only puts them together for the views and the API.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from helpdesk.content import Section, Translation, get_library
from helpdesk.errorcodes import codes, questionnaire
from helpdesk.errorcodes.codes import KnownCode
from helpdesk.errorcodes.form import field_messages, form_values
from helpdesk.errorcodes.plan import (
    Plan,
    PlanGroup,
    SectionLink,
    build_plan,
    can_diagnose,
    fix_sections,
    section_link,
)
from helpdesk.errorcodes.questionnaire import Parsed

__all__ = [
    "PAGE_FIELDS",
    "SEARCH_LIMIT",
    "CodePage",
    "InvalidAnswers",
    "Lookup",
    "Plan",
    "PlanGroup",
    "Redirect",
    "Reproduced",
    "SectionLink",
    "UnknownCode",
    "UnknownCodePage",
    "api_error_code",
    "can_diagnose",
    "code_page",
    "fix_sections",
    "lookup",
    "redirect_query",
    "reproduce",
    "search_hits",
    "section_link",
    "suggestions",
]

log = logging.getLogger(__name__)

#: Search results shown for a pasted text that names no known code.
SEARCH_LIMIT = 5


class UnknownCode(LookupError):
    """Signal that no article diagnoses this code (or it is not a code at all)."""


class InvalidAnswers(ValueError):
    """Signal that the questionnaire's answers cannot describe an account."""


@dataclass(frozen=True)
class Lookup:
    """The outcome of reading the header box: a code, or why there is none."""

    code: int | None
    text: str
    known: bool = False
    table: tuple[KnownCode, ...] = ()
    hits: tuple[Any, ...] | None = None

    @property
    def empty(self) -> bool:
        """Return whether nothing was entered."""
        return not self.text.strip()


@dataclass(frozen=True)
class CodePage:
    """Everything the page of a known code shows."""

    code: int
    translation: Translation
    cause: Section | None
    fixes: tuple[SectionLink, ...]
    parsed: Parsed
    form: dict[str, str]
    errors: dict[str, str]
    plan: Plan | None
    reproduce: dict[str, str] | None
    diagnosable: bool = False


@dataclass(frozen=True)
class UnknownCodePage:
    """What the page of an unknown code shows: search results and known codes."""

    text: str
    code: int | None
    table: tuple[KnownCode, ...]
    hits: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Reproduced:
    """A sandbox made for a code: its id, the code and the answers it came from."""

    sandbox_id: str
    code: int
    query: dict[str, str]


@dataclass(frozen=True)
class Redirect:
    """Send the reader to the canonical URL of a code (``1,009`` → ``1009``)."""

    code: int
    query: dict[str, str] = field(default_factory=dict)


# --- the lookup box ------------------------------------------------------------------


def lookup(text: str, lang: str) -> Lookup:
    """Read a code from what the reader pasted into the lookup box.

    A known code, or any code at all, is returned for a redirect; with nothing
    usable the known codes are listed and the text is searched.
    """
    text = codes.clean(text).strip()
    library = get_library()
    known = codes.known_codes(library)
    code = codes.normalize(text, known)
    if code is not None:
        return Lookup(code, text, known=code in known)
    table = tuple(codes.code_table(library, lang))
    hits = search_hits(text, lang) if text else None
    return Lookup(None, text, table=table, hits=hits)


def redirect_query(result: Lookup) -> dict[str, str]:
    """Return the query to keep on the redirect: the pasted text, for unknown codes.

    The unknown-code page searches for it; a known code needs no more than its URL.
    """
    if result.known or result.text == str(result.code):
        return {}
    return {"q": result.text}


# --- the code page -------------------------------------------------------------------


def code_page(
    segment: str, args: Mapping[str, str], lang: str
) -> CodePage | UnknownCodePage | Redirect:
    """Return the page for the code in a URL segment, with the reader's diagnosis.

    ``args`` holds the questionnaire's answers (and ``q``, the text originally
    pasted, searched on an unknown code's page).
    """
    code = codes.parse_code(segment)
    if code is not None and segment != str(code):
        return Redirect(code, _page_query(args))
    library = get_library()
    translation = (
        codes.diagnosing_article(library, code, lang) if code is not None else None
    )
    if code is None or translation is None:
        text = codes.clean(args.get("q", "") or segment).strip()
        return UnknownCodePage(
            text, code, tuple(codes.code_table(library, lang)), search_hits(text, lang)
        )
    parsed = questionnaire.parse_answers(args)
    plan = None
    if not parsed.errors:
        plan = build_plan(code, parsed, lang)
    reproduce = None
    if plan is not None:
        reproduce = parsed.answers.to_params() if parsed.submitted else {}
    return CodePage(
        code=code,
        translation=translation,
        cause=translation.article.section("cause"),
        fixes=tuple(fix_sections(library, code, lang)),
        parsed=parsed,
        form=form_values(args),
        errors=field_messages(parsed.errors),
        plan=plan,
        reproduce=reproduce,
        diagnosable=can_diagnose(code),
    )


#: The query fields a code page reads; a redirect keeps these and no others.
PAGE_FIELDS = (*questionnaire.LIMITS, "addons", questionnaire.SUBMITTED, "q")


def _page_query(args: Mapping[str, str]) -> dict[str, str]:
    """Return the fields of ``args`` the code page reads, in the order given.

    Anything else (``code``, ``lang_code``, ``_external``…) would clash with the
    URL's own values when the redirect is built.
    """
    return {
        name: value
        for name, value in args.items()
        if name in PAGE_FIELDS and isinstance(value, str)
    }


# --- the errors API ------------------------------------------------------------------


def api_error_code(segment: str, lang: str) -> dict[str, Any]:
    """Return the API's description of a code.

    :raise UnknownCode: with ``args[0]`` the parsed code (or None); the caller
        answers 404 with :func:`suggestions`.
    """
    code = codes.parse_code(segment)
    library = get_library()
    translation = (
        codes.diagnosing_article(library, code, lang) if code is not None else None
    )
    if code is None or translation is None:
        raise UnknownCode(code)
    return {
        "code": code,
        "title": translation.article.title,
        "summary": translation.article.summary,
        "lang": translation.article.lang,
        "articles": [link.to_dict() for link in fix_sections(library, code, lang)],
    }


def suggestions(lang: str) -> list[dict[str, Any]]:
    """Return the known codes with their titles, offered for an unknown code."""
    return [
        {
            "code": known.code,
            "title": known.title,
            "url": url_for("errorcodes.code", code=known.code, lang_code=lang),
        }
        for known in codes.code_table(get_library(), lang)
    ]


# --- the sandbox ---------------------------------------------------------------------


def reproduce(
    segment: str,
    form: Mapping[str, str],
    create: Callable[[str | None, dict[str, Any] | None], str],
) -> Reproduced:
    """Create a sandbox with the account the answers describe.

    Return its id, the code (whose fix plan the sandbox is opened with) and the
    answers as a query, to link back to the same plan. Without answers, the
    code's typical scenario (``error-<code>``) is used.
    ``create(scenario, account)`` stores the sandbox and returns its id.

    :raise UnknownCode: the code is unknown or the simulator cannot diagnose it.
    :raise InvalidAnswers: the answers cannot describe an account.
    :raise SandboxError: the sandbox refused to create it (e.g. 429, 503).
    """
    code = codes.parse_code(segment)
    library = get_library()
    if code is None or codes.diagnosing_article(library, code, "en") is None:
        raise UnknownCode(code)
    if not can_diagnose(code):
        raise UnknownCode(code)
    parsed = questionnaire.parse_answers(form)
    if parsed.errors:
        raise InvalidAnswers(parsed.errors)
    if parsed.submitted:
        account = questionnaire.build_account(parsed.answers)
        return Reproduced(create(None, account), code, parsed.answers.to_params())
    return Reproduced(create(f"error-{code}", None), code, {})


# --- search --------------------------------------------------------------------------


def search_hits(text: str, lang: str) -> tuple[Any, ...] | None:
    """Return search hits for ``text``, or None when search is unavailable.

    The search area is optional: without it (or with its index missing) the page
    simply has no results block.
    """
    if not text.strip():
        return None
    try:
        from helpdesk.search import search
    except ImportError:
        return None
    try:
        result = search(text, lang, limit=SEARCH_LIMIT, page=1)
    except Exception:  # search trouble must never break the error-code page
        log.exception("search failed for the error-code page")
        return None
    return tuple(result.hits)
