"""Which reports agree: for a topic, each report's best section and whether it covers it.

"Covers" is decided the way a reader would, not "any BM25 score above 0": the report's
best section must match about as strongly as the strongest report's does (relative
score), and the topic must be what that section is about (its title names the topic, or
the topic's words recur in it), not a word in passing. Then the points two or more of the
covering reports share: phrases they all use, such as "democratize access".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from bot.corpus import Section
from bot.search import PreparedQuery, Reason, SearchEngine
from bot.shared_points import SharedPoint, shared_points

#: A report's best match must reach this share of the strongest report's score …
MIN_RELATIVE = 0.3
#: … and this share of the topic (by idf) must be more than a passing word in it,
FOCUS_MIN = 0.5
#: a term being "more than passing" when its BM25 saturation (weight / idf) reaches this:
#: about two occurrences in an average-length section, or one in the title (×3).
SATURATION_MIN = 1.25
#: A match this close to the strongest counts whatever the focus.
STRONG_RELATIVE = 0.75


@dataclass(frozen=True, slots=True)
class Coverage:
    """One report's stance on the topic: its best section, or silence."""

    report: str
    report_title: str | None
    covers: bool
    section: Section | None = None
    score: float | None = None
    quote: str | None = None


@dataclass(frozen=True, slots=True)
class Agreement:
    """Every loaded report (covering ones first) and what the covering ones share."""

    topic: str
    query: PreparedQuery
    reports: tuple[Coverage, ...] = ()
    shared: tuple[SharedPoint, ...] = ()
    reason: Reason = "ok"
    terms: tuple[str, ...] = field(default=())

    @property
    def agreeing(self) -> int:
        return sum(1 for r in self.reports if r.covers)

    @property
    def total(self) -> int:
        return len(self.reports)

    @property
    def covering(self) -> tuple[Coverage, ...]:
        return tuple(r for r in self.reports if r.covers)

    @property
    def silent(self) -> tuple[Coverage, ...]:
        return tuple(r for r in self.reports if not r.covers)


def agree(engine: SearchEngine, topic: str, quotes: int | None = None) -> Agreement:
    """Which reports cover a topic; quotes for the first `quotes` covering ones (all: None)."""
    q = engine.prepare(topic)
    everyone = tuple(Coverage(r.id, r.title, covers=False) for r in engine.corpus.reports)
    base = Agreement(topic=q.text, query=q, reports=everyone, terms=q.terms)
    if q.reason != "ok":
        return replace(base, reason=q.reason)
    index = engine.index
    docs, scores = index.score_terms(q.terms)
    if len(docs) == 0:
        return replace(base, reason="no_match")
    report_of = index.report_codes()[docs]
    order = np.lexsort((docs, -scores, report_of))
    _, first = np.unique(report_of[order], return_index=True)
    best_docs, best_scores = docs[order][first], scores[order][first]
    strongest = float(best_scores.max())
    focus = _focus(engine, q.terms, best_docs)
    relative = best_scores / strongest
    covers = (relative >= STRONG_RELATIVE) | ((relative >= MIN_RELATIVE) & (focus >= FOCUS_MIN))
    ranked = np.lexsort((best_docs, -best_scores, ~covers))
    stances: dict[str, Coverage] = {}
    quoted = 0
    for k in ranked.tolist():
        section = index.sections[int(best_docs[k])]
        quote = None
        if covers[k] and (quotes is None or quoted < quotes):
            quote = engine.excerpt(section, q.terms).text
            quoted += 1
        stances[section.report_id] = Coverage(
            report=section.report_id,
            report_title=engine.report_title(section.report_id),
            covers=bool(covers[k]),
            section=section,
            score=float(best_scores[k]),
            quote=quote,
        )
    reports = _covering_first(stances, everyone)
    points = shared_points(engine, [c.section for c in reports if c.covers and c.section], q.terms)
    return replace(base, reports=tuple(reports), shared=points)


def _covering_first(stances: dict[str, Coverage], everyone: tuple[Coverage, ...]) -> list[Coverage]:
    """Covering reports by score, then matching-but-silent ones, then the rest by id."""
    ordered = list(stances.values())
    ordered.sort(key=lambda c: (not c.covers, -(c.score or 0.0), c.report))
    seen = {c.report for c in ordered}
    return ordered + [c for c in everyone if c.report not in seen]


def _focus(
    engine: SearchEngine, terms: tuple[str, ...], docs: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """For each section, the idf share of the topic's terms that are more than passing."""
    index = engine.index
    idfs = np.array([index.term_idf(t) for t in terms])
    total = idfs.sum()
    focus = np.zeros(len(docs))
    if total <= 0:
        return focus
    for term, idf in zip(terms, idfs, strict=True):
        t_docs, t_weights = index.postings(term)
        if idf <= 0 or len(t_docs) == 0:
            continue
        pos = np.searchsorted(t_docs, docs)
        pos = np.minimum(pos, len(t_docs) - 1)
        present = t_docs[pos] == docs
        saturation = np.where(present, t_weights[pos] / idf, 0.0)
        focus += np.where(saturation >= SATURATION_MIN, idf, 0.0)
    return np.asarray(focus / total)
