"""What a daily digest says (pure): the news since the channel's last digest.

It leads with what changed: the reports first seen since then with their strongest
sections, then the topics new or rising in the reports dated after the last digest's day
against those before, then where most reports agree. Only when nothing changed does it
fall back to a trend of the day, rotated by date (the same for every channel that day).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from bot.insights.changes import Changes
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
    #: New, rising and fading topics since the channel's last digest (None: not computed).
    changes: Changes | None = None

    @property
    def changed(self) -> bool:
        """Whether there is news: new reports, or topics new or rising since last time."""
        moved = self.changes is not None and bool(self.changes.new or self.changes.rising)
        return bool(self.new_reports) or moved


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
    engine: SearchEngine,
    trends: TrendReport | None,
    day: date,
    new_ids: Sequence[str],
    changes: Changes | None = None,
) -> Digest:
    """The digest for `day`, given the ids of reports first seen since the last one and
    what changed in the reports dated since then."""
    wanted = set(new_ids)
    new = tuple(
        NewReport(r, strongest_sections(r, trends)) for r in engine.corpus.reports if r.id in wanted
    )
    digest = Digest(
        date=day,
        trend_of_the_day=None,
        new_reports=new,
        consensus=consensus(trends),
        total_reports=len(engine.corpus.reports),
        trends_pending=trends is None,
        changes=changes,
    )
    if digest.changed:
        return digest
    return replace(digest, trend_of_the_day=trend_of_the_day(trends, day))
