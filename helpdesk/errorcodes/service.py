"""What the error-code pages and the errors API need, one function per request.

The meaning of a code comes from the article that lists it in ``error_codes``; the
fix plan comes from the simulator's :func:`simulator.diagnose`, run on the account
described by the questionnaire (or, without answers, on the ``error-<code>``
scenario); each plan step links to the article section with its procedure.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from helpdesk.content import ContentLibrary, Section, Translation, get_library
from helpdesk.errorcodes import codes, questionnaire
from helpdesk.errorcodes.codes import KnownCode
from helpdesk.errorcodes.questionnaire import FieldError, Parsed
from simulator import RULES, Diagnosis, PlanStep, diagnose, load_account, load_scenario

log = logging.getLogger(__name__)

#: Search results shown for a pasted text that names no known code.
SEARCH_LIMIT = 5

#: The procedure section of each plan action: (article, section for one target,
#: section for several). ``remove-addon`` has none: the sources describe no steps.
PROCEDURES: dict[str, tuple[str, str, str]] = {
    "change-role": ("remove-users", "convert-admin", "convert-admin"),
    "disassociate": ("error-1009", "unlink-single", "unlink-multiple"),
    "delete": ("remove-users", "delete-single", "delete-multiple"),
    "delete-room": ("remove-rooms", "delete-room", "delete-room"),
}
#: Where a step's reason is better explained than by its rule's primary source.
EXPLAINED_AT: dict[str, tuple[str, str]] = {
    "delete-room": ("error-1009", "delete-rooms"),
}


class UnknownCode(LookupError):
    """Signal that no article diagnoses this code (or it is not a code at all)."""


class InvalidAnswers(ValueError):
    """Signal that the questionnaire's answers cannot describe an account."""


class SandboxUnavailable(RuntimeError):
    """Signal that the sandbox could not be created."""


@dataclass(frozen=True)
class SectionLink:
    """A deep link to one section of an article, titled in the reader's language."""

    slug: str
    section: str
    title: str
    url: str
    lang: str

    def to_dict(self) -> dict[str, str]:
        """Return the JSON form used by the errors API."""
        return {
            "slug": self.slug,
            "section": self.section,
            "title": self.title,
            "url": self.url,
        }


@dataclass(frozen=True)
class PlanGroup:
    """Consecutive plan steps of one kind, told as one instruction."""

    action: str
    count: int
    text: str
    explanation: str
    link: SectionLink | None
    why: SectionLink | None
    targets: tuple[str, ...]
    warning: str | None = None


