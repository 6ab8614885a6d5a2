"""The app's own lifecycle events: uninstalled, or its tokens revoked, in a workspace.

Posting there would fail from now on, so that workspace's digests pause (with the reason,
shown by `/llmtrend digest`), and the event is logged.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.deps import Deps
from handlers import Registered

logger = logging.getLogger("llmtrend.lifecycle")


def register(app: AsyncApp, deps: Deps, registered: Registered) -> None:
    async def pause(body: dict[str, Any], reason: str) -> None:
        team = body.get("team_id") or ""
        paused = await deps.digests.pause_team(team, reason)
        logger.warning("%s in workspace %s: %d digest subscriptions paused", reason, team, paused)

    @app.event("app_uninstalled")
    async def on_uninstalled(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        await pause(body, "the app was uninstalled")

    @app.event("tokens_revoked")
    async def on_tokens_revoked(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        await pause(body, "the app's tokens were revoked")

    registered.events.extend(["app_uninstalled", "tokens_revoked"])
