"""Slack Web API clients with the retries Slack's rules call for.

slack_sdk's async handlers retry 429 (honouring Retry-After) and connection errors, but its
server-error handler retries only 500 and 503; Slack also answers 502 and 504 when busy.
response_url posts (AsyncWebhookClient) get the same retries.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

RETRYABLE_STATUSES = frozenset({500, 501, 502, 503, 504})
_BACKOFF = BackoffRetryIntervalCalculator(backoff_factor=0.5)


class AsyncServerErrorsRetryHandler(AsyncRetryHandler):
    """Retries any 500–504 answer with exponential backoff."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code in RETRYABLE_STATUSES


def retry_handlers(max_retries: int = 3) -> list[AsyncRetryHandler]:
    """429 with Retry-After, 500–504 and connection errors, each retried a few times."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=max_retries),
        AsyncServerErrorsRetryHandler(max_retry_count=max_retries, interval_calculator=_BACKOFF),
        AsyncConnectionErrorRetryHandler(max_retry_count=max_retries, interval_calculator=_BACKOFF),
    ]


def web_client(token: str | None, base_url: str, **kwargs: Any) -> AsyncWebClient:
    """The bot's Web API client; base_url points at Slack, or a local fake in tests."""
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=retry_handlers(), **kwargs)


def response_client(url: str) -> AsyncWebhookClient:
    """A client for one interaction's response_url, with the same retries."""
    return AsyncWebhookClient(url=url, retry_handlers=retry_handlers())


def digest_client(token: str | None, base_url: str) -> AsyncWebClient:
    """For digest posts: only 429 is retried blindly (a rate-limited post was not made).

    A 5xx or a dropped connection may have posted anyway, and chat.postMessage has no
    idempotency key, so those outcomes are left to the digest's recovery, which looks in
    the channel's history before posting again.
    """
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=5)],
    )


def slack_error(exc: SlackApiError) -> str:
    """Slack's error code ("not_in_channel"), or the HTTP status when the body had none."""
    response = exc.response
    data = getattr(response, "data", None)
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    status = getattr(response, "status_code", None)
    return f"http_{status}" if status else "unknown_error"


async def can_post_in(client: AsyncWebClient, channel: str) -> bool | None:
    """Whether the bot is in the channel (DMs with the bot always work); None: no answer.

    Asked inside a slash command's 3-second ack, so one quick try, no retries.
    """
    if channel.startswith("D"):
        return True
    quick = AsyncWebClient(
        token=client.token, base_url=client.base_url, timeout=1, retry_handlers=[]
    )
    try:
        info = await quick.conversations_info(channel=channel)
    except SlackApiError:
        return False
    except Exception:  # a timeout or a dropped connection: we cannot tell
        return None
    return bool((info.get("channel") or {}).get("is_member"))


def outcome_unknown(exc: BaseException) -> bool:
    """A call that may have taken effect although we got no answer: a timeout, a dropped
    connection, or Slack's own 5xx."""
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ClientConnectionError):
        return True
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        return isinstance(status, int) and status >= 500
    return False


async def answered_in_thread(
    client: AsyncWebClient, channel: str, thread_ts: str, after_ts: str, bot_user: str | None
) -> bool | None:
    """Whether the bot has posted in the thread since `after_ts` (None: cannot tell)."""
    try:
        response = await client.conversations_replies(channel=channel, ts=thread_ts, limit=200)
    except SlackApiError as exc:
        return False if slack_error(exc) == "thread_not_found" else None
    except Exception:
        return None
    messages: list[dict[str, Any]] = response.get("messages", []) or []
    for msg in messages:
        ours = msg.get("bot_id") or (bot_user and msg.get("user") == bot_user)
        if ours and float(msg.get("ts") or 0) > float(after_ts or 0):
            return True
    return False
