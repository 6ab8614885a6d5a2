"""Hostile input and shutdown, measured against a real `llmtrend serve` process.

    python -m bench.hostile [--sections 100000] [--out BENCHMARKS.md] [--json FILE]
                            [--only unsigned,flood,agree,scale] [--checkout DIR]
                            [--render FILE.json]

Everything goes through what every version of the app has: the `llmtrend serve` command
(`python -m bot serve --host --port`), environment variables, HTTP, and a loopback stub of
Slack's Web API that also records what is POSTed to the slash commands' response_url.

1. `unsigned`: the server's RSS (/proc/PID/status VmRSS), the size of GET /metrics and the
   bytes it logged, before and after 20,000 unsigned POSTs to /slack/events (50 in flight),
   each a JSON body with a type of its own (`{"type": "x<random>"}`) and bogus signature
   headers.
2. `flood`: 20 signed `/llmtrend multimodal` commands, one every 0.8 s (each timed on its
   own, so a stall does not thin the sample), alone (baseline) and while 60 unsigned
   1,000,000-byte form bodies (`application/x-www-form-urlencoded`, Slack's fields then
   ~110,000 short pairs) are sent at 3.5 a second.
3. `agree`: the seeds plus one report whose only section is a single 5,000,000-byte line of
   words resampled from the seeds (with "multimodal" every ~40 words). A signed
   `/llmtrend agree multimodal`: the HTTP response time, whether that response is the
   answer or a "working on it" ack, and if the answer comes later through response_url, when
   it arrives; and a signed `/llmtrend multimodal` sent 0.2 s after the agree.
4. `scale`: an archive of --sections sections (bench.corpora, cached under --cache), a
   first start on an empty data folder (/healthz answers 200 once the index is loaded;
   trends and the phrase index follow in the background: the log says "trends ready").
   Signed slash commands, 50 in flight for 10 s: while the trends are computing, after
   "trends ready", and once the phrase index is built too (idle). Then a second first start,
   SIGTERM 2 s after /healthz 200 (trends computing): seconds to exit, killed after 120 s.

The results go to stdout as a markdown section with a "before" column read from
bench/hostile_before.json (written once with `--json bench/hostile_before.json` from a
checkout of the commit before the hardening work); --out replaces that section in a file
(BENCHMARKS.md), --json writes this run's figures, --render re-renders a --json file without
measuring. --checkout DIR runs that checkout's `bot serve` (its .venv's python if it has
one) while this one drives it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import aiohttp
from aiohttp import web

from bench.corpora import SEED, generate, seeds_dir
from bench.machine import machine as measured_on
from bench.slash import QUERIES, pct
from tests.harness import free_port, sign

SECRET = "bench-hostile-signing-secret"
HEADING = "### Hostile input and shutdown"
HERE = Path(__file__).resolve().parent
BEFORE_JSON = HERE / "hostile_before.json"
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "llmtrend-bench-cache"
PARTS = ("unsigned", "flood", "agree", "scale")

UNSIGNED_REQUESTS = 20_000
UNSIGNED_CONCURRENCY = 50
FLOOD_BODIES = 60
FLOOD_RATE = 3.5  # bodies a second
FLOOD_BODY_BYTES = 1_000_000  # under aiohttp's (and the app's) 1 MiB limit: it is read
PROBES = 20
PROBE_EVERY_S = 0.8
HUGE_BYTES = 5_000_000  # under the loader's 5 MiB file limit: the report is loaded
TOPIC = "multimodal"
AGREE_FOLLOW_DELAY_S = 0.2
BURST_S = 10.0
BURST_CONCURRENCY = 50
SIGTERM_AFTER_S = 2.0
SIGTERM_CAP_S = 120.0
REQUEST_TIMEOUT_S = 600.0
#: What the apps' answers say when they are not the answer yet (any version).
WORKING_WORDS = ("working on it",)
TRENDS_PENDING_WORDS = ("still being computed",)
STREAM_PENDING_WORDS = ("still reading",)


# --- a loopback Slack: Web API stub and response_url recorder ---------------------------


@dataclass
class FakeSlack:
    """auth.test, chat.postMessage and the rest answer ok; response_url POSTs are kept."""

    runner: web.AppRunner
    port: int
    posts: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    arrived: dict[str, asyncio.Event] = field(default_factory=dict)

    def response_url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{key}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    async def wait_post(self, key: str, limit_s: float) -> tuple[float, str] | None:
        """When (perf_counter) the first POST to response_url `key` arrived, and its body."""
        event = self.arrived.setdefault(key, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), limit_s)
        got = self.posts.get(key)
        return got[0] if got else None


async def fake_slack() -> FakeSlack:
    port = free_port()
    app = web.Application(client_max_size=16 * 2**20)
    fake = FakeSlack(web.AppRunner(app, access_log=None), port)

    async def api(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response(
            {
                "ok": True,
                "user_id": "UBOT",
                "team_id": "T1",
                "bot_id": "B1",
                "channel": "C1",
                "ts": f"{time.time():.6f}",
                "channels": [],
                "members": [],
                "response_metadata": {"next_cursor": ""},
            }
        )

    async def response(request: web.Request) -> web.Response:
        key = request.match_info["key"]
        body = await request.text()
        fake.posts.setdefault(key, []).append((time.perf_counter(), body))
        fake.arrived.setdefault(key, asyncio.Event()).set()
        return web.Response(text="ok")

    app.router.add_post("/api/{method}", api)
    app.router.add_post("/response/{key}", response)
    await fake.runner.setup()
    await web.TCPSite(fake.runner, "127.0.0.1", port).start()
    return fake


# --- `llmtrend serve` ---------------------------------------------------------------------


@dataclass
class Serve:
    """A running `python -m bot serve` with its log file and metrics port."""

    proc: asyncio.subprocess.Process
    base: str
    metrics: str
    log_path: Path
    data_dir: Path
    started: float
    log: IO[bytes]

    @property
    def events(self) -> str:
        return f"{self.base}/slack/events"

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def log_bytes(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def logged(self, words: str) -> bool:
        return words in self.log_text()

    def rss_mb(self) -> float | None:
        """VmRSS of the server process (children, if any, not included)."""
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None


def server_python(checkout: Path) -> str:
    """The checkout's own venv when it has one, else this interpreter."""
    venv = checkout / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


