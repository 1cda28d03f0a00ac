"""The fix plan of a code: the simulator's diagnosis, grouped, worded and linked.

:func:`build_plan` runs :func:`simulator.diagnose` on the account described by the
questionnaire (or, without answers, on the ``error-<code>`` scenario) and tells the
result to the reader: what blocks, then consecutive steps of one action as one
instruction, each linked to the article section with its procedure.
:func:`fix_sections` lists those sections for a code, in the order to follow them.
Both are worked out once per code, answers and language (:mod:`.memo`), and the
diagnosis once per code and answers per process.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from helpdesk.content import ContentLibrary, get_library
from helpdesk.errorcodes import codes, questionnaire
from helpdesk.errorcodes.memo import remembered
from helpdesk.errorcodes.questionnaire import Answers, Parsed
from simulator import (
    FIXES,
    RULES,
    Diagnosis,
    PlanStep,
    diagnose,
    load_account,
    load_scenario,
)


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


# --- the diagnosis -------------------------------------------------------------------


#: Diagnoses kept per process (the answers of a few hundred readers).
DIAGNOSES = 256


@functools.lru_cache(maxsize=64)
def can_diagnose(code: int) -> bool:
    """Return whether the simulator can diagnose ``code``."""
    empty = questionnaire.build_account(questionnaire.Answers())
    return diagnose_code(code, load_account(empty)) is not None


@functools.lru_cache(maxsize=DIAGNOSES)
def _diagnosis(code: int, answers: Answers | None) -> Diagnosis | None:
    """Return the diagnosis of ``code`` on the answered (or, for None, typical) account.

    A pure function of its arguments (the simulator has no clock or store here),
    so it is kept; the result is shared and must only be read, never changed.
    """
    if answers is not None:
        account = load_account(questionnaire.build_account(answers))
    else:
        try:
            account = load_scenario(f"error-{code}")
        except KeyError:
            return None
    return diagnose_code(code, account)


def diagnose_code(code: int, account: Any) -> Diagnosis | None:
    """Return the simulator's diagnosis of ``code`` on ``account``.

    None for a code some article explains but the simulator does not model.
    """
    try:
        return diagnose(account, code)
    except ValueError:
        # A code some article explains but the simulator does not model.
        return None


def build_plan(code: int, parsed: Parsed, lang: str) -> Plan | None:
    """Return the fix plan of ``code`` for the questionnaire's answers, in ``lang``.

    Without submitted answers the typical account (the ``error-<code>`` scenario)
    is diagnosed. None when there is no such scenario or the simulator does not
    model the code. The plan is frozen: it is kept and handed to every reader.
    """
    answers = parsed.answers if parsed.submitted else None
    return remembered(
        "plan", (code, answers, lang), lambda: _work_out_plan(code, answers, lang)
    )


def _work_out_plan(code: int, answers: Answers | None, lang: str) -> Plan | None:
    diagnosis = _diagnosis(code, answers)
    if diagnosis is None:
        return None
    return Plan(
        blocked=diagnosis.blocked,
        blockers=_blocker_lines(diagnosis),
        groups=tuple(_groups(diagnosis.plan, get_library(), lang)),
        typical=answers is None,
    )


# --- wording -------------------------------------------------------------------------


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


def plan_groups(steps: Sequence[PlanStep], lang: str) -> list[PlanGroup]:
    """Return plan steps told as instructions, one per run of one action, in ``lang``.

    The sandbox's guide panel tells the plan exactly as the error-code page does.
    """
    return _groups(steps, get_library(), lang)


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
    # The procedure and the explanation come from the simulator's one fix table;
    # an action it does not know falls back to its reason's rule source.
    fix = FIXES.get(first.action)
    procedure = fix.procedure(count) if fix else None
    link = (
        section_link(library, procedure.article, procedure.section, lang)
        if procedure
        else None
    )
    rule = RULES.get(first.reason)
    why_at = (fix.why.article, fix.why.section) if fix else None
    if why_at is None and rule is not None:
        why_at = (rule.article, rule.section)
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
                "not guess any (the sandbox's Cancel add-on button only simulates "
                "the result): check the add-ons of your own account (not of the "
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
    A new list each time (of frozen links), kept per code and language.
    """
    if library is not get_library():
        return list(_work_out_fix_sections(library, code, lang))
    return list(
        remembered(
            "fixes", (code, lang), lambda: _work_out_fix_sections(library, code, lang)
        )
    )


def _work_out_fix_sections(
    library: ContentLibrary, code: int, lang: str
) -> tuple[SectionLink, ...]:
    translation = codes.diagnosing_article(library, code, lang)
    if translation is None:
        return ()
    article = translation.article
    links: list[SectionLink | None] = []
    if article.section("solution") is not None:
        links.append(section_link(library, article.slug, "solution", lang))
    plan = build_plan(code, Parsed(submitted=False), lang)
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
    return tuple(unique.values())
