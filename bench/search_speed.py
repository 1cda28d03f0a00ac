"""Measure search speed, build speed and memory: ours, SQLite FTS5, tantivy.

Usage: ``.venv/bin/python bench/search_speed.py [--sizes 10000,100000]
[--queries 300] [--rounds 3]``

Per size, a deterministic synthetic corpus (en/nl/pl thirds): bodies follow a
bigram model of the real articles, and a quarter of their words come from a
Zipf-distributed lexicon of made-up words of each language, so the vocabulary
grows with the corpus as a real one does (the speller and the term dictionary
grow with it). Each engine builds the same corpus and then answers, in a fresh
process of its own (a worker), a warm-up set of queries and then ``--rounds``
sets of queries it has not seen: top 10 with snippets and the total. Printed per
engine: build sections/s, p50/p95 ms (medians over the rounds), the worker's
RSS after the queries, each with its target; then the growth from the smallest
to the largest size.

The engines, each done as its documentation advises:

ours       ``helpdesk.search`` (analysis, speller, stored scores, snippets).
fts5       SQLite FTS5, one table per language (no filtering on an unindexed
           column), ``unicode61 remove_diacritics 2``, ``ORDER BY rank`` with
           the column weights set as the table's rank function, ``snippet()``,
           and ``count(*)`` for the total; one connection.
tantivy    tantivy-py, one index per language, default tokenizer, BM25, its
           snippet generator, ``count=True``: what a user would pick instead.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import multiprocessing
import pickle
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpdesk.content import ContentLibrary  # noqa: E402
from helpdesk.search import analysis, index  # noqa: E402
from helpdesk.search.index import SectionDoc  # noqa: E402
from helpdesk.settings import LANGUAGES, PROJECT_ROOT  # noqa: E402

SEED = 20261121
_TOKEN = re.compile(r"\w+|[.,;:]")
#: Share of a body's words drawn from the made-up lexicon.
LEXICON_SHARE = 0.25
#: Made-up words per language, and the Zipf exponent of their use.
LEXICON_SIZE = 300_000
ZIPF = 1.05
WARMUP = 100
ENGINES = ("ours", "fts5", "tantivy")
#: Targets for ours: p95 at most FTS5's; RSS MB by size; build sections/s.
RSS_TARGETS = {10_000: 150, 100_000: 400}
BUILD_TARGET = 2000


class Corpus:
    """A deterministic synthetic corpus modelled on the real articles."""

    def __init__(self, library: ContentLibrary, seed: int = SEED):
        self.random = random.Random(seed)
        self.bigrams: dict[str, dict[str, list[str]]] = {}
        self.starts: dict[str, list[str]] = {}
        self.common: dict[str, list[str]] = {}
        self.headings: dict[str, list[str]] = defaultdict(list)
        self.titles: dict[str, list[str]] = defaultdict(list)
        self.lexicon: dict[str, list[str]] = {}
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
                for first, second in itertools.pairwise(tokens):
                    following[first].append(second)
            self.bigrams[lang] = dict(following)
            self.starts[lang] = list(following)
            self.common[lang] = [w for w, _ in counts.most_common() if len(w) > 3]
            self.lexicon[lang] = self._lexicon(list(counts))
        weights = [1 / (rank**ZIPF) for rank in range(1, LEXICON_SIZE + 1)]
        self.cumulative = list(itertools.accumulate(weights))

    def _lexicon(self, words: list[str]) -> list[str]:
        """Return made-up words of a language: pieces of its real words joined."""
        pieces = sorted(
            {w[i : i + 3] for w in words if w.isalpha() for i in range(0, len(w), 3)}
        )
        out: dict[str, None] = {}
        while len(out) < LEXICON_SIZE:
            parts = self.random.choices(pieces, k=self.random.choice((2, 3, 3, 4)))
            out.setdefault("".join(parts))
        return list(out)

    def _made_up(self, lang: str) -> str:
        at = self.random.random() * self.cumulative[-1]
        return self.lexicon[lang][bisect.bisect_left(self.cumulative, at)]

    def _text(self, lang: str, length: int) -> str:
        chain, starts, rnd = self.bigrams[lang], self.starts[lang], self.random
        word = rnd.choice(starts)
        out = [word]
        for _ in range(length - 1):
            options = chain.get(word)
            word = rnd.choice(options) if options else rnd.choice(starts)
            if word[0].isalpha() and rnd.random() < LEXICON_SHARE:
                out.append(self._made_up(lang))
            else:
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
        """Return ``count`` (lang, query) pairs: words, phrases, typos and codes.

        Words come from the articles' common words and the lexicon's first
        thousands (words a reader of such a corpus would meet and look up).
        """
        out = []
        for i in range(count):
            lang = LANGUAGES[i % len(LANGUAGES)]
            rnd = self.random

            def word(lang: str = lang, rnd: random.Random = rnd) -> str:
                if rnd.random() < 0.6:
                    return rnd.choice(self.common[lang][:400])
                return self.lexicon[lang][int(rnd.paretovariate(0.6)) % 5000]

            kind = rnd.random()
            if kind < 0.1:
                text = rnd.choice(["1009", "#1,009", "error 1.009", "3000"])
            elif kind < 0.25:
                typo = word()
                cut = rnd.randrange(1, len(typo) - 1)
                text = typo[:cut] + typo[cut + 1 :]  # a typo: one letter missing
            else:
                text = " ".join(word() for _ in range(rnd.randint(1, 4)))
            out.append((lang, text))
        return out


# -- engines: build ------------------------------------------------------------


def build_ours(where: Path, docs: list[SectionDoc]) -> None:
    """Write our index and point ``current`` at it."""
    target = where / index.BUILDS / "bench"
    index.write_index(target, docs, LANGUAGES)
    index.swap(where, target)


def build_fts(where: Path, docs: list[SectionDoc]) -> None:
    """Write one FTS5 table per language, ranked with the column weights."""
    where.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(where / "fts.sqlite")
    for lang in LANGUAGES:
        db.execute(
            f"CREATE VIRTUAL TABLE fts_{lang} USING fts5(slug UNINDEXED, "
            "section UNINDEXED, title UNINDEXED, heading, body, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        # ORDER BY rank then uses FTS5's own ranking with these weights.
        db.execute(
            f"INSERT INTO fts_{lang}(fts_{lang}, rank) "
            "VALUES ('rank', 'bm25(0, 0, 0, 2.5, 1.0)')"
        )
        db.executemany(
            f"INSERT INTO fts_{lang} VALUES (?, ?, ?, ?, ?)",
            (
                (d.slug, d.section, d.title, d.heading, d.body)
                for d in docs
                if d.lang == lang
            ),
        )
    db.commit()
    db.close()


def build_tantivy(where: Path, docs: list[SectionDoc]) -> None:
    """Write one tantivy index per language."""
    import tantivy

    for lang in LANGUAGES:
        folder = where / lang
        folder.mkdir(parents=True, exist_ok=True)
        ix = tantivy.Index(_tantivy_schema(), path=str(folder))
        writer = ix.writer(heap_size=200_000_000, num_threads=2)
        for d in docs:
            if d.lang == lang:
                writer.add_document(
                    tantivy.Document(
                        slug=d.slug, section=d.section, heading=d.heading, body=d.body
                    )
                )
        writer.commit()
        writer.wait_merging_threads()


def _tantivy_schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("slug", stored=True, tokenizer_name="raw")
    builder.add_text_field("section", stored=True, tokenizer_name="raw")
    builder.add_text_field("heading", stored=True)
    builder.add_text_field("body", stored=True)
    return builder.build()


# -- engines: search -----------------------------------------------------------


def open_ours(where: Path) -> Callable[[str, str], object]:
    from helpdesk.search.engine import SearchEngine

    engine = SearchEngine(where, LANGUAGES)
    return lambda lang, q: engine.search(q, lang, limit=10)


def open_fts(where: Path) -> Callable[[str, str], object]:
    db = sqlite3.connect(where / "fts.sqlite")

    def run(lang: str, text: str) -> object:
        terms = [w for w in analysis.words(text) if w]
        if not terms:
            return []
        match = " OR ".join('"{}"'.format(t.replace('"', "")) for t in terms)
        rows = db.execute(
            f"SELECT slug, section, snippet(fts_{lang}, 4, '<mark>', '</mark>',"
            f" '…', 24) FROM fts_{lang} WHERE fts_{lang} MATCH ?"
            " ORDER BY rank LIMIT 10",
            (match,),
        ).fetchall()
        total = db.execute(
            f"SELECT count(*) FROM fts_{lang} WHERE fts_{lang} MATCH ?", (match,)
        ).fetchone()[0]
        return total, rows

    return run


def open_tantivy(where: Path) -> Callable[[str, str], object]:
    import tantivy

    indexes = {lang: tantivy.Index.open(str(where / lang)) for lang in LANGUAGES}
    searchers = {lang: ix.searcher() for lang, ix in indexes.items()}
    schema = _tantivy_schema()

    def run(lang: str, text: str) -> object:
        terms = [w for w in analysis.words(text) if w]
        if not terms:
            return []
        ix, searcher = indexes[lang], searchers[lang]
        query = ix.parse_query(" ".join(terms), ["heading", "body"])
        result = searcher.search(query, 10, count=True)
        snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
        hits = []
        for _score, address in result.hits:
            doc = searcher.doc(address)
            hits.append((doc["slug"][0], snippets.snippet_from_doc(doc).to_html()))
        return result.count, hits

    return run


BUILDERS = {"ours": build_ours, "fts5": build_fts, "tantivy": build_tantivy}
OPENERS = {"ours": open_ours, "fts5": open_fts, "tantivy": open_tantivy}


# -- workers (fresh processes) -----------------------------------------------------


def rss_mb() -> float:
    """Return this process's resident set size in MB (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build_worker(engine: str, docs_file: Path, where: Path, out: Any) -> None:
    """Build one engine's index from the pickled corpus; send the seconds."""
    docs = pickle.loads(docs_file.read_bytes())
    started = time.perf_counter()
    BUILDERS[engine](where, docs)
    out.send(time.perf_counter() - started)


