"""The scoring reference: rank-bm25's BM25Okapi with pinned parameters and a fixed idf floor.

rank-bm25 defines the numbers. We pick BM25Okapi deliberately (a term absent from a
section adds exactly nothing, unlike BM25L/BM25Plus whose delta scores every section), and
mend its one sharp edge: Okapi's idf is exactly 0 for a term in exactly half the sections,
and negative above half, where rank-bm25 floors only the negative ones. Here every idf ≤ 0
gets the floor (epsilon × the average idf, or epsilon where that average is not positive,
as in a one-section corpus), so a real match never scores 0 and vanishes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rank_bm25 import BM25Okapi

K1 = 1.5
B = 0.75
EPSILON = 0.25


class ReferenceBM25(BM25Okapi):  # type: ignore[misc]  # rank-bm25 ships no types
    """BM25Okapi(k1=1.5, b=0.75, epsilon=0.25) whose idf floor also covers idf == 0."""

    def __init__(self, corpus: Sequence[Sequence[str]]) -> None:
        if not corpus:
            raise ValueError("BM25 needs at least one section (rank-bm25 divides by zero)")
        if not any(corpus):
            raise ValueError("BM25 needs at least one token in the corpus")
        super().__init__(corpus, k1=K1, b=B, epsilon=EPSILON)

    def _calc_idf(self, nd: dict[str, int]) -> None:
        idf_sum = 0.0
        floored: list[str] = []
        for word, freq in nd.items():
            idf = math.log(self.corpus_size - freq + 0.5) - math.log(freq + 0.5)
            self.idf[word] = idf
            idf_sum += idf
            if idf <= 0:
                floored.append(word)
        self.average_idf = idf_sum / len(self.idf)
        floor = self.epsilon * self.average_idf if self.average_idf > 0 else self.epsilon
        for word in floored:
            self.idf[word] = floor
