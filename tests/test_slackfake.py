"""Tests for the Slack fake in ``tests/slackfake.py``."""

from __future__ import annotations

import asyncio
import json
import socket
import time
import urllib.parse
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from tests.harness import sign
from tests.slackfake import (
    BOT_ID,
    BOT_USER_ID,
    FakeSlack,
    InternetBlockedError,
    app_mention_event,
    block_actions_body,
    block_internet,
    channel_message_event,
    event_body,
    feedback_click_body,
    im_message_event,
    issue_trigger_id,
    mpim_message_event,
    post_signed,
    slash_command_body,
)

TOKEN = "xoxb-test-token"
SECRET = "signing-secret-for-tests"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """A started fake."""
    async with FakeSlack() as fake_slack:
        yield fake_slack


def client_for(fake: FakeSlack, **kwargs: Any) -> AsyncWebClient:
    """AsyncWebClient pointed at the fake."""
    return AsyncWebClient(token=TOKEN, base_url=fake.api_url, **kwargs)


# --------------------------------------------------------------------------- Web API


async def test_api_url_shape(fake: FakeSlack) -> None:
    assert fake.api_url == f"http://127.0.0.1:{fake.port}/api/"
    assert fake.port > 0


async def test_web_client_round_trip(fake: FakeSlack) -> None:
    client = client_for(fake)
    auth = await client.auth_test()
    assert auth["user_id"] == BOT_USER_ID
    assert auth["bot_id"] == BOT_ID
    assert {"team_id", "team", "user", "url"} <= set(auth.data)

    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}]
    metadata = {"event_type": "llmtrend_answer", "event_payload": {"query": "rag"}}
    first = await client.chat_postMessage(
        channel="C123", text="hello", blocks=blocks, metadata=metadata
    )
    second = await client.chat_postMessage(channel="C123", text="again")
    assert first["ok"] is True
    assert first["channel"] == "C123"
    assert first["message"]["metadata"] == metadata
    assert float(second["ts"]) > float(first["ts"])

    [call, _] = fake.calls_to("chat.postMessage")
    assert call.args["blocks"] == blocks
    assert call.args["metadata"] == metadata
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    assert call.token == TOKEN

    history = await client.conversations_history(channel="C123", include_all_metadata=True)
    messages = history["messages"]
    assert [m["ts"] for m in messages] == [second["ts"], first["ts"]]  # newest first
    assert messages[1]["text"] == "hello"
    assert messages[1]["blocks"] == blocks
    assert messages[1]["metadata"] == metadata

    plain = await client.conversations_history(channel="C123")
    assert "metadata" not in plain["messages"][1]
    empty = await client.conversations_history(channel="C999")
    assert empty["messages"] == []


async def test_form_encoded_json_fields_are_decoded(fake: FakeSlack) -> None:
    client = client_for(fake)
    blocks = [{"type": "divider"}]
    await client.api_call(
        "chat.postMessage",
        data={"channel": "C123", "text": "form", "blocks": json.dumps(blocks)},
    )
    [call] = fake.calls_to("chat.postMessage")
    assert call.args == {"channel": "C123", "text": "form", "blocks": blocks}


async def test_update_info_and_unknown_methods(fake: FakeSlack) -> None:
    client = client_for(fake)
    posted = await client.chat_postMessage(channel="C123", text="v1")
    updated = await client.chat_update(channel="C123", ts=posted["ts"], text="v2")
    assert updated["message"]["text"] == "v2"
    assert fake.history("C123")[0]["text"] == "v2"
    with pytest.raises(SlackApiError) as missing:
        await client.chat_update(channel="C123", ts="1.000001", text="x")
    assert missing.value.response["error"] == "message_not_found"

    assert (await client.conversations_info(channel="C123"))["channel"]["id"] == "C123"
    assert (await client.users_info(user="U123"))["user"]["id"] == "U123"
    view = await client.views_publish(user_id="U123", view={"type": "home", "blocks": []})
    assert view["view"]["type"] == "home"
    assert (await client.reactions_add(channel="C123", timestamp="1.1", name="eyes"))["ok"]
    assert [c.method for c in fake.calls][-1] == "reactions.add"