async def start_serve(
    reports_dir: Path, fake: FakeSlack, workdir: Path, checkout: Path, name: str
) -> Serve:
    """`python -m bot serve` on free loopback ports, an empty data folder, INFO logs to a file
    (the default level: what a deployment logs)."""
    port, metrics_port = free_port(), free_port()
    data_dir = workdir / f"data-{name}-{port}"
    data_dir.mkdir(parents=True)
    log_path = workdir / f"serve-{name}-{port}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LLMTREND_"))}
    env.update(
        {
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "LLMTREND_REPORTS_DIR": str(reports_dir),
            "LLMTREND_DATA_DIR": str(data_dir),
            "LLMTREND_LOG_LEVEL": "INFO",
            "LLMTREND_METRICS_PORT": str(metrics_port),
            "LLMTREND_METRICS_HOST": "127.0.0.1",  # unknown to older versions: ignored
            "PYTHONUNBUFFERED": "1",
        }
    )
    log = log_path.open("wb")
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        server_python(checkout),
        "-m",
        "bot",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env=env,
        cwd=checkout,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return Serve(
        proc,
        f"http://127.0.0.1:{port}",
        f"http://127.0.0.1:{metrics_port}/metrics",
        log_path,
        data_dir,
        started,
        log,
    )


async def wait_ready(server: Serve, limit_s: float = 1800) -> float:
    """Seconds from process start to /healthz 200."""
    deadline = time.monotonic() + limit_s
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if server.proc.returncode is not None:
                raise RuntimeError(
                    f"llmtrend serve exited with {server.proc.returncode}:\n"
                    + server.log_text()[-3000:]
                )
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"{server.base}/healthz") as resp:
                    if resp.status == 200:
                        return time.perf_counter() - server.started
            await asyncio.sleep(0.05)
    raise TimeoutError("llmtrend serve never became ready")


async def stop_serve(server: Serve, grace_s: float = 30) -> None:
    if server.proc.returncode is None:
        server.proc.terminate()
        try:
            await asyncio.wait_for(server.proc.wait(), grace_s)
        except TimeoutError:
            server.proc.kill()
            await server.proc.wait()
    server.log.close()


async def wait_until(check: Callable[[], Awaitable[bool]], limit_s: float) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.5)
    return False


async def trends_ready(server: Serve, session: aiohttp.ClientSession, fake: FakeSlack) -> bool:
    """The log says "trends ready", or `/llmtrend trends` no longer says they are pending."""
    if server.logged("trends ready"):
        return True
    _, _, text = await command(session, server, fake, "trends", "probe-trends")
    return not any(w in text.lower() for w in TRENDS_PENDING_WORDS) and bool(text)


