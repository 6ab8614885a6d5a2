"""Time for insights: weeks (starting on Monday), a topic's weekly share, its direction.

A topic's timeline is, per week, how many reports carry it out of how many reports that
week. Its direction is the Mann-Kendall trend test on those shares (Kendall's tau between
the weekly shares and time), which needs no assumption about their distribution.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from scipy.stats import kendalltau

Movement = Literal["new", "rising", "steady", "fading"]
#: Fewer weeks than this tell no direction (movement is null).
MIN_WEEKS = 3
#: Mann-Kendall significance for rising/fading.
TREND_P = 0.05


@dataclass(frozen=True, slots=True)
class Week:
    """One week of a timeline: its Monday, reports carrying the topic, reports in all."""

    start: date
    reports: int
    total: int

    @property
    def share(self) -> float:
        return self.reports / self.total if self.total else 0.0


def week_start(day: date) -> date:
    """The Monday of the week a day falls in."""
    return day - timedelta(days=day.weekday())


def weeks_between(first: date, last: date) -> list[date]:
    """Every Monday from first's week to last's week, inclusive."""
    out, monday = [], week_start(first)
    while monday <= last:
        out.append(monday)
        monday += timedelta(days=7)
    return out


def weekly_totals(all_days: Sequence[date]) -> dict[date, int]:
    """Reports per week (by Monday): compute once, then `timeline` per topic."""
    totals: dict[date, int] = {}
    for day in all_days:
        totals[week_start(day)] = totals.get(week_start(day), 0) + 1
    return totals


def timeline(
    carrying: Iterable[date], all_days: Sequence[date], totals: dict[date, int] | None = None
) -> list[Week]:
    """Weekly counts of reports dated `carrying` among all reports dated `all_days`.

    Weeks with no report at all are kept (total 0), so the spacing stays true to time.
    Pass `totals` (weekly_totals of all_days) when drawing many timelines.
    """
    if not all_days:
        return []
    if totals is None:
        totals = weekly_totals(all_days)
    hits: dict[date, int] = {}
    for day in carrying:
        hits[week_start(day)] = hits.get(week_start(day), 0) + 1
    return [
        Week(monday, hits.get(monday, 0), totals.get(monday, 0))
        for monday in weeks_between(min(totals), max(totals))
    ]


def direction(weeks: Sequence[Week]) -> tuple[float, float] | None:
    """(Kendall's tau, p-value) of the weekly shares over time; None if too few weeks."""
    points = [w.share for w in weeks if w.total]
    if len(points) < MIN_WEEKS or len(set(points)) < 2:
        return None
    result = kendalltau(range(len(points)), points)
    return float(result.statistic), float(result.pvalue)


def movement(weeks: Sequence[Week], first_seen: date, recent_from: date) -> Movement | None:
    """new (first seen in the recent part), rising, fading or steady; None when the
    timeline spans fewer than MIN_WEEKS weeks."""
    spanned = [w for w in weeks if w.total]
    if len(spanned) < MIN_WEEKS:
        return None
    if first_seen >= recent_from:
        return "new"
    trend = direction(weeks)
    if trend is not None and trend[1] < TREND_P:
        return "rising" if trend[0] > 0 else "fading"
    return "steady"
