"""End to end: "what changed" over signed HTTP, on a dated stream built in the test."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.slack import ids
from tests.apprunner import RunningApp, app_settings, run_app
from tests.helpers import FRESH_NEWS, assert_within_limits, shown_text
from tests.slackfake import BOT_USER_ID, FakeSlack

START = date(2026, 3, 2)
TOPICS = ["vector databases", "Kubernetes clusters", "GPU supply", "retrieval pipelines"]


def write_stream(folder: Path, days: int = 28) -> None:
    folder.mkdir()
    for i in range(days):
        day = START + timedelta(days=i)
        news = [
            f"- [Notes on {t}](https://news.example/{i}/{k}): what teams shipped."
            for k, t in enumerate(TOPICS)
        ]
        if i >= days - 7:
            news.append(f"- {FRESH_NEWS[i - (days - 7)]}")
        text = f"# AI brief {day.isoformat()}\n\n## News\n" + "\n".join(news) + "\n"
        (folder / f"{day.isoformat()}.md").write_text(text)


@pytest.fixture
async def stream_app(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[RunningApp]:
    reports = tmp_path / "reports"
    write_stream(reports)
    settings = app_settings(fake_slack, tmp_path / "data", reports_dir=reports)
    async with run_app(settings, fake_slack) as running:
        await asyncio.wait_for(running.deps.live.stream_ready.wait(), timeout=30)
        yield running


async def test_new_lists_what_the_last_week_brought(stream_app: RunningApp) -> None:
    body = (await stream_app.command("new")).json()
    assert body["response_type"] == "ephemeral"
    assert_within_limits(body)
    shown = shown_text(body)
    assert "2026-03-23 – 2026-03-29" in shown
    assert "*New*" in shown and "Speculative decoding" in shown
    assert "in 7 of 7 reports, 0 of 21 before" in shown
    for steady in TOPICS:
        assert f"*{steady}*" not in shown.lower()
    # the topic's agree view, and a longer window
    agree = next(b["accessory"] for b in body["blocks"] if "accessory" in b)
    assert agree["action_id"].startswith(ids.ACTION_CHANGE_AGREE_PREFIX)
    await stream_app.click(agree["action_id"], agree["value"], token="agree")
    [call] = await stream_app.fake.wait_for("response_url")
    assert "agree on *Speculative decoding*" in shown_text(call.args)
    wider = next(
        e
        for b in body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.ACTION_CHANGES_WIDER
    )
    assert json.loads(wider["value"]) == {"d": 14}
    await stream_app.click(wider["action_id"], wider["value"], token="wider")
    calls = await stream_app.fake.wait_for("response_url", count=2)
    assert "2026-03-16 – 2026-03-29" in shown_text(calls[-1].args)


async def test_changes_since_a_date_and_bad_windows(stream_app: RunningApp) -> None:
    body = (await stream_app.command("changes since 2026-03-20")).json()
    assert "2026-03-20 – 2026-03-29" in shown_text(body)
    bad = (await stream_app.command("new since 2026-02-30")).json()
    assert "is not a date" in bad["text"]
    vague = (await stream_app.command("new in &lt;spring&gt;")).json()
    assert "I can't tell which days" in vague["text"]
    assert "<spring>" not in shown_text(vague)


async def test_a_mention_asking_whats_new(stream_app: RunningApp) -> None:
    await stream_app.mention(f"<@{BOT_USER_ID}> what's new this week?", ts="700.1")
    [call] = await stream_app.fake.wait_for("chat.postMessage")
    assert call.args["thread_ts"] == "700.1"
    assert "Speculative decoding" in shown_text(call.args)


async def test_undated_reports_say_there_is_no_baseline_yet(app: RunningApp) -> None:
    await asyncio.wait_for(app.deps.live.stream_ready.wait(), timeout=30)
    body = (await app.command("what's new")).json()
    assert "dated the same day" in body["text"]


async def test_asked_before_the_history_is_read(stream_app: RunningApp) -> None:
    stream_app.deps.live.stream = None
    body = (await stream_app.command("new")).json()
    assert "still reading the reports' history" in body["text"]
