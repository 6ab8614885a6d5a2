"""A folder's template: the headings most of its reports repeat (a newsletter's fixed
sections, a daily category, "Latest Updates (May 19, 2025)").

Such a heading is a container, not a topic: its sections are still searched, and their
items still feed "what changed", but they are not grouped into trends as one topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.reports.dates import date_in_text
from bot.reports.model import Section

#: A heading in at least this share of the reports (and in 3 or more) is template …
SHARE = 0.5
MIN_REPORTS = 3
#: … and so is one in this share of the reports between its first and last use (the
#: folder's reports in id order: a layout that changed partway is still a layout) …
RUN_SHARE = 0.8
RUN_MIN_REPORTS = 5
#: … and a dated heading ("Latest Updates (May 19, 2025)") used by this many reports.
DATED_MIN_REPORTS = 2

_DATES = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday)\b|\d+",
    re.IGNORECASE,
)
_NOT_WORD = re.compile(r"[\W_]+")


def title_key(title: str) -> str:
    """A heading without its dates and numbers, case or punctuation: what repeats."""
    return _NOT_WORD.sub(" ", _DATES.sub(" ", title.casefold())).strip()


def container_titles(sections: Iterable[Section]) -> set[str]:
    """The title keys of the folder's template headings."""
    reports: dict[str, set[str]] = {}
    dated: set[str] = set()
    all_reports: set[str] = set()
    for s in sections:
        all_reports.add(s.report_id)
        key = title_key(s.title)
        if not key:
            continue
        reports.setdefault(key, set()).add(s.report_id)
        if _has_date(s.title):
            dated.add(key)
    order = {rid: i for i, rid in enumerate(sorted(all_reports))}
    need = max(MIN_REPORTS, SHARE * len(all_reports))
    template = set()
    for key, found in reports.items():
        positions = sorted(order[r] for r in found)
        run = positions[-1] - positions[0] + 1
        if (
            len(found) >= need
            or (len(found) >= RUN_MIN_REPORTS and len(found) >= RUN_SHARE * run)
            or (key in dated and len(found) >= DATED_MIN_REPORTS)
        ):
            template.add(key)
    return template


def _has_date(title: str) -> bool:
    """Whether a heading names a day (a full date, or a month and a number)."""
    return date_in_text(title) is not None
