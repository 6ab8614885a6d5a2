"""`llmtrend digest --dry-run | --send-now CHANNEL`: a digest from the command line."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, date, datetime
from typing import Any

from bot.cli.json_output import changes_json
from bot.cli.terminal import message_to_text
from bot.config import Settings, SettingsError
from bot.digests.content import Digest
from bot.digests.schedule import local_date, parse_time, parse_timezone, scheduled_at
from bot.render.digest import digest_message, digest_metadata


def digest_json(digest: Digest, message: dict[str, Any]) -> dict[str, Any]:
    """`llmtrend digest --dry-run --json` (a public interface: fields are only added)."""
    trend = digest.trend_of_the_day
    return {
        "date": digest.date.isoformat(),
        "trend_of_the_day": (
            {"label": trend.label, "reports": list(trend.reports)} if trend else None
        ),
        "new_reports": [{"id": n.report.id, "title": n.report.title} for n in digest.new_reports],
        "text": message["text"],
        "blocks": message["blocks"],
        "consensus": [{"label": t.label, "reports": list(t.reports)} for t in digest.consensus],
        "changes": changes_json(digest.changes) if digest.changes else None,
    }


async def _dry_run(settings: Settings, day: date | None, channel: str | None) -> Digest:
    from bot.deps import build_deps  # the runner computes content exactly as it would post

    deps = build_deps(settings)
    try:
        deps.live.load_now()
        tz = parse_timezone(settings.digest_tz)
        at = parse_time(settings.digest_time)
        team = None
        if channel:
            subs = [
                s
                for s in await deps.store.list_subscriptions(enabled_only=False)
                if s.channel_id == channel
            ]
            if subs:
                team, tz, at = subs[0].team_id, parse_timezone(subs[0].tz), parse_time(subs[0].time)
        if tz is None or at is None:
            raise SettingsError("LLMTREND_DIGEST_TZ/LLMTREND_DIGEST_TIME: not a timezone or time")
        the_day = day or local_date(datetime.now(UTC), tz)
        when = scheduled_at(the_day, at, tz)
        digest = await deps.digests.content(the_day, team, channel if team else None, when)
        if digest is None:
            raise RuntimeError("the reports were not loaded")
        return digest
    finally:
        await deps.store.close()


async def _send_now(settings: Settings, channel: str, team_id: str | None = None) -> str:
    from bot.deps import build_deps
    from bot.slack.app import check_token, load_and_record

    deps = build_deps(settings)
    try:
        if deps.installations is not None:  # several workspaces: --team says which
            team = team_id or ""
            if await deps.installations.bot_token(team) is None:
                raise SettingsError(f"--team {team}: the app is not installed in that workspace")
        else:
            team = (await check_token(deps))["team"]
        client = await deps.digests.client_for(team)
        if client is None:
            raise SettingsError(f"--team {team}: the app is not installed in that workspace")
        await load_and_record(deps)
        now = deps.clock()
        sub = await deps.store.get_subscription(team, channel)
        tz = parse_timezone(sub.tz if sub else settings.digest_tz)
        if tz is None:
            raise SettingsError("LLMTREND_DIGEST_TZ: not a timezone")
        day = local_date(now, tz)
        digest = await deps.digests.content(day, team, channel, now)
        if digest is None:
            raise RuntimeError("the reports were not loaded")
        response = await client.chat_postMessage(
            channel=channel,
            metadata=digest_metadata(digest, channel),
            unfurl_links=False,
            **digest_message(digest),
        )
        ts = str(response.get("ts", ""))
        await deps.store.record_digest_sent(team, channel, day, deps.digests.instance, ts, now)
        return ts
    finally:
        await deps.store.close()


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Dry-run prints the digest (text or JSON); send-now posts it and counts it as today's."""
    if args.send_now:
        from slack_sdk.errors import SlackApiError

        from bot.config import SettingsError
        from bot.slack.app import StartupError, require_slack_settings
        from bot.slack.client import slack_error

        try:
            if settings.oauth:
                if not args.team:
                    raise SettingsError(
                        "llmtrend digest --send-now: several workspaces are configured "
                        "(SLACK_CLIENT_ID); say which with --team T0123"
                    )
            else:
                require_slack_settings(settings, mode="token")
            ts = asyncio.run(_send_now(settings, args.send_now, args.team))
        except (StartupError, ValueError) as exc:
            raise SettingsError(str(exc)) from None
        except SlackApiError as exc:
            error = slack_error(exc)
            raise SettingsError(f"Slack refused the digest for {args.send_now}: {error}") from None
        done = {"channel": args.send_now, "ts": ts}
        print(json.dumps(done) if args.json else f"Posted the digest to {args.send_now} (ts {ts}).")
        return 0
    try:
        digest = asyncio.run(_dry_run(settings, args.date, args.channel))
    except ValueError as exc:  # LLMTREND_STATE_URL: … (a bad state store URL)
        from bot.config import SettingsError

        raise SettingsError(str(exc)) from None
    message = digest_message(digest)
    if args.json:
        print(json.dumps(digest_json(digest, message), ensure_ascii=False, indent=2))
    else:
        print(message_to_text(message))
    return 0
