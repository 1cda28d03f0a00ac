"""Measure search quality: MRR@5 and success@1, ours versus a StandardAnalyzer index.

Usage: ``.venv/bin/python bench/search_quality.py [--queries FILE ...] [--verbose]``

By default three query sets run, each printed on its own with the baseline: the
public one, the held-out one written for this bench (``bench/heldout_queries.jsonl``)
and the held-out natural questions (``bench/heldout_questions.jsonl``: whole
questions, judged by the section that answers them, written before any tuning).

Both indexes are built from the articles into a temporary folder, with the same
schema, fields and query building; only the analysis differs (ours: per-language
stop words, Snowball stems, accent folding, spelling correction; the baseline:
Whoosh's StandardAnalyzer for every language, no correction).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whoosh.analysis import Analyzer  # noqa: E402

from helpdesk.content import ContentLibrary  # noqa: E402
from helpdesk.search import analysis, index  # noqa: E402
from helpdesk.search.engine import SearchEngine  # noqa: E402
from helpdesk.settings import LANGUAGES, PROJECT_ROOT  # noqa: E402

DEFAULT_QUERIES = PROJECT_ROOT.parent / "shared" / "eval" / "search_queries.jsonl"
HELDOUT_QUERIES = Path(__file__).resolve().parent / "heldout_queries.jsonl"
HELDOUT_QUESTIONS = Path(__file__).resolve().parent / "heldout_questions.jsonl"
TOP = 5


def standard_forms(lang: str, word: str) -> tuple[str, ...]:
    """Return the StandardAnalyzer's terms for a query word (baseline)."""
    return tuple(t.text for t in analysis.baseline_analyzer()(word))


def no_stops(lang: str) -> frozenset[str]:
    """Return no stop words (the baseline analyzer removes its own)."""
    return frozenset()


def build_engine(
    root: Path,
    library: ContentLibrary,
    analyzer_for: Callable[[str], Analyzer],
    **engine_options: object,
) -> SearchEngine:
    """Index the articles under ``root`` and return an engine searching them."""
    target = root / index.BUILDS / "bench"
    index.write_index(
        target, index.sections(library.all_articles()), LANGUAGES, analyzer_for
    )
    index.swap(root, target)
    return SearchEngine(root, LANGUAGES, **engine_options)  # type: ignore[arg-type]


def evaluate(engine: SearchEngine, queries: list[dict]) -> dict[str, list[float]]:
    """Return, per language, each query's reciprocal rank within the top 5."""
    ranks: dict[str, list[float]] = defaultdict(list)
    for item in queries:
        result = engine.search(item["q"], item["lang"], limit=TOP)
        found = [f"{hit.slug}#{hit.section}" for hit in result.hits]
        rank = next(
            (i for i, key in enumerate(found, 1) if key in item["expect"]), None
        )
        ranks[item["lang"]].append(1 / rank if rank else 0.0)
        item.setdefault("found", {})[id(engine)] = (rank, found[:3])
    return ranks


def summarize(ranks: list[float]) -> tuple[float, float]:
    """Return (MRR@5, success@1) of a list of reciprocal ranks."""
    if not ranks:
        return 0.0, 0.0
    return sum(ranks) / len(ranks), sum(r == 1.0 for r in ranks) / len(ranks)


def report(
    path: Path, queries: list[dict], ours: SearchEngine, baseline: SearchEngine
) -> tuple[list[float], list[float]]:
    """Print one query set's table (ours beside the baseline) and its misses."""
    our_ranks = evaluate(ours, queries)
    base_ranks = evaluate(baseline, queries)
    print(f"queries: {path} ({len(queries)})")
    header = "{:<8}{:>4}  {:>7}{:>7}  |  {:>10}{:>9}".format(
        "lang", "n", "MRR@5", "S@1", "base MRR@5", "base S@1"
    )
    print(header)
    print("-" * len(header))
    rows = [(lang, our_ranks[lang], base_ranks[lang]) for lang in sorted(our_ranks)]
    all_ours = [r for _, ranks, _ in rows for r in ranks]
    all_base = [r for _, _, ranks in rows for r in ranks]
    for lang, mine, base in [*rows, ("overall", all_ours, all_base)]:
        mrr, s1 = summarize(mine)
        bmrr, bs1 = summarize(base)
        row = (lang, len(mine), mrr, s1, bmrr, bs1)
        print("{:<8}{:>4}  {:>7.3f}{:>7.3f}  |  {:>10.3f}{:>9.3f}".format(*row))
    return all_ours, all_base


def main() -> None:
    """Build both indexes, run every query set on each, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--queries",
        type=Path,
        nargs="+",
        default=[DEFAULT_QUERIES, HELDOUT_QUERIES, HELDOUT_QUESTIONS],
        help="query files (default: public set, held-out queries and questions)",
    )
    parser.add_argument("--verbose", action="store_true", help="show every miss")
    args = parser.parse_args()
    sets = [
        (
            path,
            [
                json.loads(line)
                for line in path.read_text("utf-8").splitlines()
                if line.strip()
            ],
        )
        for path in args.queries
    ]
    library = ContentLibrary.load(PROJECT_ROOT / "articles", LANGUAGES)
    versions = analysis.SNOWBALL_VERSION, analysis.ANALYZER_VERSION
    print("snowballstemmer {}, analyzer v{}".format(*versions))
    print("ours: per-language analysis; base: Whoosh StandardAnalyzer")
    with tempfile.TemporaryDirectory(prefix="search-quality-") as tmp:
        ours = build_engine(Path(tmp) / "ours", library, analysis.analyzer)
        baseline = build_engine(
            Path(tmp) / "baseline",
            library,
            lambda lang: analysis.baseline_analyzer(),
            forms=standard_forms,
            stops=no_stops,
            spelling=False,
        )
        for path, queries in sets:
            print()
            report(path, queries, ours, baseline)
            misses = [q for q in queries if q["found"][id(ours)][0] != 1]
            if misses:
                print(f"\nnot first with our analysis: {len(misses)}")
                for item in misses if args.verbose else misses[:10]:
                    rank, top = item["found"][id(ours)]
                    print(f"  [{item['lang']}] {item['q']!r}: rank {rank}, top {top}")


if __name__ == "__main__":
    main()
