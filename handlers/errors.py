"""The one error path: log the traceback with the request's ids, tell the user, no internals.

A slash command is answered in its ack, so a failure there becomes the ack's body (an
ephemeral "something went wrong"); events and buttons ack first and fail in their tasks,
where the TaskTracker logs and `notify_*` tells the user.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.render import replies
from bot.slack.client import answered_in_thread, outcome_unknown, response_client
from bot.slack.observed import FAILED, request_ids

logger = logging.getLogger("llmtrend.errors")


def register(app: AsyncApp, deps: Deps) -> None:
    @app.error
    async def on_error(
        error: Exception, body: dict[str, Any], request: AsyncBoltRequest
    ) -> BoltResponse:
        """Uncaught in a listener: log with ids; answer 200 so Slack does not retry."""
        request.context[FAILED] = True
        ids = request_ids(request.context, body or {})
        logger.error(
            "listener failed %s",
            " ".join(f"{k}={v}" for k, v in ids.items() if v),
            exc_info=error,
        )
        if body and body.get("command"):
            payload = {"response_type": "ephemeral", **replies.error()}
            return BoltResponse(
                status=200,
                body=json.dumps(payload),
                headers={"content-type": "application/json"},
            )
        if body and body.get("response_url"):
            deps.tasks.spawn(notify_response_url(body["response_url"]), name="notify-error")
        return BoltResponse(status=200, body="")


async def notify_response_url(url: str) -> None:
    """Tell the user through an interaction's response_url that something failed."""
    await response_client(url).send_dict(
        {"response_type": "ephemeral", "replace_original": False, **replies.error()}
    )


async def notify_thread(client: AsyncWebClient, channel: str, thread_ts: str | None) -> None:
    """Tell the user in the thread they asked in that something failed."""
    await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **replies.error())


async def notify_thread_after(
    client: AsyncWebClient,
    exc: BaseException,
    channel: str,
    thread_ts: str | None,
    asked_ts: str,
    bot_user: str | None,
) -> None:
    """A reply failed: say so, unless its outcome is unknown (a timeout) and the reply is in
    fact in the thread; when even that cannot be checked, say the answer may be missing."""
    if outcome_unknown(exc):
        answered = await answered_in_thread(
            client, channel, thread_ts or asked_ts, asked_ts, bot_user
        )
        if answered:
            logger.info(
                "reply in %s:%s arrived despite the error; nothing to add", channel, asked_ts
            )
            return
        if answered is None:
            await client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, **replies.maybe_failed()
            )
            return
    await notify_thread(client, channel, thread_ts)
