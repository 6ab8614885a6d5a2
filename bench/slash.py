"""Slash-command latency over loopback HTTP into a real `llmtrend serve` process.

    python -m bench.slash [--reports-dir DIR] [--requests 500] [--concurrency 50]

Starts a stub of Slack's Web API (auth.test only) and `llmtrend serve` on free ports,
waits for /healthz, then sends signed `/llmtrend` commands: one at a time (p50/p99), then
`--concurrency` at once (throughput, p99, errors). Also reports the first start (process
start to /healthz 200) and whether trends were still being computed in the background.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.harness import free_port, sign, spawn_serve, stop_process, wait_healthy

SECRET = "bench-signing-secret"
QUERIES = [
    "multimodal",
    "open source",
    "RLHF",
    "crisis management",
    "energy efficiency",
    "what do the reports say about regulation?",
    "fine tuning",
    "edge computing",
]


def signed(text: str) -> tuple[bytes, dict[str, str]]:
    body = urllib.parse.urlencode(
        {
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": "U1",
            "command": "/llmtrend",
            "text": text,
            "response_url": "http://127.0.0.1:9/none",
            "trigger_id": "t",
        }
    ).encode()
    return body, {**sign(body, SECRET), "Content-Type": "application/x-www-form-urlencoded"}


async def stub_slack(port: int) -> web.AppRunner:
    async def api(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "user_id": "UBOT", "team_id": "T1", "bot_id": "B1"})

    app = web.Application()
    app.router.add_post("/api/{method}", api)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
        if len(values) > 1
        else values[0]
    )


async def one(session: aiohttp.ClientSession, url: str, text: str) -> tuple[float, int]:
    body, headers = signed(text)
    start = time.perf_counter()
    async with session.post(url, data=body, headers=headers) as resp:
        await resp.read()
        return (time.perf_counter() - start) * 1000, resp.status


@dataclass
class Server:
    """A running `llmtrend serve` (and the Slack stub it talks to)."""

    proc: asyncio.subprocess.Process
    stub: web.AppRunner
    base: str
    started: float
    data_dir: str
    ready_s: float | None = None

    @property
    def url(self) -> str:
        return f"{self.base}/slack/events"


async def start(reports_dir: str | None, data_dir: str | None = None) -> Server:
    """Start the Slack stub and `llmtrend serve` on free ports (not yet ready).

    `data_dir` shared with an earlier server measures a restart (its index cache)."""
    api_port, app_port = free_port(), free_port()
    stub = await stub_slack(api_port)
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"http://127.0.0.1:{api_port}/api/",
        "LLMTREND_LOG_LEVEL": "WARNING",
        "LLMTREND_DATA_DIR": data_dir
        or str(Path(os.environ.get("TMPDIR", "/tmp")) / f"llmtrend-bench-{app_port}"),
    }
    if reports_dir:
        env["LLMTREND_REPORTS_DIR"] = reports_dir
    started = time.perf_counter()
    proc = await spawn_serve(env, app_port)
    return Server(proc, stub, f"http://127.0.0.1:{app_port}", started, env["LLMTREND_DATA_DIR"])


async def wait_ready(server: Server, limit_s: float = 1800) -> float:
    """Seconds from process start until /healthz answered 200 (the first start)."""
    if server.ready_s is not None:
        return server.ready_s
    if not await wait_healthy(server.proc, server.base, limit_s):
        if server.proc.returncode is not None:
            raise RuntimeError(f"llmtrend serve exited with {server.proc.returncode}")
        raise TimeoutError("llmtrend serve never became ready")
    server.ready_s = time.perf_counter() - server.started
    return server.ready_s


async def trends_pending(server: Server) -> bool:
    """Whether `/llmtrend trends` still says the trends are being computed."""
    async with aiohttp.ClientSession() as session:
        body, headers = signed("trends")
        async with session.post(server.url, data=body, headers=headers) as resp:
            return "still being computed" in await resp.text()


async def stop(server: Server) -> None:
    """Stop `llmtrend serve` and the stub."""
    await stop_process(server.proc)
    await server.stub.cleanup()


async def measure(server: Server, requests: int, concurrency: int) -> dict[str, float]:
    """Serial p50/p99, then `concurrency` at once: throughput, p99, errors."""
    await wait_ready(server)
    url = server.url
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=max(concurrency, 100))
    ) as session:
        for q in QUERIES:  # warm-up
            await one(session, url, q)
        serial = [await one(session, url, QUERIES[i % len(QUERIES)]) for i in range(requests)]
        sem = asyncio.Semaphore(concurrency)

        async def limited(i: int) -> tuple[float, int]:
            async with sem:
                return await one(session, url, QUERIES[i % len(QUERIES)])

        start_at = time.perf_counter()
        burst = await asyncio.gather(*(limited(i) for i in range(requests)))
        elapsed = time.perf_counter() - start_at
    pending = await trends_pending(server)  # still computing at the end: all along
    lat = [ms for ms, _ in serial]
    blat = [ms for ms, _ in burst]
    return {
        "ready_s": server.ready_s or 0.0,
        "serial_p50_ms": statistics.median(lat),
        "serial_p99_ms": pct(lat, 99),
        "concurrent_rps": requests / elapsed,
        "concurrent_p99_ms": pct(blat, 99),
        "errors": float(sum(1 for _, s in serial + burst if s != 200)),
        "trends_pending": float(pending),
    }


async def run(reports_dir: str | None, requests: int, concurrency: int) -> dict[str, float]:
    """Start `llmtrend serve` on reports_dir, wait until ready, measure, stop."""
    server = await start(reports_dir)
    try:
        return await measure(server, requests, concurrency)
    finally:
        await stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports-dir")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    result = asyncio.run(run(args.reports_dir, args.requests, args.concurrency))
    for key, value in result.items():
        print(f"{key:>18}: {value:.2f}")


if __name__ == "__main__":
    main()
