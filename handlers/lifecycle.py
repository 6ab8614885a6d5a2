"""The app's own lifecycle events: uninstalled, or its tokens revoked, in a workspace.

Posting there would fail from now on, so that workspace's digests pause (with the reason,
shown by `/llmtrend digest`), the event is logged, and with several workspaces the
installation and its bot token are deleted; installing again resumes the digests.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.deps import Deps
from bot.digests.runner import TOKENS_REVOKED, UNINSTALLED
from handlers import Registered

logger = logging.getLogger("llmtrend.lifecycle")


def register(app: AsyncApp, deps: Deps, registered: Registered) -> None:
    async def pause(body: dict[str, Any], reason: str) -> None:
        team = body.get("team_id") or ""
        paused = await deps.digests.pause_team(team, reason)
        logger.warning("%s in workspace %s: %d digest subscriptions paused", reason, team, paused)
        if deps.installations is not None and team:  # its tokens are gone: forget them
            await deps.installations.async_delete_all(enterprise_id=None, team_id=team)
            logger.info("deleted the installation of workspace %s", team)

    @app.event("app_uninstalled")
    async def on_uninstalled(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        await pause(body, UNINSTALLED)

    @app.event("tokens_revoked")
    async def on_tokens_revoked(ack: AsyncAck, body: dict[str, Any], event: dict[str, Any]) -> None:
        await ack()
        tokens = event.get("tokens") or {}
        if tokens.get("bot") or not tokens.get("oauth"):  # only users' tokens: the bot stays
            await pause(body, TOKENS_REVOKED)

    registered.events.extend(["app_uninstalled", "tokens_revoked"])
