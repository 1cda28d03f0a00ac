"""The search page's results: section hits grouped by article, and error codes.

The engine ranks sections (the API returns them so); a reader scans articles.
:func:`group_hits` is pure: it keeps the engine's order and puts each article's
sections together under its best one. :func:`results_page` is the one service
function the search page calls: it searches the reader's language, groups, adds
the articles that only match in the other languages, and reads an error code
out of the query (with :mod:`helpdesk.errorcodes.codes`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from helpdesk.content import ContentLibrary
from helpdesk.errorcodes import codes
from helpdesk.search.engine import MAX_LIMIT, Hit, SearchResult, SnippetChoice

#: Sections grouped for one query: the best this many, in each language. Deeper
#: sections are too weak a match to change which articles are shown.
SECTIONS_GROUPED = MAX_LIMIT
#: Articles that only match in another language shown below the reader's own.
MAX_OTHER_ARTICLES = 3
#: Other matching sections of an article listed as links; the rest are counted.
MAX_OTHER_SECTIONS = 5


class Search(Protocol):
    """``search(query, lang, limit, page, ...)``, as :func:`helpdesk.search.search`."""

    def __call__(
        self,
        query: str,
        lang: str,
        limit: int,
        page: int,
        *,
        snippets: SnippetChoice | None = None,
        fallback: bool = True,
        correct: bool = True,
    ) -> SearchResult:
        """Return one page of ranked hits (snippets only for those chosen)."""
        ...


@dataclass(frozen=True)
class ArticleGroup:
    """One article's matching sections: the best one first, then the others."""

    slug: str
    lang: str
    title: str
    best: Hit
    others: tuple[Hit, ...] = ()

    @property
    def sections(self) -> int:
        """Return how many of the article's sections matched."""
        return 1 + len(self.others)

    @property
    def listed(self) -> tuple[Hit, ...]:
        """Return the other sections listed as links (the best few)."""
        return self.others[:MAX_OTHER_SECTIONS]

    @property
    def unlisted(self) -> int:
        """Return how many other matching sections are not listed."""
        return max(0, len(self.others) - MAX_OTHER_SECTIONS)

    @property
    def article_url(self) -> str:
        """Return the link to the whole article (its best section without anchor)."""
        return self.best.url.split("#", 1)[0]


@dataclass(frozen=True)
class CodeNotice:
    """An error code read out of the query; ``slug`` is None for an unknown one."""

    code: int
    slug: str | None = None
    title: str | None = None

    @property
    def known(self) -> bool:
        """Return whether an article here diagnoses the code."""
        return self.slug is not None


@dataclass(frozen=True)
class ResultsPage:
    """What the search page shows for one query and page number."""

    query: str
    lang: str
    total: int
    suggestion: str | None
    groups: tuple[ArticleGroup, ...]
    articles: int
    page: int
    pages: int
    other_groups: tuple[ArticleGroup, ...] = ()
    other_languages: bool = False
    code: CodeNotice | None = None


def group_hits(hits: Iterable[Hit]) -> list[ArticleGroup]:
    """Return the hits grouped by article (and language), best article first.

    The hits come ranked, best first: an article ranks by its best section, and
    its other sections follow in their own rank order.
    """
    grouped: dict[tuple[str, str], list[Hit]] = {}
    for hit in hits:
        grouped.setdefault((hit.lang, hit.slug), []).append(hit)
    return [
        ArticleGroup(slug, lang, found[0].title, found[0], tuple(found[1:]))
        for (lang, slug), found in grouped.items()
    ]


def other_language_groups(
    results: Sequence[SearchResult], shown: Iterable[str], limit: int
) -> list[ArticleGroup]:
    """Return the best groups of articles in ``results`` that are not ``shown``.

    ``results`` are one search per other language; an article already shown in
    the reader's language is not repeated in a translation.
    """
    seen = set(shown)
    groups = [
        group
        for result in results
        if not result.other_languages
        for group in group_hits(result.hits)
        if group.slug not in seen
    ]
    groups.sort(key=lambda group: -group.best.score)
    best: list[ArticleGroup] = []
    for group in groups:
        if group.slug not in seen:
            seen.add(group.slug)
            best.append(group)
    return best[:limit]


