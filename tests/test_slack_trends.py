"""End to end: trends, the agree view and the Home tab, over signed HTTP with the fake Slack."""

from __future__ import annotations

import asyncio
import json

from bot.slack import ids
from tests.apprunner import RunningApp
from tests.helpers import assert_within_limits, shown_text
from tests.slackfake import BOT_USER_ID, event_body

MENTION = f"<@{BOT_USER_ID}>"


async def trends_ready(app: RunningApp) -> None:
    await asyncio.wait_for(app.deps.live.trends_ready.wait(), timeout=30)


async def test_trends_command(app: RunningApp) -> None:
    await trends_ready(app)
    body = (await app.command("trends")).json()
    assert body["response_type"] == "ephemeral"
    assert_within_limits(body)
    assert "Multimodal capabilities" in shown_text(body)


async def test_trends_while_they_are_computed(app: RunningApp) -> None:
    await trends_ready(app)
    app.deps.live.trends = None
    body = (await app.command("trends")).json()
    assert "still being computed" in body["text"]


async def test_agree_command(app: RunningApp) -> None:
    body = (await app.command("agree open source")).json()
    assert_within_limits(body)
    assert "*4 of 5 reports* agree on *open source*" in shown_text(body)


async def test_agree_button_on_search_results_opens_the_agree_view(app: RunningApp) -> None:
    await app.click(ids.ACTION_AGREE, json.dumps({"q": "crisis management"}), token="agree")
    [call] = await app.fake.wait_for("response_url")
    assert call.args["replace_original"] is False
    assert "*1 of 5 reports* covers *crisis management*" in shown_text(call.args)


async def test_trend_buttons_open_their_agree_view(app: RunningApp) -> None:
    await trends_ready(app)
    body = (await app.command("trends")).json()
    buttons = [b["accessory"] for b in body["blocks"] if "accessory" in b]
    first = buttons[0]
    trend = app.deps.live.trends.trends[0]  # type: ignore[union-attr]
    assert json.loads(first["value"])["t"] == trend.id
    await app.click(first["action_id"], first["value"], token="trend")
    [call] = await app.fake.wait_for("response_url")
    shown = shown_text(call.args)
    assert f"{len(trend.reports)} of 5 reports" in shown  # the trend's own membership


async def test_mention_asking_which_reports_agree(app: RunningApp) -> None:
    await app.mention(f"{MENTION} which reports agree on edge computing?", ts="900.1")
    [call] = await app.fake.wait_for("chat.postMessage")
    assert call.args["thread_ts"] == "900.1"
    assert "*1 of 5 reports* covers *edge computing*" in shown_text(call.args)


async def test_home_tab_shows_the_dashboard_and_a_trend_in_place(app: RunningApp) -> None:
    await trends_ready(app)
    event = {
        "type": "app_home_opened",
        "user": "U77",
        "channel": "D77",
        "tab": "home",
        "event_ts": "1.1",
    }
    assert (await app.post(event_body(event))).status == 200
    [call] = await app.fake.wait_for("views.publish")
    assert call.args["user_id"] == "U77"
    view = call.args["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    text = shown_text(view)
    assert "Multimodal capabilities" in text and "Newest reports" in text
    trend_button = next(b["accessory"] for b in view["blocks"] if "accessory" in b)
    await app.click(
        trend_button["action_id"],
        trend_button["value"],
        token="home",
        user_id="U77",
        container={"type": "view", "view_id": "V1"},
    )
    calls = await app.fake.wait_for("views.publish", count=2)
    agree_view = calls[1].args["view"]
    assert "5 of 5 reports" in shown_text(agree_view)
    back = agree_view["blocks"][0]["elements"][0]
    assert back["action_id"] == ids.ACTION_HOME_BACK
    await app.click(
        back["action_id"],
        back["value"],
        token="home",
        user_id="U77",
        container={"type": "view", "view_id": "V1"},
    )
    calls = await app.fake.wait_for("views.publish", count=3)
    assert "Newest reports" in shown_text(calls[2].args["view"])


async def test_messages_tab_opening_does_not_publish(app: RunningApp) -> None:
    event = {
        "type": "app_home_opened",
        "user": "U77",
        "channel": "D77",
        "tab": "messages",
        "event_ts": "1.2",
    }
    await app.post(event_body(event))
    await app.settle()
    assert app.fake.calls_to("views.publish") == []
