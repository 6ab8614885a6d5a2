"""`/llmtrend …`: answered in the ack itself (well under Slack's 3 s)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.ask.answer import answer
from bot.ask.parse import parse_command, parse_digest
from bot.deps import Deps
from bot.slack import ids
from handlers import Registered, digest


def register(app: AsyncApp, deps: Deps, registered: Registered) -> None:
    @app.command(ids.COMMAND)
    async def handle_llmtrend(ack: AsyncAck, command: dict[str, Any]) -> None:
        """Parse, answer from the live index, render: all inside the ack."""
        request = parse_command(command.get("text"))
        if request.kind == "digest":
            message = await digest.handle(deps, command, parse_digest(request.text))
        else:
            message = answer(request, deps.live)
        await ack(response_type="ephemeral", **message)

    registered.commands.append(ids.COMMAND)
