"""Measure search speed on a synthetic corpus: ours, Whoosh StandardAnalyzer, FTS5.

Usage: ``.venv/bin/python bench/search_speed.py [--sections N] [--queries N]``

The corpus (default 10,000 sections over en/nl/pl, seed fixed) is generated from
the real articles' vocabulary: headings and bodies are word sequences drawn from a
per-language bigram model of the articles. Each engine indexes the same corpus in
the same run; latency is measured warm, per query, *with snippets* (top 10 hits,
total count included), over the same few hundred queries.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whoosh.analysis import Analyzer  # noqa: E402

from helpdesk.content import ContentLibrary  # noqa: E402
from helpdesk.search import analysis, index  # noqa: E402
from helpdesk.search.engine import SearchEngine  # noqa: E402
from helpdesk.search.index import SectionDoc  # noqa: E402
from helpdesk.settings import LANGUAGES, PROJECT_ROOT  # noqa: E402

SEED = 20261121
_TOKEN = re.compile(r"\w+|[.,;:]")


class Corpus:
    """A deterministic synthetic corpus modelled on the real articles."""

    def __init__(self, library: ContentLibrary, seed: int = SEED):
        self.random = random.Random(seed)
        self.bigrams: dict[str, dict[str, list[str]]] = {}
        self.vocabulary: dict[str, list[str]] = {}
        self.headings: dict[str, list[str]] = defaultdict(list)
        self.titles: dict[str, list[str]] = defaultdict(list)
        texts: dict[str, list[str]] = defaultdict(list)
        for article in library.all_articles():
            self.titles[article.lang].append(article.title)
            texts[article.lang].append(article.lead_text)
            for section in article.sections:
                self.headings[article.lang].append(section.title)
                texts[article.lang].append(section.text)
        for lang, chunks in texts.items():
            following: dict[str, list[str]] = defaultdict(list)
            counts: Counter[str] = Counter()
            for chunk in chunks:
                tokens = _TOKEN.findall(chunk)
                counts.update(t.lower() for t in tokens if t[0].isalnum())
                for first, second in zip(tokens, tokens[1:], strict=False):
                    following[first].append(second)
            self.bigrams[lang] = dict(following)
            self.vocabulary[lang] = [w for w, _ in counts.most_common() if len(w) > 3]

    def _text(self, lang: str, length: int) -> str:
        chain = self.bigrams[lang]
        word = self.random.choice(list(chain))
        out = [word]
        for _ in range(length - 1):
            options = chain.get(word)
            word = (
                self.random.choice(options)
                if options
                else self.random.choice(list(chain))
            )
            out.append(word)
        return re.sub(r" ([.,;:])", r"\1", " ".join(out))

    def sections(self, count: int) -> list[SectionDoc]:
        """Return ``count`` sections, spread evenly over the languages."""
        docs = []
        for i in range(count):
            lang = LANGUAGES[i % len(LANGUAGES)]
            body = self._text(lang, self.random.randint(40, 160))
            if self.random.random() < 0.05:
                body += f" Error {self.random.choice(['1009', '1,009', '3000'])}."
            docs.append(
                SectionDoc(
                    slug=f"synthetic-{i // 30}",
                    section=f"s{i % 30}",
                    lang=lang,
                    title=self.random.choice(self.titles[lang]),
                    heading=self._text(lang, self.random.randint(3, 7)),
                    body=body,
                    lead="",
                    codes=tuple(index.find_codes(body)),
                    lead_codes=(),
                )
            )
        return docs

    def queries(self, count: int) -> list[tuple[str, str]]:
        """Return ``count`` (lang, query) pairs: words, phrases, typos and codes."""
        out = []
        for i in range(count):
            lang = LANGUAGES[i % len(LANGUAGES)]
            vocabulary = self.vocabulary[lang][:400]
            kind = self.random.random()
            if kind < 0.1:
                text = self.random.choice(["1009", "#1,009", "error 1.009"])
            elif kind < 0.25:
                word = self.random.choice(vocabulary)
                cut = self.random.randrange(1, len(word) - 1)
                text = word[:cut] + word[cut + 1 :]  # a typo: one letter missing
            else:
                words = self.random.sample(vocabulary, self.random.randint(1, 4))
                text = " ".join(words)
            out.append((lang, text))
        return out


def build_whoosh(
    root: Path, docs: list[SectionDoc], analyzer_for: Callable[[str], Analyzer]
) -> float:
    """Index ``docs`` under ``root`` and return the seconds it took."""
    started = time.perf_counter()
    target = root / index.BUILDS / "bench"
    index.write_index(target, docs, LANGUAGES, analyzer_for)
    index.swap(root, target)
    return time.perf_counter() - started


def build_fts(path: Path, docs: list[SectionDoc]) -> tuple[sqlite3.Connection, float]:
    """Index ``docs`` in an SQLite FTS5 table; return the connection and seconds."""
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE sections USING fts5(lang UNINDEXED, slug UNINDEXED, "
        "section UNINDEXED, title, heading, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO sections VALUES (?, ?, ?, ?, ?, ?)",
        ((d.lang, d.slug, d.section, d.title, d.heading, d.body) for d in docs),
    )
    db.commit()
    return db, time.perf_counter() - started


def fts_search(db: sqlite3.Connection, lang: str, text: str) -> list[tuple]:
    """Run one FTS5 search like ours: top 10 with snippets, plus the total."""
    terms = [w for w in analysis.words(text) if w]
    if not terms:
        return []
    match = " OR ".join('"{}"'.format(t.replace('"', "")) for t in terms)
    rows = db.execute(
        "SELECT slug, section, snippet(sections, 5, '<mark>', '</mark>', ' … ', 24),"
        " bm25(sections, 1.2, 2.5, 1.0) AS rank FROM sections"
        " WHERE sections MATCH ? AND lang = ? ORDER BY rank LIMIT 10",
        (match, lang),
    ).fetchall()
    db.execute(
        "SELECT count(*) FROM sections WHERE sections MATCH ? AND lang = ?",
        (match, lang),
    ).fetchone()
    return rows


def timings(
    run: Callable[[str, str], object], queries: list[tuple[str, str]]
) -> list[float]:
    """Return each query's latency in milliseconds (after one warm-up pass)."""
    for lang, text in queries:
        run(lang, text)
    out = []
    for lang, text in queries:
        started = time.perf_counter()
        run(lang, text)
        out.append((time.perf_counter() - started) * 1000)
    return out


