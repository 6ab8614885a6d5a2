"""End to end over real HTTP: signed requests in, the fake Slack Web API records what went out."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest

from bot.deps import build_deps
from bot.render import strings
from bot.search.engine import SearchAnswer, SearchEngine
from bot.slack import ids
from bot.slack.client import web_client
from tests.apprunner import SECRET, TOKEN, RunningApp, app_settings, run_app
from tests.helpers import shown_text
from tests.slackfake import (
    BOT_ID,
    BOT_USER_ID,
    FakeSlack,
    app_mention_event,
    im_message_event,
    post_signed,
    sign,
    slash_command_body,
)

MENTION = f"<@{BOT_USER_ID}>"


def all_text(message: dict[str, Any]) -> str:
    """Every text in a message (fallback and blocks), for asserting what a user reads."""
    return json.dumps(message, ensure_ascii=False)


async def test_slash_command_answers_ephemerally_in_the_ack(app: RunningApp) -> None:
    answer = await app.command("multimodal")
    assert answer.status == 200
    body = answer.json()
    assert body["response_type"] == "ephemeral"
    assert body["text"]
    text = all_text(body)
    assert "Results for *multimodal*" in text  # the query is restated
    assert "Multi-modal Capabilities" in text or "Multimodal" in text
    assert "*multimodal*" in text.lower()  # matched words in bold
    buttons = [
        e["action_id"] for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [ids.ACTION_MORE, ids.ACTION_SHARE, ids.ACTION_AGREE]
    assert app.fake.calls_to("chat.postMessage") == []


async def test_empty_text_and_help_show_usage(app: RunningApp) -> None:
    for text in ("", "help"):
        body = (await app.command(text)).json()
        assert "/llmtrend" in all_text(body) and "Examples" in all_text(body)


async def test_reports_lists_the_loaded_reports(app: RunningApp) -> None:
    body = (await app.command("reports")).json()
    text = all_text(body)
    assert "5 reports" in text and "10 sections" in text


async def test_typo_correction_is_shown(app: RunningApp) -> None:
    text = all_text((await app.command("multimodel")).json())
    assert "Showing results for *multimodal*" in text


async def test_no_matches_gets_a_helpful_reply(app: RunningApp) -> None:
    body = (await app.command("xqzvbnw")).json()
    assert "No sections match" in body["text"]
    assert "Try" in all_text(body)


async def test_long_query_is_cut_and_the_reply_says_so(app: RunningApp) -> None:
    answer = await app.command("open source " * 420)  # ~5,000 characters
    assert answer.status == 200
    assert "cut to its first 500 characters" in all_text(answer.json())


async def test_echoed_broadcasts_notify_no_one(app: RunningApp) -> None:
    answer = await app.command("<!channel> <!here> <!everyone> <@U999> <!subteam^S1> open source")
    text = shown_text(answer.json())
    for raw in ("<!channel>", "<!here>", "<!everyone>", "<@U999>", "<!subteam"):
        assert raw not in text
    assert "&lt;!channel&gt;" in text
    assert "link_names" not in text


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"X-Slack-Signature": "v0=" + "0" * 64}, "forged"),
        (sign(b"x", SECRET, timestamp=int(time.time()) - 600), "stale"),
        ({}, "unsigned"),
    ],
)
async def test_bad_signatures_get_401_and_do_nothing(
    app: RunningApp, headers: dict[str, str], why: str
) -> None:
    body = slash_command_body("multimodal")
    if why == "stale":
        headers = sign(body, SECRET, timestamp=int(time.time()) - 600)
    elif why == "forged":
        headers = {**sign(body, "not-the-secret"), **headers}
    async with app.session.post(
        app.events_url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    ) as resp:
        assert resp.status == 401, why
    assert app.fake.calls_to("chat.postMessage") == []


async def test_mention_is_answered_in_its_thread(app: RunningApp) -> None:
    answer = await app.mention(f"{MENTION} what do the reports say about open source?", ts="100.1")
    assert answer.status == 200
    [call] = await app.fake.wait_for("chat.postMessage")
    assert call.args["channel"] == "C123"
    assert call.args["thread_ts"] == "100.1"
    assert "Open" in all_text(call.args) and call.args["text"]
    assert "link_names" not in call.args


async def test_mention_inside_a_thread_is_answered_in_that_thread(app: RunningApp) -> None:
    await app.mention(f"{MENTION} RLHF", ts="200.2", thread_ts="150.0")
    [call] = await app.fake.wait_for("chat.postMessage")
    assert call.args["thread_ts"] == "150.0"


async def test_direct_message_is_answered_in_the_dm(app: RunningApp) -> None:
    await app.event(im_message_event("crisis management", channel="D777"))
    [call] = await app.fake.wait_for("chat.postMessage")
    assert call.args["channel"] == "D777"
    assert "Crisis Management" in all_text(call.args)


@pytest.mark.parametrize(
    "changes",
    [
        {"bot_id": BOT_ID},
        {"user": BOT_USER_ID},
        {"subtype": "message_changed"},
        {"subtype": "message_deleted"},
        {"subtype": "thread_broadcast"},
        {"channel_type": "channel"},
    ],
)
async def test_ignored_messages_get_no_reply(app: RunningApp, changes: dict[str, Any]) -> None:
    event = {**im_message_event("open source"), **changes}
    assert (await app.event(event)).status == 200
    await app.settle()
    assert app.fake.calls_to("chat.postMessage") == []


async def test_message_event_duplicating_a_mention_gets_one_reply(app: RunningApp) -> None:
    mention = app_mention_event(f"{MENTION} open source", ts="300.3")
    message = {**mention, "type": "message", "channel_type": "im"}
    await asyncio.gather(app.event(mention), app.event(message))
    await app.settle()
    assert len(app.fake.calls_to("chat.postMessage")) == 1


async def test_a_retry_during_the_first_delivery_gets_no_second_reply(app: RunningApp) -> None:
    app.fake.delay_next("chat.postMessage", 0.5)
    event = app_mention_event(f"{MENTION} multimodal", ts="400.4")
    first, retry = await asyncio.gather(
        app.event(event, event_id="EvRETRY1"),
        app.event(event, event_id="EvRETRY1", retry_num=1),
    )
    assert first.status == retry.status == 200
    later = await app.event(event, event_id="EvRETRY1", retry_num=2)
    assert later.status == 200
    await app.settle()
    assert len(app.fake.calls_to("chat.postMessage")) == 1


async def test_more_results_replaces_the_message_with_the_next_page(app: RunningApp) -> None:
    value = json.dumps({"q": "open source", "o": 3})
    assert (await app.click(ids.ACTION_MORE, value, token="more")).status == 200
    [call] = await app.fake.wait_for("response_url")
    assert call.args["replace_original"] is True
    assert "4–" in all_text(call.args)


async def test_share_posts_visibly_with_who_shared(app: RunningApp) -> None:
    value = json.dumps({"q": "open source", "o": 0})
    await app.click(ids.ACTION_SHARE, value, token="share", user_id="U42")
    [call] = await app.fake.wait_for("response_url")
    assert call.args["response_type"] == "in_channel"
    assert call.args["replace_original"] is False
    assert "Shared by <@U42>" in all_text(call.args)


async def test_an_expired_button_says_so(app: RunningApp) -> None:
    app.fake.expire("old")
    await app.click(ids.ACTION_MORE, json.dumps({"q": "open source", "o": 3}), token="old")
    [call] = await app.fake.wait_for("chat.postEphemeral")
    assert "expired" in call.args["text"]


async def test_a_listener_error_tells_the_user_and_logs_the_traceback(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    engine = app.deps.live.current
    assert engine is not None

    class BrokenEngine(SearchEngine):
        def search(
            self, query: str, top: int = 5, offset: int = 0, exact: bool = False
        ) -> SearchAnswer:
            raise RuntimeError("internal detail xyz")

    app.deps.live.current = BrokenEngine(engine.corpus, engine.index, engine.speller)
    answer = await app.command("multimodal")
    assert answer.status == 200
    body = answer.json()
    assert "something went wrong" in body["text"].lower()
    assert "internal detail xyz" not in all_text(body)
    assert any(r.exc_info and "internal detail xyz" in str(r.exc_info[1]) for r in caplog.records)

    await app.mention(f"{MENTION} multimodal", ts="500.5")
    [call] = await app.fake.wait_for("chat.postMessage")
    assert "something went wrong" in call.args["text"].lower()
    assert call.args["thread_ts"] == "500.5"

    await app.click(ids.ACTION_MORE, json.dumps({"q": "x", "o": 3}), token="err")
    [call] = await app.fake.wait_for("response_url")
    assert "something went wrong" in call.args["text"].lower()


async def test_a_rate_limited_reply_is_retried_and_posted_once(app: RunningApp) -> None:
    app.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    await app.mention(f"{MENTION} RLHF", ts="600.6")
    await app.settle()
    posted = [c for c in app.fake.calls_to("chat.postMessage") if c.status == 200]
    assert len(posted) == 1


async def test_a_server_error_reply_is_retried(app: RunningApp) -> None:
    app.fake.fail_next("chat.postMessage", status=502, times=2)
    await app.mention(f"{MENTION} RLHF", ts="700.7")
    await app.settle()
    assert [c.status for c in app.fake.calls_to("chat.postMessage")] == [502, 502, 200]


async def test_two_hundred_concurrent_commands_all_answered(app: RunningApp) -> None:
    answers = await asyncio.gather(*(app.command(f"open source {i}") for i in range(200)))
    assert [a.status for a in answers] == [200] * 200
    assert all(a.json()["blocks"] for a in answers)


async def test_health_and_liveness(app: RunningApp) -> None:
    async with app.session.get(f"{app.url}/healthz") as resp:
        assert resp.status == 200
        assert (await resp.json())["sections"] == 52  # 5 × 10; 004 has an intro and a closing
    async with app.session.get(f"{app.url}/livez") as resp:
        assert resp.status == 200


async def test_url_verification_challenge(app: RunningApp) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc", "token": "t"}).encode()
    answer = await post_signed(app.session, app.events_url, body, SECRET)
    assert answer.status == 200 and "abc" in answer.text


async def test_secrets_never_reach_the_logs(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await app.command("multimodal")
    await app.mention(f"{MENTION} open source", ts="800.8")
    await app.click(ids.ACTION_SHARE, json.dumps({"q": "RLHF", "o": 0}), token="log")
    app.fake.fail_next("chat.postMessage", status=500)
    await app.mention(f"{MENTION} RLHF", ts="800.9")
    await app.settle()
    logged = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    assert logged
    assert TOKEN not in logged
    assert SECRET not in logged


async def test_search_as_typed_after_a_correction(app: RunningApp) -> None:
    body = (await app.command("multimodel")).json()
    assert "Showing results for *multimodal*" in body["blocks"][0]["text"]["text"]
    exact = next(
        e
        for b in body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.ACTION_SEARCH_EXACT
    )
    await app.click(exact["action_id"], exact["value"], token="exact")
    [call] = await app.fake.wait_for("response_url")
    assert call.args["replace_original"] is True
    assert "Showing results for" not in call.args["text"]
    assert "multimodel" in call.args["text"]


async def test_a_reply_slack_posted_but_confirmed_too_late_gets_no_false_error(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    settings = app_settings(fake_slack, tmp_path)
    deps = build_deps(settings)
    deps.client = web_client(TOKEN, fake_slack.api_url, timeout=1)  # Slack's answer: too late
    async with run_app(settings, fake_slack, deps=deps) as app:
        fake_slack.delay_next("chat.postMessage", 2.0)
        await app.mention(f"{MENTION} multimodal", ts="800.8")
        await app.settle()
        [reply] = fake_slack.calls_to("chat.postMessage")  # the answer, and no "sorry"
        assert "something went wrong" not in reply.args["text"].lower()
        assert fake_slack.calls_to("conversations.replies")  # it looked before keeping quiet


async def test_a_timed_out_reply_that_cannot_be_checked_says_it_may_be_missing(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    settings = app_settings(fake_slack, tmp_path)
    deps = build_deps(settings)
    deps.client = web_client(TOKEN, fake_slack.api_url, timeout=1)
    async with run_app(settings, fake_slack, deps=deps) as app:
        fake_slack.delay_next("chat.postMessage", 2.0)
        fake_slack.fail_next("conversations.replies", status=500, times=10)
        await app.mention(f"{MENTION} multimodal", ts="900.9")
        await app.settle()
        texts = [c.args["text"] for c in fake_slack.calls_to("chat.postMessage")]
        assert texts[1:] == [strings.MAYBE_FAILED]  # not a flat "something went wrong"
