"""Build the search index aside, then swap it in atomically.

Layout under the index root (``<instance>/search``)::

    builds/<name>/     one complete index per build (see :mod:`.store`), build.json
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
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh.analysis import Analyzer

from helpdesk.content import Article, ContentLibrary
from helpdesk.content.library import content_signature
from helpdesk.search import analysis, writer
from helpdesk.search.query import find_codes
from helpdesk.search.writer import SectionDoc

BUILD_INFO = "build.json"
CURRENT = "current"
BUILDS = "builds"
LOCK = "build.lock"
#: Finished builds kept besides the current one (readers may still have them open).
KEEP_OLD_BUILDS = 1


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


def content_fingerprint(root: Path) -> str:
    """Return a digest of the content files' names, sizes and modification times."""
    digest = hashlib.sha256()
    for name, size, mtime_ns in content_signature(root):
        digest.update(f"{name}\0{size}\0{mtime_ns}\n".encode())
    return digest.hexdigest()


def wanted_info(
    library: ContentLibrary | Path, languages: Iterable[str]
) -> dict[str, Any]:
    """Return what a fresh index for this content records in its build info."""
    return {
        "analyzer_version": analysis.ANALYZER_VERSION,
        "index_format": writer.FORMAT,
        "stemmer": writer.STEMMER,
        "snowballstemmer": analysis.SNOWBALL_VERSION,
        "languages": list(languages),
        "content": content_fingerprint(
            library if isinstance(library, Path) else library.root
        ),
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


def is_stale(
    root: Path, library: ContentLibrary | Path, languages: Iterable[str]
) -> bool:
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
    """Write the index of ``docs`` into the empty directory ``target``.

    See :mod:`helpdesk.search.writer`. Returns the number of sections indexed.
    """
    return writer.write(target, docs, tuple(languages), analyzer_for, progress)


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
