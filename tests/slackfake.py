"""A small in-process fake of Slack for tests.

``FakeSlack`` serves a subset of the Web API (``/api/{method}``) and ``response_url``
endpoints (``/response/{token}``) on 127.0.0.1, records every call and can inject
failures.  The module also builds signed request bodies the way Slack sends them
(slash commands, Events API callbacks, block actions) and offers ``block_internet``
to make sure tests never leave the machine.

Typical use::

    async with FakeSlack() as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)
        await client.chat_postMessage(channel="C123", text="hi")
        [call] = await fake.wait_for("chat.postMessage")
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import json
import socket
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
import pytest
from aiohttp import web
from multidict import CIMultiDict

from tests.harness import sign

__all__ = [
    "API_APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "TEAM_ID",
    "Call",
    "FakeSlack",
    "HttpAnswer",
    "InternetBlockedError",
    "app_mention_event",
    "block_actions_body",
    "block_internet",
    "event_body",
    "im_message_event",
    "post_signed",
    "sign",
    "slash_command_body",
    "url_verification_body",
]

TEAM_ID = "T123"
TEAM_NAME = "LLMTrend Test"
TEAM_DOMAIN = "llmtrend-test"
API_APP_ID = "A123"
BOT_USER_ID = "UBOT123"
BOT_ID = "BBOT123"
BOT_NAME = "llmtrend"
DEFAULT_USER_ID = "U123"
DEFAULT_CHANNEL_ID = "C123"
#: Placeholder response_url: a bot that really posts here hits ``block_internet``.
UNUSED_RESPONSE_URL = "https://hooks.slack.com/commands/T123/0000000000/unused"
RESPONSE_URL_MAX_USES = 5

# Form fields Slack accepts as JSON-encoded strings.
_JSON_FORM_FIELDS = frozenset(
    {"blocks", "attachments", "metadata", "view", "user_auth_blocks", "unfurls"}
)
_TRUE_STRINGS = frozenset({"1", "true", "True", "yes"})
_ids = itertools.count(1)


# --------------------------------------------------------------------------- recording


@dataclass
class Call:
    """One request received by the fake (Web API method or ``response_url``)."""

    method: str
    args: dict[str, Any]
    headers: Mapping[str, str]
    token: str | None = None
    path: str = ""
    status: int | None = None  # HTTP status answered; 0 when the connection was dropped
    error: str | None = None  # Slack ``error`` answered, if any


@dataclass
class _Fault:
    kind: Literal["fail", "delay", "drop"]
    times: int
    status: int = 200
    retry_after: int = 1
    error: str = ""
    seconds: float = 0.0
    how: Literal["close", "503"] = "close"


class _BadRequest(Exception):
    """A request body Slack would reject with ``error``."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass
class _ResponseUrl:
    uses: int = 0
    expired: bool = False


@dataclass
class HttpAnswer:
    """A fully read HTTP answer (status, headers, body)."""

    status: int
    headers: Mapping[str, str]
    body: bytes = b""

    @property
    def text(self) -> str:
        """Body decoded as UTF-8."""
        return self.body.decode()

    def json(self) -> Any:
        """Body parsed as JSON."""
        return json.loads(self.body)


# --------------------------------------------------------------------------- the fake