def query_worker(
    engine: str, where: Path, warmup: list, rounds: list[list], out: Any
) -> None:
    """Answer the warm-up, then each round of first-seen queries; send timings."""
    run = OPENERS[engine](where)
    for lang, text in warmup:
        run(lang, text)
    timings = []
    for queries in rounds:
        lat = []
        for lang, text in queries:
            started = time.perf_counter()
            run(lang, text)
            lat.append((time.perf_counter() - started) * 1000)
        timings.append(lat)
    out.send({"timings": timings, "rss": rss_mb()})


def in_worker(target: Callable[..., None], *args: Any) -> Any:
    """Run ``target`` in a fresh (spawned) process and return what it sends."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(*args, send))
    process.start()
    result = receive.recv()
    process.join()
    return result


# -- measuring ----------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Return the ``pct`` percentile of ``values``."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


def measure(size: int, args: argparse.Namespace, corpus: Corpus, tmp: Path) -> dict:
    """Build and query every engine on a corpus of ``size`` sections."""
    started = time.perf_counter()
    docs = corpus.sections(size)
    queries = corpus.queries(WARMUP + args.rounds * args.queries)
    vocabulary = {
        lang: len({w for d in docs if d.lang == lang for w in analysis.words(d.body)})
        for lang in LANGUAGES
    }
    print(
        f"\n== {size:,} sections: corpus made in {time.perf_counter() - started:.0f}s;"
        f" words per language: {', '.join(f'{k} {v:,}' for k, v in vocabulary.items())}"
    )
    docs_file = tmp / "docs.pickle"
    docs_file.write_bytes(pickle.dumps(docs))
    del docs
    warmup = queries[:WARMUP]
    rounds = [
        queries[WARMUP + r * args.queries : WARMUP + (r + 1) * args.queries]
        for r in range(args.rounds)
    ]
    rows = {}
    for engine in args.engines:
        where = tmp / engine
        build_s = in_worker(build_worker, engine, docs_file, where)
        found = in_worker(query_worker, engine, where, warmup, rounds)
        p50 = statistics.median(percentile(t, 50) for t in found["timings"])
        p95 = statistics.median(percentile(t, 95) for t in found["timings"])
        rows[engine] = {"rate": size / build_s, "p50": p50, "p95": p95}
        rows[engine]["rss"] = found["rss"]
        shutil.rmtree(where, ignore_errors=True)
        print(
            f"  {engine:<8} build {build_s:6.1f}s  p50 {p50:6.2f}  p95 {p95:6.2f} ms"
            f"  RSS {found['rss']:6.0f} MB",
            flush=True,
        )
    docs_file.unlink()
    return rows


def report(size: int, rows: dict) -> None:
    """Print one size's table with the targets beside ours."""
    header = "{:<9}{:>12}{:>10}{:>10}{:>9}   {}".format(
        "engine", "sections/s", "p50 ms", "p95 ms", "RSS MB", "targets (ours)"
    )
    print(f"\n{size:,} sections")
    print(header)
    print("-" * len(header))
    fts = rows.get("fts5")
    rss_target = RSS_TARGETS.get(size)
    for engine, row in rows.items():
        note = ""
        if engine == "ours":
            checks = [f"build >= {BUILD_TARGET}: {_ok(row['rate'] >= BUILD_TARGET)}"]
            if fts:
                ratio = row["p95"] / fts["p95"]
                checks.append(f"p95 {ratio:.2f}x fts5 <= 1.0x: {_ok(ratio <= 1.0)}")
            if rss_target:
                checks.append(f"RSS <= {rss_target}: {_ok(row['rss'] <= rss_target)}")
            note = "; ".join(checks)
        print(
            f"{engine:<9}{row['rate']:>12.0f}{row['p50']:>10.2f}{row['p95']:>10.2f}"
            f"{row['rss']:>9.0f}   {note}"
        )