async def stream_ready(server: Serve, session: aiohttp.ClientSession, fake: FakeSlack) -> bool:
    """`/llmtrend new` no longer says it is still reading the reports' history."""
    _, status, text = await command(session, server, fake, "new", "probe-new")
    return status == 200 and not any(w in text.lower() for w in STREAM_PENDING_WORDS)


# --- requests -----------------------------------------------------------------------------


def signed_command(text: str, response_url: str) -> tuple[bytes, dict[str, str]]:
    """A `/llmtrend` slash command as Slack sends it: form-encoded and signed."""
    body = urllib.parse.urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": "T1",
            "team_domain": "bench",
            "channel_id": "C1",
            "channel_name": "general",
            "user_id": "U1",
            "user_name": "bench",
            "command": "/llmtrend",
            "text": text,
            "api_app_id": "A1",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    ).encode()
    return body, {**sign(body, SECRET), "Content-Type": "application/x-www-form-urlencoded"}


def bogus_headers(rng: random.Random, content_type: str) -> dict[str, str]:
    return {
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=" + "".join(rng.choices("0123456789abcdef", k=64)),
        "Content-Type": content_type,
    }


async def command(
    session: aiohttp.ClientSession, server: Serve, fake: FakeSlack, text: str, key: str
) -> tuple[float, int, str]:
    """One signed slash command: (ms, status, response text)."""
    body, headers = signed_command(text, fake.response_url(key))
    started = time.perf_counter()
    async with session.post(server.events, data=body, headers=headers) as resp:
        reply = await resp.text()
        return (time.perf_counter() - started) * 1000, resp.status, reply


def is_working(text: str) -> bool:
    return any(w in text.lower() for w in WORKING_WORDS)


async def metrics_bytes(session: aiohttp.ClientSession, server: Serve) -> int | None:
    try:
        async with session.get(server.metrics) as resp:
            return len(await resp.read()) if resp.status == 200 else None
    except aiohttp.ClientError:
        return None


def client(limit: int = 100) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit),
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
    )


def statuses(codes: Sequence[int | str]) -> str:
    return ", ".join(f"{code}×{n:,}" for code, n in sorted(Counter(codes).items(), key=str))


# --- 1. unsigned requests, each of its own type --------------------------------------------


async def measure_unsigned(fake: FakeSlack, workdir: Path, checkout: Path) -> dict[str, Any]:
    server = await start_serve(seeds_dir(), fake, workdir, checkout, "unsigned")
    try:
        await wait_ready(server)
        rng = random.Random(SEED)
        async with client(UNSIGNED_CONCURRENCY) as session:
            for i, q in enumerate(QUERIES):  # warm up: every path a real request takes
                await command(session, server, fake, q, f"warm-{i}")
            await asyncio.sleep(1)
            rss0, log0 = server.rss_mb(), server.log_bytes()
            metrics0 = await metrics_bytes(session, server)
            codes: list[int | str] = []
            queue = iter(range(UNSIGNED_REQUESTS))

            async def worker() -> None:
                for _ in queue:
                    body = json.dumps({"type": f"x{rng.getrandbits(64):016x}"}).encode()
                    headers = bogus_headers(rng, "application/json")
                    try:
                        async with session.post(server.events, data=body, headers=headers) as r:
                            await r.read()
                            codes.append(r.status)
                    except aiohttp.ClientError as exc:
                        codes.append(type(exc).__name__)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(UNSIGNED_CONCURRENCY)))
            elapsed = time.perf_counter() - started
            await asyncio.sleep(1)
            rss1, log1 = server.rss_mb(), server.log_bytes()
            metrics1 = await metrics_bytes(session, server)
            probe_ms, probe_status, _ = await command(session, server, fake, TOPIC, "after")
    finally:
        await stop_serve(server)
    return {
        "unsigned_rss_before_mb": rss0,
        "unsigned_rss_after_mb": rss1,
        "unsigned_rss_growth_mb": None if rss0 is None or rss1 is None else rss1 - rss0,
        "unsigned_metrics_before_bytes": metrics0,
        "unsigned_metrics_after_bytes": metrics1,
        "unsigned_log_bytes": log1 - log0,
        "unsigned_per_s": UNSIGNED_REQUESTS / elapsed,
        "unsigned_statuses": statuses(codes),
        "unsigned_command_after_ms": probe_ms if probe_status == 200 else None,
    }