@dataclass
class FakeSlack:
    """Fake Slack Web API + response_url server on 127.0.0.1 with a free port."""

    valid_token: str | None = None
    bot_user_id: str = BOT_USER_ID
    bot_id: str = BOT_ID
    team_id: str = TEAM_ID
    team: str = TEAM_NAME
    app_id: str = API_APP_ID
    response_url_max_uses: int = RESPONSE_URL_MAX_USES
    calls: list[Call] = field(default_factory=list, init=False)
    #: channel id -> messages known to the fake, oldest first.
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict, init=False)
    #: Channels the bot is not a member of (conversations.info says is_member false).
    not_member_of: set[str] = field(default_factory=set, init=False)
    _faults: dict[str, list[_Fault]] = field(default_factory=dict, init=False, repr=False)
    _response_urls: dict[str, _ResponseUrl] = field(default_factory=dict, init=False, repr=False)
    _runner: web.AppRunner | None = field(default=None, init=False, repr=False)
    _port: int | None = field(default=None, init=False, repr=False)
    _arrived: asyncio.Condition | None = field(default=None, init=False, repr=False)
    _ts_counter: int = field(default=1_700_000_000_000_000, init=False, repr=False)

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> FakeSlack:
        """Start serving on 127.0.0.1 with an OS-chosen port."""
        if self._runner is not None:
            return self
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response/{token}", self._handle_response_url)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        self._arrived = asyncio.Condition()
        return self

    async def stop(self) -> None:
        """Stop the server (idempotent)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """Bound TCP port (only after ``start``)."""
        if self._port is None:
            raise RuntimeError("FakeSlack is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """Web API base URL for ``AsyncWebClient(base_url=...)``; ends with ``/``."""
        return f"{self.base_url}/api/"

    def response_url(self, token: str = "resp") -> str:
        """URL the fake serves as a Slack ``response_url`` identified by ``token``."""
        self._response_urls.setdefault(token, _ResponseUrl())
        return f"{self.base_url}/response/{urllib.parse.quote(token, safe='')}"

    # ----------------------------------------------------------------- inspection

    def calls_to(self, method: str) -> list[Call]:
        """Calls recorded for one method (``"response_url"`` for response_url posts)."""
        return [c for c in self.calls if c.method == method]

    def responses_to(self, token: str) -> list[Call]:
        """``response_url`` calls recorded for one response_url token."""
        return [c for c in self.calls_to("response_url") if c.path == f"/response/{token}"]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5,  # noqa: ASYNC109 - a test helper; the timeout is the point
    ) -> list[Call]:
        """Wait until ``count`` calls of ``method`` arrived; return them all."""
        assert self._arrived is not None, "FakeSlack is not started"
        try:
            async with asyncio.timeout(timeout), self._arrived:
                await self._arrived.wait_for(lambda: len(self.calls_to(method)) >= count)
        except TimeoutError:
            seen = [c.method for c in self.calls]
            raise AssertionError(
                f"waited {timeout}s for {count} x {method}, got "
                f"{len(self.calls_to(method))}; all calls: {seen}"
            ) from None
        return self.calls_to(method)

    def history(self, channel: str) -> list[dict[str, Any]]:
        """Messages the fake holds for ``channel``, oldest first."""
        return list(self.messages.get(channel, []))

    def reset(self) -> None:
        """Forget calls, messages, faults and response_url usage."""
        self.calls.clear()
        self.messages.clear()
        self._faults.clear()
        self._response_urls.clear()

    # ----------------------------------------------------------------- control

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        error: str = "ratelimited",
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (429, 5xx or 200 + error)."""
        self._faults.setdefault(method, []).append(
            _Fault("fail", times, status=status, retry_after=retry_after, error=error)
        )

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Delay the answer (not the effect) of the next ``times`` calls of ``method``."""
        self._faults.setdefault(method, []).append(_Fault("delay", times, seconds=seconds))

    def drop_next(
        self, method: str, how: Literal["close", "503"] = "close", times: int = 1
    ) -> None:
        """Apply the next call(s) of ``method`` but lose the answer (close or 503).

        Note: slack_sdk's default ``AsyncConnectionErrorRetryHandler`` retries once after
        a closed connection, so with ``how="close"`` the method usually arrives twice.
        """
        self._faults.setdefault(method, []).append(_Fault("drop", times, how=how))

    def expire(self, token: str) -> None:
        """Mark a response_url as expired: further posts answer 404 ``expired_url``."""
        self._response_urls.setdefault(token, _ResponseUrl()).expired = True

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        user: str = DEFAULT_USER_ID,
        ts: str | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
        blocks: list[dict[str, Any]] | None = None,
        bot: bool = False,
    ) -> dict[str, Any]:
        """Seed a message into ``channel`` (as if someone had posted it)."""
        msg: dict[str, Any] = {"type": "message", "text": text, "ts": ts or self.next_ts()}
        if bot:
            msg.update(user=self.bot_user_id, bot_id=self.bot_id, app_id=self.app_id)
        else:
            msg["user"] = user
        msg["team"] = self.team_id
        if thread_ts:
            msg["thread_ts"] = thread_ts
        if blocks is not None:
            msg["blocks"] = blocks
        if metadata is not None:
            msg["metadata"] = metadata
        self.messages.setdefault(channel, []).append(msg)
        self.messages[channel].sort(key=lambda m: _ts_key(m["ts"]))
        return msg

    def next_ts(self) -> str:
        """A new unique, increasing message ts like ``"1700000000.000100"``."""
        self._ts_counter += 100
        return f"{self._ts_counter // 1_000_000}.{self._ts_counter % 1_000_000:06d}"

    # ----------------------------------------------------------------- internals

    def _take_fault(self, method: str) -> tuple[_Fault | None, float]:
        """Pop the next failure/drop for ``method`` and the total delay to apply."""
        delay = 0.0
        fault: _Fault | None = None
        queue = self._faults.get(method, [])
        for f in list(queue):
            if f.kind == "delay":
                delay += f.seconds
            elif fault is None:
                fault = f
            else:
                continue
            f.times -= 1
            if f.times <= 0:
                queue.remove(f)
        return fault, delay

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        if self._arrived is not None:
            async with self._arrived:
                self._arrived.notify_all()

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        try:
            args = await _read_args(request)
        except _BadRequest as bad:
            call = Call(method, {}, CIMultiDict(request.headers), path=request.path)
            call.status, call.error = 200, bad.error
            await self._record(call)
            return web.json_response({"ok": False, "error": bad.error})
        form_token = _str_or_none(args.pop("token", None))
        token = _bearer(request.headers.get("Authorization")) or form_token
        call = Call(method, args, CIMultiDict(request.headers), token=token, path=request.path)
        await self._record(call)
        fault, delay = self._take_fault(method)

        if fault is not None and fault.kind == "fail":
            if delay:
                await asyncio.sleep(delay)
            return _failure(call, fault)

        if token is None:
            status, body = 200, {"ok": False, "error": "not_authed"}
        elif self.valid_token is not None and token != self.valid_token:
            status, body = 200, {"ok": False, "error": "invalid_auth"}
        else:
            status, body = 200, self._dispatch(method, args)
        call.error = None if body.get("ok") else str(body.get("error"))

        if delay:
            await asyncio.sleep(delay)
        if fault is not None and fault.kind == "drop":
            return await _drop(request, call, fault)
        call.status = status
        return web.json_response(body, status=status)

    async def _handle_response_url(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        raw = await request.read()
        try:
            args = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            args = {"_raw": raw.decode(errors="replace")}
        call = Call("response_url", args, CIMultiDict(request.headers), path=f"/response/{token}")
        await self._record(call)
        fault, delay = self._take_fault("response_url")
        if delay:
            await asyncio.sleep(delay)
        if fault is not None and fault.kind == "fail":
            return _failure(call, fault)

        state = self._response_urls.setdefault(token, _ResponseUrl())
        state.uses += 1
        if state.expired or state.uses > self.response_url_max_uses:
            state.expired = True
            call.status, call.error = 404, "expired_url"
            return web.json_response({"ok": False, "error": "expired_url"}, status=404)
        if not isinstance(args, dict) or "_raw" in args:
            call.status, call.error = 400, "invalid_payload"
            return web.Response(status=400, text="invalid_payload")
        if fault is not None and fault.kind == "drop":
            return await _drop(request, call, fault)
        call.status = 200
        return web.Response(text="ok")

    # ----------------------------------------------------------------- Web API methods

    def _dispatch(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "views.publish": self._views_publish,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "conversations.info": self._conversations_info,
            "users.info": self._users_info,
        }.get(method)
        return handler(args) if handler else {"ok": True}

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": self.team,
            "user": BOT_NAME,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _channel_of(self, args: dict[str, Any]) -> str | None:
        channel = _str_or_none(args.get("channel"))
        if channel and channel[0] in "UW":  # posting to a user id opens the DM
            return "D" + channel[1:]
        return channel

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_of(args)
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not (args.get("text") or args.get("blocks") or args.get("attachments")):
            return {"ok": False, "error": "no_text"}
        msg: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": args.get("text") or "",
            "ts": self.next_ts(),
        }
        for key in ("blocks", "attachments", "metadata"):
            if args.get(key) is not None:
                msg[key] = args[key]
        if args.get("thread_ts"):
            msg["thread_ts"] = str(args["thread_ts"])
            if _truthy(args.get("reply_broadcast")):
                msg["subtype"] = "thread_broadcast"
        self.messages.setdefault(channel, []).append(msg)
        return {"ok": True, "channel": channel, "ts": msg["ts"], "message": dict(msg)}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not self._channel_of(args):
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("user"):
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "message_ts": self.next_ts()}

    def _find(self, args: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
        channel = self._channel_of(args)
        ts = _str_or_none(args.get("ts"))
        for msg in self.messages.get(channel or "", []):
            if msg["ts"] == ts:
                return channel, msg
        return channel, None

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, msg = self._find(args)
        if msg is None:
            return {"ok": False, "error": "message_not_found"}
        for key in ("text", "blocks", "attachments", "metadata"):
            if args.get(key) is not None:
                msg[key] = args[key]
        msg["edited"] = {"user": self.bot_user_id, "ts": self.next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": msg["ts"],
            "text": msg.get("text", ""),
            "message": dict(msg),
        }

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, msg = self._find(args)
        if msg is None or channel is None:
            return {"ok": False, "error": "message_not_found"}
        self.messages[channel].remove(msg)
        return {"ok": True, "channel": channel, "ts": msg["ts"]}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        view = args.get("view")
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        return {
            "ok": True,
            "view": {
                **view,
                "id": f"V{next(_ids):08d}",
                "team_id": self.team_id,
                "app_id": self.app_id,
                "bot_id": self.bot_id,
                "hash": f"{int(time.time())}.fake",
            },
        }

    def _visible(self, msg: dict[str, Any], include_metadata: bool) -> dict[str, Any]:
        out = dict(msg)
        if not include_metadata:
            out.pop("metadata", None)
        return out

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = _str_or_none(args.get("channel"))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        latest = _ts_key(args["latest"]) if args.get("latest") else None
        oldest = _ts_key(args["oldest"]) if args.get("oldest") else None
        inclusive = _truthy(args.get("inclusive"))
        include_metadata = _truthy(args.get("include_all_metadata"))
        limit = int(args.get("limit") or 100)
        found = []
        for msg in reversed(self.messages.get(channel, [])):
            key = _ts_key(msg["ts"])
            is_reply = msg.get("thread_ts") not in (None, msg["ts"])
            if is_reply and msg.get("subtype") != "thread_broadcast":
                continue
            if latest is not None and (key > latest or (key == latest and not inclusive)):
                continue
            if oldest is not None and (key < oldest or (key == oldest and not inclusive)):
                continue
            found.append(self._visible(msg, include_metadata))
        return {
            "ok": True,
            "messages": found[:limit],
            "has_more": len(found) > limit,
            "pin_count": 0,
            "response_metadata": {"next_cursor": ""},
        }

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = _str_or_none(args.get("channel")) or ""
        ts = _str_or_none(args.get("ts"))
        include_metadata = _truthy(args.get("include_all_metadata"))
        thread = [
            self._visible(m, include_metadata)
            for m in self.messages.get(channel, [])
            if m["ts"] == ts or m.get("thread_ts") == ts
        ]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        return {"ok": True, "messages": thread, "has_more": False}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = _str_or_none(args.get("channel"))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        is_im = channel.startswith("D")
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "name": None if is_im else channel.lower(),
                "is_channel": channel.startswith("C"),
                "is_group": channel.startswith("G"),
                "is_im": is_im,
                "is_private": not channel.startswith("C"),
                "is_member": channel not in self.not_member_of,
                "is_archived": False,
                "context_team_id": self.team_id,
            },
        }

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = _str_or_none(args.get("user"))
        if not user:
            return {"ok": False, "error": "user_not_found"}
        is_bot = user == self.bot_user_id
        name = BOT_NAME if is_bot else f"user-{user.lower()}"
        return {
            "ok": True,
            "user": {
                "id": user,
                "team_id": self.team_id,
                "name": name,
                "real_name": name,
                "deleted": False,
                "is_bot": is_bot,
                "tz": "Etc/UTC",
                "tz_offset": 0,
                "profile": {"real_name": name, "display_name": name},
            },
        }


# --------------------------------------------------------------------------- helpers


def _ts_key(ts: Any) -> tuple[int, int]:
    sec, _, frac = str(ts).partition(".")
    return int(sec or 0), int((frac + "000000")[:6])


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, (str, int)) and str(value) in _TRUE_STRINGS)


def _str_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _bearer(header: str | None) -> str | None:
    if header and header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


async def _read_args(request: web.Request) -> dict[str, Any]:
    """Merge query string and body (JSON, form or multipart) like Slack does."""
    args: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return args
    if request.content_type == "application/json":
        try:
            body = json.loads(await request.read())
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise _BadRequest("invalid_json")
        args.update(body)
        return args
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            args[key] = {"filename": value.filename, "content": value.file.read()}
        elif key in _JSON_FORM_FIELDS:
            try:
                args[key] = json.loads(value)
            except json.JSONDecodeError:
                args[key] = value
        else:
            args[key] = value
    return args


def _failure(call: Call, fault: _Fault) -> web.Response:
    call.status, call.error = fault.status, fault.error or None
    if fault.status == 429:
        return web.json_response(
            {"ok": False, "error": fault.error or "ratelimited"},
            status=429,
            headers={"Retry-After": str(fault.retry_after)},
        )
    if 500 <= fault.status <= 599:
        html = f"<html><body><h1>{fault.status} Server Error</h1></body></html>"
        return web.Response(status=fault.status, text=html, content_type="text/html")
    return web.json_response({"ok": False, "error": fault.error}, status=fault.status)


async def _drop(request: web.Request, call: Call, fault: _Fault) -> web.StreamResponse:
    if fault.how == "503":
        call.status = 503
        return web.Response(status=503, text="upstream connect error", content_type="text/plain")
    call.status = 0
    transport = request.transport
    if transport is not None:
        transport.abort()
    # The answer below can no longer reach the client.
    return web.Response(status=204)


# --------------------------------------------------------------------------- signing


async def post_signed(
    session: aiohttp.ClientSession,
    url: str,
    body: bytes,
    secret: str,
    content_type: str | None = None,
    retry_num: int | None = None,
    timestamp: int | None = None,
    extra_headers: Mapping[str, str] | None = None,
    *,
    retry_reason: str = "http_timeout",
) -> HttpAnswer:
    """POST ``body`` signed like Slack; JSON or form content type is guessed if omitted."""
    if content_type is None:
        is_json = body.lstrip().startswith(b"{")
        content_type = "application/json" if is_json else "application/x-www-form-urlencoded"
    headers = {
        "Content-Type": content_type,
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        **sign(body, secret, timestamp),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    headers.update(extra_headers or {})
    async with session.post(url, data=body, headers=headers) as resp:
        return HttpAnswer(resp.status, CIMultiDict(resp.headers), await resp.read())


# --------------------------------------------------------------------------- payload builders


def _form(fields: list[tuple[str, str]]) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def _now_ts() -> str:
    return f"{time.time():.6f}"


def slash_command_body(
    text: str,
    *,
    command: str = "/llmtrend",
    user_id: str = DEFAULT_USER_ID,
    user_name: str = "tester",
    channel_id: str = DEFAULT_CHANNEL_ID,
    channel_name: str = "general",
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = API_APP_ID,
    response_url: str = UNUSED_RESPONSE_URL,
    trigger_id: str | None = None,
) -> bytes:
    """Slash-command request body, form-encoded in Slack's field order."""
    trigger = trigger_id or f"{next(_ids)}.{int(time.time())}.fake"
    return _form(
        [
            ("token", "verification-token"),
            ("team_id", team_id),
            ("team_domain", team_domain),
            ("channel_id", channel_id),
            ("channel_name", channel_name),
            ("user_id", user_id),
            ("user_name", user_name),
            ("command", command),
            ("text", text),
            ("api_app_id", api_app_id),
            ("is_enterprise_install", "false"),
            ("response_url", response_url),
            ("trigger_id", trigger),
        ]
    )