@dataclass(frozen=True)
class Plan:
    """A diagnosis told to the reader: what blocks, and the ordered fix."""

    blocked: bool
    blockers: tuple[str, ...]
    groups: tuple[PlanGroup, ...]
    typical: bool


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
        plan = _plan(code, parsed, lang)
    reproduce = None
    if plan is not None:
        reproduce = parsed.answers.to_params() if parsed.submitted else {}
    return CodePage(
        code=code,
        translation=translation,
        cause=translation.article.section("cause"),
        fixes=tuple(fix_sections(library, code, lang)),
        parsed=parsed,
        form=_form_values(args),
        errors={e.field: _field_message(e) for e in parsed.errors},
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


def can_diagnose(code: int) -> bool:
    """Return whether the simulator can diagnose ``code``."""
    empty = questionnaire.build_account(questionnaire.Answers())
    return _diagnosis(code, load_account(empty)) is not None


def _plan(code: int, parsed: Parsed, lang: str) -> Plan | None:
    if parsed.submitted:
        account = load_account(questionnaire.build_account(parsed.answers))
    else:
        try:
            account = load_scenario(f"error-{code}")
        except KeyError:
            return None
    diagnosis = _diagnosis(code, account)
    if diagnosis is None:
        return None
    return Plan(
        blocked=diagnosis.blocked,
        blockers=_blocker_lines(diagnosis),
        groups=tuple(_groups(diagnosis.plan, get_library(), lang)),
        typical=not parsed.submitted,
    )


def _diagnosis(code: int, account: Any) -> Diagnosis | None:
    try:
        return diagnose(account, code)
    except ValueError:
        # A code some article explains but the simulator does not model.
        return None


def _form_values(args: Mapping[str, str]) -> dict[str, str]:
    values = {name: args.get(name, "")[:12] for name in questionnaire.LIMITS}
    values["addons"] = args.get("addons", "")[:12]
    return values


def _field_message(error: FieldError) -> str:
    if error.problem == "number":
        return _("Enter a whole number.")
    if error.problem == "range":
        return _("Enter a number from 0 to %(max)d.", max=error.limit)
    if error.problem == "admins":
        return ngettext(
            "An admin must be converted to a member before being deactivated, so "
            "at most %(num)d user can be deactivated here.",
            "An admin must be converted to a member before being deactivated, so "
            "at most %(num)d users can be deactivated here.",
            error.limit,
        )
    return ngettext(
        "This cannot be more than the number of other users (%(num)d).",
        "This cannot be more than the number of other users (%(num)d).",
        error.limit,
    )


def _blocker_lines(diagnosis: Diagnosis) -> tuple[str, ...]:
    found = diagnosis.blockers
    active = sum(1 for b in found if b.kind == "user" and b.status == "active")
    deactivated = sum(
        1 for b in found if b.kind == "user" and b.status == "deactivated"
    )
    rooms = sum(1 for b in found if b.kind == "room")
    addons = sum(1 for b in found if b.kind == "addon")
    lines = []
    if active:
        lines.append(
            ngettext(
                "%(num)d active user besides you",
                "%(num)d active users besides you",
                active,
            )
        )
    if deactivated:
        lines.append(
            ngettext(
                "%(num)d deactivated user", "%(num)d deactivated users", deactivated
            )
        )
    if rooms:
        lines.append(ngettext("%(num)d Zoom Room", "%(num)d Zoom Rooms", rooms))
    if addons:
        lines.append(ngettext("%(num)d add-on", "%(num)d add-ons", addons))
    return tuple(lines)


def _groups(
    steps: Sequence[PlanStep], library: ContentLibrary, lang: str
) -> list[PlanGroup]:
    """Tell consecutive steps of one action as one instruction, in plan order."""
    runs: list[list[PlanStep]] = []
    for step in steps:
        if runs and runs[-1][0].action == step.action:
            runs[-1].append(step)
        else:
            runs.append([step])
    return [_group(run, library, lang) for run in runs]


def _group(run: list[PlanStep], library: ContentLibrary, lang: str) -> PlanGroup:
    first, count = run[0], len(run)
    link = None
    if first.action in PROCEDURES:
        slug, one, several = PROCEDURES[first.action]
        link = section_link(library, slug, one if count == 1 else several, lang)
    rule = RULES.get(first.reason)
    why_at = EXPLAINED_AT.get(first.action) or (
        (rule.article, rule.section) if rule else None
    )
    why = section_link(library, *why_at, lang) if why_at else None
    if why is not None and link is not None and why.url == link.url:
        why = None
    text, explanation = _instruction(first.action, count)
    return PlanGroup(
        action=first.action,
        count=count,
        text=text,
        explanation=explanation,
        link=link,
        why=why,
        targets=tuple(step.target for step in run),
        warning=_lost_warning(run),
    )


def _instruction(action: str, count: int) -> tuple[str, str]:
    """Return the instruction for ``count`` steps of ``action`` and why it is needed."""
    if action == "change-role":
        return (
            ngettext(
                "Convert %(num)d admin to a member",
                "Convert %(num)d admins to members",
                count,
            ),
            _(
                "An admin cannot be deleted before their role is changed to Member. "
                "Only the account owner can change the role."
            ),
        )
    if action == "disassociate":
        return (
            ngettext(
                "Unlink %(num)d user from your account",
                "Unlink %(num)d users from your account",
                count,
            ),
            _(
                "Unlinked users keep their own Zoom account with their settings, "
                "meetings, webinars and cloud recordings."
            ),
        )
    if action == "delete":
        return (
            ngettext(
                "Delete %(num)d user on a managed domain",
                "Delete %(num)d users on a managed domain",
                count,
            ),
            _(
                "Users whose e-mail address is on one of your account's managed "
                "domains cannot be unlinked, so they must be deleted. Deleting is "
                "permanent: transfer their data to another user first if you "
                "need it."
            ),
        )
    if action == "delete-room":
        return (
            ngettext("Delete %(num)d Zoom Room", "Delete %(num)d Zoom Rooms", count),
            _(
                "You delete Zoom Rooms in the Zoom web portal under Room Management "
                "→ Zoom Rooms."
            ),
        )
    if action == "remove-addon":
        return (
            ngettext("Remove %(num)d add-on", "Remove %(num)d add-ons", count),
            _(
                "Add-ons on your own, original account block the invitation too. "
                "Our help articles describe no steps for removing them, and we do "
                "not guess any: check the add-ons of your own account (not of the "
                "account that invited you) in the Zoom web portal, or ask Zoom "
                "support."
            ),
        )
    if action == "assign-license":
        return (
            _("Assign a free license to yourself"),
            _(
                "Cloud recordings can only be transferred to a licensed user, and "
                "webinars only to a user with a webinar license."
            ),
        )
    return action, ""


def _lost_warning(run: list[PlanStep]) -> str | None:
    lost = sum(
        len(w.get("items", ()))
        for step in run
        for w in step.warnings
        if w.get("rule") == "delete-permanent"
    )
    if not lost:
        return None
    return ngettext(
        "%(num)d meeting, webinar or cloud recording cannot be transferred and will "
        "be deleted permanently.",
        "%(num)d meetings, webinars or cloud recordings cannot be transferred and "
        "will be deleted permanently.",
        lost,
    )


# --- sections ------------------------------------------------------------------------


def section_link(
    library: ContentLibrary, slug: str, section: str, lang: str
) -> SectionLink | None:
    """Return a link to ``slug#section`` titled in ``lang``, or None if missing."""
    translation = library.translation(slug, lang)
    if translation is None:
        return None
    found = translation.article.section(section)
    if found is None:
        return None
    url = url_for("pages.article", slug=slug, lang_code=lang, _anchor=section)
    return SectionLink(slug, section, found.title, url, translation.article.lang)


def fix_sections(library: ContentLibrary, code: int, lang: str) -> list[SectionLink]:
    """Return the sections that fix ``code``, in the order to follow them.

    The diagnosing article's ``solution`` section comes first, then the procedure
    of each step of the typical plan (the ``error-<code>`` scenario); for a code
    the simulator does not model, the diagnosing article's procedures.
    """
    translation = codes.diagnosing_article(library, code, lang)
    if translation is None:
        return []
    article = translation.article
    links: list[SectionLink | None] = []
    if article.section("solution") is not None:
        links.append(section_link(library, article.slug, "solution", lang))
    plan = _plan(code, Parsed(submitted=False), lang)
    if plan is not None:
        links += [group.link for group in plan.groups]
    else:
        links += [
            section_link(library, article.slug, s.id, lang) for s in article.procedures
        ]
    unique: dict[str, SectionLink] = {}
    for link in links:
        if link is not None:
            unique.setdefault(link.url, link)
    return list(unique.values())


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


def reproduce(segment: str, form: Mapping[str, str]) -> str:
    """Create a sandbox with the account the answers describe; return its id.

    Without answers, the code's typical scenario (``error-<code>``) is used.

    :raise UnknownCode: the code is unknown or the simulator cannot diagnose it.
    :raise InvalidAnswers: the answers cannot describe an account.
    :raise SandboxUnavailable: the sandbox refused to create it.
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
    try:
        from helpdesk.sandbox.service import create_sandbox
    except ImportError as exc:  # the sandbox area is optional
        raise SandboxUnavailable("no sandbox") from exc
    try:
        if parsed.submitted:
            account = questionnaire.build_account(parsed.answers)
            sandbox = create_sandbox(account=account)
        else:
            sandbox = create_sandbox(scenario=f"error-{code}")
    except (LookupError, ValueError) as exc:
        log.warning("could not create a sandbox for code %s: %s", code, exc)
        raise SandboxUnavailable(str(exc)) from exc
    return str(sandbox.id)


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