# --- 2. 1 MB unsigned bodies while signed commands are answered ---------------------------


def flood_body(size: int = FLOOD_BODY_BYTES) -> bytes:
    """A slash command's fields, then short pairs up to `size` bytes (what a parser of the
    whole form must split one by one)."""
    head = urllib.parse.urlencode(
        {"team_id": "T1", "user_id": "U1", "command": "/llmtrend", "text": TOPIC}
    )
    parts, n, i = [head], len(head), 0
    while n < size:
        pair = f"&p{i}=v"
        parts.append(pair)
        n += len(pair)
        i += 1
    return "".join(parts).encode()[:size]


async def probe_commands(
    session: aiohttp.ClientSession, server: Serve, fake: FakeSlack, tag: str
) -> list[tuple[float, int, str]]:
    """PROBES signed commands, one started every PROBE_EVERY_S (each timed on its own)."""

    async def at(i: int) -> tuple[float, int, str]:
        await asyncio.sleep(i * PROBE_EVERY_S)
        return await command(session, server, fake, TOPIC, f"{tag}-{i}")

    return list(await asyncio.gather(*(at(i) for i in range(PROBES))))


def latency(prefix: str, probes: Sequence[tuple[float, int, str]]) -> dict[str, Any]:
    ms = [p[0] for p in probes]
    return {
        f"{prefix}_p50_ms": statistics.median(ms),
        f"{prefix}_max_ms": max(ms),
        f"{prefix}_statuses": statuses([p[1] for p in probes]),
    }


async def measure_flood(fake: FakeSlack, workdir: Path, checkout: Path) -> dict[str, Any]:
    server = await start_serve(seeds_dir(), fake, workdir, checkout, "flood")
    body = flood_body()
    rng = random.Random(SEED)
    try:
        await wait_ready(server)
        async with client(200) as session:
            for i, q in enumerate(QUERIES):
                await command(session, server, fake, q, f"warm-{i}")
            baseline = await probe_commands(session, server, fake, "baseline")
            flood_codes: list[int | str] = []
            flood_ms: list[float] = []

            async def big(i: int) -> None:
                await asyncio.sleep(i / FLOOD_RATE)
                headers = bogus_headers(rng, "application/x-www-form-urlencoded")
                started = time.perf_counter()
                try:
                    async with session.post(server.events, data=body, headers=headers) as r:
                        await r.read()
                        flood_codes.append(r.status)
                except aiohttp.ClientError as exc:
                    flood_codes.append(type(exc).__name__)
                flood_ms.append((time.perf_counter() - started) * 1000)

            flood = asyncio.gather(*(big(i) for i in range(FLOOD_BODIES)))
            await asyncio.sleep(0.5)  # the flood is under way before the first probe
            during = await probe_commands(session, server, fake, "flood")
            await flood
    finally:
        await stop_serve(server)
    return {
        **latency("flood_baseline", baseline),
        **latency("flood_during", during),
        "flood_body_statuses": statuses(flood_codes),
        "flood_body_p50_ms": statistics.median(flood_ms),
    }


# --- 3. agree on a 5 MB section --------------------------------------------------------


def huge_report(path: Path, size: int = HUGE_BYTES, seed: int = SEED) -> Path:
    """One `## 1.` section whose body is one line of `size` bytes: seed words resampled
    (punctuation as written), the topic every ~40 words."""
    words = []
    for p in sorted(seeds_dir().iterdir()):
        if p.suffix in (".md", ".txt"):
            text = p.read_text(encoding="utf-8")
            words += [w for w in text.split() if w.strip("#*-|") and not w[0].isdigit()]
    rng = random.Random(seed)
    head = f"# Field notes, unabridged\n\n## 1. Everything we heard about {TOPIC} models\n\n"
    out, n = [head], len(head.encode())
    while n < size - 1:
        word = TOPIC if rng.random() < 1 / 40 else rng.choice(words)
        out.append(word + " ")
        n += len(word.encode()) + 1
    body = "".join(out).encode()[: size - 1].decode("utf-8", errors="ignore")
    path.write_text(body + "\n", encoding="utf-8")
    return path