async def test_invalid_token_is_rejected() -> None:
    async with FakeSlack(valid_token="xoxb-right") as fake:
        with pytest.raises(SlackApiError) as err:
            await client_for(fake).auth_test()
        assert err.value.response["error"] == "invalid_auth"
        ok = await AsyncWebClient(token="xoxb-right", base_url=fake.api_url).auth_test()
        assert ok["ok"] is True


async def test_invalid_json_body_is_an_api_error(fake: FakeSlack) -> None:
    async with aiohttp.ClientSession() as session:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
        url = fake.api_url + "chat.postMessage"
        async with session.post(url, data=b"{not json", headers=headers) as resp:
            assert resp.status == 200
            assert await resp.json() == {"ok": False, "error": "invalid_json"}
    assert fake.calls_to("chat.postMessage")[0].error == "invalid_json"


# --------------------------------------------------------------------------- failures


async def test_ratelimited_with_retry_after_then_succeeds(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    with pytest.raises(SlackApiError) as err:
        await client_for(fake).chat_postMessage(channel="C123", text="x")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "1"
    assert err.value.response["error"] == "ratelimited"

    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    client = client_for(fake, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])
    started = time.monotonic()
    answer = await client.chat_postMessage(channel="C123", text="retried")
    assert time.monotonic() - started >= 1
    assert answer["ok"] is True
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 429, 200]
    assert [m["text"] for m in fake.history("C123")] == ["retried"]


