"""The content check: every rule that keeps translations and deep links consistent."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpdesk.content.freshness import lock_problems
from helpdesk.content.library import ContentLibrary
from helpdesk.content.parser import ContentError
from helpdesk.settings import LANGUAGES

#: Section ids other parts of the product link to (DESIGN.md): never renamed.
CANONICAL_SECTIONS: dict[str, tuple[str, ...]] = {
    "error-1009": (
        "cause", "solution", "delete-users", "unlink-users", "unlink-single",
        "unlink-multiple", "delete-rooms",
    ),
    "remove-users": (
        "prerequisites", "pending-users", "convert-admin", "deactivate",
        "deactivate-single", "deactivate-multiple", "auto-delete", "reactivate",
        "unlink", "unlink-single", "unlink-multiple", "delete", "delete-single",
        "delete-multiple", "bulk-csv",
    ),
    "remove-rooms": ("delete-room",),
}  # fmt: skip

#: Every step kind the sandbox's guided mode understands (docs/content-format.md).
STEP_KINDS = frozenset(
    """
    sign-in open-users open-advanced find-user open-more edit-user change-role save
    deactivate activate unlink delete select-users bulk-deactivate bulk-unlink
    bulk-delete choose-transfer confirm-unlink confirm-delete enable-auto-delete
    choose-days notify-admins save-settings open-import open-update-tab
    choose-csv-action download-sample edit-csv fill-csv upload-csv choose-file
    open-rooms find-room delete-room
    """.split()
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located by file and section."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def check_content(root: Path, languages: tuple[str, ...] = LANGUAGES) -> list[Problem]:
    """Return every problem found in the content folder (empty when all is well)."""
    try:
        library = ContentLibrary.load(root, languages)
    except ContentError as exc:
        return [Problem(str(root), str(exc))]
    problems: list[Problem] = []
    if not library.slugs:
        problems.append(Problem(str(root), "no articles found"))
    for slug in library.slugs:
        problems.extend(_check_article(library, slug, languages))
    return problems


def _check_article(
    library: ContentLibrary, slug: str, languages: tuple[str, ...]
) -> list[Problem]:
    problems: list[Problem] = []
    present = library.languages(slug)
    for lang in languages:
        if lang not in present:
            problems.append(Problem(f"{slug}/{lang}.md", "translation is missing"))
    if not present:
        return problems
    reference = library.get(slug, present[0])
    assert reference is not None
    for section_id in CANONICAL_SECTIONS.get(slug, ()):
        if reference.section(section_id) is None:
            problems.append(
                Problem(
                    f"{slug}/{present[0]}.md",
                    f"canonical section '{section_id}' is missing",
                )
            )
    for lang in present:
        article = library.get(slug, lang)
        assert article is not None
        where = f"{slug}/{lang}.md"
        problems.extend(_check_ids(article.section_ids, where))
        if article.section_ids != reference.section_ids:
            problems.append(
                Problem(
                    where,
                    f"section ids {list(article.section_ids)} differ from "
                    f"{reference.lang}.md {list(reference.section_ids)}",
                )
            )
        for section in article.sections:
            problems.extend(_check_steps(section, reference, where))
        for link in article.links:
            if not _link_resolves(library, link, slug):
                problems.append(Problem(where, f"broken internal link '{link}'"))
    # Outdated translations are not problems (``content status`` lists them);
    # a lock claiming what cannot be true is.
    problems.extend(
        Problem(where, message) for where, message in lock_problems(library, slug)
    )
    return problems


def _check_ids(ids: tuple[str, ...], where: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for section_id in ids:
        if section_id in seen:
            problems.append(Problem(where, f"section id '{section_id}' is used twice"))
        seen.add(section_id)
    return problems


def _check_steps(section, reference, where: str) -> list[Problem]:  # type: ignore[no-untyped-def]
    problems = []
    unknown = [k for k in section.step_kinds if k not in STEP_KINDS]
    if unknown:
        problems.append(
            Problem(f"{where}#{section.id}", f"unknown step kinds {unknown}")
        )
    twin = reference.section(section.id)
    if twin is not None and twin.step_kinds != section.step_kinds:
        problems.append(
            Problem(
                f"{where}#{section.id}",
                f"step kinds {list(section.step_kinds)} differ from "
                f"{reference.lang}.md {list(twin.step_kinds)}",
            )
        )
    if twin is not None and twin.procedure != section.procedure:
        problems.append(
            Problem(f"{where}#{section.id}", "is a procedure in one language only")
        )
    return problems


def _link_resolves(library: ContentLibrary, link: str, slug: str) -> bool:
    if "#" not in link:
        return False
    target_slug, _, section_id = link.partition("#")
    target = library.translation(target_slug or slug, "en")
    return target is not None and target.article.section(section_id) is not None
