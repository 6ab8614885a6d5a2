"""Tests for the Slack fake in ``tests/slackfake.py``."""

from __future__ import annotations

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
    event_body,
    im_message_event,
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
