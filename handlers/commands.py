"""`/llmtrend …`: answered in the ack when the answer is ready within ACK_WITHIN_SECONDS,
else acknowledged with "working on it" and answered through the command's response_url.

Slack shows an error for an ack later than 3 s; an agree view over very long sections or a
state store that is slow to answer (`digest on`) must not cause one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.ask.answer import answer_off_loop
from bot.ask.parse import Request, parse_command, parse_digest
from bot.deps import Deps
from bot.render import replies
from bot.render.blocks import Message
from bot.slack import ids
from bot.slack.client import response_client
from bot.slack.observed import request_ids
from handlers import Registered, digest, sections
from handlers.errors import notify_response_url
from handlers.feedback import keep, new_answer_id

#: Past this, the ack goes out with "working on it" (Slack's limit is 3 s, minus the trip).
ACK_WITHIN_SECONDS = 2.0


def register(app: AsyncApp, deps: Deps, registered: Registered) -> None:
    async def ack_in_time(
        ack: AsyncAck, context: AsyncBoltContext, command: dict[str, Any], work: Awaitable[Message]
    ) -> None:
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=ACK_WITHIN_SECONDS)
        if done:  # a failure raises here: the error handler answers in the ack
            await ack(response_type="ephemeral", **task.result())
            return
        await ack(response_type="ephemeral", **replies.working())
        url = command.get("response_url") or ""

        async def follow_up() -> None:
            message = await task
            payload = {"response_type": "ephemeral", "replace_original": True, **message}
            response = await response_client(url).send_dict(payload)
            if response.status_code != 200:
                raise RuntimeError(f"response_url answered {response.status_code}")

        async def on_error(_exc: BaseException) -> None:
            await notify_response_url(url)

        deps.tasks.spawn(
            follow_up(), name="command", ids=request_ids(context, command), on_error=on_error
        )

    async def answered(request: Request, command: dict[str, Any]) -> Message:
        """The answer, kept (with its id in its 👍/👎) once it is made."""
        answer_id = new_answer_id()
        links = deps.settings.source_links
        done = await answer_off_loop(request, deps.live, answer_id=answer_id, links=links)
        team, user = command.get("team_id") or "", command.get("user_id") or ""
        keep(deps, done, answer_id, team, user)
        return done.message

    @app.command(ids.COMMAND)
    async def handle_llmtrend(
        ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """Parse, answer off the event loop, render; in the ack or just after it."""
        request = parse_command(command.get("text"))
        if request.kind == "show":
            await sections.show(ack, deps, command, request, context)
            return
        if request.kind == "digest":
            work = digest.handle(deps, command, parse_digest(request.text), context.client)
        else:
            work = answered(request, command)
        await ack_in_time(ack, context, command, work)

    registered.commands.append(ids.COMMAND)