async def test_error_and_server_failures(fake: FakeSlack) -> None:
    client = client_for(fake)
    fake.fail_next("chat.postMessage", status=200, error="not_in_channel")
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C123", text="x")
    assert err.value.response.status_code == 200
    assert err.value.response["error"] == "not_in_channel"

    fake.fail_next("chat.postMessage", status=503, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            await client.chat_postMessage(channel="C123", text="x")
        assert err.value.response.status_code == 503
    assert (await client.chat_postMessage(channel="C123", text="ok"))["ok"] is True
    assert len(fake.history("C123")) == 1


async def test_drop_next_applies_but_loses_answer(fake: FakeSlack) -> None:
    client = client_for(fake, retry_handlers=[])
    fake.drop_next("chat.postMessage")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client.chat_postMessage(channel="C123", text="lost answer")
    assert [m["text"] for m in fake.history("C123")] == ["lost answer"]

    fake.drop_next("chat.postMessage", how="503")
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C123", text="also posted")
    assert err.value.response.status_code == 503
    assert len(fake.history("C123")) == 2


async def test_delay_next_and_wait_for(fake: FakeSlack) -> None:
    fake.delay_next("chat.postMessage", 5)
    client = client_for(fake, timeout=1)
    with pytest.raises(TimeoutError):
        await client.chat_postMessage(channel="C123", text="slow")
    [call] = await fake.wait_for("chat.postMessage")
    assert call.args["text"] == "slow"
    with pytest.raises(AssertionError, match="waited"):
        await fake.wait_for("chat.postMessage", count=2, timeout=0.1)


# --------------------------------------------------------------------------- response_url


async def test_response_url_expires_after_five_uses(fake: FakeSlack) -> None:
    url = fake.response_url("cmd1")
    async with aiohttp.ClientSession() as session:
        for n in range(5):
            async with session.post(url, json={"text": f"reply {n}"}) as resp:
                assert resp.status == 200
                assert await resp.text() == "ok"
        async with session.post(url, json={"text": "one too many"}) as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error": "expired_url"}

        other = fake.response_url("cmd2")
        fake.expire("cmd2")
        async with session.post(other, json={"text": "late"}) as resp:
            assert resp.status == 404
    calls = fake.responses_to("cmd1")
    assert [c.args["text"] for c in calls][:2] == ["reply 0", "reply 1"]
    assert [c.status for c in calls] == [200] * 5 + [404]
    assert len(fake.calls_to("response_url")) == 7


# --------------------------------------------------------------------------- signing & builders


def test_sign_matches_slack_sdk_verifier() -> None:
    verifier = SignatureVerifier(SECRET)
    bodies = [
        slash_command_body("what is new in RAG?"),
        event_body(app_mention_event(f"<@{BOT_USER_ID}> hi")),
        block_actions_body("more", "page-2"),
    ]
    for body in bodies:
        headers = sign(body, SECRET)
        assert verifier.is_valid_request(body, headers)
        assert not SignatureVerifier("other-secret").is_valid_request(body, headers)
    stale = sign(bodies[0], SECRET, timestamp=int(time.time()) - 3600)
    assert not verifier.is_valid_request(bodies[0], stale)
    fixed = sign(b"abc", "s", timestamp=1_700_000_000)
    assert fixed["X-Slack-Request-Timestamp"] == "1700000000"
    assert fixed["X-Slack-Signature"].startswith("v0=")


def test_payload_builders_look_like_slack() -> None:
    raw = slash_command_body("", response_url="http://x/response/r")
    assert b"&text=&" in raw
    assert b"command=%2Fllmtrend" in raw
    fields = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
    assert fields["text"] == [""]
    assert fields["response_url"] == ["http://x/response/r"]

    event = json.loads(event_body(im_message_event("hi"), event_id="Ev1"))
    assert event["type"] == "event_callback"
    assert event["event_id"] == "Ev1"
    assert event["authorizations"][0]["user_id"] == BOT_USER_ID
    assert event["event"]["channel_type"] == "im"
    assert isinstance(event["event_time"], int)

    message = {"type": "message", "ts": "1700000000.000100", "text": "answer"}
    form = urllib.parse.parse_qs(block_actions_body("next", "2", message=message).decode())
    payload = json.loads(form["payload"][0])
    assert payload["type"] == "block_actions"
    assert payload["actions"][0]["action_id"] == "next"
    assert payload["actions"][0]["value"] == "2"
    assert payload["container"]["message_ts"] == message["ts"]
    assert payload["message"] == message


async def test_bolt_app_end_to_end(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    block_internet(monkeypatch)
    app = AsyncApp(signing_secret=SECRET, client=AsyncWebClient(token=TOKEN, base_url=fake.api_url))
    retry_nums: list[str | None] = []

    @app.command("/llmtrend")
    async def on_command(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        await ack()
        await respond(text=f"echo: {command['text']}")

    @app.event("app_mention")
    async def on_mention(event: dict[str, Any], say: Any, request: Any) -> None:
        retry_nums.append(request.headers.get("x-slack-retry-num", [None])[0])
        await say(text="hi", thread_ts=event["ts"])

    runner = web.AppRunner(app.web_app(path="/slack/events"))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    try:
        async with aiohttp.ClientSession() as session:
            body = slash_command_body("rag", response_url=fake.response_url("c1"))
            assert (await post_signed(session, url, body, SECRET)).status == 200
            [reply] = await fake.wait_for("response_url")
            assert reply.args["text"] == "echo: rag"

            mention = event_body(app_mention_event(f"<@{BOT_USER_ID}> hi", ts="1.000001"))
            answer = await post_signed(session, url, mention, SECRET, retry_num=1)
            assert answer.status == 200
            [post] = await fake.wait_for("chat.postMessage")
            assert post.args["thread_ts"] == "1.000001"
            assert retry_nums == ["1"]

            bad = await post_signed(session, url, body, "wrong-secret")
            assert bad.status == 401
    finally:
        await runner.cleanup()


# --------------------------------------------------------------------------- modals


def modal(title: str = "Trends", **extra: Any) -> dict[str, Any]:
    """A small valid modal view."""
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}]
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": blocks,
        **extra,
    }


def payload_of(body: bytes) -> dict[str, Any]:
    """The JSON ``payload`` of a form-encoded interactivity body."""
    parsed: dict[str, Any] = json.loads(urllib.parse.parse_qs(body.decode())["payload"][0])
    return parsed


async def api_error(call: Any) -> dict[str, Any]:
    """Await a Web API call that must fail; its answer."""
    with pytest.raises(SlackApiError) as err:
        await call
    data: dict[str, Any] = err.value.response.data
    return data


async def test_views_open_answers_and_keeps_the_view(fake: FakeSlack) -> None:
    client = client_for(fake)
    answer = await client.views_open(
        trigger_id=fake.trigger_id(), view=modal(callback_id="cb", private_metadata="m")
    )
    view = answer["view"]
    assert view["id"].startswith("V")
    assert view["root_view_id"] == view["id"]
    assert view["previous_view_id"] is None
    assert view["hash"]
    assert view["callback_id"] == "cb"
    assert view["private_metadata"] == "m"
    assert view["title"]["text"] == "Trends"
    assert {"team_id", "app_id", "bot_id", "state"} <= set(view)
    assert fake.view(view["id"]) == view
    assert fake.open_views() == [view]
    assert fake.view_stack(view["id"]) == [view]
    [call] = fake.calls_to("views.open")
    assert call.error is None
    with pytest.raises(KeyError):
        fake.view("V0")


