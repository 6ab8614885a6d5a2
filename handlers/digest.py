"""`/llmtrend digest …`: subscribe, unsubscribe, show and preview a channel's daily digest.

Answered in the slash command's ack like every other subcommand: a state store write and,
for `on`, one conversations.info call to tell the user whether the bot can post there.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blockkit import Message
from bot.commands import DigestCommand
from bot.deps import Deps
from bot.render_digest import digest_message, digest_reply, subscription_status
from bot.schedule import local_date, next_run, parse_time, parse_timezone

logger = logging.getLogger("llmtrend.digest")

INVITE_HINT = "I can't post in this channel yet: invite me with `/invite @llmtrend`."


async def can_post(deps: Deps, channel: str) -> bool | None:
    """Whether the bot is in the channel (DMs with the bot always work); None: no answer.

    Asked inside the slash command's 3-second ack, so one quick try, no retries.
    """
    if channel.startswith("D"):
        return True
    quick = AsyncWebClient(
        token=deps.client.token, base_url=deps.client.base_url, timeout=1, retry_handlers=[]
    )
    try:
        info = await quick.conversations_info(channel=channel)
    except SlackApiError:
        return False
    except Exception:
        return None
    return bool((info.get("channel") or {}).get("is_member"))


async def handle(deps: Deps, command: dict[str, Any], parsed: DigestCommand) -> Message:
    """The reply to one digest command."""
    if parsed.error:
        return digest_reply(parsed.error)
    team, channel = command.get("team_id") or "", command.get("channel_id") or ""
    now = deps.clock()
    store = deps.store
    if parsed.action == "status":
        sub = await store.get_subscription(team, channel)
        last = await store.last_digest(team, channel)
        return subscription_status(sub, last.sent_at if last else None)
    if parsed.action == "off":
        sub = await store.get_subscription(team, channel)
        if sub is None:  # remember it, so a settings subscription cannot turn it back on
            await store.upsert_subscription(
                team,
                channel,
                time=deps.settings.digest_time,
                tz=deps.settings.digest_tz,
                source="command",
                now=now,
                enabled=False,
                paused_reason="switched off with /llmtrend digest off",
            )
            return digest_reply("This channel had no daily digest; it will not get one.")
        await store.set_subscription_enabled(
            team, channel, False, "switched off with /llmtrend digest off", now=now
        )
        return digest_reply("Daily digest off for this channel. `/llmtrend digest on` restarts it.")
    if parsed.action == "preview":
        tz = parse_timezone(deps.settings.digest_tz)
        sub = await store.get_subscription(team, channel)
        if sub is not None:
            tz = parse_timezone(sub.tz) or tz
        assert tz is not None
        digest = await deps.digests.content(local_date(now, tz), team, channel, now)
        if digest is None:
            return digest_reply("I'm still loading the reports. Try again in a few seconds.")
        return digest_message(digest)
    at = parsed.time or deps.settings.digest_time
    tz_name = parsed.tz or deps.settings.digest_tz
    tz, when = parse_timezone(tz_name), parse_time(at)
    assert tz is not None and when is not None
    await store.upsert_subscription(
        team, channel, time=at, tz=tz_name, source="command", now=now, enabled=True
    )
    first = next_run(now, when, tz, deps.settings.digest_weekdays_only).astimezone(tz)
    text = (
        f"Daily digest on: every {'weekday' if deps.settings.digest_weekdays_only else 'day'} "
        f"at {at} ({tz_name}) in this channel. The first one comes {first:%A %d %B at %H:%M}."
    )
    if await can_post(deps, channel) is False:
        text += " " + INVITE_HINT
    return digest_reply(text)
