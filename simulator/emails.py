"""E-mail address syntax, as strict as a sign-up form."""

import re

from simulator.limits import MAX_EMAIL

_EMAIL = re.compile(
    r"[^@\s\"(),:;<>\[\]\\]+@"
    r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}",
)


def is_email(text: str) -> bool:
    """Return whether ``text`` looks like a deliverable e-mail address."""
    return len(text) <= MAX_EMAIL and _EMAIL.fullmatch(text) is not None
