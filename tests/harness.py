"""What the tests and the benchmark suite share to drive a real `llmtrend serve`.

Free loopback ports, Slack's request signing, and `python -m bot serve` started as a
process and waited on until `/healthz` answers 200. `bench/` imports this module too, so a
measurement and a test start the server the same way.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import socket
import sys
import time
from pathlib import Path
from typing import IO, Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A free loopback port for a server the caller starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sign(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack request-signing headers for ``body`` (v0 HMAC-SHA256)."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    base = f"v0:{ts}:".encode() + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}


async def spawn_serve(
    env: dict[str, str], port: int, output: IO[Any] | int | None = None
) -> asyncio.subprocess.Process:
    """Start `python -m bot serve` on 127.0.0.1:port with `env` over this environment."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=output,
        stderr=output,
    )


async def wait_healthy(proc: asyncio.subprocess.Process, url: str, limit_s: float) -> bool:
    """Poll `url/healthz` until it answers 200 (True), the process exits or time runs out."""
    deadline = time.monotonic() + limit_s
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if proc.returncode is not None:
                return False
            try:
                async with session.get(f"{url}/healthz") as resp:
                    if resp.status == 200:
                        return True
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    return False


async def stop_process(proc: asyncio.subprocess.Process, grace_s: float = 20) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `grace_s`."""
    if proc.returncode is not None:
        return
    proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), timeout=grace_s)
    except TimeoutError:
        proc.kill()
        await proc.wait()
