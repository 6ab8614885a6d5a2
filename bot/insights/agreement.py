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

from bot.insights.shared_points import SharedPoint, shared_points
from bot.insights.trends import Trend
from bot.reports.dates import ReportDate
from bot.reports.model import Section
from bot.search.engine import PreparedQuery, Reason, SearchEngine

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
    #: The report's date (its own, or first seen), when known.
    date: ReportDate | None = None
    #: The report's file, relative to the reports folder (for source links).
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Agreement:
    """The reports' stances (covering ones first) and what the covering ones share.

    `reports` holds every loaded report unless the view was asked for a `limit`: then the
    first `limit` covering and `limit` silent ones; `agreeing` and `total` always count all.
    """

    topic: str
    query: PreparedQuery
    reports: tuple[Coverage, ...] = ()
    shared: tuple[SharedPoint, ...] = ()
    reason: Reason = "ok"
    terms: tuple[str, ...] = field(default=())
    agreeing: int = 0
    total: int = 0
    #: Set when the view is a trend's: its reports are exactly the trend's.
    trend_id: str | None = None
    #: False when a deadline cut the shared points short (the reports are always complete).
    shared_complete: bool = True

    @property
    def covering(self) -> tuple[Coverage, ...]:
        return tuple(r for r in self.reports if r.covers)

    @property
    def silent(self) -> tuple[Coverage, ...]:
        return tuple(r for r in self.reports if not r.covers)

    @property
    def silent_count(self) -> int:
        return self.total - self.agreeing


def agree(
    engine: SearchEngine,
    topic: str,
    quotes: int | None = None,
    limit: int | None = None,
    deadline: float | None = None,
) -> Agreement:
    """Which reports cover a topic; quotes for the first `quotes` covering ones (all: None).

    With `limit` (a message that shows only so many), only that many covering and silent
    reports are spelled out: the view stays fast at 10,000 reports. A `deadline`
    (`time.monotonic()`) may only cut the shared points short.
    """
    q = engine.prepare(topic)
    reports = engine.corpus.reports
    base = Agreement(topic=q.text, query=q, terms=q.terms, total=len(reports))
    index = engine.index
    shown = reports if limit is None else reports[:limit]
    nobody = tuple(Coverage(r.id, r.title, covers=False) for r in shown)
    if q.reason != "ok":
        return replace(base, reports=nobody, reason=q.reason)
    docs, scores = index.score_terms(q.terms)
    if len(docs) == 0:
        return replace(base, reports=nobody, reason="no_match")
    report_of = index.report_codes()[docs]
    order = np.lexsort((docs, -scores, report_of))
    codes, first = np.unique(report_of[order], return_index=True)
    best_docs, best_scores = docs[order][first], scores[order][first]
    relative = best_scores / float(best_scores.max())
    focus = _focus(engine, q.terms, best_docs)
    covers = (relative >= STRONG_RELATIVE) | ((relative >= MIN_RELATIVE) & (focus >= FOCUS_MIN))
    ranked = np.lexsort((best_docs, -best_scores, ~covers))  # covering first, by score
    n_cover = int(covers.sum())
    picked = ranked.tolist()
    if limit is not None:  # the first `limit` covering ones, then the first `limit` silent
        picked = picked[: min(n_cover, limit)] + picked[n_cover : n_cover + limit]
    entries: list[Coverage] = []
    quoted = 0
    for k in picked:
        section = index.sections[int(best_docs[k])]
        quote = None
        if covers[k] and (quotes is None or quoted < quotes):
            quote = engine.excerpt(section, q.terms).text
            quoted += 1
        entries.append(
            Coverage(
                report=section.report_id,
                report_title=engine.report_title(section.report_id),
                covers=bool(covers[k]),
                section=section,
                score=float(best_scores[k]),
                quote=quote,
                date=engine.report_date(section.report_id),
                path=engine.report_path(section.report_id),
            )
        )
    # reports with no matching section at all are silent too: after the others, by id
    matched = np.zeros(len(reports), dtype=bool)
    matched[codes] = True
    unmatched = np.flatnonzero(~matched).tolist()
    if limit is not None:
        silent_listed = sum(1 for e in entries if not e.covers)
        unmatched = unmatched[: max(0, limit - silent_listed)]
    entries.extend(Coverage(reports[c].id, reports[c].title, covers=False) for c in unmatched)
    top_sections = [c.section for c in entries if c.covers and c.section]
    found = shared_points(engine, top_sections, q.terms, deadline)
    return replace(
        base,
        reports=tuple(entries),
        shared=found.points,
        shared_complete=found.complete,
        agreeing=n_cover,
    )


def _focus(
    engine: SearchEngine, terms: tuple[str, ...], docs: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """For each section, the idf share of the topic's terms that are more than passing."""
    index = engine.index
    # a section whose title names a term is about it, however long the section is
    titles = [set(engine.analyzer.query_terms(index.sections[int(d)].title)) for d in docs]
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
        titled = np.array([term in titles[i] for i in range(len(docs))], dtype=bool)
        focus += np.where((saturation >= SATURATION_MIN) | titled, idf, 0.0)
    return np.asarray(focus / total)


def agree_with_trend(
    engine: SearchEngine,
    trend: Trend,
    quotes: int | None = None,
    limit: int | None = None,
    deadline: float | None = None,
) -> Agreement:
    """A trend's agree view: exactly its reports cover it (each with the passage from its
    own section), every other report is silent. The same membership as the trend's count,
    its Home tab entry and its digest line."""
    q = engine.prepare(trend.label)
    terms = q.terms if q.reason == "ok" else ()
    reports = engine.corpus.reports
    members: dict[str, list[Section]] = {}
    for s in trend.sections:
        members.setdefault(s.report_id, []).append(s)
    index = engine.index
    # by (report, position): trends may come from the cache, as equal but other objects
    position = {(s.report_id, s.position): i for i, s in enumerate(index.sections)}
    scores: dict[int, float] = {}
    if terms:
        docs, values = index.score_terms(terms)
        scores = dict(zip(docs.tolist(), values.tolist(), strict=True))

    def best(sections: list[Section]) -> tuple[Section, float]:
        ranked = [
            (scores.get(position.get((s.report_id, s.position), -1), 0.0), -s.position, s)
            for s in sections
        ]
        score, _pos, section = max(ranked, key=lambda r: (r[0], r[1]))
        return section, score

    covering: list[Coverage] = []
    for rid in sorted(members, key=lambda r: (-best(members[r])[1], r)):
        section, score = best(members[rid])
        quote = None
        if quotes is None or len(covering) < quotes:
            quote = engine.excerpt(section, terms).text if terms else section.text[:300]
        covering.append(
            Coverage(
                rid,
                engine.report_title(rid),
                True,
                section,
                score or None,
                quote,
                engine.report_date(rid),
                engine.report_path(rid),
            )
        )
    silent = [Coverage(r.id, r.title, covers=False) for r in reports if r.id not in members]
    if limit is not None:
        covering_shown, silent = covering[:limit], silent[:limit]
    else:
        covering_shown = covering
    found = shared_points(engine, [c.section for c in covering if c.section], terms, deadline)
    return Agreement(
        topic=trend.label,
        query=q,
        reports=(*covering_shown, *silent),
        shared=found.points,
        shared_complete=found.complete,
        terms=terms,
        agreeing=len(members),
        total=len(reports),
        trend_id=trend.id,
    )
