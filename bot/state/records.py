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


Verdict = Literal["up", "down"]


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """An answer as sent: its question, what it cited, and how many hits it had."""

    team_id: str
    answer_id: str
    user_id: str
    kind: str
    query: str
    citations: tuple[str, ...]
    hits: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AnswerFeedback:
    """One answer with the verdicts its readers gave it."""

    answer: AnswerRecord
    up: int
    down: int


@dataclass(frozen=True, slots=True)
class NoHit:
    """A question that found nothing, and how often it was asked (a report writer's to-do)."""

    query: str
    count: int


@dataclass(frozen=True, slots=True)
class FeedbackSummary:
    """What `llmtrend feedback` and the admins' Home tab show for a span of days."""

    since: datetime
    days: int
    answers: tuple[AnswerFeedback, ...] = ()
    no_hits: tuple[NoHit, ...] = ()
