"""`/llmtrend digest …`: answered in the slash command's ack like every other subcommand.

A state store write and, for `on`, one conversations.info call to tell the user whether
the bot can post there; the logic is `bot.digests.commands`.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.ask.parse import DigestCommand
from bot.deps import Deps
from bot.digests.commands import run_digest_command
from bot.render.blocks import Message
from bot.render.digest import digest_command_reply
from bot.slack.client import can_post_in


async def handle(
    deps: Deps, command: dict[str, Any], parsed: DigestCommand, client: AsyncWebClient
) -> Message:
    """The reply to one digest command."""
    team, channel = command.get("team_id") or "", command.get("channel_id") or ""
    outcome = await run_digest_command(
        parsed,
        team,
        channel,
        store=deps.store,
        settings=deps.settings,
        now=deps.clock(),
        content=deps.digests.content,
        can_post=lambda: can_post_in(client, channel),
    )
    return digest_command_reply(outcome)
