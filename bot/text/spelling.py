"""Typo correction for query words the corpus never uses ("multimodel" → "multimodal").

A word is corrected only when it is a typo: not a word of the language ("pricing",
"robots", "lawyers" are English even if no report uses them; wordfreq knows), or a rare
one whose close corpus word is far more common (the obvious intent). Only close matches
are corrected (4+ letters, one edit for short words and two for longer ones, counting a
swap of neighbours as one edit), so gibberish finds nothing rather than a random word.
Among equally close words the one more sections use wins.
"""

from __future__ import annotations

import functools
from collections import Counter

from rapidfuzz import process
from rapidfuzz.distance import OSA
from wordfreq import zipf_frequency

MIN_LENGTH = 4
#: A word this frequent in general English (Zipf scale) is a word, not a typo.
ENGLISH_ZIPF = 3.0
#: A rarer word is corrected only when it is one edit from a corpus word this much more
#: frequent in English ("recomendation" 1.4 → "recommendation" 4.3).
RARE_ZIPF = 2.0
INTENT_MARGIN = 1.5


@functools.lru_cache(maxsize=1 << 16)
def english_zipf(word: str) -> float:
    """How common a word is in general English (0: unknown, 7: "the")."""
    return float(zipf_frequency(word, "en"))


def max_edits(word: str) -> int:
    """How many edits a word of this length may be from its correction."""
    return 1 if len(word) <= 5 else 2


class Speller:
    """The corpus's own words, bucketed by length for fast nearest-word lookups."""

    def __init__(self, word_counts: Counter[str]) -> None:
        self.counts = word_counts
        self._by_length: dict[int, list[str]] = {}
        self._by_start: dict[tuple[str, int], list[str]] = {}
        for word in sorted(word_counts):
            if len(word) >= MIN_LENGTH - 1:
                self._by_length.setdefault(len(word), []).append(word)
                self._by_start.setdefault((word[0], len(word)), []).append(word)
        self._memo: dict[str, str | None] = {}

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def correct(self, word: str) -> str | None:
        """The corpus word a typo meant, or None (not a typo, or nothing close enough)."""
        word = word.lower()
        if len(word) < MIN_LENGTH or not word.isalpha() or word in self.counts:
            return None
        if word not in self._memo:
            if len(self._memo) > 10_000:
                self._memo.clear()
            self._memo[word] = self._typo_for(word)
        return self._memo[word]

    def _typo_for(self, word: str) -> str | None:
        zipf = english_zipf(word)
        if zipf >= ENGLISH_ZIPF:
            return None  # a word of the language: search it as typed
        best = self._closest(word)
        if best is None or zipf < RARE_ZIPF:
            return best
        # a rare word: only the obvious intent (one edit away, far more common)
        obvious = OSA.distance(word, best) <= 1 and english_zipf(best) >= zipf + INTENT_MARGIN
        return best if obvious else None

    def _closest(self, word: str) -> str | None:
        """Same first letter within the edit limit; else a first-letter slip (one edit)."""
        limit = max_edits(word)
        lengths = range(len(word) - limit, len(word) + limit + 1)
        best = self._best(word, [self._by_start.get((word[0], n), []) for n in lengths], limit)
        if best is None:  # "nultimodal": the first letter itself mistyped
            near = range(len(word) - 1, len(word) + 2)
            best = self._best(word, [self._by_length.get(n, []) for n in near], 1)
        return best

    def _best(self, word: str, buckets: list[list[str]], limit: int) -> str | None:
        best: tuple[int, int, str] | None = None
        for choices in buckets:
            if not choices:
                continue
            for cand, dist, _ in process.extract(
                word, choices, scorer=OSA.distance, score_cutoff=limit, limit=20
            ):
                key = (int(dist), -self.counts[cand], cand)
                if best is None or key < best:
                    best = key
        return None if best is None else best[2]
