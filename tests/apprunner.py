"""The real app on a loopback port, talking to the fake Slack: what end-to-end tests drive."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bot.config import Settings
from bot.deps import Deps, build_deps
from bot.slack.app import create_app, create_web_app
from tests.harness import ROOT, free_port, spawn_serve, stop_process, wait_healthy
from tests.slackfake import (
    FakeSlack,
    HttpAnswer,
    app_mention_event,
    block_actions_body,
    event_body,
    post_signed,
    slash_command_body,
)

SECRET = "test-signing-secret-0123456789"
TOKEN = "xoxb-test-token-0123456789"


@dataclass
class RunningApp:
    """The app under test: its URL, its deps, and the fake Slack it talks to."""

    url: str
    deps: Deps
    fake: FakeSlack
    session: aiohttp.ClientSession
    #: The Bolt app itself (Socket Mode hands it payloads directly).
    bolt: AsyncApp

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    async def post(self, body: bytes, **kwargs: Any) -> HttpAnswer:
        return await post_signed(self.session, self.events_url, body, SECRET, **kwargs)

    async def command(self, text: str, **kwargs: Any) -> HttpAnswer:
        """A signed /llmtrend, with a response_url on the fake."""
        kwargs.setdefault("response_url", self.fake.response_url("cmd"))
        return await self.post(slash_command_body(text, **kwargs))

    async def mention(
        self, text: str, *, retry_num: int | None = None, **kwargs: Any
    ) -> HttpAnswer:
        event_id = kwargs.pop("event_id", None)
        body = event_body(app_mention_event(text, **kwargs), event_id=event_id)
        return await self.post(body, retry_num=retry_num)

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> HttpAnswer:
        return await self.post(event_body(event, event_id=event_id), retry_num=retry_num)

    async def click(
        self, action_id: str, value: str, token: str = "btn", **kwargs: Any
    ) -> HttpAnswer:
        body = block_actions_body(
            action_id, value, response_url=self.fake.response_url(token), **kwargs
        )
        return await self.post(body)

    async def settle(self) -> None:
        """Wait until the app's after-the-ack tasks are done."""
        await self.deps.tasks.drain(seconds=10)


def app_settings(fake: FakeSlack, data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a test app: the fake's URL, a temporary data folder, test secrets."""
    values: dict[str, Any] = {
        "slack_bot_token": TOKEN,
        "slack_signing_secret": SECRET,
        "slack_api_url": fake.api_url,
        "data_dir": data_dir,
        "reports_dir": Path(__file__).resolve().parents[1] / "seeds",
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def run_app(
    settings: Settings,
    fake: FakeSlack,
    deps: Deps | None = None,
    wait_ready: bool = True,
    digests: bool = False,
) -> AsyncIterator[RunningApp]:
    """Start the app on a free loopback port; by default wait until its index is loaded.

    The digest loop runs on the real clock, so it is off unless a test asks for it; digest
    tests drive `deps.digests.tick(now)` with a moved clock instead.
    """
    deps = deps or build_deps(settings)
    bolt, _ = create_app(settings, deps)
    runner = web.AppRunner(create_web_app(deps, bolt, digests=digests))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        if wait_ready:
            await asyncio.wait_for(deps.live.ready.wait(), timeout=30)
        async with aiohttp.ClientSession() as session:
            yield RunningApp(f"http://127.0.0.1:{port}", deps, fake, session, bolt)
    finally:
        await runner.cleanup()


async def run_cli(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """Run `python -m bot …` as a user would, without blocking the fake's event loop."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    return proc.returncode or 0, out.decode(), err.decode()


@dataclass
class ServeProcess:
    """`llmtrend serve` in its own process, as it runs in production."""

    proc: asyncio.subprocess.Process
    url: str
    log_path: Path

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def logs(self) -> str:
        return _read(self.log_path)


def _read(path: Path) -> str:
    """A process's log so far (for assertions and failure messages)."""
    return path.read_text(errors="replace")


@asynccontextmanager
async def serve_process(
    env: dict[str, str], log_path: Path, port: int | None = None
) -> AsyncIterator[ServeProcess]:
    """Start `python -m bot serve` on a free port; wait for /healthz; stop it after."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        proc = await spawn_serve(env, port, log)
        try:
            if not await wait_healthy(proc, url, limit_s=60):
                raise AssertionError(f"serve never became ready: {_read(log_path)}")
            yield ServeProcess(proc, url, log_path)
        finally:
            await stop_process(proc)
