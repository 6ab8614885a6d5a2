"""The Bolt app, observed: every request is timed, counted and logged in one line.

Overriding `async_dispatch` sees every request in both HTTP and Socket Mode, including
those Bolt rejects (a bad signature answers 401 before any listener runs).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.metrics import Metrics

logger = logging.getLogger("llmtrend.requests")

#: Set in the request context by the error handler, so the outcome says "error".
FAILED = "llmtrend_failed"


#: Every kind a metric may be labelled with: a fixed set, so no payload can make a new
#: series (an unknown type or event is "other").
EVENT_KINDS = frozenset(
    {"app_mention", "message", "app_home_opened", "app_uninstalled", "tokens_revoked"}
)
PAYLOAD_KINDS = {
    "block_actions": "action",
    "view_submission": "view",
    "view_closed": "view",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "url_verification": "url_verification",
}


def request_kind(body: dict[str, Any]) -> str:
    """command, event:<a known type>, action, view, shortcut, or other."""
    if body.get("command"):
        return "command"
    kind = body.get("type")
    if kind == "event_callback":
        event = (body.get("event") or {}).get("type")
        return f"event:{event}" if event in EVENT_KINDS else "event:other"
    return PAYLOAD_KINDS.get(kind, "other") if isinstance(kind, str) else "other"


def request_ids(context: Mapping[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """The ids that let a log line be matched to a verified Slack request.

    Team, channel and user are the ones Bolt put in the request context; only the event id
    is read from the body. Call this only for requests that passed signature verification.
    """
    return {
        "team": context.get("team_id"),
        "channel": context.get("channel_id"),
        "user": context.get("user_id"),
        "event": body.get("event_id"),
    }


class ObservedApp(AsyncApp):
    """AsyncApp that records each request's kind, latency and outcome."""

    metrics: Metrics

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        started = time.perf_counter()
        response = await super().async_dispatch(req)
        seconds = time.perf_counter() - started
        body = req.body if isinstance(req.body, dict) else {}
        kind = request_kind(body) if response.status != 401 else "unverified"
        if response.status == 401:
            outcome = "rejected"
        elif req.context.get(FAILED):
            outcome = "error"
        elif response.status >= 400:
            outcome = f"http_{response.status}"
        else:
            outcome = "ok"
        self.metrics.requests.labels(kind=kind, outcome=outcome).inc()
        self.metrics.latency.labels(kind=kind).observe(seconds)
        # A rejected request is logged with fixed fields only: nothing from its body.
        verified = response.status != 401
        ids = {k: v for k, v in request_ids(req.context, body).items() if v} if verified else {}
        logger.info(
            "request kind=%s outcome=%s latency_ms=%.1f %s",
            kind,
            outcome,
            seconds * 1000,
            " ".join(f"{k}={v}" for k, v in ids.items()),
            extra={"kind": kind, "outcome": outcome, "latency_ms": round(seconds * 1000, 2), **ids},
        )
        return response
