"""Trends: groups of sections from different reports that are about the same thing.

No model, no preset number of clusters: sections are joined greedily along their
strongest neighbour edges (`bot.similarity`), strongest first, and two groups merge only
while the average similarity of all their pairs stays above a threshold (average
linkage, computed exactly from the groups' summed vectors). Deterministic: the same
corpus gives the same trends. A group from one report only is a topic that makes that
report distinct ("only in one report").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from bot.corpus import Section
from bot.index import SectionIndex
from bot.similarity import SectionVectors, neighbour_edges, section_vectors
from bot.topics import TitleStats, describe

#: An edge weaker than this is not considered at all.
EDGE_MIN = 0.12
#: Two groups merge while the average similarity of their pairs is at least this.
MERGE_MIN = 0.15
#: "Only in one report" lists at most this many topics (the most distinctive first).
MAX_UNIQUE = 50


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """One sentence of a trend's summary, and where it comes from."""

    report: str
    section: int
    sentence: str


@dataclass(frozen=True, slots=True)
class Trend:
    """A topic, the reports that carry it, and what they share."""

    label: str
    reports: tuple[str, ...]
    sections: tuple[Section, ...]
    terms: tuple[str, ...]
    summary: tuple[SummarySentence, ...]
    cohesion: float

    @property
    def slug(self) -> str:
        """A short stable key for buttons: the label's words."""
        return "-".join(self.label.lower().split())[:60]


@dataclass(frozen=True, slots=True)
class TrendReport:
    """All trends of a corpus, ranked, and the topics only one report has."""

    trends: tuple[Trend, ...]
    unique: tuple[Trend, ...]
    total_reports: int
    unique_total: int = 0


class _Groups:
    """Union-find over sections, with each group's summed vector for average linkage."""

    def __init__(self, vectors: SectionVectors) -> None:
        n = vectors.matrix.shape[0]
        self.parent = list(range(n))
        self.size = [1] * n
        m = vectors.matrix
        self.sums: list[dict[int, float] | None] = [
            dict(
                zip(
                    m.indices[m.indptr[i] : m.indptr[i + 1]].tolist(),
                    m.data[m.indptr[i] : m.indptr[i + 1]].tolist(),
                    strict=True,
                )
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

    def average_similarity(self, a: int, b: int) -> float:
        """Mean cosine over all pairs across the two groups (unit vectors: dot of sums)."""
        sa, sb = self.sums[a], self.sums[b]
        assert sa is not None
        assert sb is not None
        if len(sa) > len(sb):
            sa, sb = sb, sa
        dot = sum(v * sb.get(t, 0.0) for t, v in sa.items())
        return dot / (self.size[a] * self.size[b])

    def union(self, a: int, b: int) -> None:
        if self.size[a] < self.size[b]:
            a, b = b, a
        sa, sb = self.sums[a], self.sums[b]
        assert sa is not None
        assert sb is not None
        for t, v in sb.items():
            sa[t] = sa.get(t, 0.0) + v
        self.sums[b] = None
        self.parent[b] = a
        self.size[a] += self.size[b]

    def members(self, eligible: np.ndarray) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = {}
        for i in np.flatnonzero(eligible).tolist():
            groups.setdefault(self.find(i), []).append(i)
        return groups


def group_sections(vectors: SectionVectors) -> list[list[int]]:
    """Sections grouped by greedy average linkage along neighbour edges; singletons too."""
    return _grouping(vectors)[0]


def _grouping(vectors: SectionVectors) -> tuple[list[list[int]], np.ndarray]:
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
    return sorted(groups.members(vectors.eligible).values()), nearest


def _cohesion(centroid: np.ndarray, n: int) -> float:
    """Average pairwise cosine of n unit vectors, from their mean: (|Σ|² − n) / n(n−1)."""
    if n < 2:
        return 1.0
    return float((n * n * (centroid @ centroid) - n) / (n * (n - 1)))


def find_trends(index: SectionIndex) -> TrendReport:
    """Every trend of the indexed corpus, ranked by coverage then cohesion."""
    sections = index.sections
    total_reports = len({s.report_id for s in sections})
    vectors = section_vectors(index)
    titles = TitleStats.of(index)
    trends: list[Trend] = []
    singles: list[tuple[float, list[int]]] = []
    groups, nearest = _grouping(vectors)
    for members in groups:
        reports = {sections[i].report_id for i in members}
        if len(reports) >= 2:
            trends.append(_build(index, vectors, members, titles))
        else:  # distinct: how far its closest section in another report is
            singles.append((1.0 - float(nearest[members].max()), members))
    trends.sort(key=lambda t: (-len(t.reports), -t.cohesion, t.label))
    singles.sort(key=lambda item: (-item[0], min(item[1])))
    unique = tuple(_build(index, vectors, m, titles) for _, m in singles[:MAX_UNIQUE])
    return TrendReport(tuple(trends), unique, total_reports, len(singles))


def _build(
    index: SectionIndex, vectors: SectionVectors, members: list[int], titles: TitleStats
) -> Trend:
    sections = index.sections
    chosen = sorted(members, key=lambda i: (sections[i].report_id, sections[i].position))
    centroid = np.asarray(vectors.matrix[chosen].mean(axis=0)).ravel()
    centrality = np.asarray(vectors.matrix[chosen] @ centroid).ravel()
    described = describe(index, [sections[i] for i in chosen], centroid, centrality, titles)
    reports = tuple(sorted({sections[i].report_id for i in chosen}))
    return Trend(
        label=described.label,
        reports=reports,
        sections=tuple(sections[i] for i in chosen),
        terms=described.terms,
        summary=tuple(
            SummarySentence(s.report_id, s.number, text) for s, text in described.summary
        ),
        cohesion=round(_cohesion(centroid, len(chosen)), 6),
    )


def coverage_counts(report: TrendReport) -> Counter[str]:
    """How many trends each report carries (for the dashboard)."""
    return Counter(r for t in report.trends for r in t.reports)
