"""Spelling correction from the index's own vocabulary (symmetric deletes)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence

#: Shortest word the speller corrects; shorter words have too many neighbours.
MIN_LENGTH = 4
#: From this length on, two edits are allowed instead of one.
TWO_EDITS_FROM = 8


def max_edits(word: str) -> int:
    """Return how many edits a typo of ``word`` may be from the real word."""
    if len(word) < MIN_LENGTH:
        return 0
    return 2 if len(word) >= TWO_EDITS_FROM else 1


def _deletes(word: str, depth: int) -> Iterator[str]:
    seen = {word}
    frontier = [word]
    for _ in range(depth):
        following = []
        for item in frontier:
            for i in range(len(item)):
                shorter = item[:i] + item[i + 1 :]
                if shorter not in seen:
                    seen.add(shorter)
                    following.append(shorter)
        frontier = following
    yield from seen


def distance(a: str, b: str) -> int:
    """Return the optimal string alignment distance (swaps count as one edit)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return previous[-1]


class Speller:
    """Suggest the known word closest to a misspelt one (most frequent on ties)."""

    def __init__(self, words: Mapping[str, Sequence[object]]):
        """``words`` maps each folded word to ``[spelling, frequency]``."""
        self._words = {w: (str(v[0]), int(str(v[1]))) for w, v in words.items()}
        self._index: dict[str, list[str]] = {}
        for word in self._words:
            for deleted in _deletes(word, max_edits(word)):
                self._index.setdefault(deleted, []).append(word)
        self._sorted = sorted(self._words)

    def __contains__(self, folded: object) -> bool:
        return folded in self._words

    def spelling(self, folded: str) -> str:
        """Return the usual spelling of a known folded word."""
        return self._words[folded][0]

    def starting_with(self, prefix: str, limit: int) -> list[str]:
        """Return the spellings of the commonest known words beginning ``prefix``."""
        found = []
        for i in range(bisect_left(self._sorted, prefix), len(self._sorted)):
            word = self._sorted[i]
            if not word.startswith(prefix):
                break
            found.append(word)
        found.sort(key=lambda w: (-self._words[w][1], w))
        return [self._words[w][0] for w in found[:limit]]

    def correct(self, folded: str) -> str | None:
        """Return the spelling of the closest known word, or None."""
        edits = max_edits(folded)
        if not edits or folded in self._words:
            return None
        candidates: set[str] = set()
        for deleted in _deletes(folded, edits):
            candidates.update(self._index.get(deleted, ()))
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            # Typos rarely hit the first letter, and a different first letter often
            # means a different word (reaktywacja is not dezaktywacja): the usual
            # prefix length of 1 of fuzzy search (Whoosh's FuzzyTerm, Elasticsearch).
            if max_edits(candidate) < 1 or candidate[0] != folded[0]:
                continue
            dist = distance(folded, candidate)
            if dist > min(edits, max_edits(candidate)):
                continue
            key = (dist, -self._words[candidate][1], candidate)
            if best is None or key < best:
                best = key
        return None if best is None else self._words[best[2]][0]
