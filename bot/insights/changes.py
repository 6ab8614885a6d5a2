"""What changed: topics new, rising or fading in the recent reports against the earlier ones.

Deterministic and model-free, from the statistics of emerging terms in a dated stream:
for each topic phrase, the number of reports that brought it in the window and in the
baseline (`bot.insights.stream` counts a repeated item once) is compared with the
log-likelihood ratio G² (Dunning) for significance and the log ratio of the two shares
(Hardie) for size, scored by the conservative end of its 95% confidence interval, so a
topic in 2 of 3 reports does not outrank one in 9 of 12. A topic needs at least
MIN_REPORTS reports of the window (one report makes no trend).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.special import xlogy

from bot.insights.stream import PhraseIndex
from bot.insights.timeline import Week
from bot.text.phrases import commonness

ChangeKind = Literal["new", "rising", "fading"]

DEFAULT_DAYS = 7
#: A default window with fewer reports than this is widened (14, 28, … days).
MIN_WINDOW_REPORTS = 3
MIN_REPORTS = 2
#: "Rare before": at most this share of the baseline's reports (and at most 2 of them).
RARE_SHARE = 0.05
#: G² above this is significant at p < 0.05 (chi-squared, one degree of freedom).
G2_CRITICAL = 3.84
#: A change at least doubles (or halves) its share: |log2 ratio| ≥ 1.
MIN_LOG_RATIO = 1.0
Z95 = 1.96
SECTIONS_LISTED = 10
#: Once `top` topics are chosen, rows up to this many times `top` are still read (to
#: merge other wordings into them); past that the rest cannot change the list.
SCAN_AFTER_TOP = 4
#: Two nested phrases whose sections overlap this much (Jaccard) are one change.
OVERLAP = 0.6
#: A longer phrase names the topic if it covers this share of the lead phrase's sections.
COVER = 0.8
#: Weeks the sparkline shows (the most recent ones).
SPARK_WEEKS = 12


@dataclass(frozen=True, slots=True)
class Period:
    """A stretch of days and the number of reports dated in it."""

    start: date
    end: date
    reports: int
    #: reports that brought at least one item not seen before (the shares' denominator)
    with_news: int = 0


@dataclass(frozen=True, slots=True)
class ChangeSection:
    """A section that carries a change, cited."""

    report: str
    section: int
    position: int
    title: str
    date: date


@dataclass(frozen=True, slots=True)
class Change:
    """One topic that changed, with the counts that say how."""

    kind: ChangeKind
    label: str
    #: the label and the other phrases the same sections use for it, as written
    terms: tuple[str, ...]
    reports_in_window: int
    reports_before: int
    share_in_window: float
    share_before: float
    score: float
    first_seen: date
    sections: tuple[ChangeSection, ...]
    sections_total: int
    weeks: tuple[Week, ...] = ()
    #: the phrase's key (stemmed words): what makes two spellings one topic
    key: str = ""


@dataclass(frozen=True, slots=True)
class Changes:
    """The answer to "what changed": the window, its baseline, and the three lists."""

    window: Period | None
    baseline: Period | None
    new: tuple[Change, ...] = ()
    rising: tuple[Change, ...] = ()
    fading: tuple[Change, ...] = ()
    reason: str | None = None
    #: True when the default window was widened to hold enough reports.
    widened: bool = False
    days: int | None = None
    extra: dict[str, int] = field(default_factory=dict)


class WindowError(ValueError):
    """A window that cannot be: an end before its start, a negative length."""


def _g2(
    a: npt.NDArray[np.float64], n1: int, b: npt.NDArray[np.float64], n2: int
) -> npt.NDArray[np.float64]:
    """Dunning's log-likelihood ratio for each 2×2 table [[a, n1-a], [b, n2-b]]."""
    total = n1 + n2
    with_topic = a + b
    without = total - with_topic
    observed = (a, n1 - a, b, n2 - b)
    expected = (
        n1 * with_topic / total,
        n1 * without / total,
        n2 * with_topic / total,
        n2 * without / total,
    )
    g2 = np.zeros_like(a)
    for o, e in zip(observed, expected, strict=True):
        g2 += xlogy(o, np.divide(o, e, out=np.ones_like(o), where=e > 0))
    return 2 * g2


