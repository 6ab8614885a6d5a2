"""`/llmtrend digest …`: subscribe, unsubscribe, show and preview a channel's daily digest.

The logic behind the command, Slack-free: it reads and writes the state store and reports
what it did as a `DigestOutcome`, which `bot.render.digest` turns into the reply.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.ask.parse import DigestCommand
from bot.config import Settings
from bot.digests.content import Digest
from bot.digests.schedule import local_date, next_run, parse_time, parse_timezone
from bot.state.records import Subscription
from bot.state.store import StateStore

#: Why a channel switched off with the command is off (shown by `/llmtrend digest`).
OFF_REASON = "switched off with /llmtrend digest off"

OutcomeKind = Literal["invalid", "status", "off", "never_on", "preview", "loading", "on"]

#: A digest's content for (day, team, channel, now); None while the reports load.
ContentFor = Callable[[date, str, str, datetime], Awaitable[Digest | None]]
#: Whether the bot can post in the channel (None: Slack did not answer in time).
CanPost = Callable[[], Awaitable[bool | None]]


@dataclass(frozen=True, slots=True)
class DigestOutcome:
    """What a digest command did, for the renderer to say."""

    kind: OutcomeKind
    error: str | None = None
    subscription: Subscription | None = None
    last_sent: datetime | None = None
    digest: Digest | None = None
    #: For "on": the first digest's local time, and whether the bot can post there.
    first_run: datetime | None = None
    can_post: bool | None = None
    weekdays_only: bool = False


def _zone(name: str, fallback: str) -> ZoneInfo:
    """The named timezone, or the fallback's (settings are checked at start-up)."""
    zone = parse_timezone(name) or parse_timezone(fallback)
    if zone is None:
        raise ValueError(f"unknown timezone {fallback!r}")
    return zone


async def run_digest_command(
    parsed: DigestCommand,
    team: str,
    channel: str,
    *,
    store: StateStore,
    settings: Settings,
    now: datetime,
    content: ContentFor,
    can_post: CanPost,
) -> DigestOutcome:
    """Carry out one digest command for a channel and say what happened."""
    if parsed.error:
        return DigestOutcome("invalid", error=parsed.error)
    if parsed.action == "status":
        sub = await store.get_subscription(team, channel)
        last = await store.last_digest(team, channel)
        return DigestOutcome("status", subscription=sub, last_sent=last.sent_at if last else None)
    if parsed.action == "off":
        sub = await store.get_subscription(team, channel)
        if sub is None:  # remember it, so a settings subscription cannot turn it back on
            await store.upsert_subscription(
                team,
                channel,
                time=settings.digest_time,
                tz=settings.digest_tz,
                source="command",
                now=now,
                enabled=False,
                paused_reason=OFF_REASON,
            )
            return DigestOutcome("never_on")
        await store.set_subscription_enabled(team, channel, False, OFF_REASON, now=now)
        return DigestOutcome("off")
    if parsed.action == "preview":
        sub = await store.get_subscription(team, channel)
        zone = _zone(sub.tz if sub is not None else settings.digest_tz, settings.digest_tz)
        digest = await content(local_date(now, zone), team, channel, now)
        if digest is None:
            return DigestOutcome("loading")
        return DigestOutcome("preview", digest=digest)
    at = parsed.time or settings.digest_time
    tz_name = parsed.tz or settings.digest_tz
    zone, when = _zone(tz_name, settings.digest_tz), parse_time(at)
    if when is None:
        raise ValueError(f"not a time of day: {at!r}")
    sub = await store.upsert_subscription(
        team, channel, time=at, tz=tz_name, source="command", now=now, enabled=True
    )
    first = next_run(now, when, zone, settings.digest_weekdays_only).astimezone(zone)
    return DigestOutcome(
        "on",
        subscription=sub,
        first_run=first,
        can_post=await can_post(),
        weekdays_only=settings.digest_weekdays_only,
    )