async def measure_agree(fake: FakeSlack, workdir: Path, checkout: Path) -> dict[str, Any]:
    reports = workdir / "agree-5mb"
    if reports.exists():
        shutil.rmtree(reports)
    shutil.copytree(seeds_dir(), reports)
    huge_report(reports / "zz-huge-one-line.md")
    server = await start_serve(reports, fake, workdir, checkout, "agree")
    out: dict[str, Any] = {}
    try:
        out["agree_ready_s"] = await wait_ready(server)
        async with client() as session:
            async with session.get(f"{server.base}/healthz") as resp:
                out["agree_reports_loaded"] = (await resp.json()).get("reports")
            t0 = time.perf_counter()
            await wait_until(lambda: trends_ready(server, session, fake), 600)
            stream = await wait_until(lambda: stream_ready(server, session, fake), 600)
            out["agree_background_s"] = (time.perf_counter() - t0) if stream else None
            await command(session, server, fake, TOPIC, "warm")

            async def search_after() -> tuple[float, int, str]:
                await asyncio.sleep(AGREE_FOLLOW_DELAY_S)
                return await command(session, server, fake, TOPIC, "agree-search")

            sent = time.perf_counter()
            follow = asyncio.ensure_future(search_after())
            agree_ms, agree_status, agree_text = await command(
                session, server, fake, f"agree {TOPIC}", "agree"
            )
            search_ms, search_status, _ = await follow
            working = is_working(agree_text)
            later = await fake.wait_post("agree", REQUEST_TIMEOUT_S if working else 2)
    finally:
        await stop_serve(server)
    answer = later[1] if later else agree_text
    out.update(
        {
            "agree_http_s": agree_ms / 1000,
            "agree_status": agree_status,
            "agree_ack": "working on it" if working else "the answer",
            "agree_answer_s": (later[0] - sent) if later else agree_ms / 1000,
            "agree_shared_cut_short": "not worked out in time" in answer,
            "agree_answer_kib": len(answer.encode()) / 1024,
            "agree_answer_failed": "went wrong" in answer.lower(),
            "agree_search_ms": search_ms if search_status == 200 else None,
            "agree_search_status": search_status,
        }
    )
    return out


# --- 4. at scale: throughput while trends compute, and SIGTERM -----------------------------


def corpus(sections: int, cache: Path) -> tuple[Path, float]:
    """bench.corpora's archive of `sections` sections, generated once into the cache."""
    folder = cache / f"corpus-{sections}-seed{SEED}"
    marker = folder / ".complete"
    if marker.exists():
        return folder, 0.0
    started = time.perf_counter()
    generate(folder, sections)
    marker.write_text(f"{sections} sections, seed {SEED}\n")
    return folder, time.perf_counter() - started


async def burst(
    session: aiohttp.ClientSession, server: Serve, fake: FakeSlack, tag: str
) -> dict[str, float]:
    """BURST_CONCURRENCY signed commands in flight for BURST_S (closed loop)."""
    results: list[tuple[float, int, bool]] = []
    deadline = time.perf_counter() + BURST_S
    counter = iter(range(10**9))

    async def worker() -> None:
        for i in counter:
            if time.perf_counter() >= deadline:
                return
            try:
                ms, status, text = await command(
                    session, server, fake, QUERIES[i % len(QUERIES)], f"{tag}-{i}"
                )
                results.append((ms, status, is_working(text)))
            except aiohttp.ClientError:
                results.append((0.0, 0, False))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(BURST_CONCURRENCY)))
    elapsed = time.perf_counter() - started
    ok = [ms for ms, status, _ in results if status == 200]
    return {
        "rps": len(ok) / elapsed,
        "p50_ms": statistics.median(ok) if ok else float("nan"),
        "p99_ms": pct(ok, 99) if ok else float("nan"),
        "errors": float(len(results) - len(ok)),
        "working": float(sum(1 for *_, w in results if w)),
    }