def _log_ratio(
    a: npt.NDArray[np.float64], n1: int, b: npt.NDArray[np.float64], n2: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """log2 of the share ratio (window / baseline), smoothed by ½, and its standard error."""
    a_s, b_s = a + 0.5, b + 0.5
    ratio = np.log((a_s / (n1 + 1)) / (b_s / (n2 + 1)))
    se = np.sqrt(np.maximum(1 / a_s - 1 / (n1 + 1) + 1 / b_s - 1 / (n2 + 1), 0.0))
    return ratio / math.log(2), se / math.log(2)


def choose_window(
    index: PhraseIndex,
    *,
    since: date | None = None,
    until: date | None = None,
    days: int | None = None,
) -> tuple[date, date, bool]:
    """The window's first and last day, and whether the default was widened."""
    if index.report_days.size == 0:
        return date.min, date.min, False
    newest = index.report_day(int(np.argmax(index.report_days)))
    end = until or newest
    if since is not None:
        if since > end:
            raise WindowError(f"the window starts ({since}) after it ends ({end})")
        return since, end, False
    if days is not None:
        if days < 1:
            raise WindowError("a window is at least 1 day")
        return end - timedelta(days=days - 1), end, False
    span = DEFAULT_DAYS
    oldest = index.report_day(int(np.argmin(index.report_days)))
    while True:
        start = end - timedelta(days=span - 1)
        inside = _count(index, start, end)
        if (
            inside >= MIN_WINDOW_REPORTS
            or start <= oldest
            or _count(index, oldest, start - timedelta(days=1)) < MIN_WINDOW_REPORTS
        ):
            return start, end, span != DEFAULT_DAYS
        span *= 2


def _count(index: PhraseIndex, start: date, end: date) -> int:
    days = index.report_days
    return int(((days >= start.toordinal()) & (days <= end.toordinal())).sum())


def what_changed(
    index: PhraseIndex,
    *,
    since: date | None = None,
    until: date | None = None,
    days: int | None = None,
    top: int = 10,
) -> Changes:
    """New, rising and fading topics of the window against every report before it."""
    start, end, widened = choose_window(index, since=since, until=until, days=days)
    report_days = index.report_days
    dated_in = (report_days >= start.toordinal()) & (report_days <= end.toordinal())
    dated_before = report_days < start.toordinal()
    # Only a report that brought news can carry a topic: one that repeats earlier items
    # counts in neither share (else a quiet week would make every topic look rising).
    brought = index.report_news > 0
    in_window, before = dated_in & brought, dated_before & brought
    n1, n2 = int(in_window.sum()), int(before.sum())
    span = (end - start).days + 1
    window = Period(start, end, int(dated_in.sum()), n1)
    baseline = (
        Period(
            date.fromordinal(int(report_days[dated_before].min())),
            date.fromordinal(int(report_days[dated_before].max())),
            int(dated_before.sum()),
            n2,
        )
        if dated_before.any()
        else None
    )
    if n1 == 0:
        return Changes(window, baseline, reason="no_window_reports", days=span)
    if n2 == 0:
        same_day = len(set(report_days.tolist())) == 1
        if baseline is not None:
            return Changes(window, baseline, reason="no_baseline_news", days=span)
        reason = "one_day" if same_day else "no_baseline"
        return Changes(window, None, reason=reason, days=span, widened=widened)
    a = np.asarray(index.by_report @ in_window.astype(np.float64)).ravel()
    b = np.asarray(index.by_report @ before.astype(np.float64)).ravel()
    g2 = _g2(a, n1, b, n2)
    # A topic absent before is tested against every dated report: the quiet ones were
    # silent on it too, and a short stream has few reports that brought news.
    g2_new = _g2(a, int(dated_in.sum()), b, int(dated_before.sum()))
    lr, se = _log_ratio(a, n1, b, n2)
    low, high = lr - Z95 * se, lr + Z95 * se
    significant = g2 >= G2_CRITICAL
    rare_before = (b == 0) | ((b / n2 <= RARE_SHARE) & (b <= 2))
    enough_now = a >= MIN_REPORTS
    # Significance (G²) and size (log ratio) decide; the conservative end of the ratio's
    # interval ranks, so thin evidence sorts below strong evidence of the same size.
    new_mask = enough_now & rare_before & (g2_new >= G2_CRITICAL) & (lr >= MIN_LOG_RATIO)
    rising_mask = enough_now & ~rare_before & significant & (lr >= MIN_LOG_RATIO)
    fading_mask = (b >= MIN_REPORTS) & significant & (lr <= -MIN_LOG_RATIO)

    def pick(
        mask: npt.NDArray[np.bool_], score: npt.NDArray[np.float64], kind: ChangeKind
    ) -> tuple[Change, ...]:
        support = a if kind != "fading" else b
        where = in_window if kind != "fading" else before
        rows = sorted(
            np.flatnonzero(mask).tolist(),
            key=lambda r: (-score[r], -support[r], commonness(index.labels[r]), index.labels[r]),
        )
        chosen: list[tuple[int, set[int], list[int]]] = []
        for seen, row in enumerate(rows):
            if len(chosen) >= top and seen >= SCAN_AFTER_TOP * top:
                break  # the list is full; a few more rows only to merge into it
            secs = set(_sections(index, row, where))
            same = next((c for c in chosen if _same_topic(secs, c[1])), None)
            if same is not None:
                same[2].append(row)
                continue
            if len(chosen) < top:
                chosen.append((row, secs, []))
        upto = report_days <= end.toordinal()
        out = []
        for row, secs, also in chosen:
            shown = _fullest(index, row, secs, also, where)
            others = [r for r in (row, *also) if r != shown]
            out.append(
                _change(index, shown, kind, float(score[row]), a, b, n1, n2, where, upto, others)
            )
        return tuple(out)

    return Changes(
        window,
        baseline,
        new=pick(new_mask, low, "new"),
        rising=pick(rising_mask, low, "rising"),
        fading=pick(fading_mask, -high, "fading"),
        widened=widened,
        days=span,
    )


def _sections(index: PhraseIndex, row: int, reports: npt.NDArray[np.bool_]) -> list[int]:
    """The sections carrying the phrase in the chosen reports, newest first."""
    start, stop = index.by_section.indptr[row], index.by_section.indptr[row + 1]
    cols = index.by_section.indices[start:stop]
    keep = [int(c) for c in cols if reports[index.section_report[c]]]
    return sorted(keep, key=lambda c: (-int(index.report_days[index.section_report[c]]), c))


def _fullest(
    index: PhraseIndex, lead: int, secs: set[int], also: list[int], where: npt.NDArray[np.bool_]
) -> int:
    """The label of a topic told in several phrases: the longest one carried by nearly all
    of the lead phrase's sections ("MIT Technology Review" over "MIT Technology")."""
    best = lead
    for row in also:
        theirs = set(_sections(index, row, where))
        longer = len(index.keys[row].split()) > len(index.keys[best].split())
        if longer and len(theirs & secs) >= COVER * len(secs):
            best = row
    return best


def _same_topic(mine: set[int], theirs: set[int]) -> bool:
    """Phrases carried by mostly the same sections are one topic told in several words
    ("MIT", "Massachusetts Institute of Technology"; "Gemini 3", "Gemini 3 Flash")."""
    union = mine | theirs
    return bool(union) and len(mine & theirs) / len(union) >= OVERLAP


def weekly(
    index: PhraseIndex, carrying: npt.NDArray[np.int32], upto: npt.NDArray[np.bool_]
) -> list[Week]:
    """Per week (Monday first) up to the window's end: reports carrying the topic, and all
    reports that week (vectorised: a digest names several topics at 100,000 sections)."""
    days = index.report_days
    if not upto.any():
        return []
    monday = days - (days - 1) % 7  # ordinal 1 (0001-01-01) is a Monday
    first = int(monday[upto].min())
    week_of = (monday - first) // 7
    n_weeks = int(week_of[upto].max()) + 1
    totals = np.bincount(week_of[upto], minlength=n_weeks)
    hits = np.bincount(week_of[carrying], minlength=n_weeks)
    return [
        Week(date.fromordinal(first + 7 * w), int(hits[w]), int(totals[w])) for w in range(n_weeks)
    ]


def _change(
    index: PhraseIndex,
    row: int,
    kind: ChangeKind,
    score: float,
    a: npt.NDArray[np.float64],
    b: npt.NDArray[np.float64],
    n1: int,
    n2: int,
    where: npt.NDArray[np.bool_],
    upto: npt.NDArray[np.bool_],
    also: list[int],
) -> Change:
    secs = _sections(index, row, where)
    start, stop = index.by_report.indptr[row], index.by_report.indptr[row + 1]
    carrying = index.by_report.indices[start:stop]
    carrying = carrying[upto[carrying]]
    carrying_days = [index.report_day(int(r)) for r in carrying]
    weeks = weekly(index, carrying, upto)[-SPARK_WEEKS:]
    cited = tuple(
        ChangeSection(
            report=index.sections[c].report_id,
            section=index.sections[c].number,
            position=index.sections[c].position,
            title=index.sections[c].title,
            date=index.report_day(int(index.section_report[c])),
        )
        for c in secs[:SECTIONS_LISTED]
    )
    return Change(
        kind=kind,
        label=index.labels[row],
        terms=(index.labels[row], *(index.labels[r] for r in also)),
        reports_in_window=int(a[row]),
        reports_before=int(b[row]),
        share_in_window=float(a[row] / n1),
        share_before=float(b[row] / n2),
        score=round(score, 3),
        first_seen=min(carrying_days) if carrying_days else index.report_day(int(carrying[0])),
        sections=cited,
        sections_total=len(secs),
        weeks=tuple(weeks),
        key=index.keys[row],
    )
