"""All articles in all languages, loaded once from the content folder."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from helpdesk.content.lock import LOCK_NAME, Lock, read_lock
from helpdesk.content.model import Article
from helpdesk.content.parser import ContentError, parse_article
from helpdesk.settings import LANGUAGES

#: ``(relative path, size, mtime in ns)`` of every content file and lock, sorted.
Signature = tuple[tuple[str, int, int], ...]

_SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass(frozen=True)
class Translation:
    """An article as shown to a reader of ``requested`` (maybe in another language)."""

    article: Article
    requested: str

    @property
    def is_fallback(self) -> bool:
        """Return whether the reader's language was missing and another was used."""
        return self.article.lang != self.requested


class ContentLibrary:
    """The parsed articles of a content folder, by slug and language."""

    def __init__(
        self,
        articles: dict[str, dict[str, Article]],
        root: Path,
        locks: dict[str, Lock] | None = None,
        signature: Signature = (),
    ):
        self._articles = articles
        self.root = root
        self._locks = locks or {}
        #: The :func:`content_signature` of the files as they were parsed.
        self.signature = signature
        self._last_modified: dict[str | None, int] = {}
        self._written_in: dict[str, frozenset[str]] = {}

    @classmethod
    def load(cls, root: Path, languages: tuple[str, ...] = LANGUAGES) -> ContentLibrary:
        """Parse every ``<slug>/<lang>.md`` below ``root``.

        :raise ContentError: naming the file, when one cannot be parsed.
        """
        # Taken before reading: a file changed while parsing makes it stale, so the
        # next load parses again rather than keeping a half-old library.
        signature = content_signature(root)
        articles: dict[str, dict[str, Article]] = {}
        for path in sorted(root.glob("*/*.md")):
            slug, lang = path.parent.name, path.stem
            if lang not in languages or not set(slug) <= _SLUG_CHARS:
                continue
            try:
                article = parse_article(
                    path.read_text(encoding="utf-8"), slug, lang, languages
                )
            except (ContentError, UnicodeDecodeError) as exc:
                raise ContentError(f"{path.relative_to(root)}: {exc}") from exc
            articles.setdefault(slug, {})[lang] = article
        locks = {slug: read_lock(root / slug) for slug in articles}
        return cls(articles, root, locks, signature)

    @classmethod
    def load_cached(
        cls, root: Path, languages: tuple[str, ...] = LANGUAGES
    ) -> ContentLibrary:
        """Return :meth:`load`'s result, parsed again only when a file has changed.

        Every app of a process (gunicorn worker, test) shares one parse of the same
        files; a changed, added or removed file changes the key.
        """
        key = (root.resolve(), languages, content_signature(root))
        with _CACHE_LOCK:
            library = _CACHE.get(key)
            if library is None:
                library = cls.load(root, languages)
                _CACHE.clear()  # one content folder per process is the norm
                _CACHE[key] = library
        return library

    @cached_property
    def fingerprint(self) -> str:
        """Return a short digest of :attr:`signature` (any content edit changes it)."""
        digest = hashlib.sha256()
        for name, size, mtime_ns in self.signature:
            digest.update(f"{name}\0{size}\0{mtime_ns}\n".encode())
        return digest.hexdigest()[:16]

    def last_modified_ns(self, slug: str | None = None) -> int:
        """Return the newest modification time (ns) of the content or one article."""
        found = self._last_modified.get(slug)
        if found is None:
            prefix = f"{slug}/" if slug else ""
            found = max(
                (mtime for name, _, mtime in self.signature if name.startswith(prefix)),
                default=0,
            )
            self._last_modified[slug] = found  # asked on every page view
        return found

    @property
    def slugs(self) -> list[str]:
        """Return every article slug, sorted."""
        return sorted(self._articles)

    def written_in(self, lang: str) -> frozenset[str]:
        """Return the slugs of the articles written in ``lang`` (no fallbacks)."""
        found = self._written_in.get(lang)
        if found is None:
            found = frozenset(
                s for s, by_lang in self._articles.items() if lang in by_lang
            )
            self._written_in[lang] = found  # asked by every search page
        return found

    def languages(self, slug: str) -> list[str]:
        """Return the languages an article exists in, in the site's order."""
        present = self._articles.get(slug, {})
        return [lang for lang in LANGUAGES if lang in present]

    def lock(self, slug: str) -> Lock:
        """Return the article's translation lock (empty when it has no lock file)."""
        return self._locks.get(slug) or Lock()

    def get(self, slug: str, lang: str) -> Article | None:
        """Return one translation exactly, or None."""
        return self._articles.get(slug, {}).get(lang)

    def translation(self, slug: str, lang: str) -> Translation | None:
        """Return the article in ``lang``, else in the first language it exists in."""
        available = self.languages(slug)
        if not available:
            return None
        chosen = lang if lang in available else available[0]
        return Translation(self._articles[slug][chosen], requested=lang)

    def translations(self, lang: str) -> list[Translation]:
        """Return every article for a reader of ``lang``, falling back where missing."""
        found = (self.translation(slug, lang) for slug in self.slugs)
        return [t for t in found if t is not None]

    def all_articles(self) -> Iterator[Article]:
        """Yield every translation of every article."""
        for slug in self.slugs:
            yield from self._articles[slug].values()

    def for_error_code(self, code: int, lang: str) -> list[Translation]:
        """Return the articles that diagnose ``code``, for a reader of ``lang``."""
        return [t for t in self.translations(lang) if code in t.article.error_codes]


_CACHE: dict[tuple[object, ...], ContentLibrary] = {}
_CACHE_LOCK = threading.Lock()


def content_signature(root: Path) -> Signature:
    """Return each content file's path (relative to ``root``), size and mtime.

    Any edit, addition or removal changes it: the parse cache and the search index
    both use it to tell whether the content has changed. The translation locks
    count as content: a sync changes which sections are shown as outdated.
    """
    files = [*root.glob("*/*.md"), *root.glob(f"*/{LOCK_NAME}")]
    stats = ((p, p.stat()) for p in sorted(files))
    return tuple(
        (p.relative_to(root).as_posix(), st.st_size, st.st_mtime_ns) for p, st in stats
    )
