"""Posting digests exactly once per channel per local day, across restarts and replicas.

Each pass (`tick`) looks at every enabled subscription: when its time has come today and
no claim exists, it claims the day in the state store (unique on team + channel + local
date) and posts; a post that surely failed for the channel's sake pauses the subscription;
a post whose outcome is unknown (a timeout, a 5xx, a crash after the claim) is recovered
later by exactly one process, which first looks for the digest's metadata in the
channel's history and posts only if it is not there.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.digests.content import Digest, build_digest
from bot.digests.schedule import is_skipped, local_date, parse_time, parse_timezone, scheduled_at
from bot.insights.changes import Changes, what_changed
from bot.metrics import Metrics
from bot.render.digest import DIGEST_EVENT_TYPE, digest_message, digest_metadata
from bot.search.live import LiveEngine
from bot.slack.client import digest_client, slack_error
from bot.state.records import Subscription
from bot.state.store import StateStore

logger = logging.getLogger(__name__)

#: Errors that will not go away by retrying: the subscription pauses, with the reason.
#: Why a workspace's digests pause when it has no installation.
NOT_INSTALLED = "the app is not installed in this workspace"
PAUSE_ERRORS = {
    "not_in_channel": "I am not in this channel: invite me with /invite @llmtrend",
    "channel_not_found": "the channel was not found (deleted, or private without me)",
    "is_archived": "the channel is archived",
    "account_inactive": "the app's token is inactive (the app was removed?)",
    "token_revoked": "the app's token was revoked",
    "invalid_auth": "the app's token is not valid",
    "restricted_action": "posting in this channel is restricted",
    "not_installed": NOT_INSTALLED,
}
#: Pauses that a reinstall lifts (the lifecycle handlers pause with these reasons).
UNINSTALLED = "the app was uninstalled"
TOKENS_REVOKED = "the app's tokens were revoked"
UNINSTALL_REASONS = frozenset(
    {UNINSTALLED, TOKENS_REVOKED, NOT_INSTALLED, "Slack refused the digest (token_expired)"}
)
#: Slack errors after which the post may or may not have been made (so: look, then retry).
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
#: A claim left "claimed" this long belongs to a process that died.
STALE_CLAIM = timedelta(minutes=5)
#: After a post with an unknown outcome, wait this long before looking in the history.
RECHECK_UNKNOWN = timedelta(seconds=30)
HISTORY_MESSAGES = 200
CHECK_EVERY_SECONDS = 30.0
#: New and rising topics a digest names (each kind).
DIGEST_TOPICS = 3

Sleep = Callable[[float], Awaitable[None]]
#: A workspace's bot token (None: the app is not installed there).
TokenFor = Callable[[str], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class Posted:
    """What one pass did for one channel (for logs and tests)."""

    channel: str
    day: date
    outcome: str  # "sent", "recovered", "paused", "unknown", "skipped"


class DigestRunner:
    """The in-process scheduler: `tick(now)` does one pass; `run()` loops with the clock."""

    def __init__(
        self,
        settings: Settings,
        store: StateStore,
        live: LiveEngine,
        client: AsyncWebClient,
        clock: Callable[[], datetime],
        *,
        sleep: Sleep = asyncio.sleep,
        pace_seconds: float = 1.1,
        instance: str | None = None,
        metrics: Metrics | None = None,
        token_for: TokenFor | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.live = live
        self.client = client
        #: Several workspaces: each digest is posted with its workspace's own bot token.
        self.token_for = token_for
        self.clock = clock
        self.sleep = sleep
        self.pace_seconds = pace_seconds
        self.instance = instance or uuid.uuid4().hex[:12]
        self.metrics = metrics or Metrics()

    async def client_for(self, team_id: str) -> AsyncWebClient | None:
        """The client that posts in a workspace: its own token with several workspaces."""
        if self.token_for is None:
            return self.client
        token = await self.token_for(team_id)
        if token is None:
            return None
        return digest_client(token, self.settings.slack_api_url)

    async def subscribe_from_settings(self, team_id: str | None) -> None:
        """LLMTREND_DIGEST_CHANNELS: subscribe each once; a channel switched off stays off.

        One workspace: channel ids (`C012`). Several: `TEAM:CHANNEL` (`T01:C012`)."""
        now = self.clock()
        for entry in self.settings.digest_channels:
            team, _, channel = entry.rpartition(":")
            team = team or team_id or ""
            if not team:
                logger.warning("LLMTREND_DIGEST_CHANNELS entry %r needs TEAM:CHANNEL", entry)
                continue
            if await self.store.get_subscription(team, channel) is None:
                await self.store.upsert_subscription(
                    team,
                    channel,
                    time=self.settings.digest_time,
                    tz=self.settings.digest_tz,
                    source="settings",
                    now=now,
                )
                logger.info("digest subscribed from settings: %s", channel)

    async def run(self) -> None:
        """Check every half minute until cancelled (shutdown); a failing pass is logged."""
        while True:
            try:
                await self.tick(self.clock())
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("digest pass failed; trying again in %.0f s", CHECK_EVERY_SECONDS)
            await self.sleep(CHECK_EVERY_SECONDS)

    async def tick(self, now: datetime) -> list[Posted]:
        """One pass over the subscriptions: post what is due, recover what is unknown."""
        done: list[Posted] = []
        for sub in await self.store.list_subscriptions(enabled_only=True):
            try:
                result = await self._one(sub, now)
            except Exception:  # one channel's trouble must not stop the others' digests
                logger.exception("digest pass for %s failed; trying again later", sub.channel_id)
                continue
            if result is not None:
                done.append(result)
                if result.outcome in ("sent", "recovered", "unknown"):
                    await self.sleep(self.pace_seconds)  # ~1 post/s: Slack's pace per channel
        return done

    def due_day(self, sub: Subscription, now: datetime) -> date | None:
        """The local day whose digest is due now for this subscription, if any."""
        tz = parse_timezone(sub.tz)
        at = parse_time(sub.time)
        if tz is None or at is None:
            return None
        day = local_date(now, tz)
        if is_skipped(day, self.settings.digest_weekdays_only):
            return None
        when = scheduled_at(day, at, tz)
        # not yet today; or subscribed (or changed) after today's time: first post tomorrow
        if now < when or when < sub.updated_at:
            return None
        return day

    async def _one(self, sub: Subscription, now: datetime) -> Posted | None:
        day = self.due_day(sub, now)
        if day is None:
            return None
        team, channel = sub.team_id, sub.channel_id
        claim = await self.store.get_digest_claim(team, channel, day)
        if claim is None:
            if not await self.store.claim_digest(team, channel, day, self.instance, now):
                return None  # another process claimed it a moment ago
            return await self._post(sub, day, now, outcome="sent")
        if claim.status == "sent":
            return None
        wait = RECHECK_UNKNOWN if claim.status == "unknown" else STALE_CLAIM
        owner = self.instance
        if not await self.store.take_over_digest(team, channel, day, owner, now - wait, now):
            return None
        client = await self.client_for(team)
        if client is None:
            return await self._pause(team, channel, day, "not_installed", now)
        try:
            found = await self._find_posted(client, channel, day)
        except SlackApiError as exc:
            error = slack_error(exc)
            if not (error.startswith("http_") or error in TRANSIENT_ERRORS):
                return await self._pause(team, channel, day, error, now)
            # still unknown: look again after RECHECK_UNKNOWN, not after a stale claim's wait
            await self.store.mark_digest_unknown(team, channel, day, now)
            raise
        except Exception:  # a timeout or a dropped connection: the same
            await self.store.mark_digest_unknown(team, channel, day, now)
            raise
        if found is not None:
            await self.store.mark_digest_sent(team, channel, day, found, now)
            logger.info("digest %s %s was posted after all (ts %s)", channel, day, found)
            return Posted(channel, day, "recovered")
        return await self._post(sub, day, now, outcome="recovered")

    async def _post(self, sub: Subscription, day: date, now: datetime, *, outcome: str) -> Posted:
        team, channel = sub.team_id, sub.channel_id
        digest = await self.content(day, team, channel, now)
        if digest is None:  # still loading the reports: try again on the next pass
            await self.store.release_digest(team, channel, day, self.instance)
            return Posted(channel, day, "skipped")
        client = await self.client_for(team)
        if client is None:
            return await self._pause(team, channel, day, "not_installed", now)
        try:
            response = await client.chat_postMessage(
                channel=channel,
                metadata=digest_metadata(digest, channel),
                unfurl_links=False,
                **digest_message(digest),
            )
        except SlackApiError as exc:
            error = slack_error(exc)
            if error.startswith("http_") or error in TRANSIENT_ERRORS:
                return await self._unknown(team, channel, day, f"Slack answered {error}")
            # Slack said no: the post was not made, and posting again would be refused too
            return await self._pause(team, channel, day, error, now)
        except Exception as exc:  # timeouts, dropped connections: did it post? unknown
            return await self._unknown(team, channel, day, type(exc).__name__)
        ts = str(response.get("ts", ""))
        await self.store.mark_digest_sent(team, channel, day, ts, now)
        self.metrics.digests_sent.inc()
        logger.info("digest posted to %s for %s (ts %s)", channel, day, ts)
        return Posted(channel, day, outcome)

    async def _pause(self, team: str, channel: str, day: date, error: str, now: datetime) -> Posted:
        reason = PAUSE_ERRORS.get(error, f"Slack refused the digest ({error})")
        await self.store.set_subscription_enabled(team, channel, False, reason, now=now)
        await self.store.release_digest(team, channel, day, self.instance)
        logger.warning("digest for %s paused: %s (%s)", channel, reason, error)
        self.metrics.digests_failed.labels(reason=error).inc()
        return Posted(channel, day, "paused")

    async def _unknown(self, team: str, channel: str, day: date, why: str) -> Posted:
        await self.store.mark_digest_unknown(team, channel, day, self.clock())
        self.metrics.digests_failed.labels(reason="unknown_outcome").inc()
        logger.warning("digest for %s on %s: outcome unknown (%s); will check", channel, day, why)
        return Posted(channel, day, "unknown")

    async def _find_posted(self, client: AsyncWebClient, channel: str, day: date) -> str | None:
        """The ts of our digest for `day` in the channel's recent history, if it is there."""
        try:
            # newest first; recovery runs minutes after the post, so the digest, if it went
            # out, is among the channel's latest messages
            response = await client.conversations_history(
                channel=channel, include_all_metadata=True, limit=HISTORY_MESSAGES
            )
        except SlackApiError:
            logger.warning("could not read %s's history to recover a digest", channel)
            raise
        messages: list[dict[str, Any]] = response.get("messages", []) or []
        for msg in messages:
            meta = msg.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            ours = meta.get("event_type") == DIGEST_EVENT_TYPE
            if ours and payload.get("date") == day.isoformat():
                return str(msg.get("ts"))
        return None

    async def content(
        self, day: date, team: str | None, channel: str | None, now: datetime
    ) -> Digest | None:
        """The digest for a day: reports first seen since the channel's last digest."""
        engine = self.live.current
        if engine is None:
            return None
        since = now - timedelta(days=1)
        changed_since: date | None = None  # the day after the last digest's
        if team and channel:
            last = await self.store.last_digest(team, channel)
            sub = await self.store.get_subscription(team, channel)
            if last is not None and last.sent_at is not None:
                since = last.sent_at
                changed_since = last.local_date + timedelta(days=1)
            elif sub is not None:
                since = sub.created_at
        seen = await self.store.reports_first_seen_since(since)
        new_ids = sorted({r.report_id for r in seen if since < r.first_seen <= now})
        trends = self.live.trends

        def build() -> Digest:  # what changed grows with the corpus: off the event loop
            return build_digest(engine, trends, day, new_ids, self._changes(changed_since, day))

        return await asyncio.to_thread(build)

    def _changes(self, since: date | None, day: date) -> Changes | None:
        """What changed in the reports dated after the last digest (else the last 7 days)."""
        stream = self.live.stream
        if stream is None:
            return None
        if since is not None and since > day:
            return None
        return what_changed(stream, since=since, until=day if since else None, top=DIGEST_TOPICS)

    async def resume_team(self, team_id: str) -> int:
        """Resume the digests an uninstall paused (the app was installed again)."""
        resumed = 0
        for sub in await self.store.list_subscriptions(enabled_only=False, team_id=team_id):
            if not sub.enabled and sub.paused_reason in UNINSTALL_REASONS:
                await self.store.set_subscription_enabled(
                    team_id, sub.channel_id, True, None, now=self.clock()
                )
                resumed += 1
        if resumed:
            logger.info("workspace %s installed again: %d digests resumed", team_id, resumed)
        return resumed

    async def pause_team(self, team_id: str, reason: str) -> int:
        """Pause every digest of a workspace (the app was uninstalled, its tokens revoked)."""
        paused = 0
        for sub in await self.store.list_subscriptions(enabled_only=True, team_id=team_id):
            await self.store.set_subscription_enabled(
                team_id, sub.channel_id, False, reason, now=self.clock()
            )
            paused += 1
        return paused