async def measure_scale(
    fake: FakeSlack, workdir: Path, checkout: Path, sections: int, reports: Path | None, cache: Path
) -> dict[str, Any]:
    gen_s = 0.0
    if reports is None:
        reports, gen_s = corpus(sections, cache)
    out: dict[str, Any] = {"scale_sections": sections, "scale_generated_s": gen_s}
    print(f"   corpus {reports} ({gen_s:.0f} s to generate)", file=sys.stderr)
    server = await start_serve(reports, fake, workdir, checkout, "scale")
    try:
        out["scale_ready_s"] = await wait_ready(server)
        print(f"   ready in {out['scale_ready_s']:.1f} s", file=sys.stderr)
        async with client(BURST_CONCURRENCY * 2) as session:
            out["scale_trends_pending_at_ready"] = not server.logged("trends ready")
            phase = "during"
            for name, value in (await burst(session, server, fake, phase)).items():
                out[f"scale_{phase}_{name}"] = value
            out["scale_trends_pending_after_burst"] = not server.logged("trends ready")
            await wait_until(lambda: trends_ready(server, session, fake), 900)
            out["scale_trends_ready_s"] = time.perf_counter() - server.started
            print(f"   trends ready at {out['scale_trends_ready_s']:.0f} s", file=sys.stderr)
            phase = "trends_ready"
            for name, value in (await burst(session, server, fake, phase)).items():
                out[f"scale_{phase}_{name}"] = value
            out["scale_stream_pending_after_trends"] = not await stream_ready(server, session, fake)
            if await wait_until(lambda: stream_ready(server, session, fake), 600):
                out["scale_stream_ready_s"] = time.perf_counter() - server.started
                print(f"   stream ready at {out['scale_stream_ready_s']:.0f} s", file=sys.stderr)
                phase = "idle"
                for name, value in (await burst(session, server, fake, phase)).items():
                    out[f"scale_{phase}_{name}"] = value
    finally:
        await stop_serve(server)
    # SIGTERM while the trends are computing (a second first start, empty data folder)
    server = await start_serve(reports, fake, workdir, checkout, "sigterm")
    try:
        await wait_ready(server)
        await asyncio.sleep(SIGTERM_AFTER_S)
        out["sigterm_trends_pending"] = not server.logged("trends ready")
        sent = time.perf_counter()
        server.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(server.proc.wait(), SIGTERM_CAP_S)
            out["sigterm_killed"] = False
        except TimeoutError:
            server.proc.kill()
            await server.proc.wait()
            out["sigterm_killed"] = True
        out["sigterm_exit_s"] = time.perf_counter() - sent
        out["sigterm_returncode"] = server.proc.returncode
    finally:
        await stop_serve(server)
    return out


# --- the run, its record and its markdown ------------------------------------------------


def machine(checkout: Path) -> dict[str, str]:
    """bench.machine's facts about the measured checkout, and when."""
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), **measured_on(checkout)}


async def run(
    parts: Sequence[str],
    sections: int,
    checkout: Path,
    cache: Path,
    corpus_dir: Path | None = None,
) -> dict[str, Any]:
    """Every part asked for, one server at a time; {"meta": …, "results": …}.

    `corpus_dir`: an archive of `sections` already generated (`python -m bench --hostile`),
    else bench.corpora's is generated into (or reused from) `cache`."""
    meta = machine(checkout)
    results: dict[str, Any] = {}
    fake = await fake_slack()
    workdir = Path(tempfile.mkdtemp(prefix="llmtrend-hostile-"))
    steps: dict[str, Callable[[], Awaitable[dict[str, Any]]]] = {
        "unsigned": lambda: measure_unsigned(fake, workdir, checkout),
        "flood": lambda: measure_flood(fake, workdir, checkout),
        "agree": lambda: measure_agree(fake, workdir, checkout),
        "scale": lambda: measure_scale(fake, workdir, checkout, sections, corpus_dir, cache),
    }
    try:
        for part in parts:
            print(f"== hostile: {part}", file=sys.stderr)
            results[f"{part}_loadavg_before"] = os.getloadavg()[0]  # was the machine busy?
            started = time.perf_counter()
            results.update(await steps[part]())
            results[f"{part}_elapsed_s"] = time.perf_counter() - started
            print(f"   done in {results[f'{part}_elapsed_s']:.0f} s", file=sys.stderr)
    finally:
        await fake.runner.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    meta["sections"] = str(sections)
    return {"meta": meta, "results": results}


Fmt = Callable[[Any], str]


def num(digits: int = 1, scale: float = 1.0) -> Fmt:
    return lambda v: f"{v / scale:,.{digits}f}"


def kib(v: Any) -> str:
    return f"{v / 1024:,.1f} KiB" if v < 2**20 else f"{v / 2**20:,.1f} MiB"


def yes_no(v: Any) -> str:
    return "yes" if v else "no"


def as_is(v: Any) -> str:
    return str(v)


