"""Running for real: metrics, request logs, secrets kept out, SIGTERM, lifecycle events."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import aiohttp

from tests.apprunner import SECRET, TOKEN, RunningApp, free_port, serve_process
from tests.slackfake import BOT_USER_ID, FakeSlack, app_mention_event, event_body, post_signed

MENTION = f"<@{BOT_USER_ID}>"


def serve_env(fake: FakeSlack, data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "LLMTREND_DATA_DIR": str(data_dir),
        "LLMTREND_RELOAD_SECONDS": "0",
        **extra,
    }


async def test_a_slash_command_shows_in_the_metrics(app: RunningApp) -> None:
    await app.command("multimodal")
    text = app.deps.metrics.render().decode()
    assert 'llmtrend_requests_total{kind="command",outcome="ok"} 1.0' in text
    assert 'llmtrend_request_seconds_count{kind="command"} 1.0' in text
    assert "llmtrend_index_sections 52.0" in text


async def test_rejected_and_failed_requests_are_counted(app: RunningApp) -> None:
    async with app.session.post(app.events_url, data=b"text=x", headers={}) as resp:
        assert resp.status == 401
    text = app.deps.metrics.render().decode()
    assert 'outcome="rejected"' in text


async def test_uninstalling_pauses_the_workspaces_digests(app: RunningApp) -> None:
    await app.command("digest on", channel_id="C1")
    await app.post(event_body({"type": "app_uninstalled"}))
    sub = await app.deps.store.get_subscription("T123", "C1")
    assert sub is not None and not sub.enabled and "uninstalled" in (sub.paused_reason or "")


async def test_serve_logs_json_lines_serves_metrics_and_keeps_secrets_out(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    metrics_port = free_port()
    env = serve_env(
        fake_slack,
        tmp_path / "data",
        LLMTREND_LOG_FORMAT="json",
        LLMTREND_LOG_LEVEL="DEBUG",
        LLMTREND_METRICS_PORT=str(metrics_port),
    )
    async with serve_process(env, tmp_path / "serve.log") as server, aiohttp.ClientSession() as s:
        from tests.slackfake import slash_command_body

        answer = await post_signed(s, server.events_url, slash_command_body("open source"), SECRET)
        assert answer.status == 200
        await post_signed(
            s, server.events_url, event_body(app_mention_event(f"{MENTION} RLHF")), SECRET
        )
        await fake_slack.wait_for("chat.postMessage")
        async with s.get(f"http://127.0.0.1:{metrics_port}/metrics") as resp:
            assert resp.status == 200
            metrics = await resp.text()
        async with s.get(f"{server.url}/metrics") as resp:
            assert resp.status == 404  # not on the public Slack port
    assert 'llmtrend_requests_total{kind="command",outcome="ok"} 1.0' in metrics
    logs = server.logs()
    lines = [json.loads(line) for line in logs.splitlines() if line.strip()]
    requests = [line for line in lines if line.get("name") == "llmtrend.requests"]
    assert {r["kind"] for r in requests} >= {"command", "event:app_mention"}
    assert all({"latency_ms", "outcome", "team"} <= set(r) for r in requests)
    assert TOKEN not in logs and SECRET not in logs


async def test_sigterm_finishes_the_reply_in_flight(fake_slack: FakeSlack, tmp_path: Path) -> None:
    env = serve_env(fake_slack, tmp_path / "data")
    async with serve_process(env, tmp_path / "serve.log") as server, aiohttp.ClientSession() as s:
        fake_slack.delay_next("chat.postMessage", 2.0)
        body = event_body(app_mention_event(f"{MENTION} multimodal", ts="1.5"))
        assert (await post_signed(s, server.events_url, body, SECRET)).status == 200
        await fake_slack.wait_for("chat.postMessage")  # the reply has started…
        server.proc.send_signal(signal.SIGTERM)  # …and the pod is told to stop
        code = await asyncio.wait_for(server.proc.wait(), timeout=15)
    assert code == 0
    [call] = fake_slack.calls_to("chat.postMessage")
    assert call.status == 200 and call.args["thread_ts"] == "1.5"
    assert "stopped" in server.logs()


def test_debug_logging_keeps_slacks_sdk_quiet() -> None:
    """slack_sdk logs whole API responses at DEBUG (oauth.v2.access holds new tokens)."""
    import logging

    from bot.logs import configure_logging

    root = logging.getLogger()
    before = root.level, list(root.handlers)
    try:
        configure_logging("DEBUG")
        assert not logging.getLogger("slack_sdk.web.async_base_client").isEnabledFor(logging.DEBUG)
        assert logging.getLogger("probe.debug").isEnabledFor(logging.DEBUG)
    finally:
        root.setLevel(before[0])
        root.handlers[:] = before[1]
        for name in ("slack_sdk", "slack_bolt", "llmtrend.bolt", "llmtrend.oauth"):
            logging.getLogger(name).setLevel(logging.NOTSET)


def test_a_line_break_in_a_logged_value_cannot_forge_a_line() -> None:
    import logging

    from bot.logs import TEXT_FORMAT, OneLineFormatter

    record = logging.LogRecord(
        "slack_bolt.oauth", logging.WARNING, __file__, 1, "code: %s", ("x\nERROR forged",), None
    )
    line = OneLineFormatter(TEXT_FORMAT).format(record)
    assert "\n" not in line and "x\\nERROR forged" in line
