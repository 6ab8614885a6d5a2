"""Unsigned traffic costs little and leaves nothing behind: no metric series, no log of
its body, no traceback, no 500 (issue 14)."""

from __future__ import annotations

import json
import logging
import time

import pytest

from tests.apprunner import SECRET, RunningApp
from tests.harness import sign


def _series(app: RunningApp) -> int:
    text = app.deps.metrics.render().decode()
    return sum(1 for line in text.splitlines() if line.startswith("llmtrend_requests_total{"))


async def test_unsigned_types_add_no_metric_series(app: RunningApp) -> None:
    await app.command("multimodal")
    before = _series(app)
    for i in range(50):
        body = json.dumps({"type": f"evil_{i}\nINFO forged line", "team_id": f"T{i}"}).encode()
        async with app.session.post(app.events_url, data=body) as resp:
            assert resp.status == 401
    after = _series(app)
    assert after <= before + 1  # at most the one fixed "unverified/rejected" series
    assert "evil_" not in app.deps.metrics.render().decode()


async def test_no_rejected_body_reaches_a_log(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_body = b"token=SECRETBODY&type=block_actions\nWARNING fake log line"
    headers = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"}
    async with app.session.post(app.events_url, data=secret_body, headers=headers) as resp:
        assert resp.status == 401
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "SECRETBODY" not in logged and "fake log line" not in logged


@pytest.mark.parametrize(
    ("body", "timestamp"),
    [
        (b"{not json", None),
        (b"\xff\xfe\x00garbage", None),
        (b"[1, 2, 3]", None),
        (b"command=/llmtrend&text=x", "abc"),
    ],
    ids=["invalid-json", "not-utf8", "json-array", "timestamp-abc"],
)
async def test_malformed_unsigned_bodies_get_401_without_a_traceback(
    app: RunningApp, caplog: pytest.LogCaptureFixture, body: bytes, timestamp: str | None
) -> None:
    caplog.set_level(logging.DEBUG)
    headers = {"X-Slack-Request-Timestamp": timestamp or str(int(time.time()))}
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    async with app.session.post(app.events_url, data=body, headers=headers) as resp:
        assert resp.status == 401
    assert not any(r.exc_info for r in caplog.records)
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)


async def test_a_body_over_the_limit_is_refused_before_it_is_read(app: RunningApp) -> None:
    body = b"x" * (2 * 1024 * 1024)
    headers = sign(body, SECRET)
    async with app.session.post(app.events_url, data=body, headers=headers) as resp:
        assert resp.status == 413
