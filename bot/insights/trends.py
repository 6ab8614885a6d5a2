"""Trends: groups of sections from different reports that are about the same thing.

No model, no preset number of clusters: sections are joined greedily along their
strongest neighbour edges (`bot.insights.similarity`), strongest first, and two groups merge only
while the average similarity of all their pairs stays above a threshold (average
linkage, computed exactly from the groups' summed vectors). Deterministic: the same
corpus gives the same trends. A group from one report only is a topic that makes that
report distinct ("only in one report").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from bot.insights.similarity import SectionVectors, neighbour_edges, section_vectors
from bot.insights.template import container_titles, title_key
from bot.insights.topics import TitleStats, describe
from bot.reports.model import Section
from bot.search.index import SectionIndex

#: An edge weaker than this is not considered at all.
EDGE_MIN = 0.12
#: Two groups merge while the average similarity of their pairs is at least this (chosen on
#: the shared samples' judged pairs, tests/test_grouping.py).
MERGE_MIN = 0.13
#: "Only in one report" lists at most this many topics (the most distinctive first).
MAX_UNIQUE = 50
#: At most this many template headings are named.
MAX_CONTAINERS = 20


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """One sentence of a trend's summary, and where it comes from."""

    report: str
    section: int
    sentence: str


@dataclass(frozen=True, slots=True)
class Trend:
    """A topic, the reports that carry it, and what they share.

    `id` is a function of the folder's contents (its first member section: report id and
    position), so it is the same on every replica and after every restart, and a trend
    keeps it when later reports join.
    """

    id: str
    label: str
    reports: tuple[str, ...]
    sections: tuple[Section, ...]
    terms: tuple[str, ...]
    summary: tuple[SummarySentence, ...]
    cohesion: float


@dataclass(frozen=True, slots=True)
class TrendReport:
    """All trends of a corpus, ranked, and the topics only one report has."""

    trends: tuple[Trend, ...]
    unique: tuple[Trend, ...]
    total_reports: int
    unique_total: int = 0
    #: The folder's template headings (containers, not topics), as first written.
    containers: tuple[str, ...] = ()

    def find(self, trend_id: str) -> Trend | None:
        """The trend (or single-report topic) with this id, if it is still one."""
        return next((t for t in (*self.trends, *self.unique) if t.id == trend_id), None)


#: A sparse vector: sorted term ids and their values.
Vec = tuple[np.ndarray, np.ndarray]


def _dot(a: Vec, b: Vec) -> float:
    """Dot product of two sparse vectors (the smaller one looked up in the larger)."""
    (si, sv), (li, lv) = (a, b) if len(a[0]) <= len(b[0]) else (b, a)
    if len(si) == 0 or len(li) == 0:
        return 0.0
    pos = np.minimum(np.searchsorted(li, si), len(li) - 1)
    hit = li[pos] == si
    return float(sv[hit] @ lv[pos[hit]])


def _add(large: Vec, small: Vec) -> Vec:
    """large + small, in O(len(large)): add where both have a term, insert the rest."""
    (li, lv), (si, sv) = large, small
    pos = np.searchsorted(li, si)
    present = pos < len(li)
    present[present] = li[pos[present]] == si[present]
    lv = lv.copy()
    np.add.at(lv, pos[present], sv[present])
    new = ~present
    if new.any():
        li = np.insert(li, pos[new], si[new])
        lv = np.insert(lv, pos[new], sv[new])
    return li, lv


class _Groups:
    """Union-find over sections, with each group's summed vector for average linkage."""

    def __init__(self, vectors: SectionVectors) -> None:
        n = vectors.matrix.shape[0]
        self.parent = list(range(n))
        self.size = [1] * n
        m = vectors.matrix
        self.sums: list[Vec | None] = [
            (
                m.indices[m.indptr[i] : m.indptr[i + 1]].astype(np.int64),
                m.data[m.indptr[i] : m.indptr[i + 1]].astype(np.float64),
            )
            for i in range(n)
        ]

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def _sum(self, root: int) -> Vec:
        """A group's summed vector (only roots have one)."""
        total = self.sums[root]
        if total is None:
            raise ValueError(f"section {root} is not the root of a group")
        return total

    def average_similarity(self, a: int, b: int) -> float:
        """Mean cosine over all pairs across the two groups (unit vectors: dot of sums)."""
        sa, sb = self._sum(a), self._sum(b)
        return _dot(sa, sb) / (self.size[a] * self.size[b])

    def union(self, a: int, b: int) -> None:
        if self.size[a] < self.size[b]:
            a, b = b, a
        sa, sb = self._sum(a), self._sum(b)
        big, small = (sa, sb) if len(sa[0]) >= len(sb[0]) else (sb, sa)
        self.sums[a] = _add(big, small)
        self.sums[b] = None
        self.parent[b] = a
        self.size[a] += self.size[b]

    def members(self, eligible: np.ndarray) -> list[tuple[list[int], Vec]]:
        """Each group's sections (eligible ones, in order) and its summed vector."""
        groups: dict[int, list[int]] = {}
        for i in np.flatnonzero(eligible).tolist():
            groups.setdefault(self.find(i), []).append(i)
        return [(members, self._sum(root)) for root, members in groups.items()]


