"""The section index: rank-bm25's scores, answered from precomputed postings.

The reference (`bot.search.bm25.ReferenceBM25.get_scores`) scores every section for every query,
which is fine at 50 sections and slow at 100,000. Here each term keeps its postings — the
sections that contain it and their BM25 weight, computed with rank-bm25's own expression
and idf — so a query touches only the sections that contain its terms, and adds the weights
in query order exactly as rank-bm25 does: the scores are identical, bit for bit.

Sections are kept in (report id, position) order, so breaking ties by section index is the
documented tie-break.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.reports.model import Section
from bot.search.bm25 import K1, B, ReferenceBM25
from bot.text.analyzer import Analyzer

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


#: A term in more than 1/FREQUENT_SHARE of the sections (and FREQUENT_MIN) is "frequent":
#: queries score it only for sections that also hold a rarer term, when that is exact.
FREQUENT_SHARE = 32
FREQUENT_MIN = 2048


@dataclass(frozen=True, slots=True)
class IndexHit:
    """A matching section (its index in `SectionIndex.sections`) and its BM25 score."""

    doc: int
    report_id: str
    position: int
    score: float


def section_order(section: Section) -> tuple[str, int]:
    """The total order behind every tie: report id, then position in the report."""
    return (section.report_id, section.position)


class SectionIndex:
    """BM25 over one token list per section, built once, queried many times."""

    def __init__(self, sections: Sequence[Section], analyzer: Analyzer) -> None:
        self.sections: list[Section] = sorted(sections, key=section_order)
        self.analyzer = analyzer
        token_lists = [analyzer.section_tokens(s.title, s.text) for s in self.sections]
        self.term_ids: dict[str, int] = {}
        self.idf: FloatArray = np.zeros(0)
        self.doc_len: IntArray = np.zeros(0, dtype=np.int64)
        self.avgdl = 0.0
        self._indptr: IntArray = np.zeros(1, dtype=np.int64)
        self._docs: IntArray = np.zeros(0, dtype=np.int64)
        self._weights: FloatArray = np.zeros(0)
        self._report_codes: IntArray | None = None
        self._term_names: list[str] | None = None
        self._max_weights: dict[int, float] = {}
        self._bitsets: dict[int, npt.NDArray[np.uint8]] = {}
        if any(token_lists):
            self._build(ReferenceBM25(token_lists))

    @classmethod
    def build(cls, sections: Sequence[Section]) -> SectionIndex:
        """Fit the analyzer on these sections, then index them."""
        analyzer = Analyzer.fit(f"{s.title}\n{s.text}" for s in sections)
        return cls(sections, analyzer)

    def _build(self, bm25: ReferenceBM25) -> None:
        """Postings in CSR form: for term t, docs[indptr[t]:indptr[t+1]] and their weights."""
        terms = sorted(bm25.idf)
        self.term_ids = {t: i for i, t in enumerate(terms)}
        self.idf = np.array([bm25.idf[t] for t in terms], dtype=np.float64)
        tids: list[int] = []
        docs: list[int] = []
        tfs: list[int] = []
        for d, freqs in enumerate(bm25.doc_freqs):
            for term, tf in freqs.items():
                tids.append(self.term_ids[term])
                docs.append(d)
                tfs.append(tf)
        tid_arr = np.array(tids, dtype=np.int64)
        order = np.lexsort((np.array(docs, dtype=np.int64), tid_arr))
        tid_arr = tid_arr[order]
        self._docs = np.array(docs, dtype=np.int64)[order]
        q_freq = np.array(tfs, dtype=np.int64)[order]
        self.doc_len = np.array(bm25.doc_len, dtype=np.int64)
        self.avgdl = float(bm25.avgdl)
        doc_len = self.doc_len[self._docs]
        # rank-bm25's get_scores expression, term by term, so every weight is bit-identical
        self._weights = self.idf[tid_arr] * (
            q_freq * (K1 + 1) / (q_freq + K1 * (1 - B + B * doc_len / self.avgdl))
        )
        self._indptr = np.searchsorted(tid_arr, np.arange(len(terms) + 1)).astype(np.int64)

    def __len__(self) -> int:
        return len(self.sections)

    def has_term(self, term: str) -> bool:
        """Whether any section contains this analysed term."""
        return term in self.term_ids

    def doc_freq(self, term: str) -> int:
        """How many sections contain this analysed term."""
        tid = self.term_ids.get(term)
        return 0 if tid is None else int(self._indptr[tid + 1] - self._indptr[tid])

    def term_idf(self, term: str) -> float:
        """The term's idf as rank-bm25 computed it (0 for an unknown term)."""
        tid = self.term_ids.get(term)
        return 0.0 if tid is None else float(self.idf[tid])

    def postings(self, term: str) -> tuple[IntArray, FloatArray]:
        """The sections containing term, and the term's BM25 weight in each."""
        tid = self.term_ids.get(term)
        if tid is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        lo, hi = int(self._indptr[tid]), int(self._indptr[tid + 1])
        return self._docs[lo:hi], self._weights[lo:hi]

    def report_codes(self) -> IntArray:
        """For each section, its report's number (reports numbered in id order)."""
        if self._report_codes is None:
            codes: dict[str, int] = {}
            self._report_codes = np.array(
                [codes.setdefault(s.report_id, len(codes)) for s in self.sections],
                dtype=np.int64,
            )
        return self._report_codes

    def term_names(self) -> list[str]:
        """Analysed terms by id (ids are the terms' sorted order)."""
        if self._term_names is None:
            names = [""] * len(self.term_ids)
            for term, tid in self.term_ids.items():
                names[tid] = term
            self._term_names = names
        return self._term_names

    def csc_arrays(self) -> tuple[IntArray, IntArray, FloatArray]:
        """(indptr, docs, weights): the postings as a sections × terms CSC matrix's arrays."""
        return self._indptr, self._docs, self._weights

    def score_terms(self, terms: Sequence[str]) -> tuple[IntArray, FloatArray]:
        """(matching sections, their scores): rank-bm25's get_scores, restricted to matches."""
        lists = [self.postings(t) for t in terms if t in self.term_ids]
        if not lists:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        if len(lists) == 1:
            return lists[0][0], lists[0][1].copy()
        scores = np.zeros(len(self.sections))
        matched = np.zeros(len(self.sections), dtype=bool)
        for docs, weights in lists:  # query order, as rank-bm25 adds them
            scores[docs] += weights
            matched[docs] = True
        found = np.flatnonzero(matched)
        return found, scores[found]

    def _score_candidates(self, tids: Sequence[int], candidates: IntArray) -> FloatArray:
        """Exact scores of some sections: every query term's weight added in query order
        (adding 0.0 where a section lacks a term, exactly as rank-bm25's sum does)."""
        scores = np.zeros(len(candidates))
        for tid in tids:
            lo, hi = int(self._indptr[tid]), int(self._indptr[tid + 1])
            docs = self._docs[lo:hi]
            pos = np.minimum(np.searchsorted(docs, candidates), len(docs) - 1)
            present = docs[pos] == candidates
            scores[present] += self._weights[lo:hi][pos[present]]
        return scores

    def _max_weight(self, tid: int) -> float:
        """A term's largest weight: the most it can add to any section's score."""
        cached = self._max_weights.get(tid)
        if cached is None:
            lo, hi = int(self._indptr[tid]), int(self._indptr[tid + 1])
            cached = float(self._weights[lo:hi].max()) if hi > lo else 0.0
            self._max_weights[tid] = cached
        return cached

    def _bits(self, tid: int) -> npt.NDArray[np.uint8]:
        """A frequent term's sections as a bitset (cached), to count matches fast."""
        cached = self._bitsets.get(tid)
        if cached is None:
            mask = np.zeros(len(self.sections), dtype=bool)
            mask[self._docs[int(self._indptr[tid]) : int(self._indptr[tid + 1])]] = True
            cached = np.packbits(mask)
            if len(self._bitsets) > 4096:
                self._bitsets.clear()
            self._bitsets[tid] = cached
        return cached

    def _pruned(self, tids: list[int], want: int) -> tuple[IntArray, FloatArray, int] | None:
        """Top candidates without scoring every match (MaxScore), or None to score all.

        Sections that contain only the query's frequent terms can score at most the sum
        of those terms' largest weights; when the want-th best score among sections that
        contain a rarer term is above that bound, no other section can enter the top.
        """
        n = len(self.sections)
        frequent_df = max(FREQUENT_MIN, n // FREQUENT_SHARE)
        df = {t: int(self._indptr[t + 1] - self._indptr[t]) for t in tids}
        rare = [t for t in tids if df[t] <= frequent_df]
        frequent = [t for t in tids if df[t] > frequent_df]
        if not rare or not frequent:
            return None
        candidates = np.unique(
            np.concatenate(
                [self._docs[int(self._indptr[t]) : int(self._indptr[t + 1])] for t in rare]
            )
        )
        if len(candidates) < want:
            return None
        scores = self._score_candidates(tids, candidates)
        kth = float(np.partition(scores, len(scores) - want)[len(scores) - want])
        bound = sum(self._max_weight(t) for t in frequent)
        if not bound * (1 + 1e-9) < kth:
            return None
        # the total: every section with a frequent term, plus the rare-only candidates
        bits = np.bitwise_or.reduce([self._bits(t) for t in frequent])
        unpacked = np.unpackbits(bits, count=n).astype(bool)
        extra = int(np.count_nonzero(~unpacked[candidates]))
        total = int(np.count_nonzero(unpacked)) + extra
        return candidates, scores, total

    def top(self, terms: Sequence[str], k: int, offset: int = 0) -> tuple[list[IndexHit], int]:
        """The best k matches after offset, by score then (report id, position); and the total."""
        want = offset + k
        tids = [self.term_ids[t] for t in dict.fromkeys(terms) if t in self.term_ids]
        if not tids or k <= 0:
            return [], (0 if not tids else len(self.score_terms(terms)[0]))
        pruned = self._pruned(tids, want) if len(tids) > 1 else None
        if pruned is None:
            docs, scores = self.score_terms(terms)
            total = len(docs)
        else:
            docs, scores, total = pruned
        if total == 0 or offset >= total:
            return [], total
        if want < len(docs):
            # everything scoring at least the want-th best score, so ties stay complete
            kth = np.partition(scores, len(docs) - want)[len(docs) - want]
            keep = scores >= kth
            docs, scores = docs[keep], scores[keep]
        order = np.lexsort((docs, -scores))[offset:want]
        hits = [
            IndexHit(
                int(docs[i]),
                self.sections[int(docs[i])].report_id,
                self.sections[int(docs[i])].position,
                float(scores[i]),
            )
            for i in order
        ]
        return hits, total

    def reference(self) -> ReferenceBM25 | None:
        """A fresh rank-bm25 object over the same token lists: the oracle for tests and bench."""
        token_lists = [self.analyzer.section_tokens(s.title, s.text) for s in self.sections]
        return ReferenceBM25(token_lists) if any(token_lists) else None
