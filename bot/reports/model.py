"""Reports and their sections, and the loader that reads a reports folder.

Parsing is pure (`bot.reports.outline.parse_report`); only `load_corpus` touches files, so a
broken file can be skipped with a reason while every other report still loads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from bot.reports.dates import DateSource

SectionKind = Literal["section", "intro", "conclusion"]


@dataclass(frozen=True, slots=True)
class Section:
    """One section of a report: the unit that is indexed and cited."""

    report_id: str
    number: int
    kind: SectionKind
    title: str
    text: str
    position: int
    #: GitHub's anchor for the section's own heading ("2-multimodal-capabilities"), so a
    #: source link can land on it; "" when the section starts without a markdown heading.
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """One report file, parsed."""

    id: str
    title: str | None
    path: str
    sections: tuple[Section, ...]
    content_hash: str = ""
    #: The report's own date (front matter, file name or title); None: see first-seen.
    date: dt.date | None = None
    date_source: DateSource | None = None


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file that was not loaded, and why (shown by `llmtrend reports`)."""

    file: str
    reason: str


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everything loaded from one reports folder, in report-id order."""

    root: str
    reports: tuple[Report, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()
    warnings: tuple[SkippedFile, ...] = field(default=())

    @property
    def sections(self) -> list[Section]:
        """All sections, ordered by report id then position (the search tie-break)."""
        return [s for r in self.reports for s in r.sections]