def first_of_articles(
    keys: Sequence[tuple[str, str]], wanted: slice, skip: Collection[str] = ()
) -> list[int]:
    """Return the positions of the ``wanted`` articles' best hits in ``keys``.

    ``keys`` are ranked hits' ``(lang, slug)``; articles count in order of their
    best hit (as :func:`group_hits` orders them), leaving out the slugs in
    ``skip``. The search page cuts snippets only for these: the rest are not shown.
    """
    firsts: dict[tuple[str, str], int] = {}
    for position, key in enumerate(keys):
        if key[1] not in skip:
            firsts.setdefault(key, position)
    return list(firsts.values())[wanted]


def code_notice(text: str, lang: str, library: ContentLibrary) -> CodeNotice | None:
    """Return the error code the query names, with its diagnosing article if any.

    A known code counts wherever it stands (``1009``, ``(1,009)``, a pasted
    message); an unknown one only with evidence that it is a code ("error 4711",
    ``(4,711)``), so that "remove 200 users" names none.
    """
    known = codes.known_codes(library)
    code = codes.normalize(text, known)
    if code is not None and code in known:
        translation = codes.diagnosing_article(library, code, lang)
        if translation is not None:
            article = translation.article
            return CodeNotice(code, article.slug, article.title)
    named = codes.named_code(text)
    return CodeNotice(named) if named is not None else None


def results_page(
    query: str,
    lang: str,
    page: int,
    page_size: int,
    languages: Sequence[str],
    search: Search,
    library: ContentLibrary,
) -> ResultsPage:
    """Search ``query`` for a reader of ``lang``; return one page of article groups.

    The first page also lists, under the reader's articles, up to
    :data:`MAX_OTHER_ARTICLES` articles that match only in other languages.
    When nothing matches in ``lang`` the engine's own fallback is shown instead.
    """
    start = (page - 1) * page_size
    shown = slice(start, start + page_size)
    result = search(
        query,
        lang,
        SECTIONS_GROUPED,
        1,
        snippets=lambda keys: first_of_articles(keys, shown),
    )
    groups = group_hits(result.hits)
    pages = math.ceil(len(groups) / page_size)
    others: list[ArticleGroup] = []
    if page == 1 and result.total and not result.other_languages:
        mine = {g.slug for g in groups}
        # Only the best few articles of each other language can be listed (an
        # article ranked below them loses to them, or to their translation),
        # so only their best hits get a snippet; and a language with no match
        # has nothing to add, so no search of the remaining languages for it.
        # A language whose every article is shown already has nothing to add
        # either (on a small site, most queries find every article).
        # The reader's words are spelled for their own language: corrected
        # against another one's words they become other words ("sale" would
        # find "save", "kont" "kunt"), so the other languages search no correction.
        wanted = slice(0, MAX_OTHER_ARTICLES)
        extra = [
            search(
                query,
                other,
                SECTIONS_GROUPED,
                1,
                snippets=lambda keys: first_of_articles(keys, wanted, mine),
                fallback=False,
                correct=False,
            )
            for other in languages
            if other != lang and not library.written_in(other) <= mine
        ]
        others = other_language_groups(extra, mine, MAX_OTHER_ARTICLES)
    return ResultsPage(
        query=result.query,
        lang=lang,
        total=result.total,
        suggestion=result.suggestion,
        groups=tuple(groups[start : start + page_size]),
        articles=len(groups),
        page=page,
        pages=pages,
        other_groups=tuple(others),
        other_languages=result.other_languages,
        code=code_notice(query, lang, library),
    )
