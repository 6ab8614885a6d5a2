"""A report's date: from its front matter, its file name, its title, or when it was first seen.

File times are never used: a copy or a git checkout rewrites them. Every date here is a
calendar day (`datetime.date`); a report with none of its own takes the day this
installation first loaded it, which the state store remembers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

DateSource = Literal["front-matter", "filename", "title", "first-seen"]

_YEAR = r"(199\d|20\d\d|2100)"
_MONTH = r"(0?[1-9]|1[0-2])"
_DAY = r"(0?[1-9]|[12]\d|3[01])"
#: 2026-06-01, 2026_06_01, 2026.06.01, 2026/06/01 and 20260601, with non-digit boundaries.
_NUMERIC = re.compile(
    rf"(?<!\d){_YEAR}(?:([-_./]){_MONTH}\2{_DAY}|(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]))(?!\d)"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAME = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
#: "June 1, 2026", "1 June 2026", "1st of June 2026".
_WORDY = re.compile(
    rf"\b(?:{_MONTH_NAME}\s+{_ORDINAL},?\s+(\d{{4}})|{_ORDINAL}\s+(?:of\s+)?{_MONTH_NAME},?\s+(\d{{4}}))\b",
    re.IGNORECASE,
)
#: What may stand between the two ends of a date range in a title.
_RANGE_JOIN = re.compile(r"^\s*(?:~|-|–|—|to|through|until|bis|au|→)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReportDate:
    """The day a report is about, and where that day came from."""

    day: date
    source: DateSource


def _valid(year: int, month: int, day: int) -> date | None:
    if not 1990 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric_dates(text: str) -> list[tuple[int, int, date]]:
    found = []
    for m in _NUMERIC.finditer(text):
        year = int(m.group(1))
        month, day = (m.group(3), m.group(4)) if m.group(2) else (m.group(5), m.group(6))
        parsed = _valid(year, int(month), int(day))
        if parsed is not None:
            found.append((m.start(), m.end(), parsed))
    return found


def _wordy_dates(text: str) -> list[tuple[int, int, date]]:
    found = []
    for m in _WORDY.finditer(text):
        if m.group(1):
            month, day, year = _MONTHS[m.group(1).lower()], m.group(2), m.group(3)
        else:
            day, month, year = m.group(4), _MONTHS[m.group(5).lower()], m.group(6)
        parsed = _valid(int(year), month, int(day))
        if parsed is not None:
            found.append((m.start(), m.end(), parsed))
    return found


def date_in_path(path: str) -> date | None:
    """The date in a report's path (the last one, nearest the file name), if any."""
    found = _numeric_dates(path)
    return found[-1][2] if found else None


def date_in_text(text: str) -> date | None:
    """One full date in a short text (a title, a front-matter value).

    Two dates joined as a range ("2026-02-19 ~ 2026-02-28") give the range's end; several
    different dates that are not a range give none (the text does not say which).
    """
    found = sorted(_numeric_dates(text) + _wordy_dates(text))
    if not found:
        return None
    days = {d for _s, _e, d in found}
    if len(days) == 1:
        return found[0][2]
    if len(found) == 2 and _RANGE_JOIN.match(text[found[0][1] : found[1][0]]):
        return max(found[0][2], found[1][2])
    return None


def intrinsic_date(
    front_matter: str | None, path: str, title: str | None
) -> tuple[date, DateSource] | None:
    """The report's own date, by precedence: front matter, file name, title."""
    if front_matter and (day := date_in_text(front_matter)) is not None:
        return day, "front-matter"
    if (day := date_in_path(path)) is not None:
        return day, "filename"
    if title and (day := date_in_text(title)) is not None:
        return day, "title"
    return None


class Dated(Protocol):
    """What `resolve_dates` needs of a report (a `Report` has all of it)."""

    @property
    def id(self) -> str: ...
    @property
    def date(self) -> dt.date | None: ...
    @property
    def date_source(self) -> DateSource | None: ...


def resolve_dates(
    reports: Iterable[Dated], first_seen: Mapping[str, date], today: date
) -> dict[str, ReportDate]:
    """Every report's date: its own, else its first-seen day (today if not recorded yet)."""
    out: dict[str, ReportDate] = {}
    for r in reports:
        if r.date is not None and r.date_source is not None:
            out[r.id] = ReportDate(r.date, r.date_source)
        else:
            out[r.id] = ReportDate(first_seen.get(r.id, today), "first-seen")
    return out