#: (key in results, what the row says, how the value is shown)
ROWS: list[tuple[str, str, Fmt]] = [
    ("unsigned_rss_before_mb", "RSS before 20,000 unsigned POSTs, MB", num(0)),
    ("unsigned_rss_after_mb", "RSS after them, MB", num(0)),
    ("unsigned_rss_growth_mb", "RSS growth, MB", num(1)),
    ("unsigned_metrics_before_bytes", "GET /metrics before", kib),
    ("unsigned_metrics_after_bytes", "GET /metrics after", kib),
    ("unsigned_log_bytes", "log written for them (INFO)", kib),
    ("unsigned_per_s", "unsigned POSTs answered per s (50 in flight)", num(0)),
    ("unsigned_statuses", "their statuses", as_is),
    ("flood_baseline_p50_ms", "`/llmtrend multimodal` alone: p50 ms", num(1)),
    ("flood_baseline_max_ms", "… alone: max ms", num(1)),
    ("flood_during_p50_ms", "… during 60 × 1 MB unsigned bodies at 3.5/s: p50 ms", num(1)),
    ("flood_during_max_ms", "… during the flood: max ms", num(1)),
    ("flood_body_statuses", "the 1 MB bodies' statuses", as_is),
    ("flood_body_p50_ms", "a 1 MB body's answer, p50 ms", num(1)),
    ("agree_reports_loaded", "agree, 5 MB section: reports loaded (5 seeds + the 5 MB one)", as_is),
    ("agree_http_s", "`/llmtrend agree multimodal`: HTTP response, s", num(2)),
    ("agree_ack", "… that response is", as_is),
    ("agree_answer_s", "… the answer shown after, s", num(2)),
    ("agree_shared_cut_short", "… shared points cut short", yes_no),
    ("agree_answer_kib", "… the answer's size, KiB (JSON)", num(1)),
    ("agree_answer_failed", "… the answer is an error message", yes_no),
    ("agree_search_ms", "`/llmtrend multimodal` sent 0.2 s after it, ms", num(1)),
    ("agree_background_s", "trends + phrase index of that folder after /healthz 200, s", num(1)),
    ("scale_ready_s", "{n} sections: first start to /healthz 200, s", num(1)),
    ("scale_during_rps", "trends computing: commands/s (50 in flight, 10 s)", num(0)),
    ("scale_during_p50_ms", "… p50 ms", num(1)),
    ("scale_during_p99_ms", "… p99 ms", num(1)),
    ("scale_trends_pending_after_burst", "… trends still computing at the end", yes_no),
    ("scale_trends_ready_s", "trends ready, s after start", num(0)),
    ("scale_trends_ready_rps", "trends ready, phrase index building: commands/s", num(0)),
    ("scale_trends_ready_p50_ms", "… p50 ms", num(1)),
    ("scale_trends_ready_p99_ms", "… p99 ms", num(1)),
    ("scale_stream_pending_after_trends", "… phrase index still building then", yes_no),
    ("scale_stream_ready_s", "phrase index ready, s after start", num(0)),
    ("scale_idle_rps", "idle (both ready): commands/s", num(0)),
    ("scale_idle_p50_ms", "… p50 ms", num(1)),
    ("scale_idle_p99_ms", "… p99 ms", num(1)),
    ("sigterm_exit_s", "SIGTERM 2 s after /healthz 200 (trends computing): s to exit", num(1)),
    ("sigterm_killed", "… killed after 120 s", yes_no),
    ("sigterm_returncode", "… exit status", as_is),
]


def cell(results: dict[str, Any], key: str, fmt: Fmt) -> str:
    value = results.get(key)
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    return fmt(value)


