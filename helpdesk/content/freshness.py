"""Per-section translation freshness: is a translated section still from today's source?

A translation's front matter names the language it was translated from
(``source:``). Its lock (:mod:`helpdesk.content.lock`) records, per section id, the
digest of that source section when the translation was last synced. A section is

- *up to date* when the recorded digest is the source section's digest now,
- *outdated* when it is another one (the source changed since),
- *missing* when nothing is recorded for it.

A digest covers the section's normalized text: its heading, its plain text with
whitespace collapsed (Unicode NFC), its step kinds and its internal link targets —
so rewrapping a paragraph or changing Markdown emphasis is not a change, a new
sentence or a new link target is.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from helpdesk.content.library import ContentLibrary
from helpdesk.content.lock import (
    DIGEST,
    LOCK_NAME,
    Lock,
    TranslationRecord,
    read_lock,
    write_lock,
)
from helpdesk.content.model import Article, Section
from helpdesk.settings import LANGUAGES


class State(Enum):
    """How a translated section stands against its source."""

    UP_TO_DATE = "up to date"
    OUTDATED = "outdated"
    MISSING = "missing"


@dataclass(frozen=True)
class SectionState:
    """One section of one translation, against the same section of its source."""

    slug: str
    lang: str
    source: str
    section: str
    state: State


class FreshnessError(ValueError):
    """A sync that cannot be done (unknown article, language or section)."""


def section_digest(section: Section) -> str:
    """Return the SHA-256 of the section's normalized text (see the module doc)."""
    parts = (
        section.title,
        section.text,
        " ".join(section.step_kinds),
        " ".join(section.links),
    )
    normalized = "\n".join(
        " ".join(unicodedata.normalize("NFC", part).split()) for part in parts
    )
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def translation_states(
    library: ContentLibrary, slug: str, lang: str
) -> list[SectionState]:
    """Return the state of every section of one translation (none for an original).

    Sections are those of the source; when the source file itself is missing,
    nothing can be compared and the list is empty.
    """
    article = library.get(slug, lang)
    if article is None or article.source is None or article.source == lang:
        return []
    origin = library.get(slug, article.source)
    if origin is None:
        return []
    record = library.lock(slug).translations.get(lang)
    if record is not None and record.source != article.source:
        record = None  # translated from another language since: nothing applies
    states = []
    for section in origin.sections:
        recorded = record.sections.get(section.id) if record else None
        if recorded is None:
            state = State.MISSING
        elif recorded == section_digest(section):
            state = State.UP_TO_DATE
        else:
            state = State.OUTDATED
        states.append(SectionState(slug, lang, article.source, section.id, state))
    return states


def outdated_sections(library: ContentLibrary, article: Article) -> dict[str, str]:
    """Return ``section id -> source language`` for the article's outdated sections."""
    return {
        s.section: s.source
        for s in translation_states(library, article.slug, article.lang)
        if s.state is State.OUTDATED
    }


def status(library: ContentLibrary) -> list[SectionState]:
    """Return the state of every section of every translation, article by article."""
    return [
        state
        for slug in library.slugs
        for lang in library.languages(slug)
        for state in translation_states(library, slug, lang)
    ]


def sync(
    library: ContentLibrary, slug: str, lang: str, sections: Iterable[str] = ()
) -> list[str]:
    """Record a translation as current with its source, for some or all sections.

    Writes the article's lock file, read afresh (not the library's copy); each
    digest recorded is also added to the source section's known versions.
    Returns the section ids recorded.

    :raise FreshnessError: for an unknown article, an original (not a translation),
        a missing source file or a section the source does not have.
    """
    article = library.get(slug, lang)
    if article is None:
        raise FreshnessError(f"no article {slug!r} in {lang!r}")
    if article.source is None or article.source == lang:
        raise FreshnessError(f"{slug}/{lang}.md is an original, not a translation")
    origin = library.get(slug, article.source)
    if origin is None:
        raise FreshnessError(f"{slug}/{article.source}.md (the source) is missing")
    wanted = list(sections) or list(origin.section_ids)
    unknown = [s for s in wanted if origin.section(s) is None]
    if unknown:
        raise FreshnessError(
            f"{slug}/{article.source}.md has no section {', '.join(unknown)}"
        )
    directory = library.root / slug
    lock = read_lock(directory)
    if lock.problems:
        lock = Lock()  # unreadable: start again rather than keep a broken record
    record = lock.translations.get(lang)
    if record is None or record.source != article.source:
        record = lock.translations[lang] = TranslationRecord(article.source)
    record.sections = {
        k: v for k, v in record.sections.items() if origin.section(k) is not None
    }
    known = lock.versions.setdefault(article.source, {})
    for section_id in wanted:
        section = origin.section(section_id)
        assert section is not None
        digest = section_digest(section)
        record.sections[section_id] = digest
        if digest not in known.setdefault(section_id, []):
            known[section_id].append(digest)
    write_lock(directory, lock)
    return wanted


def lock_problems(library: ContentLibrary, slug: str) -> list[tuple[str, str]]:
    """Return ``(where, message)`` for every claim in the lock that cannot be true.

    Outdated and missing sections are not problems. A claim fails when its
    language is not a translation of the article, when it names another source
    than the front matter, a section the source does not have, something that is
    not a SHA-256 digest, or a digest that is neither the source section's
    current one nor one recorded in ``versions`` (a version that never existed).
    """
    where = f"{slug}/{LOCK_NAME}"
    lock = library.lock(slug)
    problems = [(where, message) for message in lock.problems]
    for source, sections in lock.versions.items():
        for section_id, digests in sections.items():
            for digest in digests:
                if not DIGEST.match(digest):
                    message = f"versions.{source}.{section_id}: {digest!r}"
                    problems.append((where, f"{message} is not a SHA-256 digest"))
    for lang, record in lock.translations.items():
        problems.extend(_record_problems(library, lock, slug, lang, record))
    return problems


def _record_problems(
    library: ContentLibrary, lock: Lock, slug: str, lang: str, record: TranslationRecord
) -> list[tuple[str, str]]:
    where = f"{slug}/{LOCK_NAME}: {lang}"
    article = library.get(slug, lang)
    if article is None and lang in LANGUAGES:
        return []  # the content check reports the missing translation
    if article is None:
        return [(where, f"{lang!r} is not a language of the site")]
    if article.source is None or article.source == lang:
        return [(where, f"{lang}.md is an original, not a translation")]
    if record.source != article.source:
        message = (
            f"recorded as translated from {record.source!r}, but the front matter "
            f"says {article.source!r} (run content sync)"
        )
        return [(where, message)]
    origin = library.get(slug, article.source)
    if origin is None:
        return []  # the content check reports the missing file
    problems = []
    for section_id, digest in record.sections.items():
        section = origin.section(section_id)
        if section is None:
            problems.append(
                (where, f"section '{section_id}' is not in {article.source}.md")
            )
        elif not DIGEST.match(digest):
            problems.append(
                (where, f"section '{section_id}': {digest!r} is not a SHA-256 digest")
            )
        elif digest != section_digest(section) and digest not in lock.known_versions(
            article.source, section_id
        ):
            message = f"section '{section_id}' claims a version of {article.source}.md"
            problems.append((where, f"{message} that never existed"))
    return problems