async def test_trigger_ids_are_single_use_and_expire(fake: FakeSlack) -> None:
    client = client_for(fake)
    trigger = fake.trigger_id()
    await client.views_open(trigger_id=trigger, view=modal())
    reused = await api_error(client.views_open(trigger_id=trigger, view=modal()))
    assert reused["error"] == "exchanged_trigger_id"
    unknown = await api_error(client.views_open(trigger_id="1.2.abc", view=modal()))
    assert unknown["error"] == "invalid_trigger_id"
    old = await api_error(client.views_open(trigger_id=fake.trigger_id(age=3.5), view=modal()))
    assert old["error"] == "expired_trigger_id"
    missing = await api_error(client.api_call("views.open", json={"view": modal()}))
    assert missing["error"] == "invalid_arguments"
    assert [c.error for c in fake.calls_to("views.open")] == [
        None,
        "exchanged_trigger_id",
        "invalid_trigger_id",
        "expired_trigger_id",
        "invalid_arguments",
    ]
    assert len(fake.open_views()) == 1


async def test_trigger_expires_after_ttl_in_real_time() -> None:
    async with FakeSlack(trigger_ttl=0.2) as fake:
        client = client_for(fake)
        trigger = fake.trigger_id()
        await asyncio.sleep(0.3)
        late = await api_error(client.views_open(trigger_id=trigger, view=modal()))
        assert late["error"] == "expired_trigger_id"


async def test_body_builders_carry_fresh_trigger_ids(fake: FakeSlack) -> None:
    client = client_for(fake)
    command = urllib.parse.parse_qs(slash_command_body("x").decode())
    clicked = payload_of(block_actions_body("more", "2"))
    feedback = payload_of(feedback_click_body("good"))
    triggers = [command["trigger_id"][0], clicked["trigger_id"], feedback["trigger_id"]]
    assert len(set(triggers)) == 3
    for trigger in triggers:
        assert (await client.views_open(trigger_id=trigger, view=modal()))["ok"]
    made = issue_trigger_id()  # without a fake, e.g. in a helper
    assert (await client.views_open(trigger_id=made, view=modal()))["ok"]
    own = fake.register_trigger("42.1700000000.cafe")
    assert (await client.views_open(trigger_id=own, view=modal()))["ok"]
    given = urllib.parse.parse_qs(slash_command_body("x", trigger_id="T1").decode())
    assert given["trigger_id"] == ["T1"]
    refused = await api_error(client.views_open(trigger_id="T1", view=modal()))
    assert refused["error"] == "invalid_trigger_id"


@pytest.mark.parametrize(
    ("view", "pointer"),
    [
        (modal("A title of twenty-five ch"), "/view/title/text"),
        ({**modal(), "type": "home"}, "/view/type"),
        ({**modal(), "title": {"type": "mrkdwn", "text": "x"}}, "/view/title/type"),
        (modal(close={"type": "plain_text", "text": "c" * 25}), "/view/close/text"),
        (modal(submit={"type": "plain_text", "text": "s" * 25}), "/view/submit/text"),
        ({**modal(), "blocks": [{"type": "divider"}] * 101}, "/view/blocks"),
        (
            {
                **modal(),
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
            },
            "/view/blocks/0/text/text",
        ),
        (modal(private_metadata="p" * 3001), "/view/private_metadata"),
        (modal(callback_id="c" * 256), "/view/callback_id"),
        (modal(external_id="e" * 256), "/view/external_id"),
        (
            {
                **modal(),
                "blocks": [{"type": "input", "label": {"type": "plain_text", "text": "q"}}],
            },
            "/view/submit",
        ),
    ],
)
async def test_views_open_validates_the_modal(
    fake: FakeSlack, view: dict[str, Any], pointer: str
) -> None:
    client = client_for(fake)
    trigger = fake.trigger_id()
    answer = await api_error(client.views_open(trigger_id=trigger, view=view))
    assert answer["error"] == "invalid_arguments"
    [message] = answer["response_metadata"]["messages"]
    assert message.startswith("[ERROR] ")
    assert message.endswith(f"[json-pointer:{pointer}]")
    assert fake.open_views() == []
    # a refused view does not use up the trigger
    assert (await client.views_open(trigger_id=trigger, view=modal()))["ok"]


