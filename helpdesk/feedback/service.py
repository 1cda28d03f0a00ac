"""Take one "Was this helpful?" answer: check it, then store it (no Flask).

Every refusal is a :class:`FeedbackRefused` with an id; the web shell maps ids
to localized messages (``helpdesk.views.feedback.MESSAGES``) and answers 400.
Nothing is stored unless the whole answer is valid.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from helpdesk.feedback.store import FeedbackEntry, FeedbackStore

#: Why an article or section did not help, in the order the form lists them.
REASONS: tuple[str, ...] = (
    "outdated",
    "unclear",
    "did-not-work",
    "not-in-my-language",
    "other",
)
#: The longest comment accepted, in characters (after ``\r\n`` became ``\n``).
MAX_COMMENT_LENGTH = 1000
#: The answers to "Was this helpful?".
HELPFUL = {"yes": True, "no": False}
#: Every refusal id :func:`submit` may raise.
REFUSALS: tuple[str, ...] = (
    "invalid-helpful",
    "invalid-section",
    "invalid-reason",
    "reason-without-no",
    "comment-without-no",
    "comment-too-long",
    "control-characters",
)
#: Control characters a comment may hold (line breaks and tabs from a textarea).
_ALLOWED_CONTROLS = frozenset("\n\t")
#: They reorder the text shown after them ("Trojan Source"): a comment read by staff
#: could show other words than it holds. Right-to-left text needs none of them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class FeedbackRefused(Exception):
    """An answer that cannot be taken; ``refusal`` is one of :data:`REFUSALS`."""

    def __init__(self, refusal: str, **params: object) -> None:
        super().__init__(refusal)
        self.refusal = refusal
        self.params = params


@dataclass(frozen=True)
class Target:
    """What the answer is about: an article in a language and its section ids."""

    lang: str
    slug: str
    sections: Collection[str]


def has_control_characters(text: str) -> bool:
    """Return whether ``text`` holds a control or bidirectional formatting character.

    Line breaks and tabs are allowed (a textarea sends them); bidirectional
    embeddings, overrides and isolates are not.
    """
    return any(
        (unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS)
        or char in _BIDI_CONTROLS
        for char in text
    )


def parse(target: Target, form: Mapping[str, str], today: dt.date) -> FeedbackEntry:
    """Return the entry a submitted form describes.

    :raise FeedbackRefused: for any value that is not one the form offers.
    """
    fields = {
        name: str(form.get(name, "") or "")
        for name in ("helpful", "section", "reason", "comment")
    }
    fields["comment"] = fields["comment"].replace("\r\n", "\n").replace("\r", "\n")
    if any(has_control_characters(value) for value in fields.values()):
        raise FeedbackRefused("control-characters")
    helpful = HELPFUL.get(fields["helpful"].strip())
    if helpful is None:
        raise FeedbackRefused("invalid-helpful")
    section = fields["section"].strip()
    if section and section not in target.sections:
        raise FeedbackRefused("invalid-section")
    reason = fields["reason"].strip() or None
    if reason is not None and reason not in REASONS:
        raise FeedbackRefused("invalid-reason")
    if reason is not None and helpful:
        raise FeedbackRefused("reason-without-no")
    comment = fields["comment"].strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise FeedbackRefused("comment-too-long", max=MAX_COMMENT_LENGTH)
    if comment and helpful:
        raise FeedbackRefused("comment-without-no")
    return FeedbackEntry(
        day=today,
        lang=target.lang,
        slug=target.slug,
        section=section,
        helpful=helpful,
        reason=reason,
        comment=comment,
    )


def submit(
    store: FeedbackStore, target: Target, form: Mapping[str, str], today: dt.date
) -> FeedbackEntry:
    """Check the answer and store it; return what was stored.

    :raise FeedbackRefused: the answer is invalid (nothing is stored).
    :raise StoreUnavailable: the store is busy or down (nothing is stored).
    """
    entry = parse(target, form, today)
    store.add(entry)
    return entry