def _ok(passed: bool) -> str:
    return "ok" if passed else "MISSED"


def growth(results: dict[int, dict]) -> None:
    """Print how each engine's costs grow from the smallest to the largest size."""
    small, large = min(results), max(results)
    if small == large:
        return
    print(f"\ngrowth {small:,} -> {large:,} sections ({large / small:.0f}x the data)")
    for engine in results[small]:
        a, b = results[small][engine], results[large][engine]
        print(
            f"  {engine:<8} build rate {b['rate'] / a['rate']:.2f}x"
            f"  p50 {b['p50'] / a['p50']:.2f}x  p95 {b['p95'] / a['p95']:.2f}x"
            f"  RSS {b['rss'] / a['rss']:.2f}x"
        )


def main() -> None:
    """Generate each corpus, build and query every engine, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ENGINES))
    args = parser.parse_args()
    args.engines = [e for e in args.engines.split(",") if e]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    library = ContentLibrary.load(PROJECT_ROOT / "articles", LANGUAGES)
    print(f"corpus: en/nl/pl thirds, seed {SEED}; {args.queries} first-seen queries")
    print(f"per round, {args.rounds} rounds (medians), after {WARMUP} warm-up queries;")
    print("top 10 with snippets and total; each engine queried in a fresh process")
    results = {}
    with tempfile.TemporaryDirectory(prefix="search-speed-") as tmp:
        for size in sizes:
            corpus = Corpus(library)
            results[size] = measure(size, args, corpus, Path(tmp))
    for size, rows in results.items():
        report(size, rows)
    growth(results)
    print("\n" + json.dumps({str(k): v for k, v in results.items()}))


if __name__ == "__main__":
    main()