async def test_limits_are_inclusive(fake: FakeSlack) -> None:
    view = {
        **modal("t" * 24, close={"type": "plain_text", "text": "c" * 24}),
        "blocks": [section("x" * 3000)] + [{"type": "divider"}] * 99,
        "private_metadata": "p" * 3000,
        "callback_id": "c" * 255,
    }
    assert (await client_for(fake).views_open(trigger_id=fake.trigger_id(), view=view))["ok"]


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


async def test_view_as_json_string_and_too_large(fake: FakeSlack) -> None:
    client = client_for(fake)
    form = {"trigger_id": fake.trigger_id(), "view": json.dumps(modal())}
    assert (await client.api_call("views.open", data=form))["view"]["type"] == "modal"
    big = {**modal(), "blocks": [section("x" * 3000)] * 90}  # each block fine, 270 kB in all
    answer = await api_error(client.views_open(trigger_id=fake.trigger_id(), view=big))
    assert answer["error"] == "view_too_large"


async def test_external_id_is_unique_among_open_views(fake: FakeSlack) -> None:
    client = client_for(fake)
    first = await client.views_open(trigger_id=fake.trigger_id(), view=modal(external_id="e1"))
    dup = await api_error(
        client.views_open(trigger_id=fake.trigger_id(), view=modal(external_id="e1"))
    )
    assert dup["error"] == "duplicate_external_id"
    fake.close_view(first["view"]["id"])
    assert fake.open_views() == []
    again = await client.views_open(trigger_id=fake.trigger_id(), view=modal(external_id="e1"))
    assert again["ok"]
    with pytest.raises(KeyError):
        fake.close_view(first["view"]["id"])


