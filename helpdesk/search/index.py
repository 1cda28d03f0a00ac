"""Build the search index aside, then swap it in atomically.

Layout under the index root (``<instance>/search``)::

    builds/<name>/     one complete Whoosh index per build, with build.json
    current            symlink to builds/<name>, replaced with os.replace
    build.lock         held (flock) while a build runs

A reader follows ``current``; it never sees a half-built index, because the link
only ever points at a finished build.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.analysis import Analyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.system import pack_uint

from helpdesk.content import Article, ContentLibrary
from helpdesk.content.library import content_signature
from helpdesk.search import analysis
from helpdesk.search.query import find_codes

BUILD_INFO = "build.json"
VOCABULARY = "vocabulary.json"
CURRENT = "current"
BUILDS = "builds"
LOCK = "build.lock"
#: Finished builds kept besides the current one (readers may still have them open).
KEEP_OLD_BUILDS = 1


@dataclass(frozen=True)
class SectionDoc:
    """One searchable unit: a section of one translation of an article."""

    slug: str
    section: str
    lang: str
    title: str
    heading: str
    body: str
    lead: str
    codes: tuple[str, ...]
    lead_codes: tuple[str, ...]


def sections(articles: Iterable[Article]) -> Iterator[SectionDoc]:
    """Yield a document per section; an article's lead goes with its first section.

    The lead is kept in a field of its own: it introduces the whole article, so it
    should help the first section be found without outweighing its own text.

    The first section also carries the article's ``error_codes`` as lead codes, so
    a code query puts the section explaining the error first.
    """
    for article in articles:
        for position, section in enumerate(article.sections):
            lead, lead_codes = "", ()
            if position == 0:
                lead = article.lead_text
                lead_codes = tuple(str(code) for code in article.error_codes)
            yield SectionDoc(
                slug=article.slug,
                section=section.id,
                lang=article.lang,
                title=article.title,
                heading=section.title,
                body=section.text,
                lead=lead,
                codes=tuple(
                    dict.fromkeys(find_codes(f"{section.title} {lead} {section.text}"))
                ),
                lead_codes=lead_codes,
            )


# The index formats below are pickled into the schema by reference: they must stay
# in this module under these names.


class CharacterPostings(formats.Characters):
    """Whoosh's ``Characters`` format, fed in bulk by an analyzer that can.

    An analyzer with ``word_positions(text)`` (ours) hands over each term's
    places at once instead of one token at a time; the encoded postings are the
    same. Any other analyzer goes through Whoosh's own code.
    """

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        """Yield (term, frequency, weight, encoded places) for each term."""
        bulk = getattr(analyzer, "word_positions", None)
        if bulk is None or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost, encode = self.field_boost, self.encode
        for word, places in bulk(value).items():
            yield (word, len(places), float(len(places)) * boost, encode(places))


class FrequencyPostings(formats.Frequency):
    """Whoosh's ``Frequency`` format, fed in bulk like :class:`CharacterPostings`."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        """Yield (term, frequency, weight, encoded frequency) for each term."""
        bulk = getattr(analyzer, "word_positions", None)
        if bulk is None or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for word, places in bulk(value).items():
            freq = len(places)
            yield (word, freq, float(freq) * boost, pack_uint(freq))


def _bulk(field: Any) -> Any:
    """Return ``field`` with its format swapped for the bulk-fed equivalent."""
    bulk_format = {
        formats.Characters: CharacterPostings,
        formats.Frequency: FrequencyPostings,
    }[type(field.format)]
    field.format = bulk_format(field_boost=field.format.field_boost)
    return field


def make_schema(
    languages: Iterable[str], analyzer_for: Callable[[str], Analyzer]
) -> Schema:
    """Return the schema: stored display fields plus text fields per language.

    Whoosh picks the analyzer per field, so each language has its own fields. The
    body stores characters, so snippets are highlighted without re-analysis.
    """
    fields: dict[str, Any] = {
        "key": ID(unique=True, stored=True),
        "slug": STORED,
        "section": STORED,
        "lang": STORED,
        "title": STORED,
        "heading": STORED,
    }
    for lang in languages:
        language_analyzer = analyzer_for(lang)
        fields[f"heading_{lang}"] = _bulk(
            TEXT(analyzer=language_analyzer, phrase=False)
        )
        fields[f"body_{lang}"] = _bulk(
            TEXT(analyzer=language_analyzer, stored=True, chars=True)
        )
        fields[f"lead_{lang}"] = _bulk(
            TEXT(analyzer=language_analyzer, stored=True, chars=True)
        )
        fields[f"codes_{lang}"] = KEYWORD
        fields[f"lead_codes_{lang}"] = KEYWORD
    return Schema(**fields)


def content_fingerprint(root: Path) -> str:
    """Return a digest of the content files' names, sizes and modification times."""
    digest = hashlib.sha256()
    for name, size, mtime_ns in content_signature(root):
        digest.update(f"{name}\0{size}\0{mtime_ns}\n".encode())
    return digest.hexdigest()


