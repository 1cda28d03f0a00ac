"""Which article section fixes each plan step, and where its reason is explained.

One table for every reader of a plan (the error-code pages, the sandbox's 1009
blockers): before it, two copies disagreed on ``assign-license`` and
``remove-addon``. Sections are ``article#section`` ids, stable across languages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionRef:
    """One section of an article: the slug and the section id."""

    article: str
    section: str

    def __str__(self) -> str:
        return f"{self.article}#{self.section}"


@dataclass(frozen=True)
class Fix:
    """How the articles cover one plan action.

    ``one`` and ``several`` are the procedure sections for one target and for
    several (``None``: no article gives steps for it, and none is guessed);
    ``why`` is where the reason for the step is explained.
    """

    action: str
    one: SectionRef | None
    several: SectionRef | None
    why: SectionRef

    def procedure(self, count: int = 1) -> SectionRef | None:
        """Return the procedure section for ``count`` targets, or ``None``."""
        return self.one if count == 1 else self.several

    def section(self, count: int = 1) -> SectionRef:
        """Return the one section to link: the procedure, else the explanation."""
        return self.procedure(count) or self.why


def _ref(text: str) -> SectionRef:
    article, _, section = text.partition("#")
    return SectionRef(article, section)


# Why these sections (read in articles/*/en.md; the seeds agree):
# - change-role: remove-users#convert-admin is the only procedure for it, for one
#   admin or several, and states the reason (an admin is deleted as a member).
# - assign-license: no article gives steps for assigning a license, so no
#   procedure is linked. The step exists so that the owner can receive recordings
#   and webinars when a user is deleted; that requirement is stated in the
#   transfer step of remove-users#delete-single, which is where the deletion this
#   step prepares happens (the rules' own source, #unlink-single, is about
#   unlinking, which the plan never transfers for).
# - disassociate: the 1009 article's own procedures (error-1009#unlink-single,
#   #unlink-multiple) keep the reader in the article that diagnosed the error;
#   error-1009#unlink-users explains that the user keeps their data.
# - delete: remove-users#delete-single / #delete-multiple are the procedures;
#   error-1009#unlink-users says managed-domain users cannot be unlinked, so
#   they are deleted — the reason for this step.
# - delete-room: remove-rooms#delete-room is the procedure (Room Management →
#   Zoom Rooms); error-1009#delete-rooms says why the rooms must go first.
# - remove-addon: the sources describe no steps for removing an add-on, so no
#   procedure; error-1009#cause lists add-ons among the blockers and says they
#   are on the user's own account.
FIXES: dict[str, Fix] = {
    fix.action: fix
    for fix in (
        Fix(
            "change-role",
            _ref("remove-users#convert-admin"),
            _ref("remove-users#convert-admin"),
            _ref("remove-users#convert-admin"),
        ),
        Fix("assign-license", None, None, _ref("remove-users#delete-single")),
        Fix(
            "disassociate",
            _ref("error-1009#unlink-single"),
            _ref("error-1009#unlink-multiple"),
            _ref("error-1009#unlink-users"),
        ),
        Fix(
            "delete",
            _ref("remove-users#delete-single"),
            _ref("remove-users#delete-multiple"),
            _ref("error-1009#unlink-users"),
        ),
        Fix(
            "delete-room",
            _ref("remove-rooms#delete-room"),
            _ref("remove-rooms#delete-room"),
            _ref("error-1009#delete-rooms"),
        ),
        Fix("remove-addon", None, None, _ref("error-1009#cause")),
    )
}
