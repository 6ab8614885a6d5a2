"""Finding one section the way a person names it: "REPORT N", by a report's id or the
start of its title, and N as `3`, `§3` or `#3`; or the way a button names it (report id
and position). The section comes with its report, date and neighbours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.reports.dates import ReportDate
from bot.reports.model import Report, Section
from bot.search.engine import SearchEngine

LookupError_ = Literal["no_report", "ambiguous", "no_section", "empty"]

_NUMBER = re.compile(r"^(?:§|#|section\s*)?(\d{1,4})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FoundSection:
    """A section and its place in its report, or why none was found."""

    section: Section | None = None
    report: Report | None = None
    date: ReportDate | None = None
    previous: Section | None = None
    next: Section | None = None
    error: LookupError_ | None = None
    #: What was asked (echoed in an error), and the reports an ambiguous name could mean.
    asked: str = ""
    candidates: tuple[Report, ...] = ()

    @property
    def index(self) -> int:
        """The section's place in its report, counted from 1 (for "3 of 10")."""
        if self.report is None or self.section is None:
            return 0
        return self.report.sections.index(self.section) + 1


def split_reference(text: str) -> tuple[str, int | None]:
    """ "Comprehensive Report §3" → ("Comprehensive Report", 3); no number: (text, None)."""
    words = text.split()
    if len(words) >= 2:
        number = _NUMBER.match(words[-1])
        if number:
            return " ".join(words[:-1]), int(number.group(1))
    return " ".join(words), None


def find_report(engine: SearchEngine, name: str) -> tuple[Report | None, tuple[Report, ...]]:
    """The report an id, or a unique start of an id or title, names; else the candidates."""
    report = engine.report(name)
    if report is not None:
        return report, ()
    wanted = " ".join(name.casefold().split())
    if not wanted:
        return None, ()
    by_title = [r for r in engine.corpus.reports if _folded(r.title).startswith(wanted)]
    by_id = [r for r in engine.corpus.reports if r.id.casefold().startswith(wanted)]
    for found in (by_title, by_id):
        if len(found) == 1:
            return found[0], ()
    return None, tuple(by_title or by_id)


def find_section(engine: SearchEngine, reference: str) -> FoundSection:
    """`/llmtrend show REPORT N`: that section (the report's first when N is left out)."""
    name, number = split_reference(reference)
    if not name:
        return FoundSection(error="empty", asked=reference)
    report, candidates = find_report(engine, name)
    if report is None:
        error: LookupError_ = "ambiguous" if len(candidates) > 1 else "no_report"
        return FoundSection(error=error, asked=name, candidates=candidates[:10])
    if not report.sections:
        return FoundSection(report=report, error="no_section", asked=reference)
    if number is None:
        return _found(engine, report, report.sections[0])
    for section in report.sections:
        if section.number == number:
            return _found(engine, report, section)
    return FoundSection(report=report, error="no_section", asked=reference)


def section_at(engine: SearchEngine, report_id: str, position: int) -> FoundSection:
    """The section a button names (its report id and position), if it is still loaded."""
    report = engine.report(report_id)
    if report is None:
        return FoundSection(error="no_report", asked=report_id)
    for section in report.sections:
        if section.position == position:
            return _found(engine, report, section)
    return FoundSection(report=report, error="no_section", asked=f"{report_id} {position}")


def _found(engine: SearchEngine, report: Report, section: Section) -> FoundSection:
    i = report.sections.index(section)
    return FoundSection(
        section=section,
        report=report,
        date=engine.report_date(report.id),
        previous=report.sections[i - 1] if i > 0 else None,
        next=report.sections[i + 1] if i + 1 < len(report.sections) else None,
    )


def _folded(title: str | None) -> str:
    return " ".join((title or "").casefold().split())
