"""Slash-command latency over loopback HTTP into a real `llmtrend serve` process.

    python -m bench.slash [--reports-dir DIR] [--requests 500] [--concurrency 50]

Starts a stub of Slack's Web API (auth.test only) and `llmtrend serve` on free ports,
waits for /healthz, then sends signed `/llmtrend` commands: one at a time (p50/p99), then
`--concurrency` at once (throughput, p99, errors).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import os
import socket
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

import aiohttp
from aiohttp import web

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    ts = str(int(time.time()))
    sig = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return body, {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={sig}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


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


async def run(reports_dir: str | None, requests: int, concurrency: int) -> dict[str, float]:
    api_port, app_port = free_port(), free_port()
    stub = await stub_slack(api_port)
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"http://127.0.0.1:{api_port}/api/",
        "LLMTREND_LOG_LEVEL": "WARNING",
        "LLMTREND_DATA_DIR": str(
            Path(os.environ.get("TMPDIR", "/tmp")) / f"llmtrend-bench-{app_port}"
        ),
    }
    if reports_dir:
        env["LLMTREND_REPORTS_DIR"] = reports_dir
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(app_port),
        env=env,
    )
    base = f"http://127.0.0.1:{app_port}"
    try:
        async with aiohttp.ClientSession() as session:
            deadline = time.monotonic() + 600
            while True:
                try:
                    async with session.get(f"{base}/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError("llmtrend serve never became ready")
                await asyncio.sleep(0.1)
            url = f"{base}/slack/events"
            for q in QUERIES:  # warm-up
                await one(session, url, q)
            serial = [await one(session, url, QUERIES[i % len(QUERIES)]) for i in range(requests)]
            sem = asyncio.Semaphore(concurrency)

            async def limited(i: int) -> tuple[float, int]:
                async with sem:
                    return await one(session, url, QUERIES[i % len(QUERIES)])

            start = time.perf_counter()
            burst = await asyncio.gather(*(limited(i) for i in range(requests)))
            elapsed = time.perf_counter() - start
    finally:
        proc.terminate()
        await proc.wait()
        await stub.cleanup()
    lat = [ms for ms, _ in serial]
    blat = [ms for ms, _ in burst]
    return {
        "serial_p50_ms": statistics.median(lat),
        "serial_p99_ms": pct(lat, 99),
        "concurrent_rps": requests / elapsed,
        "concurrent_p99_ms": pct(blat, 99),
        "errors": float(sum(1 for _, s in serial + burst if s != 200)),
    }


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