def percentile(values: list[float], pct: float) -> float:
    """Return the ``pct`` percentile of ``values``."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


def main() -> None:
    """Generate the corpus, build the three indexes, time the queries, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    library = ContentLibrary.load(PROJECT_ROOT / "articles", LANGUAGES)
    corpus = Corpus(library)
    docs = corpus.sections(args.sections)
    queries = corpus.queries(args.queries)
    print(f"corpus: {len(docs)} sections ({', '.join(LANGUAGES)}), seed {SEED}")
    print(f"queries: {len(queries)}, top 10 with snippets and total, warm")
    rows: dict[str, tuple[float, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="search-speed-") as tmp:
        ours_root, base_root = Path(tmp) / "ours", Path(tmp) / "standard"
        ours_build = build_whoosh(ours_root, docs, analysis.analyzer)
        base_build = build_whoosh(
            base_root, docs, lambda lang: analysis.baseline_analyzer()
        )
        ours = SearchEngine(ours_root, LANGUAGES)
        standard = SearchEngine(
            base_root,
            LANGUAGES,
            forms=lambda lang, w: tuple(
                t.text for t in analysis.baseline_analyzer()(w)
            ),
            stops=lambda lang: frozenset(),
            spelling=False,
        )
        db, fts_build = build_fts(Path(tmp) / "fts.sqlite", docs)
        rows["ours (whoosh)"] = (
            ours_build,
            timings(lambda lang, q: ours.search(q, lang, limit=10), queries),
        )
        rows["whoosh standard"] = (
            base_build,
            timings(lambda lang, q: standard.search(q, lang, limit=10), queries),
        )
        rows["sqlite fts5"] = (
            fts_build,
            timings(lambda lang, q: fts_search(db, lang, q), queries),
        )
        db.close()
    header = "{:<17}{:>9}{:>12}{:>9}{:>9}{:>9}".format(
        "engine", "build s", "sections/s", "p50 ms", "p95 ms", "mean ms"
    )
    print(header)
    print("-" * len(header))
    for name, (build_s, lat) in rows.items():
        rate = len(docs) / build_s
        p50, p95, mean = percentile(lat, 50), percentile(lat, 95), statistics.fmean(lat)
        print(
            f"{name:<17}{build_s:>9.2f}{rate:>12.0f}{p50:>9.2f}{p95:>9.2f}{mean:>9.2f}"
        )
    ours_build, ours_lat = rows["ours (whoosh)"]
    print("\nratios (ours / other; < 1 means ours is faster):")
    for name in ("whoosh standard", "sqlite fts5"):
        build_s, lat = rows[name]
        build_ratio = ours_build / build_s
        p50_ratio = percentile(ours_lat, 50) / percentile(lat, 50)
        p95_ratio = percentile(ours_lat, 95) / percentile(lat, 95)
        print(
            f"  vs {name:<16} build {build_ratio:.2f}x"
            f"  p50 {p50_ratio:.2f}x  p95 {p95_ratio:.2f}x"
        )
    print("targets: p50 <= 5 ms, p95 <= 10 ms, build no slower than standard")


if __name__ == "__main__":
    main()