def section(after: dict[str, Any] | None, before: dict[str, Any] | None) -> str:
    """The markdown section: one row per measure, before and after side by side."""
    b = (before or {}).get("results", {})
    a = (after or {}).get("results", {})
    n = int((after or before or {}).get("meta", {}).get("sections", 100_000))
    bm, am = (before or {}).get("meta", {}), (after or {}).get("meta", {})

    def run_line(name: str, m: dict[str, str], r: dict[str, Any]) -> str:
        if not m:
            return f"- {name}: not measured."
        load = ", ".join(
            f"{p} {r[f'{p}_loadavg_before']:.1f}" for p in PARTS if f"{p}_loadavg_before" in r
        )
        return (
            f"- {name}: {m['date']}, commit {m['commit']}, {m['cpu']}, {m['cores']} cores, "
            f"Python {m['python']}; load average (1 min) as each part began: {load or '—'}."
            + (f" {m['note']}." if m.get("note") else "")
        )

    lines = [
        HEADING,
        "",
        "`python -m bench.hostile` (bench/hostile.py): a real `llmtrend serve` over loopback "
        "HTTP, INFO logs to a file, metrics on their own port, Slack's Web API and the "
        "response_url a loopback stub; client and server share the machine's cores.",
        "",
        run_line("Before", bm, b),
        run_line("After", am, a),
        '- Unsigned POSTs: JSON bodies `{"type": "x<random>"}` with bogus signature '
        "headers, 50 in flight; RSS is the server's VmRSS 1 s after the last one.",
        "- The flood: 20 signed commands started 0.8 s apart, alone and while 60 unsigned "
        "form bodies of 1,000,000 bytes (Slack's fields, then ~110,000 short pairs) go out at "
        "3.5 a second.",
        "- Agree: the seeds plus a report whose only section is one 5,000,000-byte line of "
        "seed words (`multimodal` every ~40), once trends and the phrase index of that "
        "folder are built; 'the answer shown after' is the HTTP response when it is the "
        "answer, else when the answer reached the response_url.",
        f"- At {n:,} sections (bench.corpora, seed {SEED}): an empty data folder, so trends "
        "(then the phrase index) are computed after /healthz turns 200; 50 signed commands "
        "in flight for 10 s in each phase. SIGTERM: a second first start.",
        "- The machine is shared and small: throughput at scale moves by tens of percent "
        "between runs (see the load averages); the unsigned, flood, agree and SIGTERM rows "
        "differ by far more than that.",
        "",
        "| measure | before (92bb130) | after (working tree) |",
        "| --- | ---: | ---: |",
    ]
    if bm.get("sections", str(n)) != str(n):  # not the same archive: not comparable
        b = {k: v for k, v in b.items() if not k.startswith(("scale_", "sigterm_"))}
        note = f"- The before run was at {int(bm['sections']):,} sections: its rows at scale "
        lines.insert(-3, note + "are left out.")
    for key, label, fmt in ROWS:
        if key not in a and key not in b:
            continue
        lines.append(f"| {label.format(n=f'{n:,}')} | {cell(b, key, fmt)} | {cell(a, key, fmt)} |")
    return "\n".join(lines) + "\n"


_NEXT_HEADING = re.compile(r"^#{1,3} ", re.MULTILINE)


def existing_section(doc: str) -> str | None:
    """The hostile section of a document, if it has one."""
    start = doc.find(HEADING)
    if start < 0:
        return None
    nxt = _NEXT_HEADING.search(doc, start + len(HEADING))
    return doc[start : nxt.start() if nxt else len(doc)].rstrip() + "\n"


def splice(doc: str, new: str) -> str:
    """The document with its hostile section replaced by `new` (appended if it had none)."""
    start = doc.find(HEADING)
    if start < 0:
        return doc.rstrip() + "\n\n" + new
    nxt = _NEXT_HEADING.search(doc, start + len(HEADING))
    rest = doc[nxt.start() :] if nxt else ""
    return doc[:start] + new + ("\n" + rest if rest else "")


def read_before(path: Path | None) -> dict[str, Any] | None:
    """A run's record (--json), or None when there is no such file."""
    if path is None or not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", type=int, default=100_000, help="archive size for scale")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts")
    parser.add_argument("--out", help="replace the section in this markdown file")
    parser.add_argument("--json", help="write this run's figures here")
    parser.add_argument("--before", default=str(BEFORE_JSON), help="'before' figures (JSON)")
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help="generated corpora")
    parser.add_argument(
        "--checkout", default=str(HERE.parent), help="the checkout whose `bot serve` is run"
    )
    parser.add_argument(
        "--render", metavar="JSON", help="measure nothing: the section from a --json file"
    )
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown parts {unknown}: choose from {', '.join(PARTS)}")
    checkout, cache = Path(args.checkout).resolve(), Path(args.cache)
    if args.render:
        record = read_before(Path(args.render)) or {}
    else:
        cache.mkdir(parents=True, exist_ok=True)
        record = asyncio.run(run(parts, args.sections, checkout, cache))
        print(json.dumps(record, indent=2), file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    text = section(record, read_before(Path(args.before) if args.before else None))
    if args.out:
        out = Path(args.out)
        doc = out.read_text(encoding="utf-8") if out.exists() else ""
        out.write_text(splice(doc, text), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