def event_body(
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    team_id: str = TEAM_ID,
    api_app_id: str = API_APP_ID,
    authorizations: list[dict[str, Any]] | None = None,
    event_time: int | None = None,
) -> bytes:
    """Events API ``event_callback`` JSON body wrapping ``event``."""
    auths = authorizations
    if auths is None:
        auths = [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ]
    payload = {
        "token": "verification-token",
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}FAKE",
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": auths,
        "is_ext_shared_channel": False,
        "event_context": f"4-fake-{next(_ids)}",
    }
    return json.dumps(payload).encode()


def url_verification_body(challenge: str = "challenge-token") -> bytes:
    """Events API ``url_verification`` JSON body."""
    return json.dumps(
        {"token": "verification-token", "challenge": challenge, "type": "url_verification"}
    ).encode()


def app_mention_event(
    text: str,
    user: str = DEFAULT_USER_ID,
    channel: str = DEFAULT_CHANNEL_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
    *,
    team: str = TEAM_ID,
) -> dict[str, Any]:
    """An ``app_mention`` event (put ``<@UBOT123>`` in ``text`` yourself)."""
    ts = ts or _now_ts()
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": text,
        "ts": ts,
        "team": team,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def im_message_event(
    text: str,
    user: str = DEFAULT_USER_ID,
    channel: str = "D123",
    ts: str | None = None,
    thread_ts: str | None = None,
    *,
    team: str = TEAM_ID,
) -> dict[str, Any]:
    """A ``message`` event in a DM (``channel_type`` ``"im"``)."""
    ts = ts or _now_ts()
    event: dict[str, Any] = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "team": team,
        "channel": channel,
        "event_ts": ts,
        "channel_type": "im",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def block_actions_body(
    action_id: str,
    value: str,
    *,
    user_id: str = DEFAULT_USER_ID,
    channel_id: str = DEFAULT_CHANNEL_ID,
    response_url: str = UNUSED_RESPONSE_URL,
    message: dict[str, Any] | None = None,
    container: dict[str, Any] | None = None,
    block_id: str = "actions",
    team_id: str = TEAM_ID,
    api_app_id: str = API_APP_ID,
    trigger_id: str | None = None,
) -> bytes:
    """Interactivity ``block_actions`` body: form-encoded ``payload=<json>`` like Slack.

    Without ``message`` the action looks like it came from an ephemeral message.
    """
    message_ts = message["ts"] if message else _now_ts()
    if container is None:
        container = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": message is None,
        }
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "tester", "name": "tester", "team_id": team_id},
        "api_app_id": api_app_id,
        "token": "verification-token",
        "container": container,
        "trigger_id": trigger_id or f"{next(_ids)}.{int(time.time())}.fake",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "general"},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": value, "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": _now_ts(),
            }
        ],
    }
    if message is not None:
        payload["message"] = message
    return _form([("payload", json.dumps(payload))])


# --------------------------------------------------------------------------- internet guard


class InternetBlockedError(RuntimeError):
    """Raised when a test tries to reach a non-loopback address."""


def _is_local_host(host: Any) -> bool:
    if host is None or host in ("", "localhost", b"localhost"):
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    try:
        return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _is_local_address(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    if isinstance(address, tuple) and address:
        return _is_local_host(address[0])
    return False


def block_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sockets fail for any non-loopback address (connect, create_connection, DNS)."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_create_connection = socket.create_connection
    real_getaddrinfo = socket.getaddrinfo

    def guard(address: Any) -> None:
        if not _is_local_address(address):
            raise InternetBlockedError(f"test tried to reach {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        guard(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        guard(address)
        return real_connect_ex(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        guard(address)
        return real_create_connection(address, *args, **kwargs)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local_host(host):
            raise InternetBlockedError(f"test tried to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
