"""The records the state store hands out: subscriptions, digest claims, first-seen reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, NamedTuple

DigestStatus = Literal["claimed", "sent", "unknown"]
SubscriptionSource = Literal["command", "settings"]


@dataclass(frozen=True, slots=True)
class Subscription:
    """One channel's daily digest: when (local `time` in `tz`) and whether it is on."""

    team_id: str
    channel_id: str
    time: str
    tz: str
    enabled: bool
    paused_reason: str | None
    source: SubscriptionSource
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DigestClaim:
    """Who claimed a channel's digest for one local day, and whether it was posted."""

    team_id: str
    channel_id: str
    local_date: date
    status: DigestStatus
    claimed_at: datetime
    claimed_by: str
    sent_at: datetime | None
    message_ts: str | None


class SeenReport(NamedTuple):
    """A report version and when this app first saw it (a plain tuple for callers)."""

    report_id: str
    content_hash: str
    first_seen: datetime
