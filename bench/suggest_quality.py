"""Score search as you type on the held-out prefix queries: success@1 and MRR@3.

Usage: ``.venv/bin/python bench/suggest_quality.py [--verbose]``

``bench/suggest_heldout.jsonl`` holds 30 queries as readers type them (10 per
language), written before the suggester was tuned, each with the suggestions
that answer it (``section`` null: the article's or the error code's entry). A
query scores at rank r when the r-th suggestion is one of them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpdesk.content import ContentLibrary  # noqa: E402
from helpdesk.search.suggest import Suggester  # noqa: E402

HELDOUT = ROOT / "bench" / "suggest_heldout.jsonl"


def rank_of(suggester: Suggester, case: dict, depth: int = 3) -> int | None:
    """Return the 1-based rank of the first right suggestion within ``depth``."""
    wanted = {(e["slug"], e["section"]) for e in case["expected"]}
    found = suggester.suggest(case["q"], case["lang"], depth)
    for rank, item in enumerate(found, 1):
        if (item.slug, item.section) in wanted:
            return rank
    return None


def main() -> None:
    """Print success@1 and MRR@3 per language and overall."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    suggester = Suggester.from_library(ContentLibrary.load(ROOT / "articles"))
    cases = [json.loads(line) for line in HELDOUT.read_text("utf-8").splitlines()]
    by_lang: dict[str, list[int | None]] = {}
    for case in cases:
        rank = rank_of(suggester, case)
        by_lang.setdefault(case["lang"], []).append(rank)
        if args.verbose or rank != 1:
            top = suggester.suggest(case["q"], case["lang"], 3)
            shown = ", ".join(f"{s.slug}#{s.section}" for s in top) or "(none)"
            print(f"  {case['lang']} {case['q']!r}: rank {rank} -> {shown}")
    every = [r for ranks in by_lang.values() for r in ranks]
    for name, ranks in [*sorted(by_lang.items()), ("all", every)]:
        success = sum(1 for r in ranks if r == 1) / len(ranks)
        mrr = sum(1 / r for r in ranks if r) / len(ranks)
        print(f"{name:4s} n={len(ranks):2d}  success@1 {success:.3f}  MRR@3 {mrr:.3f}")


if __name__ == "__main__":
    main()
