"""When digests are due: pure functions of (now, time of day, timezone).

Local days are the channel's own. On a DST day a time that does not exist (02:30 when
clocks jump from 02:00 to 03:00) is due at the next valid minute, and a time that occurs
twice (01:30 when clocks fall back) at the first of the two.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_TIME = re.compile(r"^([01]?\d|2[0-3])(?::?([0-5]\d))?$")


def parse_time(text: str) -> time | None:
    """'09:00', '9:30', '0930', '9' → a time of day; None if it is not one."""
    m = _TIME.match(text.strip())
    if not m:
        return None
    return time(int(m.group(1)), int(m.group(2) or 0))


def parse_timezone(name: str) -> ZoneInfo | None:
    """An IANA timezone ('Europe/Paris', 'UTC'), or None for an unknown name."""
    name = name.strip()
    if not name or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_date(now: datetime, tz: ZoneInfo) -> date:
    """The channel's calendar day at `now`."""
    return now.astimezone(tz).date()


def scheduled_at(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of `at` on local `day`; skipped times move to the next valid minute."""
    naive = datetime.combine(day, at)
    for minutes in range(0, 24 * 60):
        candidate = (naive + timedelta(minutes=minutes)).replace(tzinfo=tz, fold=0)
        as_utc = candidate.astimezone(UTC)
        if as_utc.astimezone(tz).replace(tzinfo=None) == candidate.replace(tzinfo=None):
            return as_utc
    raise ValueError(f"no valid local time after {naive} in {tz}")  # pragma: no cover


def is_skipped(day: date, weekdays_only: bool) -> bool:
    """Saturday and Sunday are skipped when only weekdays get digests."""
    return weekdays_only and day.weekday() >= 5


def next_run(now: datetime, at: time, tz: ZoneInfo, weekdays_only: bool = False) -> datetime:
    """The first digest instant strictly after `now` (UTC)."""
    day = local_date(now, tz)
    for offset in range(0, 9):
        candidate_day = day + timedelta(days=offset)
        if is_skipped(candidate_day, weekdays_only):
            continue
        when = scheduled_at(candidate_day, at, tz)
        if when > now:
            return when
    raise ValueError("no digest day within a week")  # pragma: no cover
