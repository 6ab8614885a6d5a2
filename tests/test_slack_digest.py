"""`/llmtrend digest …` over signed HTTP: subscribe, status, off, preview, bad input."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.state.connect import open_store
from tests.apprunner import TOKEN, RunningApp, run_cli
from tests.helpers import assert_within_limits, shown_text
from tests.slackfake import TEAM_ID, FakeSlack


async def test_digest_on_with_time_and_timezone(app: RunningApp) -> None:
    body = (await app.command("digest on 08:30 Europe/Paris", channel_id="C9")).json()
    assert body["response_type"] == "ephemeral"
    assert "every day at 08:30 (Europe/Paris)" in body["text"]
    assert "The first one comes" in body["text"]
    sub = await app.deps.store.get_subscription(TEAM_ID, "C9")
    assert sub is not None and sub.enabled and (sub.time, sub.tz) == ("08:30", "Europe/Paris")
    status = (await app.command("digest", channel_id="C9")).json()
    assert "Daily digest is on" in shown_text(status) and "08:30" in shown_text(status)


async def test_digest_defaults_and_off(app: RunningApp) -> None:
    on = (await app.command("digest on", channel_id="C8")).json()
    assert "at 09:00 (UTC)" in on["text"]
    off = (await app.command("digest off", channel_id="C8")).json()
    assert "Daily digest off" in off["text"]
    sub = await app.deps.store.get_subscription(TEAM_ID, "C8")
    assert sub is not None and not sub.enabled
    assert "Daily digest is off" in shown_text(
        (await app.command("digest", channel_id="C8")).json()
    )


async def test_bad_time_and_unknown_timezone_get_an_example(app: RunningApp) -> None:
    for text, words in (
        ("digest on 25:00", "not a time of day"),
        ("digest on 08:00 Mars/Olympus", "not a timezone I know"),
    ):
        body = (await app.command(text, channel_id="C7")).json()
        assert words in body["text"]
        assert "/llmtrend digest on 08:30 Europe/Paris" in body["text"]
    assert await app.deps.store.get_subscription(TEAM_ID, "C7") is None


async def test_a_channel_without_the_bot_is_told_how_to_invite_it(app: RunningApp) -> None:
    app.fake.not_member_of.add("C6")
    body = (await app.command("digest on", channel_id="C6")).json()
    assert "/invite @llmtrend" in body["text"]


async def test_status_of_a_channel_without_digest(app: RunningApp) -> None:
    body = (await app.command("digest", channel_id="C5")).json()
    assert "no daily digest" in body["text"]


async def test_preview_shows_the_digest_ephemerally(app: RunningApp) -> None:
    await asyncio.wait_for(app.deps.live.trends_ready.wait(), timeout=30)
    body = (await app.command("digest preview", channel_id="C4")).json()
    assert body["response_type"] == "ephemeral"
    assert_within_limits(body)
    text = shown_text(body)
    assert "Trend digest" in text and "Trend of the day" in text
    assert app.fake.calls_to("chat.postMessage") == []


async def test_send_now_posts_one_and_counts_it_as_todays(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": fake_slack.api_url,
        "LLMTREND_DATA_DIR": str(tmp_path),
        "LLMTREND_DIGEST_TZ": "UTC",
    }
    for _ in range(2):  # even if today's went out, it posts
        code, out, err = await run_cli("digest", "--send-now", "C3", env=env)
        assert code == 0, err
        assert out.startswith("Posted the digest to C3")
    sent = [m for m in fake_slack.history("C3") if m.get("metadata")]
    assert len(sent) == 2
    store = open_store(None, tmp_path)
    try:
        today = datetime.now(UTC).date()
        claim = await store.get_digest_claim(TEAM_ID, "C3", today)
        assert claim is not None and claim.status == "sent"
        assert claim.message_ts == sent[-1]["ts"]
    finally:
        await store.close()
