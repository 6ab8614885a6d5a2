"""SIGTERM ends `llmtrend serve` promptly whatever runs in the background (issue 14): a
trends computation that never ends, in a forked child or in a worker thread, is killed or
abandoned, never waited for (Kubernetes kills at 30 s, `docker stop` at 10 s)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.harness import ROOT, free_port, stop_process, wait_healthy
from tests.slackfake import FakeSlack
from tests.test_operations import serve_env

#: `python -c` this: `llmtrend serve` whose trends never finish ("thread": without fork).
ENDLESS_TRENDS = """
import sys, time
import bot.search.live, bot.workers

def endless(*_args):
    print("trends started", flush=True)
    while True:
        sum(range(100_000))

bot.search.live.find_trends = endless
if sys.argv[1] == "thread":
    bot.workers.can_fork = lambda: False
from bot.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("where", ["child", "thread"])
async def test_sigterm_exits_while_an_endless_trends_computation_runs(
    fake_slack: FakeSlack, tmp_path: Path, where: str
) -> None:
    port = free_port()
    log_path = tmp_path / "serve.log"
    env = {**os.environ, **serve_env(fake_slack, tmp_path / "data")}
    args = ["-c", ENDLESS_TRENDS, where, "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, *args, env=env, cwd=ROOT, stdout=log, stderr=log
        )
        try:
            assert await wait_healthy(proc, f"http://127.0.0.1:{port}", limit_s=60)
            for _ in range(100):  # until the endless computation has begun
                if "trends started" in log_path.read_text():
                    break
                await asyncio.sleep(0.05)
            assert "trends started" in log_path.read_text()
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), timeout=20)
        finally:
            await stop_process(proc, grace_s=1)
    logs = log_path.read_text()
    assert code == 0, logs
    assert "stopped" in logs