def _grouping(vectors: SectionVectors) -> tuple[list[tuple[list[int], Vec]], np.ndarray]:
    """The groups, and each section's similarity to its nearest section in another report."""
    edges = neighbour_edges(vectors)
    nearest = np.zeros(vectors.matrix.shape[0])
    np.maximum.at(nearest, edges.left, edges.sim)
    np.maximum.at(nearest, edges.right, edges.sim)
    strong = edges.sim >= EDGE_MIN
    left, right, sim = edges.left[strong], edges.right[strong], edges.sim[strong]
    order = np.lexsort((right, left, -sim))
    groups = _Groups(vectors)
    for k in order.tolist():
        a, b = groups.find(int(left[k])), groups.find(int(right[k]))
        if a != b and groups.average_similarity(a, b) >= MERGE_MIN:
            groups.union(a, b)
    return sorted(groups.members(vectors.eligible), key=lambda g: g[0]), nearest


def _cohesion(total: Vec, n: int) -> float:
    """Average pairwise cosine of n unit vectors, from their sum: (|Σ|² − n) / n(n−1)."""
    if n < 2:
        return 1.0
    return float((total[1] @ total[1] - n) / (n * (n - 1)))


def find_trends(index: SectionIndex) -> TrendReport:
    """Every trend of the indexed corpus, ranked by coverage then cohesion."""
    sections = index.sections
    total_reports = len({s.report_id for s in sections})
    vectors = section_vectors(index)
    titles = TitleStats.of(index)
    trends: list[Trend] = []
    singles: list[tuple[float, list[int], Vec]] = []
    groups, nearest = _grouping(vectors)
    for members, total in groups:
        reports = {sections[i].report_id for i in members}
        if len(reports) >= 2:
            trends.append(_build(index, vectors, members, total, titles))
        else:  # distinct: how far its closest section in another report is
            singles.append((1.0 - float(nearest[members].max()), members, total))
    trends.sort(key=lambda t: (-len(t.reports), -t.cohesion, t.label))
    singles.sort(key=lambda item: (-item[0], min(item[1])))
    unique = tuple(_build(index, vectors, m, v, titles) for _, m, v in singles[:MAX_UNIQUE])
    template = container_titles(sections)
    containers = tuple(dict.fromkeys(s.title for s in sections if title_key(s.title) in template))[
        :MAX_CONTAINERS
    ]
    return TrendReport(tuple(trends), unique, total_reports, len(singles), containers)


def trend_id(anchor: Section) -> str:
    """A short stable id from a trend's first member section (its report id and position)."""
    key = f"{anchor.report_id}\x00{anchor.position}".encode()
    return "t" + hashlib.blake2b(key, digest_size=5).hexdigest()


def _build(
    index: SectionIndex,
    vectors: SectionVectors,
    members: list[int],
    total: Vec,
    titles: TitleStats,
) -> Trend:
    sections = index.sections
    chosen = sorted(members, key=lambda i: (sections[i].report_id, sections[i].position))
    ids, values = total[0], total[1] / len(chosen)  # the centroid, sparse
    row = sp.csr_matrix((values, ids, [0, len(ids)]), shape=(1, vectors.matrix.shape[1]))
    centrality = np.asarray((vectors.matrix[chosen] @ row.T).todense()).ravel()
    body = ids < vectors.n_terms  # the vocabulary's columns: what describe() names
    centroid = (ids[body], values[body])
    described = describe(index, [sections[i] for i in chosen], centroid, centrality, titles)
    reports = tuple(sorted({sections[i].report_id for i in chosen}))
    first = sections[chosen[0]]
    return Trend(
        id=trend_id(first),
        label=described.label,
        reports=reports,
        sections=tuple(sections[i] for i in chosen),
        terms=described.terms,
        summary=tuple(
            SummarySentence(s.report_id, s.number, text) for s, text in described.summary
        ),
        cohesion=round(_cohesion(total, len(chosen)), 6),
    )
