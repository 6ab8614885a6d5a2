"""Reading further in Slack (issue 13), end to end over signed HTTP against the fake Slack,
which enforces what Slack does (single-use 3-second triggers, 24-character modal titles,
100 blocks a view, no thread_ts on the Messages tab's prompts)."""

from __future__ import annotations

import asyncio
import json
import shutil
import urllib.parse
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.render import strings
from bot.slack import ids
from tests.apprunner import RunningApp, app_settings, run_app, run_cli
from tests.conftest import SEEDS
from tests.slackfake import (
    BOT_USER_ID,
    FakeSlack,
    app_mention_event,
    block_actions_body,
    channel_message_event,
    event_body,
    feedback_click_body,
    mpim_message_event,
)

MENTION = f"<@{BOT_USER_ID}>"


def _texts(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def _button(blocks: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    for block in blocks:
        for element in [block.get("accessory") or {}, *(block.get("elements") or [])]:
            if str(element.get("action_id", "")).startswith(prefix):
                return element
    raise AssertionError(f"no {prefix} button")


async def _modal_click(app: RunningApp, element: dict[str, Any], view: dict[str, Any]) -> None:
    """A button pressed inside an open modal: the payload names the view (id and hash)."""
    raw = block_actions_body(element["action_id"], element["value"])
    form = urllib.parse.parse_qs(raw.decode())
    payload = json.loads(form["payload"][0])
    payload["view"] = {"id": view["id"], "hash": view["hash"], "type": "modal"}
    payload["container"] = {"type": "view", "view_id": view["id"]}
    payload.pop("response_url", None)
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    assert (await app.post(body)).status == 200


async def _search(app: RunningApp, text: str) -> dict[str, Any]:
    reply = await app.command(text)
    assert reply.status == 200
    return dict(reply.json())


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    long_section = "\n\n".join(
        f"Paragraph {i}: quantum annealing schedules for sparse mixture routing, "
        + "with detail " * 40
        for i in range(120)
    )
    (folder / "long_report.md").write_text(
        "# Long Report\n\n## 1. Quantum Annealing\n\n" + long_section + "\n\n## 2. Next\n\nEnd.\n"
    )
    (folder / "evil_report.md").write_text(
        "# Evil <https://evil|click>\n\n## 1. Phishing Risks\n\nPhishing <https://evil|click> "
        "lures and <!channel> pings in phishing mail.\n"
    )
    return folder


@pytest.fixture
async def reading_app(
    fake_slack: FakeSlack, tmp_path: Path, reports: Path
) -> AsyncIterator[RunningApp]:
    settings = app_settings(
        fake_slack,
        tmp_path / "data",
        reports_dir=reports,
        source_url="https://github.com/acme/reports/blob/main/{path}",
    )
    async with run_app(settings, fake_slack) as app:
        yield app


async def test_read_opens_the_section_and_next_moves_in_place(app: RunningApp) -> None:
    answer = await _search(app, "crisis management")
    read = _button(answer["blocks"], ids.ACTION_READ_PREFIX)
    assert (await app.click(read["action_id"], read["value"])).status == 200
    [opened] = await app.fake.wait_for("views.open")
    assert opened.error is None, opened.error
    view = app.fake.open_views()[0]
    assert "Crisis" in _texts(view) and len(view["title"]["text"]) <= 24
    nxt = _button(view["blocks"], ids.ACTION_SECTION_PREVIOUS)  # §10 is near the end
    await _modal_click(app, nxt, view)
    [updated] = await app.fake.wait_for("views.update")
    assert updated.error is None, updated.error
    moved = app.fake.view(view["id"])
    assert moved["hash"] != view["hash"] and _texts(moved) != _texts(view)
    assert len(app.fake.open_views()) == 1  # in place: no pushed view


async def test_show_opens_a_modal_and_a_bad_name_is_answered(app: RunningApp) -> None:
    reply = await app.command("show 004 §10")
    assert reply.status == 200
    [opened] = await app.fake.wait_for("views.open")
    assert opened.error is None, opened.error
    view = app.fake.open_views()[0]
    assert "004_efe7b0e70c4018d3" in _texts(view)  # the footer names the id
    missing = await app.command("show no-such-report 3")
    assert "No report is called" in missing.text


async def test_a_long_section_is_paged_never_cut(reading_app: RunningApp) -> None:
    answer = await _search(reading_app, "quantum annealing")
    read = _button(answer["blocks"], ids.ACTION_READ_PREFIX)
    await reading_app.click(read["action_id"], read["value"])
    await reading_app.fake.wait_for("views.open")
    view = reading_app.fake.open_views()[0]
    assert "Page 1 of" in _texts(view)
    pages = int(_texts(view).split("Page 1 of ")[1].split('"')[0])
    seen = [_texts(view)]
    for _ in range(pages - 1):
        await _modal_click(reading_app, _button(view["blocks"], ids.ACTION_PAGE_NEXT), view)
        await reading_app.fake.wait_for("views.update", count=len(seen))
        view = reading_app.fake.view(view["id"])
        seen.append(_texts(view))
    every = "".join(seen)
    assert all(f"Paragraph {i}:" in every for i in range(120))  # nothing dropped


async def test_citations_link_to_the_source_and_report_text_cannot(
    reading_app: RunningApp, app: RunningApp
) -> None:
    linked = await _search(reading_app, "crisis management")
    assert "https://github.com/acme/reports/blob/main/004_efe7b0e70c4018d3.txt" in json.dumps(
        linked["blocks"]
    )
    unlinked = await _search(app, "crisis management")
    assert "github.com" not in json.dumps(unlinked["blocks"])
    evil = await _search(reading_app, "phishing")
    shown = json.dumps(evil["blocks"])
    assert "<https://evil" not in shown and "&lt;https://evil|click&gt;" in shown
    assert "<!channel>" not in shown
    read = _button(evil["blocks"], ids.ACTION_READ_PREFIX)
    await reading_app.click(read["action_id"], read["value"])
    await reading_app.fake.wait_for("views.open")
    modal = _texts(reading_app.fake.open_views()[0])
    assert "<https://evil" not in modal and "<!channel>" not in modal
    assert "evil_report.md" in modal  # the source link, built by us


async def _mention_then_wait(app: RunningApp, text: str, ts: str) -> None:
    await app.mention(f"{MENTION} {text}", ts=ts)
    await app.settle()


async def test_a_follow_up_in_the_bots_thread_is_answered_there(app: RunningApp) -> None:
    await _mention_then_wait(app, "multimodal", "100.1")
    follow = channel_message_event("which reports agree?", ts="100.2", thread_ts="100.1")
    assert (await app.event(follow)).status == 200
    await app.settle()
    replies = app.fake.calls_to("chat.postMessage")
    assert len(replies) == 2 and replies[1].args["thread_ts"] == "100.1"
    assert "agree" in replies[1].args["text"].lower()
    more = channel_message_event("and what about regulation?", ts="100.3", thread_ts="100.1")
    await app.event(more)
    await app.settle()
    third = app.fake.calls_to("chat.postMessage")[2]
    assert "regulation" in third.args["text"].lower()


async def test_a_mention_inside_the_bots_thread_gets_one_reply(app: RunningApp) -> None:
    await _mention_then_wait(app, "multimodal", "200.1")
    text = f"{MENTION} more"
    mention = app_mention_event(text, ts="200.2", thread_ts="200.1")
    message = channel_message_event(text, ts="200.2", thread_ts="200.1")
    await asyncio.gather(app.event(mention), app.event(message))
    await app.settle()
    replies = app.fake.calls_to("chat.postMessage")
    assert len(replies) == 2  # the first answer, and one for the mention
    assert "4–" in json.dumps(replies[1].args["blocks"], ensure_ascii=False)  # the next page


async def test_a_message_in_another_thread_gets_no_reply(app: RunningApp) -> None:
    await _mention_then_wait(app, "multimodal", "300.1")
    other = channel_message_event("which reports agree?", ts="301.2", thread_ts="301.1")
    top = channel_message_event("multimodal", ts="302.1")
    chatter = channel_message_event("thanks!", ts="300.5", thread_ts="300.1")  # the bot's thread
    aside = channel_message_event("<@U999> can you check?", ts="300.6", thread_ts="300.1")
    for event in (other, top, chatter, aside):
        await app.event(event)
    await app.settle()
    assert len(app.fake.calls_to("chat.postMessage")) == 1


async def test_the_same_follow_up_delivered_twice_is_answered_once(app: RunningApp) -> None:
    await _mention_then_wait(app, "multimodal", "400.1")
    follow = channel_message_event("more", ts="400.2", thread_ts="400.1")
    await app.event(follow, event_id="EvFollow")
    await app.event(follow, event_id="EvFollow", retry_num=1)
    await app.event(follow, event_id="EvFollowOther")  # another delivery of the same message
    await app.settle()
    assert len(app.fake.calls_to("chat.postMessage")) == 2


async def test_a_group_dm_is_answered_like_a_dm(app: RunningApp) -> None:
    app.fake.add_mpim("G900")
    await app.event(mpim_message_event("multimodal", channel="G900", ts="500.1"))
    await app.settle()
    [reply] = app.fake.calls_to("chat.postMessage")
    assert reply.args["channel"] == "G900" and "multimodal" in reply.args["text"].lower()


async def test_the_messages_tab_gets_suggested_prompts(app: RunningApp) -> None:
    event = {"type": "app_home_opened", "user": "U5", "channel": "D5", "tab": "messages"}
    await app.post(event_body(event))
    [call] = await app.fake.wait_for("assistant.threads.setSuggestedPrompts")
    assert call.error is None, call.error  # no thread_ts: it would fail silently
    prompts = app.fake.suggested_prompts("D5")
    assert 1 <= len(prompts) <= 4
    assert any("new" in p["title"].lower() for p in prompts)


async def test_feedback_is_one_verdict_per_user_and_reaches_the_cli(
    app: RunningApp, tmp_path: Path
) -> None:
    answer = await _search(app, "crisis management")
    feedback = next(b for b in answer["blocks"] if b["type"] == "context_actions")
    buttons = feedback["elements"][0]
    up, down = buttons["positive_button"]["value"], buttons["negative_button"]["value"]
    for value in (up, down):  # the same user changes their mind
        url = app.fake.response_url(f"fb-{value[:2]}")
        await app.post(feedback_click_body(value, response_url=url, action_id=ids.ACTION_FEEDBACK))
        await app.settle()
    thanks = app.fake.calls_to("response_url")
    assert [c.args["text"] for c in thanks][-1] == strings.FEEDBACK_THANKS["down"]
    await app.command("quantum gravity of teapots")  # finds nothing
    await app.settle()
    env = {"LLMTREND_DATA_DIR": str(app.deps.settings.data_dir)}
    code, out, err = await run_cli("feedback", "--json", env=env)
    assert code == 0, err
    data = json.loads(out)
    [rated] = data["answers"]
    assert (rated["query"], rated["up"], rated["down"]) == ("crisis management", 0, 1)
    assert rated["citations"] and rated["team"] == "T123"
    assert {"query": "quantum gravity of teapots", "count": 1} in data["no_hits"]


async def test_admins_see_the_feedback_summary_on_home(app: RunningApp) -> None:
    app.fake.set_admin("UADMIN")
    for user in ("UADMIN", "UPLAIN"):
        event = {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"}
        await app.post(event_body(event))
    await app.fake.wait_for("views.publish", count=2)
    views = {
        c.args["user_id"]: json.dumps(c.args["view"]) for c in app.fake.calls_to("views.publish")
    }
    assert "Feedback, last" in views["UADMIN"]
    assert "Feedback, last" not in views["UPLAIN"]


async def test_socket_mode_dispatch_reaches_the_same_listeners(app: RunningApp) -> None:
    """Socket Mode hands Bolt the same payloads without HTTP or signatures; dispatched as
    its handler does, they reach the same listeners (the WebSocket itself needs Slack)."""
    from slack_bolt.request.async_request import AsyncBoltRequest

    bolt = app.bolt
    await _mention_then_wait(app, "multimodal", "600.1")
    follow = json.loads(event_body(channel_message_event("more", ts="600.2", thread_ts="600.1")))
    response = await bolt.async_dispatch(AsyncBoltRequest(body=follow, mode="socket_mode"))
    assert response.status == 200
    opened = json.loads(
        event_body({"type": "app_home_opened", "user": "U9", "channel": "D9", "tab": "messages"})
    )
    await bolt.async_dispatch(AsyncBoltRequest(body=opened, mode="socket_mode"))
    await app.settle()
    assert len(app.fake.calls_to("chat.postMessage")) == 2
    assert app.fake.suggested_prompts("D9")


async def test_a_forged_feedback_value_is_ignored(app: RunningApp) -> None:
    for value in ("up:\x00\x01", "sideways:0123456789abcdef", "up:../../etc"):
        body = feedback_click_body(value, action_id=ids.ACTION_FEEDBACK)
        assert (await app.post(body)).status == 200
    await app.settle()
    answers, _ = await app.deps.store.feedback_since(datetime(2000, 1, 1, tzinfo=UTC))
    assert answers == []


async def test_a_refused_modal_comes_as_a_message(app: RunningApp) -> None:
    answer = await _search(app, "crisis management")
    read = _button(answer["blocks"], ids.ACTION_READ_PREFIX)
    body = block_actions_body(
        read["action_id"],
        read["value"],
        trigger_id="never-issued",
        response_url=app.fake.response_url("refused"),
    )
    await app.post(body)
    await app.settle()
    [refused] = app.fake.calls_to("views.open")
    assert refused.error == "invalid_trigger_id"
    [fallback] = app.fake.responses_to("refused")
    assert "Crisis Management" in json.dumps(fallback.args["blocks"])
