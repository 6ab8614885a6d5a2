"""A small in-process fake of Slack for tests.

``FakeSlack`` serves a subset of the Web API (``/api/{method}``) and ``response_url``
endpoints (``/response/{token}``) on 127.0.0.1, records every call and can inject
failures.  The module also builds signed request bodies the way Slack sends them
(slash commands, Events API callbacks, block actions) and offers ``block_internet``
to make sure tests never leave the machine.

Where Slack enforces a rule an app can break, the fake enforces it too, so an app test
can fail: single-use trigger ids that expire after 3 s (``views.open``/``views.push``),
modal view limits, ``views.update`` hashes, the view stack limit, Block Kit limits on
posted messages (``invalid_blocks``) and suggested prompts.  Rules Slack breaks silently
(a ``thread_ts`` in ``assistant.threads.setSuggestedPrompts`` for an agent app) answer
``ok`` but record ``Call.error``.

Typical use::

    async with FakeSlack() as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)
        await client.chat_postMessage(channel="C123", text="hi")
        [call] = await fake.wait_for("chat.postMessage")
"""

from __future__ import annotations

import asyncio
import base64
import copy
import ipaddress
import itertools
import json
import secrets
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
    "channel_message_event",
    "event_body",
    "feedback_click_body",
    "im_message_event",
    "issue_trigger_id",
    "mpim_message_event",
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
DEFAULT_MPIM_ID = "G123"
#: Seconds a trigger_id can be exchanged after it was issued (Slack: 3 s).
TRIGGER_TTL = 3.0
#: Views a modal stack holds at most: the root and 2 pushed (Slack: "the limit is 3").
VIEW_STACK_LIMIT = 3
MAX_SUGGESTED_PROMPTS = 4
#: Methods (and response_url) whose payload is a message that should carry fallback text.
MESSAGE_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "chat.scheduleMessage",
        "response_url",
    }
)

