"""Starting up: health while loading, clear one-line errors for missing or bad tokens."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.deps import build_deps
from bot.search.engine import SearchEngine
from bot.search.live import LiveEngine
from tests.apprunner import SECRET, TOKEN, app_settings, run_app, run_cli
from tests.slackfake import FakeSlack

ROOT = Path(__file__).resolve().parents[1]


class GatedLive(LiveEngine):
    """A live engine whose first load waits until the test opens the gate."""

    def __init__(self, reports_dir: Path) -> None:
        super().__init__(reports_dir)
        self.gate = asyncio.Event()

    async def load(self) -> SearchEngine:
        await self.gate.wait()
        return await super().load()


async def test_health_is_503_and_commands_say_loading_until_the_index_is_ready(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    settings = app_settings(fake_slack, tmp_path)
    deps = build_deps(settings)
    live = GatedLive(settings.reports_dir)
    deps.live = live
    async with run_app(settings, fake_slack, deps=deps, wait_ready=False) as app:
        async with app.session.get(f"{app.url}/healthz") as resp:
            assert resp.status == 503
        async with app.session.get(f"{app.url}/livez") as resp:
            assert resp.status == 200
        for text in ("multimodal", "trends", "agree open source", "reports", "digest preview"):
            answer = await app.command(text)
            assert answer.status == 200
            assert "still loading" in answer.json()["text"], text
        live.gate.set()
        await asyncio.wait_for(live.ready.wait(), timeout=30)
        async with app.session.get(f"{app.url}/healthz") as resp:
            assert resp.status == 200
        assert (
            "Results for" in (await app.command("multimodal")).json()["blocks"][0]["text"]["text"]
        )


def _env(fake: FakeSlack, tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {
        "SLACK_API_URL": fake.api_url,
        "SLACK_SIGNING_SECRET": SECRET,
        "LLMTREND_DATA_DIR": str(tmp_path),
        "PORT": "38123",  # never bound: these starts fail first
    }
    return {k: v for k, v in {**base, **extra}.items() if v}


async def test_serve_without_a_token_names_the_variable(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = _env(fake_slack, tmp_path, SLACK_BOT_TOKEN="")
    env_clean = {**env, "SLACK_BOT_TOKEN": ""}
    code, out, err = await run_cli("serve", env=env_clean)
    assert code == 2 and out == ""
    assert err.strip().startswith("SLACK_BOT_TOKEN is not set")
    assert len(err.strip().splitlines()) == 1


async def test_serve_with_a_rejected_token_names_the_variable(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    fake_slack.valid_token = TOKEN
    code, _out, err = await run_cli(
        "serve", env=_env(fake_slack, tmp_path, SLACK_BOT_TOKEN="xoxb-wrong-token-123")
    )
    assert code == 2
    # start-up log lines may come first; the verdict is the last line, and only there
    last = err.strip().splitlines()[-1]
    assert last.startswith("SLACK_BOT_TOKEN was rejected by Slack (invalid_auth)")
    assert "xoxb-wrong-token-123" not in err
    assert "Traceback" not in err


async def test_serve_without_a_signing_secret_names_the_variable(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = {**_env(fake_slack, tmp_path, SLACK_BOT_TOKEN=TOKEN), "SLACK_SIGNING_SECRET": ""}
    code, _out, err = await run_cli("serve", env=env)
    assert code == 2
    assert err.strip().startswith("SLACK_SIGNING_SECRET is not set")


async def test_socket_without_an_app_token_names_the_variable(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = {**_env(fake_slack, tmp_path, SLACK_BOT_TOKEN=TOKEN), "SLACK_APP_TOKEN": ""}
    code, _out, err = await run_cli("socket", env=env)
    assert code == 2
    assert err.strip().startswith("SLACK_APP_TOKEN is not set")


@pytest.mark.parametrize("what", ["a file", "a corrupt store", "an unreachable server"])
def test_an_unusable_state_store_is_one_line_naming_the_variable(tmp_path: Path, what: str) -> None:
    """Not a traceback: one line on stderr naming the variable, exit 2 (no password)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "LLMTREND_DATA_DIR": str(tmp_path / "data")}
    if what == "a file":
        (tmp_path / "data").write_text("not a folder")
        variable = "LLMTREND_DATA_DIR"
    elif what == "a corrupt store":
        (tmp_path / "data").mkdir()
        (tmp_path / "data" / "state.db").write_text("garbage, not SQLite")
        variable = "LLMTREND_DATA_DIR"
    else:
        env["LLMTREND_STATE_URL"] = "postgresql://nobody:hunter2@127.0.0.1:1/x"
        variable = "LLMTREND_STATE_URL"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "reports"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"{variable}:")
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