def wanted_info(library: ContentLibrary, languages: Iterable[str]) -> dict[str, Any]:
    """Return what a fresh index for this content records in its build info."""
    return {
        "analyzer_version": analysis.ANALYZER_VERSION,
        "snowballstemmer": analysis.SNOWBALL_VERSION,
        "languages": list(languages),
        "content": content_fingerprint(library.root),
    }


def read_info(build: Path) -> dict[str, Any] | None:
    """Return a build's recorded info, or None when unreadable."""
    try:
        info = json.loads((build / BUILD_INFO).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def current_build(root: Path) -> Path | None:
    """Return the build ``current`` points at, or None when there is none."""
    try:
        target = os.readlink(root / CURRENT)
    except OSError:
        return None
    return root / target


def is_stale(root: Path, library: ContentLibrary, languages: Iterable[str]) -> bool:
    """Return whether the index is missing or built from other content or analysis."""
    build = current_build(root)
    if build is None:
        return True
    info = read_info(build)
    if info is None:
        return True
    wanted = wanted_info(library, languages)
    return any(info.get(key) != value for key, value in wanted.items())


@contextlib.contextmanager
def build_lock(root: Path, wait: bool = True) -> Iterator[bool]:
    """Hold the build lock; yield False instead of waiting when ``wait`` is off.

    Builds write into fresh directories, so two would not corrupt each other; the
    lock only spares the work and keeps a second builder from racing the swap.
    """
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "a+") as handle:
        flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_index(
    target: Path,
    docs: Iterable[SectionDoc],
    languages: Iterable[str],
    analyzer_for: Callable[[str], Analyzer] = analysis.analyzer,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a Whoosh index of ``docs`` into the empty directory ``target``.

    Also writes each language's vocabulary (folded word → most frequent spelling)
    for the spelling corrector. Returns the number of sections indexed.
    """
    languages = tuple(languages)
    target.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(target), make_schema(languages, analyzer_for))
    writer = ix.writer(limitmb=256)
    count = 0
    spellings: dict[str, Counter[str]] = {lang: Counter() for lang in languages}
    try:
        for doc in docs:
            writer.add_document(
                key=f"{doc.slug}#{doc.section}@{doc.lang}",
                slug=doc.slug,
                section=doc.section,
                lang=doc.lang,
                title=doc.title,
                heading=doc.heading,
                **{
                    f"heading_{doc.lang}": doc.heading,
                    f"body_{doc.lang}": doc.body,
                    f"lead_{doc.lang}": doc.lead,
                    f"codes_{doc.lang}": " ".join(doc.codes),
                    f"lead_codes_{doc.lang}": " ".join(doc.lead_codes),
                },
            )
            words = analysis.words(f"{doc.heading} {doc.lead} {doc.body}")
            spellings[doc.lang].update(w for w in words if not w.isdigit())
            count += 1
            if progress is not None:
                progress(1)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    (target / VOCABULARY).write_text(
        json.dumps(_vocabulary(spellings), ensure_ascii=False), "utf-8"
    )
    return count


def _vocabulary(spellings: dict[str, Counter[str]]) -> dict[str, dict[str, Any]]:
    """Map each folded word to its most frequent spelling and total frequency."""
    vocabulary: dict[str, dict[str, Any]] = {}
    for lang, counts in spellings.items():
        words: dict[str, list[Any]] = {}
        for word, freq in counts.most_common():
            folded = analysis.fold(word)
            if folded in words:
                words[folded][1] += freq
            else:
                words[folded] = [word, freq]
        vocabulary[lang] = words
    return vocabulary


def build(
    root: Path,
    library: ContentLibrary,
    languages: Iterable[str],
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Build a new index under ``root/builds`` and point ``current`` at it.

    The caller holds :func:`build_lock`. Returns the new build's directory.
    """
    languages = tuple(languages)
    info = wanted_info(library, languages)
    name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    target = root / BUILDS / name
    try:
        info["sections"] = write_index(
            target, sections(library.all_articles()), languages, progress=progress
        )
        info["built_at"] = time.time()
        (target / BUILD_INFO).write_text(json.dumps(info, indent=2), "utf-8")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    swap(root, target)
    prune(root)
    return target


def swap(root: Path, target: Path) -> None:
    """Point ``current`` at ``target`` atomically (a new link renamed over it)."""
    link = root / f".{CURRENT}-{uuid.uuid4().hex}"
    os.symlink(os.path.relpath(target, root), link)
    os.replace(link, root / CURRENT)


def prune(root: Path) -> None:
    """Delete builds other than the current one and the newest few before it."""
    current = current_build(root)
    builds_dir = root / BUILDS
    if current is None or not builds_dir.is_dir():
        return
    others = sorted(
        (p for p in builds_dir.iterdir() if p.name != current.name),
        key=lambda p: p.name,
        reverse=True,
    )
    for old in others[KEEP_OLD_BUILDS:]:
        shutil.rmtree(old, ignore_errors=True)
