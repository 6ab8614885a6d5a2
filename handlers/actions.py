"""Answer buttons: more results, search as typed, share in channel, which reports agree,
a longer window for what changed.

Each is acked at once; the answer goes to the interaction's response_url from a tracked
task. A response_url takes 5 answers within 30 minutes; past that the user is told.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.ask.answer import answer_off_loop
from bot.ask.buttons import parse_press
from bot.deps import Deps
from bot.render import replies
from bot.render.blocks import Message
from bot.slack import ids
from bot.slack.client import response_client
from bot.slack.observed import request_ids
from handlers import Registered
from handlers.errors import notify_response_url
from handlers.feedback import keep, new_answer_id

logger = logging.getLogger("llmtrend.actions")


def register(app: AsyncApp, deps: Deps, registered: Registered) -> None:
    async def post(client: AsyncWebClient, body: dict[str, Any], payload: dict[str, Any]) -> None:
        """Answer through response_url; an expired one gets the user an explanation."""
        response = await response_client(body["response_url"]).send_dict(payload)
        if response.status_code == 200:
            return
        logger.warning(
            "response_url answered %s %s", response.status_code, (response.body or "")[:100]
        )
        if response.status_code == 404 or "expired" in (response.body or ""):
            channel = (body.get("channel") or {}).get("id")
            user = (body.get("user") or {}).get("id")
            if channel and user:
                reply = replies.expired()
                await client.chat_postEphemeral(channel=channel, user=user, **reply)
            return
        raise RuntimeError(f"response_url answered {response.status_code}")

    def run(context: AsyncBoltContext, body: dict[str, Any], make: Any, name: str) -> None:
        async def work() -> None:
            await post(context.client, body, await make())

        async def on_error(_exc: BaseException) -> None:
            await notify_response_url(body["response_url"])

        deps.tasks.spawn(work(), name=name, ids=request_ids(context, body), on_error=on_error)

    async def on_press(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """Any answer button: parse the press (bot.ask.buttons), answer, send it the way
        the press asks: in place (more, as typed, a longer window), visibly in the channel
        (share), or as a new message below (an agree view; the results stay)."""
        await ack()
        ephemeral = bool((body.get("container") or {}).get("is_ephemeral"))
        user = context.user_id

        async def make() -> Message:
            press = parse_press(action.get("action_id") or "", action.get("value"))
            request, offset = press.request, press.offset
            answer_id = new_answer_id()
            options: dict[str, Any] = {"links": deps.settings.source_links, "offset": offset}
            if press.mode == "share":
                options["shared_by"] = user
            elif press.mode == "new":
                options.update(offset=0, answer_id=answer_id)
            else:
                options.update(shareable=ephemeral, answer_id=answer_id)
            done = await answer_off_loop(request, deps.live, **options)
            keep(deps, done, answer_id, context.team_id or "", user or "")
            if press.mode == "share":
                return {"response_type": "in_channel", "replace_original": False, **done.message}
            if press.mode == "new":
                return {"response_type": "ephemeral", "replace_original": False, **done.message}
            return {"replace_original": True, **done.message}

        run(context, body, make, f"button-{action.get('action_id', '')[:40]}")

    for action_id in (
        ids.ACTION_MORE,
        ids.ACTION_SEARCH_EXACT,
        ids.ACTION_SHARE,
        ids.ACTION_AGREE,
        ids.ACTION_CHANGES_WIDER,
    ):
        app.action(action_id)(on_press)
    for prefix in (ids.ACTION_TREND_AGREE_PREFIX, ids.ACTION_CHANGE_AGREE_PREFIX):
        app.action(re.compile(rf"^{prefix}\d+$"))(on_press)
    registered.actions.extend(
        [
            ids.ACTION_MORE,
            ids.ACTION_SEARCH_EXACT,
            ids.ACTION_SHARE,
            ids.ACTION_AGREE,
            ids.ACTION_CHANGES_WIDER,
        ]
    )
    registered.actions.append(f"{ids.ACTION_TREND_AGREE_PREFIX}*")
    registered.actions.append(f"{ids.ACTION_CHANGE_AGREE_PREFIX}*")
