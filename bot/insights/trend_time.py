"""Trends in time: when each was first and last seen, its weekly timeline, its movement.

Computed from a trend's own membership and the reports' dates, so the count, the
timeline and the agree view always describe the same reports. Cheap (linear in the
trends' members): run per answer, after the trends themselves were computed at load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.insights.timeline import Movement, Week, movement, timeline, weekly_totals
from bot.insights.trends import Trend, TrendReport
from bot.reports.dates import ReportDate

#: A trend whose first report is this recent (from the newest report's date) is "new".
RECENT_DAYS = 14
#: Movements ranked first when reports are dated: what a reader came to learn.
_ORDER = {"new": 0, "rising": 1}


@dataclass(frozen=True, slots=True)
class TrendTime:
    """A trend's first and last day, weekly timeline and movement (None: too short)."""

    first_seen: date
    last_seen: date
    weeks: tuple[Week, ...]
    movement: Movement | None


def trend_times(report: TrendReport, dates: Mapping[str, ReportDate]) -> dict[str, TrendTime]:
    """Every trend's time dimension, by trend id."""
    days = [d.day for d in dates.values()]
    if not days:
        return {}
    recent_from = max(days) - timedelta(days=RECENT_DAYS - 1)
    totals = weekly_totals(days)  # once, not once per trend
    out: dict[str, TrendTime] = {}
    for trend in (*report.trends, *report.unique):
        carrying = [dates[r].day for r in trend.reports if r in dates]
        if not carrying:
            continue
        weeks = timeline(carrying, days, totals)
        out[trend.id] = TrendTime(
            first_seen=min(carrying),
            last_seen=max(carrying),
            weeks=tuple(weeks),
            movement=movement(weeks, min(carrying), recent_from),
        )
    return out


def ranked(trends: Sequence[Trend], times: Mapping[str, TrendTime]) -> list[Trend]:
    """New and rising trends first (when reports are dated), then by coverage as before."""

    def key(t: Trend) -> int:
        when = times.get(t.id)
        return _ORDER.get(when.movement or "", 2) if when else 2

    return sorted(trends, key=key)  # stable: coverage order within each group