async def test_views_update_by_id_external_id_and_hash(fake: FakeSlack) -> None:
    client = client_for(fake)
    opened = (await client.views_open(trigger_id=fake.trigger_id(), view=modal(external_id="ext")))[
        "view"
    ]
    updated = (
        await client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Two"))
    )["view"]
    assert updated["id"] == opened["id"]
    assert updated["hash"] != opened["hash"]
    assert updated["title"]["text"] == "Two"
    assert updated["external_id"] == "ext"  # kept when the new view does not set it
    assert fake.view(opened["id"]) == updated

    stale = await api_error(
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Three"))
    )
    assert stale["error"] == "hash_conflict"
    assert fake.view(opened["id"])["title"]["text"] == "Two"

    by_external = await client.views_update(external_id="ext", view=modal("Four"))
    assert by_external["view"]["id"] == opened["id"]
    assert fake.view(opened["id"])["title"]["text"] == "Four"

    unknown = await api_error(client.views_update(view_id="VNOPE", view=modal()))
    assert unknown["error"] == "not_found"
    unknown_ext = await api_error(client.views_update(external_id="nope", view=modal()))
    assert unknown_ext["error"] == "not_found"
    invalid = await api_error(client.views_update(view_id=opened["id"], view=modal("x" * 30)))
    assert invalid["error"] == "invalid_arguments"
    assert invalid["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    neither = await api_error(client.api_call("views.update", json={"view": modal()}))
    assert neither["error"] == "invalid_arguments"

    fake.close_view(opened["id"])
    closed = await api_error(client.views_update(view_id=opened["id"], view=modal()))
    assert closed["error"] == "not_found"


async def test_views_push_stack_and_limit(fake: FakeSlack) -> None:
    client = client_for(fake)
    nothing_open = await api_error(client.views_push(trigger_id=fake.trigger_id(), view=modal()))
    assert nothing_open["error"] == "not_found"

    root = (await client.views_open(trigger_id=fake.trigger_id(), view=modal("Root")))["view"]
    trigger = fake.trigger_id(view_id=root["id"])
    second = (await client.views_push(trigger_id=trigger, view=modal("Second")))["view"]
    assert second["root_view_id"] == root["id"]
    assert second["previous_view_id"] == root["id"]
    reused = await api_error(client.views_push(trigger_id=trigger, view=modal()))
    assert reused["error"] == "exchanged_trigger_id"
    expired = await api_error(client.views_push(trigger_id=fake.trigger_id(age=5), view=modal()))
    assert expired["error"] == "expired_trigger_id"
    third = (await client.views_push(trigger_id=fake.trigger_id(), view=modal("Third")))["view"]
    assert third["previous_view_id"] == second["id"]
    assert [v["title"]["text"] for v in fake.view_stack(root["id"])] == ["Root", "Second", "Third"]

    full = fake.trigger_id(view_id=third["id"])
    limit = await api_error(client.views_push(trigger_id=full, view=modal("Fourth")))
    assert limit["error"] == "push_limit_reached"
    invalid = await api_error(client.views_push(trigger_id=full, view=modal("y" * 25)))
    assert invalid["error"] == "invalid_arguments"

    fake.close_view(third["id"])  # back to the second view
    assert [v["id"] for v in fake.open_views()] == [root["id"], second["id"]]
    from_closed = await api_error(client.views_push(trigger_id=full, view=modal("Fourth")))
    assert from_closed["error"] == "not_found"  # the trigger came from the closed view
    back = fake.trigger_id(view_id=second["id"])
    assert (await client.views_push(trigger_id=back, view=modal("Fourth")))["ok"]

    fake.close_view(root["id"])
    assert fake.open_views() == []
    gone = await api_error(
        client.views_push(trigger_id=fake.trigger_id(view_id=root["id"]), view=modal())
    )
    assert gone["error"] == "not_found"


async def test_views_push_onto_the_modal_of_the_trigger(fake: FakeSlack) -> None:
    client = client_for(fake)
    first = (await client.views_open(trigger_id=fake.trigger_id(), view=modal("A")))["view"]
    second = (await client.views_open(trigger_id=fake.trigger_id(), view=modal("B")))["view"]
    pushed = await client.views_push(
        trigger_id=fake.trigger_id(view_id=first["id"]), view=modal("A2")
    )
    assert pushed["view"]["root_view_id"] == first["id"]
    latest = await client.views_push(trigger_id=fake.trigger_id(), view=modal("B2"))
    assert latest["view"]["root_view_id"] == second["id"]  # no view given: the newest modal
    fake.reset()
    assert fake.open_views() == []
    assert fake.views == {}


# --------------------------------------------------------------------------- assistant, users, mpim


async def test_suggested_prompts(fake: FakeSlack) -> None:
    client = client_for(fake)
    prompts = [{"title": "What is new?", "message": "What is new in RAG this week?"}]
    answer = await client.assistant_threads_setSuggestedPrompts(
        channel_id="D123", prompts=prompts, title="Try"
    )
    assert answer["ok"] is True
    assert fake.suggested_prompts("D123") == prompts
    assert fake.suggested_prompts_title("D123") == "Try"
    assert fake.suggested_prompts("D999") == []
    assert fake.suggested_prompts_title("D999") is None

    later = [{"title": f"t{n}", "message": f"m{n}"} for n in range(4)]
    await client.assistant_threads_setSuggestedPrompts(channel_id="D123", prompts=later)
    assert fake.suggested_prompts("D123") == later
    assert fake.suggested_prompts_title("D123") is None

    too_many = await api_error(
        client.assistant_threads_setSuggestedPrompts(channel_id="D123", prompts=later + later[:1])
    )
    assert too_many["error"] == "invalid_arguments"
    empty = await api_error(
        client.assistant_threads_setSuggestedPrompts(
            channel_id="D123", prompts=[{"title": "t", "message": " "}]
        )
    )
    assert empty["response_metadata"]["messages"] == [
        "[ERROR] must be a non-empty string [json-pointer:/prompts/0/message]"
    ]
    assert fake.suggested_prompts("D123") == later


async def test_suggested_prompts_with_thread_ts_fail_silently(fake: FakeSlack) -> None:
    client = client_for(fake)
    prompts = [{"title": "t", "message": "m"}]
    answer = await client.assistant_threads_setSuggestedPrompts(
        channel_id="D123", thread_ts="1700000000.000100", prompts=prompts
    )
    assert answer.data == {"ok": True}  # like Slack: no sign of failure in the answer
    [call] = fake.calls_to("assistant.threads.setSuggestedPrompts")
    assert call.error == "thread_ts_not_allowed"
    assert call.status == 200
    assert fake.suggested_prompts("D123") == []


async def test_users_info_admins_and_owners(fake: FakeSlack) -> None:
    client = client_for(fake)
    plain = (await client.users_info(user="U123"))["user"]
    assert (plain["is_admin"], plain["is_owner"]) == (False, False)
    fake.set_admin("U123")
    fake.set_owner("UOWNER")
    admin = (await client.users_info(user="U123"))["user"]
    owner = (await client.users_info(user="UOWNER"))["user"]
    assert (admin["is_admin"], admin["is_owner"]) == (True, False)
    assert (owner["is_admin"], owner["is_owner"]) == (True, True)
    fake.set_admin("U123", False)
    assert (await client.users_info(user="U123"))["user"]["is_admin"] is False


async def test_conversations_info_for_group_dms(fake: FakeSlack) -> None:
    client = client_for(fake)
    channel = fake.add_mpim("G777", ["U1", "U2", BOT_USER_ID])
    info = (await client.conversations_info(channel=channel))["channel"]
    assert info["is_mpim"] is True
    assert (info["is_channel"], info["is_group"], info["is_im"]) == (False, False, False)
    assert info["is_private"] is True
    assert info["name"].startswith("mpdm-")
    members = await client.conversations_members(channel=channel)
    assert members["members"] == ["U1", "U2", BOT_USER_ID]
    other = (await client.conversations_info(channel="G888"))["channel"]
    assert (other["is_mpim"], other["is_group"]) == (False, True)
    assert (await client.conversations_info(channel="C123"))["channel"]["is_mpim"] is False


def test_message_event_builders() -> None:
    reply = channel_message_event(
        "more?", ts="2.000001", thread_ts="1.000001", parent_user_id=BOT_USER_ID
    )
    assert reply["type"] == "message"
    assert (reply["channel"], reply["channel_type"]) == ("C123", "channel")
    assert (reply["ts"], reply["event_ts"], reply["thread_ts"]) == ("2.000001",) * 2 + ("1.000001",)
    assert reply["parent_user_id"] == BOT_USER_ID
    private = channel_message_event("x", channel="G1", channel_type="group")
    assert private["channel_type"] == "group"
    assert "thread_ts" not in private
    group = mpim_message_event("hi all", user="U2", thread_ts="1.000001")
    assert (group["channel"], group["channel_type"], group["user"]) == ("G123", "mpim", "U2")
    assert im_message_event("hi")["channel_type"] == "im"
    body = json.loads(event_body(group))
    assert body["event"] == group


# --------------------------------------------------------------------------- feedback & blocks


def feedback_blocks(
    positive: str = "good", negative: str = "bad", n_elements: int = 1
) -> list[dict[str, Any]]:
    buttons = {
        "type": "feedback_buttons",
        "action_id": "answer_feedback",
        "positive_button": {"text": {"type": "plain_text", "text": "Good"}, "value": positive},
        "negative_button": {"text": {"type": "plain_text", "text": "Bad"}, "value": negative},
    }
    return [
        section("an answer"),
        {"type": "context_actions", "block_id": "fb", "elements": [buttons] * n_elements},
    ]


def test_feedback_click_body_from_the_message() -> None:
    message = {
        "type": "message",
        "ts": "1700000000.000100",
        "text": "a",
        "blocks": feedback_blocks(),
    }
    payload = payload_of(
        feedback_click_body("bad", message=message, response_url="http://x/response/r")
    )
    assert payload["type"] == "block_actions"
    [action] = payload["actions"]
    assert action["type"] == "feedback_buttons"
    assert (action["value"], action["action_id"], action["block_id"]) == (
        "bad",
        "answer_feedback",
        "fb",
    )
    assert action["text"] == {"type": "plain_text", "text": "Bad"}
    assert "action_ts" in action
    assert payload["message"] == message
    assert payload["container"]["message_ts"] == message["ts"]
    assert payload["container"]["is_ephemeral"] is False
    assert payload["response_url"] == "http://x/response/r"
    assert payload["trigger_id"]
    with pytest.raises(ValueError, match="no feedback button"):
        feedback_click_body("other", message=message)
    forged = payload_of(feedback_click_body("other", message=message, action_id="answer_feedback"))
    assert forged["actions"][0]["value"] == "other"

    bare = payload_of(feedback_click_body("good", user_id="U9", channel_id="C9"))
    assert bare["actions"][0]["action_id"] == "feedback"
    assert bare["user"]["id"] == "U9"
    assert bare["container"]["channel_id"] == "C9"
    custom = {"type": "message", "message_ts": "1.000001", "channel_id": "D1", "thread_ts": "1.0"}
    assert payload_of(feedback_click_body("good", container=custom))["container"] == custom


async def test_messages_with_bad_context_actions_are_refused(fake: FakeSlack) -> None:
    client = client_for(fake)
    good = await client.chat_postMessage(channel="C123", text="a", blocks=feedback_blocks())
    assert good["ok"]
    too_many = await api_error(
        client.chat_postMessage(channel="C123", text="a", blocks=feedback_blocks(n_elements=6))
    )
    assert too_many["error"] == "invalid_blocks"
    assert too_many["errors"] == ["no more than 5 items allowed [json-pointer:/blocks/1/elements]"]
    assert too_many["response_metadata"]["messages"] == [
        "[ERROR] no more than 5 items allowed [json-pointer:/blocks/1/elements]"
    ]
    wrong = [{"type": "context_actions", "elements": [{"type": "button", "text": "x"}]}]
    bad_type = await api_error(client.chat_postMessage(channel="C123", text="a", blocks=wrong))
    assert bad_type["errors"] == [
        "must be a valid enum value [json-pointer:/blocks/0/elements/0/type]"
    ]
    no_value = feedback_blocks(negative="")
    missing = await api_error(
        client.chat_postEphemeral(channel="C123", user="U1", text="a", blocks=no_value)
    )
    assert missing["error"] == "invalid_blocks"
    long = await api_error(
        client.chat_update(channel="C123", ts=good["ts"], text="a", blocks=[section("x" * 3001)])
    )
    assert long["errors"] == [
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
    ]
    fifty_one = await api_error(
        client.chat_postMessage(channel="C123", text="a", blocks=[{"type": "divider"}] * 51)
    )
    assert fifty_one["errors"] == ["no more than 50 items allowed [json-pointer:/blocks]"]
    assert len(fake.history("C123")) == 1
    assert fake.history("C123")[0]["blocks"] == feedback_blocks()


async def test_response_url_refuses_bad_blocks(fake: FakeSlack) -> None:
    url = fake.response_url("fb")
    async with aiohttp.ClientSession() as session:
        bad = {"text": "a", "blocks": feedback_blocks(n_elements=6)}
        async with session.post(url, json=bad) as resp:
            assert resp.status == 400
            assert await resp.text() == "invalid_blocks"
        async with session.post(url, json={"text": "a", "blocks": feedback_blocks()}) as resp:
            assert resp.status == 200
    assert [c.error for c in fake.responses_to("fb")] == ["invalid_blocks", None]


async def test_calls_without_fallback_text(fake: FakeSlack) -> None:
    client = client_for(fake)
    blocks = [section("rich")]
    with pytest.warns(UserWarning, match="top-level `text`"):  # slack_sdk warns too
        await client.chat_postMessage(channel="C123", blocks=blocks)
    await client.chat_postMessage(channel="C123", text="fallback", blocks=blocks)
    await client.chat_postMessage(channel="C123", text="plain")
    async with aiohttp.ClientSession() as session:
        await session.post(fake.response_url("r"), json={"blocks": blocks})
        await session.post(fake.response_url("r"), json={"delete_original": True})
    missing = fake.calls_without_text()
    assert [c.method for c in missing] == ["chat.postMessage", "response_url"]
    assert missing[0].args["blocks"] == blocks


# --------------------------------------------------------------------------- internet guard


async def test_internet_guard(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    block_internet(monkeypatch)
    with pytest.raises(InternetBlockedError):
        socket.create_connection(("1.1.1.1", 53), timeout=1)
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(InternetBlockedError),
    ):
        sock.connect(("1.1.1.1", 443))
    with pytest.raises(InternetBlockedError):
        socket.getaddrinfo("slack.com", 443)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(InternetBlockedError):
            await session.get("http://1.1.1.1/")

    with socket.create_connection(("127.0.0.1", fake.port), timeout=1):
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.connect(("127.0.0.1", fake.port))
    assert (await client_for(fake).auth_test())["ok"] is True