# Form fields Slack accepts as JSON-encoded strings.
_JSON_FORM_FIELDS = frozenset(
    {"blocks", "attachments", "metadata", "view", "user_auth_blocks", "unfurls", "prompts"}
)
_TRUE_STRINGS = frozenset({"1", "true", "True", "yes"})
_ids = itertools.count(1)
#: Trigger ids issued by ``issue_trigger_id`` (and so by the body builders) -> the
#: ``time.monotonic()`` they count as issued at.  Shared by every ``FakeSlack``.
_TRIGGERS: dict[str, float] = {}
_TRIGGERS_KEPT = 100_000
#: Key a Web API handler sets in its answer to record an error Slack does not answer.
_SILENT_ERROR = "_fake_silent_error"


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
    #: Seconds after issue a trigger_id is still accepted by views.open / views.push.
    trigger_ttl: float = TRIGGER_TTL
    calls: list[Call] = field(default_factory=list, init=False)
    #: channel id -> messages known to the fake, oldest first.
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict, init=False)
    #: Channels the bot is not a member of (conversations.info says is_member false).
    not_member_of: set[str] = field(default_factory=set, init=False)
    #: Every modal view opened or pushed (open or closed): view id -> its current view.
    views: dict[str, dict[str, Any]] = field(default_factory=dict, init=False)
    #: Users users.info reports with is_admin / is_owner true.
    admins: set[str] = field(default_factory=set, init=False)
    owners: set[str] = field(default_factory=set, init=False)
    #: Group DMs (conversations.info says is_mpim true): channel id -> member ids.
    mpims: dict[str, list[str]] = field(default_factory=dict, init=False)
    #: Several workspaces: OAuth codes waiting for oauth.v2.access (code -> team id, name),
    #: and the bot tokens that exchange issued (token -> team id); those tokens are valid.
    install_codes: dict[str, tuple[str, str]] = field(default_factory=dict, init=False)
    issued_tokens: dict[str, str] = field(default_factory=dict, init=False)
    #: Token rotation on (as when the app enables it): installs give short-lived tokens and
    #: a refresh token; refresh_token -> team id for the refresh grant.
    rotation: bool = False
    refresh_tokens: dict[str, str] = field(default_factory=dict, init=False)
    _faults: dict[str, list[_Fault]] = field(default_factory=dict, init=False, repr=False)
    _used_triggers: set[str] = field(default_factory=set, init=False, repr=False)
    _trigger_views: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    #: Open modal stacks, root view id -> view ids (root first), in opening order.
    _stacks: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)
    _prompts: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)
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
        """Forget calls, messages, faults, response_url usage, views, used triggers and
        suggested prompts (not set-up: admins, owners, mpims, not_member_of)."""
        self.calls.clear()
        self.messages.clear()
        self._faults.clear()
        self._response_urls.clear()
        self.views.clear()
        self._stacks.clear()
        self._used_triggers.clear()
        self._trigger_views.clear()
        self._prompts.clear()

    def view(self, view_id: str) -> dict[str, Any]:
        """The current version of a modal view (a copy); ``KeyError`` if never opened."""
        if view_id not in self.views:
            raise KeyError(f"no view {view_id!r}; known: {sorted(self.views)}")
        return copy.deepcopy(self.views[view_id])

    def open_views(self) -> list[dict[str, Any]]:
        """Modal views open now (copies): each stack root first, stacks in opening order."""
        return [self.view(v) for stack in self._stacks.values() for v in stack]

    def view_stack(self, view_id: str) -> list[dict[str, Any]]:
        """The open stack holding ``view_id`` (root first); empty if it is not open."""
        for stack in self._stacks.values():
            if view_id in stack:
                return [self.view(v) for v in stack]
        return []

    def suggested_prompts(self, channel: str) -> list[dict[str, Any]]:
        """Prompts of the last accepted assistant.threads.setSuggestedPrompts in
        ``channel`` (calls with ``thread_ts`` fail silently and change nothing)."""
        return copy.deepcopy(self._prompts.get(channel, {}).get("prompts", []))

    def suggested_prompts_title(self, channel: str) -> str | None:
        """``title`` of the last accepted setSuggestedPrompts in ``channel``, if any."""
        title = self._prompts.get(channel, {}).get("title")
        return None if title is None else str(title)

    def calls_without_text(self) -> list[Call]:
        """Message calls (``MESSAGE_METHODS``) with blocks or attachments but no top-level
        fallback ``text``: Slack accepts them, but notifications and screen readers get
        nothing.  An app test can assert this is empty."""
        found = []
        for call in self.calls:
            if call.method not in MESSAGE_METHODS or not isinstance(call.args, dict):
                continue
            if _truthy(call.args.get("delete_original")):
                continue
            has_rich = bool(call.args.get("blocks") or call.args.get("attachments"))
            if has_rich and not str(call.args.get("text") or "").strip():
                found.append(call)
        return found

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

    def trigger_id(self, *, view_id: str | None = None, age: float = 0.0) -> str:
        """Issue a fresh trigger id, as Slack does with an interaction.

        It can be exchanged once (views.open / views.push) within ``trigger_ttl`` seconds.
        ``view_id``: the interaction happened inside that modal, so views.push pushes onto
        its stack.  ``age``: the trigger counts as issued ``age`` seconds ago (``age=3.5``
        gives one already expired).
        """
        trigger = issue_trigger_id(age=age)
        if view_id is not None:
            self._trigger_views[trigger] = view_id
        return trigger

    def register_trigger(
        self, trigger_id: str, *, view_id: str | None = None, age: float = 0.0
    ) -> str:
        """Accept a trigger id made elsewhere as issued ``age`` seconds ago; returns it."""
        _TRIGGERS[trigger_id] = time.monotonic() - age
        if view_id is not None:
            self._trigger_views[trigger_id] = view_id
        return trigger_id

    def close_view(self, view_id: str) -> None:
        """The user closes the modal view ``view_id`` (and any view pushed on top of it);
        closing a root closes its stack.  Its external_id becomes free again."""
        for root, stack in list(self._stacks.items()):
            if view_id in stack:
                del stack[stack.index(view_id) :]
                if not stack:
                    del self._stacks[root]
                return
        raise KeyError(f"view {view_id!r} is not open")

    def set_admin(self, user_id: str, admin: bool = True) -> None:
        """Make users.info report ``is_admin`` (default false) for ``user_id``."""
        (self.admins.add if admin else self.admins.discard)(user_id)

    def set_owner(self, user_id: str, owner: bool = True) -> None:
        """Make users.info report ``is_owner`` for ``user_id`` (owners are admins too)."""
        (self.owners.add if owner else self.owners.discard)(user_id)

    def add_mpim(self, channel_id: str = DEFAULT_MPIM_ID, members: list[str] | None = None) -> str:
        """Register a group DM: conversations.info says ``is_mpim`` true and
        conversations.members lists ``members`` (default: the default user and the bot)."""
        self.mpims[channel_id] = list(members or [DEFAULT_USER_ID, self.bot_user_id])
        return channel_id

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

        if method == "oauth.v2.access":  # authenticated by the app's client id and secret
            status, body = 200, self._oauth_v2_access(args, request.headers.get("Authorization"))
        elif token is None:
            status, body = 200, {"ok": False, "error": "not_authed"}
        elif token in self.issued_tokens:
            status, body = 200, self._as_team(self.issued_tokens[token], method, args)
        elif self.valid_token is not None and token != self.valid_token:
            status, body = 200, {"ok": False, "error": "invalid_auth"}
        else:
            status, body = 200, self._dispatch(method, args)
        silent = _str_or_none(body.pop(_SILENT_ERROR, None))
        call.error = silent or (None if body.get("ok") else str(body.get("error")))

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
        if _message_block_errors(args):
            call.status, call.error = 400, "invalid_blocks"
            return web.Response(status=400, text="invalid_blocks")
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
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "assistant.threads.setSuggestedPrompts": self._set_suggested_prompts,
            "conversations.members": self._conversations_members,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "conversations.info": self._conversations_info,
            "users.info": self._users_info,
        }.get(method)
        return handler(args) if handler else {"ok": True}

    def add_install_code(self, code: str, team_id: str, team_name: str = "") -> None:
        """A code Slack would hand the app's redirect after a user approved the install."""
        self.install_codes[code] = (team_id, team_name or f"Workspace {team_id}")

    def token_of(self, team_id: str) -> str:
        """The bot token oauth.v2.access issues for a workspace."""
        return f"xoxb-{team_id}-installed"

    def _oauth_v2_access(self, args: dict[str, Any], authorization: str | None) -> dict[str, Any]:
        """Like Slack: a known, unused code and the app's credentials give a bot token."""
        client_id = _str_or_none(args.get("client_id"))
        if authorization and authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode(errors="replace")
            client_id = decoded.partition(":")[0]
        if not client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if _str_or_none(args.get("grant_type")) == "refresh_token":
            return self._refresh(_str_or_none(args.get("refresh_token")) or "")
        code = _str_or_none(args.get("code")) or ""
        if code not in self.install_codes:
            return {"ok": False, "error": "invalid_code"}
        team_id, team_name = self.install_codes.pop(code)  # a code is good once
        token = self.token_of(team_id)
        self.issued_tokens[token] = team_id
        extra: dict[str, Any] = {}
        if self.rotation:
            refresh = f"xoxe-1-{team_id}-{len(self.refresh_tokens)}"
            self.refresh_tokens[refresh] = team_id
            extra = {"refresh_token": refresh, "expires_in": 60}
        return {
            **extra,
            "ok": True,
            "app_id": self.app_id,
            "authed_user": {"id": DEFAULT_USER_ID},
            "scope": "commands,chat:write,app_mentions:read",
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": f"UB{team_id}",
            "team": {"id": team_id, "name": team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        """The refresh grant of token rotation: a new bot token and a new refresh token."""
        team_id = self.refresh_tokens.pop(refresh_token, None)
        if team_id is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        n = len(self.issued_tokens)
        token = f"xoxb-{team_id}-rotated-{n}"
        self.issued_tokens[token] = team_id
        refresh = f"xoxe-1-{team_id}-r{n}"
        self.refresh_tokens[refresh] = team_id
        return {
            "ok": True,
            "app_id": self.app_id,
            "token_type": "bot",
            "access_token": token,
            "refresh_token": refresh,
            "expires_in": 43200,
            "scope": "commands,chat:write,app_mentions:read",
            "bot_user_id": f"UB{team_id}",
            "team": {"id": team_id, "name": f"Workspace {team_id}"},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _as_team(self, team_id: str, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """A call made with an installed workspace's token: answered as that workspace."""
        if method == "auth.test":
            return {
                "ok": True,
                "url": f"https://{team_id.lower()}.slack.com/",
                "team": f"Workspace {team_id}",
                "user": BOT_NAME,
                "team_id": team_id,
                "user_id": f"UB{team_id}",
                "bot_id": f"BB{team_id}",
                "is_enterprise_install": False,
            }
        return self._dispatch(method, args)

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
        if bad := _invalid_blocks_answer(args):
            return bad
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
        if bad := _invalid_blocks_answer(args):
            return bad
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
        if bad := _invalid_blocks_answer(args):
            return bad
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

    def _exchange_trigger(self, args: dict[str, Any]) -> dict[str, Any] | None:
        """Use up the call's trigger_id; an error answer if Slack would refuse it."""
        trigger = _str_or_none(args.get("trigger_id")) or _str_or_none(
            args.get("interactivity_pointer")
        )
        if trigger is None:
            return _invalid_arguments(["[ERROR] missing required field: trigger_id"])
        issued = _TRIGGERS.get(trigger)
        if issued is None:
            return {"ok": False, "error": "invalid_trigger_id"}
        if trigger in self._used_triggers:
            return {"ok": False, "error": "exchanged_trigger_id"}
        if time.monotonic() - issued > self.trigger_ttl:
            return {"ok": False, "error": "expired_trigger_id"}
        self._used_triggers.add(trigger)
        return None

    def _open_view_ids(self) -> set[str]:
        return {v for stack in self._stacks.values() for v in stack}

    def _check_view(
        self, args: dict[str, Any], replacing: str | None = None
    ) -> dict[str, Any] | None:
        """An error answer if ``args["view"]`` is not a modal Slack would accept."""
        view = args.get("view")
        messages = _modal_errors(view)
        if messages:
            return _invalid_arguments(messages)
        assert isinstance(view, dict)
        if len(json.dumps(view)) > 250_000:
            return {"ok": False, "error": "view_too_large"}
        external_id = view.get("external_id")
        if external_id:
            for other in self._open_view_ids() - {replacing}:
                if self.views[other].get("external_id") == external_id:
                    return {"ok": False, "error": "duplicate_external_id"}
        return None

    def _new_view(
        self, view: dict[str, Any], view_id: str, root_view_id: str, previous: str | None
    ) -> dict[str, Any]:
        stored: dict[str, Any] = {
            "id": view_id,
            "team_id": self.team_id,
            "type": "modal",
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "state": {"values": {}},
            "clear_on_close": False,
            "notify_on_close": False,
            **copy.deepcopy(view),
        }
        stored.update(
            id=view_id,
            hash=f"{int(time.time())}.{secrets.token_hex(4)}",
            root_view_id=root_view_id,
            previous_view_id=previous,
            app_id=self.app_id,
            app_installed_team_id=self.team_id,
            bot_id=self.bot_id,
        )
        self.views[view_id] = stored
        return {"ok": True, "view": copy.deepcopy(stored)}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if bad := self._check_view(args) or self._exchange_trigger(args):
            return bad
        view_id = f"V{next(_ids):08d}"
        self._stacks[view_id] = [view_id]
        return self._new_view(args["view"], view_id, view_id, None)

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        if bad := self._check_view(args):
            return bad
        trigger = args.get("trigger_id") or args.get("interactivity_pointer")
        source = self._trigger_views.get(str(trigger))
        stacks = [s for s in self._stacks.values() if source is None or source in s]
        if not stacks:  # no modal open (or the one the trigger came from is closed)
            return {"ok": False, "error": "not_found"}
        stack = stacks[-1]
        if len(stack) >= VIEW_STACK_LIMIT:
            return {"ok": False, "error": "push_limit_reached"}
        if bad := self._exchange_trigger(args):
            return bad
        view_id = f"V{next(_ids):08d}"
        stack.append(view_id)
        return self._new_view(args["view"], view_id, stack[0], stack[-2])

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = _str_or_none(args.get("view_id"))
        external_id = _str_or_none(args.get("external_id"))
        if (view_id is None) == (external_id is None):
            return _invalid_arguments(["[ERROR] exactly one of view_id or external_id is required"])
        open_ids = self._open_view_ids()
        if view_id is None:
            view_id = next(
                (v for v in open_ids if self.views[v].get("external_id") == external_id), None
            )
        if view_id is None or view_id not in open_ids:
            return {"ok": False, "error": "not_found"}
        if bad := self._check_view(args, replacing=view_id):
            return bad
        current = self.views[view_id]
        expected = _str_or_none(args.get("hash"))
        if expected is not None and expected != current["hash"]:
            return {"ok": False, "error": "hash_conflict"}
        view = dict(args["view"])
        if not view.get("external_id") and current.get("external_id"):
            view["external_id"] = current["external_id"]
        return self._new_view(view, view_id, current["root_view_id"], current["previous_view_id"])

    def _set_suggested_prompts(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = _str_or_none(args.get("channel_id"))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        prompts = args.get("prompts")
        messages = []
        if not isinstance(prompts, list) or not prompts:
            messages.append("[ERROR] missing required field: prompts")
        else:
            if len(prompts) > MAX_SUGGESTED_PROMPTS:
                messages.append(
                    f"[ERROR] no more than {MAX_SUGGESTED_PROMPTS} items allowed "
                    "[json-pointer:/prompts]"
                )
            for i, prompt in enumerate(prompts):
                for key in ("title", "message"):
                    value = prompt.get(key) if isinstance(prompt, dict) else None
                    if not isinstance(value, str) or not value.strip():
                        messages.append(
                            f"[ERROR] must be a non-empty string [json-pointer:/prompts/{i}/{key}]"
                        )
        if messages:
            return _invalid_arguments(messages)
        if args.get("thread_ts"):  # agent_view: Slack answers ok and shows nothing
            return {"ok": True, _SILENT_ERROR: "thread_ts_not_allowed"}
        assert isinstance(prompts, list)
        self._prompts[channel] = {"prompts": copy.deepcopy(prompts), "title": args.get("title")}
        return {"ok": True}

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
        members = self.mpims.get(channel)
        if members is not None:
            names = "--".join(m.lower() for m in members)
            return {
                "ok": True,
                "channel": {
                    "id": channel,
                    "name": f"mpdm-{names}-1",
                    "is_channel": False,
                    "is_group": False,
                    "is_im": False,
                    "is_mpim": True,
                    "is_private": True,
                    "is_member": channel not in self.not_member_of,
                    "is_archived": False,
                    "num_members": len(members),
                    "context_team_id": self.team_id,
                },
            }
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "name": None if is_im else channel.lower(),
                "is_channel": channel.startswith("C"),
                "is_group": channel.startswith("G"),
                "is_im": is_im,
                "is_mpim": False,
                "is_private": not channel.startswith("C"),
                "is_member": channel not in self.not_member_of,
                "is_archived": False,
                "context_team_id": self.team_id,
            },
        }

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = _str_or_none(args.get("channel"))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        members = self.mpims.get(channel)
        if members is None:
            members = [DEFAULT_USER_ID, self.bot_user_id]
        return {"ok": True, "members": list(members), "response_metadata": {"next_cursor": ""}}

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
                "is_admin": user in self.admins or user in self.owners,
                "is_owner": user in self.owners,
                "is_primary_owner": False,
                "is_restricted": False,
                "is_ultra_restricted": False,
                "tz": "Etc/UTC",
                "tz_offset": 0,
                "profile": {"real_name": name, "display_name": name},
            },
        }


# --------------------------------------------------------------------------- validation


def _invalid_arguments(messages: list[str]) -> dict[str, Any]:
    """Slack's answer to a view (or other argument) it refuses, with its reasons."""
    return {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": messages},
    }


def _too_long(value: Any, limit: int, pointer: str) -> list[str]:
    if isinstance(value, str) and len(value) > limit:
        return [f"[ERROR] must be less than {limit + 1} characters [json-pointer:{pointer}]"]
    return []


def _plain_text_errors(obj: Any, pointer: str, limit: int) -> list[str]:
    """Errors of a ``plain_text`` text object whose text may hold ``limit`` characters."""
    if not isinstance(obj, dict):
        return [f"[ERROR] must be an object [json-pointer:{pointer}]"]
    if obj.get("type") != "plain_text":
        return [f"[ERROR] must be a valid enum value [json-pointer:{pointer}/type]"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"[ERROR] must be more than 0 characters [json-pointer:{pointer}/text]"]
    return _too_long(text, limit, f"{pointer}/text")


def _text_errors(obj: Any, pointer: str, limit: int) -> list[str]:
    """Errors of a text object (``plain_text`` or ``mrkdwn``)."""
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return [f"[ERROR] must be a text object [json-pointer:{pointer}]"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"[ERROR] must be more than 0 characters [json-pointer:{pointer}/text]"]
    return _too_long(text, limit, f"{pointer}/text")


def _context_action_errors(element: Any, pointer: str) -> list[str]:
    if not isinstance(element, dict):
        return [f"[ERROR] must be an object [json-pointer:{pointer}]"]
    kind = element.get("type")
    errors = _too_long(element.get("action_id"), 255, f"{pointer}/action_id")
    if kind == "feedback_buttons":
        for side in ("positive_button", "negative_button"):
            button = element.get(side)
            where = f"{pointer}/{side}"
            if not isinstance(button, dict):
                errors.append(f"[ERROR] missing required field: {side} [json-pointer:{pointer}]")
                continue
            errors += _plain_text_errors(button.get("text"), f"{where}/text", 75)
            value = button.get("value")
            if not isinstance(value, str) or not value:
                errors.append(f"[ERROR] missing required field: value [json-pointer:{where}]")
            errors += _too_long(value, 2000, f"{where}/value")
    elif kind == "icon_button":
        if not element.get("icon"):
            errors.append(f"[ERROR] missing required field: icon [json-pointer:{pointer}]")
        errors += _plain_text_errors(element.get("text"), f"{pointer}/text", 75)
    else:
        errors.append(f"[ERROR] must be a valid enum value [json-pointer:{pointer}/type]")
    return errors


def _block_errors(blocks: list[Any], pointer: str) -> list[str]:
    """Block Kit limits Slack enforces on each block (messages and views alike)."""
    errors: list[str] = []
    for i, block in enumerate(blocks):
        where = f"{pointer}/{i}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            errors.append(f"[ERROR] missing required field: type [json-pointer:{where}]")
            continue
        errors += _too_long(block.get("block_id"), 255, f"{where}/block_id")
        kind = block["type"]
        if kind == "section":
            text, fields = block.get("text"), block.get("fields")
            if text is None and not fields:
                errors.append(f"[ERROR] must provide either text or fields [json-pointer:{where}]")
            if text is not None:
                errors += _text_errors(text, f"{where}/text", 3000)
            if fields is not None:
                if not isinstance(fields, list) or len(fields) > 10:
                    errors.append(
                        f"[ERROR] no more than 10 items allowed [json-pointer:{where}/fields]"
                    )
                else:
                    for j, item in enumerate(fields):
                        errors += _text_errors(item, f"{where}/fields/{j}", 2000)
        elif kind == "header":
            errors += _plain_text_errors(block.get("text"), f"{where}/text", 150)
        elif kind == "context_actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not elements:
                errors.append(f"[ERROR] missing required field: elements [json-pointer:{where}]")
                continue
            if len(elements) > 5:
                errors.append(
                    f"[ERROR] no more than 5 items allowed [json-pointer:{where}/elements]"
                )
            for j, element in enumerate(elements):
                errors += _context_action_errors(element, f"{where}/elements/{j}")
        elif kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not elements:
                errors.append(f"[ERROR] missing required field: elements [json-pointer:{where}]")
            elif len(elements) > 25:
                errors.append(
                    f"[ERROR] no more than 25 items allowed [json-pointer:{where}/elements]"
                )
    return errors


def _message_block_errors(args: Mapping[str, Any]) -> list[str]:
    """Why Slack would refuse the ``blocks`` of a message (empty if none or fine)."""
    blocks = args.get("blocks")
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return ["[ERROR] must be an array [json-pointer:/blocks]"]
    errors = []
    if len(blocks) > 50:
        errors.append("[ERROR] no more than 50 items allowed [json-pointer:/blocks]")
    return errors + _block_errors(blocks, "/blocks")


def _invalid_blocks_answer(args: Mapping[str, Any]) -> dict[str, Any] | None:
    """Slack's ``invalid_blocks`` answer for a message whose blocks break a limit."""
    if not (messages := _message_block_errors(args)):
        return None
    return {
        "ok": False,
        "error": "invalid_blocks",
        "errors": [m.removeprefix("[ERROR] ") for m in messages],
        "response_metadata": {"messages": messages},
    }


def _modal_errors(view: Any) -> list[str]:
    """Why Slack would refuse ``view`` in views.open / views.update / views.push."""
    if not isinstance(view, dict):
        return ["[ERROR] must be an object [json-pointer:/view]"]
    if view.get("type") != "modal":
        return ["[ERROR] must be a valid enum value [json-pointer:/view/type]"]
    if "title" not in view:
        errors = ["[ERROR] missing required field: title [json-pointer:/view]"]
    else:
        errors = _plain_text_errors(view["title"], "/view/title", 24)
    for key in ("close", "submit"):
        if view.get(key) is not None:
            errors += _plain_text_errors(view[key], f"/view/{key}", 24)
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        errors.append("[ERROR] missing required field: blocks [json-pointer:/view]")
    else:
        if len(blocks) > 100:
            errors.append("[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]")
        errors += _block_errors(blocks, "/view/blocks")
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and view.get("submit") is None:
            errors.append(
                "[ERROR] submit is required when an input block is in blocks "
                "[json-pointer:/view/submit]"
            )
    for key, limit in (("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)):
        value = view.get(key)
        if value is not None and not isinstance(value, str):
            errors.append(f"[ERROR] must be a string [json-pointer:/view/{key}]")
        errors += _too_long(value, limit, f"/view/{key}")
    return errors


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


def issue_trigger_id(*, age: float = 0.0) -> str:
    """A fresh trigger id like Slack's ``"12345.98765.abcd2358fdea"``.

    Every ``FakeSlack`` accepts it once in views.open / views.push within its
    ``trigger_ttl`` of being issued (``age`` seconds ago); the body builders use this.
    """
    if len(_TRIGGERS) >= _TRIGGERS_KEPT:  # forget the oldest half (long expired)
        for old in list(_TRIGGERS)[: _TRIGGERS_KEPT // 2]:
            del _TRIGGERS[old]
    trigger = f"{next(_ids)}.{int(time.time())}.{secrets.token_hex(10)}"
    _TRIGGERS[trigger] = time.monotonic() - age
    return trigger


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
    """Slash-command request body, form-encoded in Slack's field order.

    ``trigger_id`` defaults to a fresh ``issue_trigger_id()`` (valid for 3 s, once).
    """
    trigger = trigger_id or issue_trigger_id()
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


def _message_event(
    text: str,
    user: str,
    channel: str,
    ts: str | None,
    thread_ts: str | None,
    channel_type: str,
    team: str,
    parent_user_id: str | None,
) -> dict[str, Any]:
    ts = ts or _now_ts()
    event: dict[str, Any] = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "team": team,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
        if parent_user_id:
            event["parent_user_id"] = parent_user_id
    return event


def im_message_event(
    text: str,
    user: str = DEFAULT_USER_ID,
    channel: str = "D123",
    ts: str | None = None,
    thread_ts: str | None = None,
    *,
    team: str = TEAM_ID,
    parent_user_id: str | None = None,
) -> dict[str, Any]:
    """A ``message`` event in a DM (``channel_type`` ``"im"``)."""
    return _message_event(text, user, channel, ts, thread_ts, "im", team, parent_user_id)


def channel_message_event(
    text: str,
    user: str = DEFAULT_USER_ID,
    channel: str = DEFAULT_CHANNEL_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
    *,
    channel_type: str = "channel",
    team: str = TEAM_ID,
    parent_user_id: str | None = None,
) -> dict[str, Any]:
    """A ``message`` event in a channel (``channel_type`` ``"channel"``, or ``"group"``
    for a private one), e.g. a thread reply without a mention: pass ``thread_ts``
    (and ``parent_user_id``, the thread starter, as Slack does for replies)."""
    return _message_event(text, user, channel, ts, thread_ts, channel_type, team, parent_user_id)


def mpim_message_event(
    text: str,
    user: str = DEFAULT_USER_ID,
    channel: str = DEFAULT_MPIM_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
    *,
    team: str = TEAM_ID,
    parent_user_id: str | None = None,
) -> dict[str, Any]:
    """A ``message`` event in a group DM (``channel_type`` ``"mpim"``); register the
    channel with ``FakeSlack.add_mpim`` so conversations.info agrees."""
    return _message_event(text, user, channel, ts, thread_ts, "mpim", team, parent_user_id)


def _block_actions_form(
    action: dict[str, Any],
    *,
    user_id: str,
    channel_id: str,
    response_url: str,
    message: dict[str, Any] | None,
    container: dict[str, Any] | None,
    team_id: str,
    api_app_id: str,
    trigger_id: str | None,
) -> bytes:
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
        "trigger_id": trigger_id or issue_trigger_id(),
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "general"},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [{**action, "action_ts": _now_ts()}],
    }
    if message is not None:
        payload["message"] = message
    return _form([("payload", json.dumps(payload))])


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
    """Interactivity ``block_actions`` body for a button click: form-encoded
    ``payload=<json>`` like Slack.

    Without ``message`` the action looks like it came from an ephemeral message.
    ``trigger_id`` defaults to a fresh ``issue_trigger_id()`` (valid for 3 s, once).
    """
    action = {
        "action_id": action_id,
        "block_id": block_id,
        "text": {"type": "plain_text", "text": value, "emoji": True},
        "value": value,
        "type": "button",
    }
    return _block_actions_form(
        action,
        user_id=user_id,
        channel_id=channel_id,
        response_url=response_url,
        message=message,
        container=container,
        team_id=team_id,
        api_app_id=api_app_id,
        trigger_id=trigger_id,
    )


def _find_feedback_button(
    message: dict[str, Any] | None, value: str
) -> tuple[str, str, dict[str, Any]] | None:
    """(block_id, action_id, button) of the feedback button with ``value`` in ``message``."""
    for block in (message or {}).get("blocks") or []:
        if not isinstance(block, dict) or block.get("type") != "context_actions":
            continue
        for element in block.get("elements") or []:
            if not isinstance(element, dict) or element.get("type") != "feedback_buttons":
                continue
            for side in ("positive_button", "negative_button"):
                button = element.get(side)
                if isinstance(button, dict) and button.get("value") == value:
                    return str(block.get("block_id", "")), str(element.get("action_id", "")), button
    return None


def feedback_click_body(
    value: str,
    *,
    action_id: str | None = None,
    block_id: str | None = None,
    text: str | None = None,
    user_id: str = DEFAULT_USER_ID,
    channel_id: str = DEFAULT_CHANNEL_ID,
    response_url: str = UNUSED_RESPONSE_URL,
    message: dict[str, Any] | None = None,
    container: dict[str, Any] | None = None,
    team_id: str = TEAM_ID,
    api_app_id: str = API_APP_ID,
    trigger_id: str | None = None,
) -> bytes:
    """``block_actions`` body for a click on a ``feedback_buttons`` element (in a
    ``context_actions`` block): the action has ``type`` ``"feedback_buttons"`` and the
    clicked (positive or negative) button's ``value`` and ``text``.

    With ``message`` (as posted, blocks included) the button whose value is ``value``
    gives ``block_id``, ``action_id`` and ``text``; ``ValueError`` if it has none (unless
    ``action_id`` is given: a forged click).  Given arguments win; without a message they
    default to ``"feedback"`` and ``value``.
    """
    found = _find_feedback_button(message, value)
    if message is not None and found is None and action_id is None:
        raise ValueError(f"message has no feedback button with value {value!r}")
    found_block, found_action, button = found or ("feedback", "feedback", {})
    button_text = button.get("text") or {"type": "plain_text", "text": value, "emoji": True}
    action = {
        "action_id": action_id or found_action or "feedback",
        "block_id": block_id or found_block or "feedback",
        "text": {"type": "plain_text", "text": text, "emoji": True} if text else button_text,
        "value": value,
        "type": "feedback_buttons",
    }
    return _block_actions_form(
        action,
        user_id=user_id,
        channel_id=channel_id,
        response_url=response_url,
        message=message,
        container=container,
        team_id=team_id,
        api_app_id=api_app_id,
        trigger_id=trigger_id,
    )


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
