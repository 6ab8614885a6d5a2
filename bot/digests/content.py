"""What a daily digest says: new reports, the trend of the day, the consensus (pure).

The trend of the day is chosen by date, rotating through the trends, so every channel
gets the same trend on the same date and consecutive days show different trends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.insights.trends import Trend, TrendReport
from bot.reports.model import Report, Section
from bot.search.engine import SearchEngine

#: New reports listed by name; the rest are counted.
NEW_SHOWN = 5
STRONGEST_SECTIONS = 3
CONSENSUS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class NewReport:
    """A report first seen since the channel's last digest, with its strongest sections."""

    report: Report
    strongest: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    """One day's digest content."""

    date: date
    trend_of_the_day: Trend | None
    new_reports: tuple[NewReport, ...]
    consensus: tuple[Trend, ...]
    total_reports: int
    trends_pending: bool = False


def trend_of_the_day(trends: TrendReport | None, day: date) -> Trend | None:
    """The trend for a date: the same for every channel, a different one each day."""
    if trends is None or not trends.trends:
        return None
    return trends.trends[day.toordinal() % len(trends.trends)]


def consensus(trends: TrendReport | None) -> tuple[Trend, ...]:
    """The trends most reports carry (at least half of them, and two)."""
    if trends is None:
        return ()
    need = max(2, (trends.total_reports + 1) // 2)
    return tuple(t for t in trends.trends if len(t.reports) >= need)[:CONSENSUS_SHOWN]


def strongest_sections(report: Report, trends: TrendReport | None) -> tuple[Section, ...]:
    """A report's sections on the most widely shared trends, then its first sections."""
    coverage: dict[tuple[str, int], int] = {}
    for trend in trends.trends if trends else ():
        for s in trend.sections:
            if s.report_id == report.id:
                coverage[(s.report_id, s.position)] = len(trend.reports)
    topical = [s for s in report.sections if s.kind == "section"] or list(report.sections)
    ranked = sorted(
        topical, key=lambda s: (-coverage.get((s.report_id, s.position), 0), s.position)
    )
    return tuple(ranked[:STRONGEST_SECTIONS])


def build_digest(
    engine: SearchEngine, trends: TrendReport | None, day: date, new_ids: Sequence[str]
) -> Digest:
    """The digest for `day`, given the ids of reports first seen since the last one."""
    wanted = set(new_ids)
    new = tuple(
        NewReport(r, strongest_sections(r, trends)) for r in engine.corpus.reports if r.id in wanted
    )
    return Digest(
        date=day,
        trend_of_the_day=trend_of_the_day(trends, day),
        new_reports=new,
        consensus=consensus(trends),
        total_reports=len(engine.corpus.reports),
        trends_pending=trends is None,
    )
