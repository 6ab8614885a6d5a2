"""The benchmark suite: `python -m bench [--sizes 50,1000,10000,100000] [--queries 200]
[--no-slash] [--out BENCHMARKS.md]`, run from a checkout.

Generates report archives of each size (bench.corpora, fixed seed), measures each size in
a fresh process (bench.measure: load + build, peak RSS, query latency against rank-bm25,
top-10 agreement, memory, agree view, trends, bm25s), then the Slack path (bench.slash:
signed slash commands into `llmtrend serve`) at the smallest and largest size, and writes
the tables to --out and stdout. The largest size's `llmtrend serve` is started on its own
after the measurements (a first start, with an empty index cache), measured, stopped and
started again on the same data folder (a restart with the reports unchanged).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import slash
from bench.corpora import SEED, generate

TARGETS_AT = 100_000


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, Python, and the checkout's commit."""
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except OSError:
        commit = "unknown"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "commit": commit or "unknown",
    }


async def run_worker(reports_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """bench.measure in a fresh process; its last stdout line is the result."""
    cmd = [sys.executable, "-m", "bench.measure", str(reports_dir), "--queries", str(args.queries)]
    if args.trends_limit:
        cmd += ["--trends-limit", str(args.trends_limit)]
    if args.ref_limit:
        cmd += ["--ref-limit", str(args.ref_limit)]
    if args.no_bm25s:
        cmd.append("--no-bm25s")
    proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)
    stdout, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed with exit status {proc.returncode}")
    result: dict[str, Any] = json.loads(stdout.decode().strip().splitlines()[-1])
    return result


async def run_all(
    dirs: dict[int, Path], args: argparse.Namespace
) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, float]]]:
    """Every size's measurements, then the Slack path at the smallest and largest size."""
    sizes = sorted(dirs)
    results: dict[int, dict[str, Any]] = {}
    slash_results: dict[int, dict[str, float]] = {}
    big: slash.Server | None = None
    ready: asyncio.Task[float] | None = None
    try:
        for size in sizes:
            print(f"== {size:,} sections", file=sys.stderr)
            started = time.perf_counter()
            results[size] = await run_worker(dirs[size], args)
            print(f"   measured in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if not args.no_slash and len(sizes) > 1:
            # alone on the machine, so its first start is not shared with a measurement
            big = await slash.start(str(dirs[sizes[-1]]))
            ready = asyncio.create_task(slash.wait_ready(big))
            await ready
        if not args.no_slash:
            print(f"== slash commands at {sizes[0]:,} sections", file=sys.stderr)
            slash_results[sizes[0]] = await slash.run(
                str(dirs[sizes[0]]), args.slash_requests, args.concurrency
            )
            if big is not None and ready is not None:
                await ready
                print(f"== slash commands at {sizes[-1]:,} sections", file=sys.stderr)
                slash_results[sizes[-1]] = await slash.measure(
                    big, args.slash_requests, args.concurrency
                )
                # a restart with the reports unchanged: the index cache in the data folder
                await slash.stop(big)
                again = await slash.start(str(dirs[sizes[-1]]), data_dir=big.data_dir)
                try:
                    restart_s = await slash.wait_ready(again)
                finally:
                    await slash.stop(again)
                slash_results[sizes[-1]]["restart_s"] = restart_s
                print(f"   restart ready in {restart_s:.1f} s", file=sys.stderr)
    finally:
        if big is not None:
            await slash.stop(big)
    return results, slash_results


def _f(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _mb(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:,.1f}"


def tables(results: dict[int, dict[str, Any]], slashes: dict[int, dict[str, float]]) -> str:
    """The markdown tables of one run."""
    rows = [
        "### Build and memory",
        "",
        "| sections | reports | terms | load s | index build s | peak RSS after build MB "
        "| peak RSS MB (whole run) | index postings MB | rank-bm25 MB | reference build s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, r in results.items():
        rows.append(
            f"| {n:,} | {r['reports']:,} | {r['terms']:,} | {_f(r['load_s'])} "
            f"| {_f(r['build_s'])} | {_f(r['peak_rss_after_build_mb'], 0)} "
            f"| {_f(r['peak_rss_mb'], 0)} | {_mb(r['index_bytes'])} | {_mb(r['ref_bytes'])} "
            f"| {_f(r['ref_build_s'])} |"
        )
    rows += [
        "",
        "### Queries (top 10, one at a time; ms)",
        "",
        "| sections | queries | `engine.search` p50 / p99 | `index.top` p50 / p99 "
        "| reference p50 / p99 | reference ÷ search (p50) | reference ÷ index.top (p50) "
        "| top-10 ≠ reference | bm25s p50 / p99 | bm25s top-10 ≠ |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, r in results.items():
        b = r.get("bm25s") or {}
        bm = (
            f"{_f(b['p50_ms'], 3)} / {_f(b['p99_ms'], 3)} | {b['top10_differs']}/{b['queries']}"
            if b.get("available")
            else "— | —"
        )
        ref_note = "" if r["ref_queries"] == r["queries"] else f" ({r['ref_queries']} queries)"
        rows.append(
            f"| {n:,} | {r['queries']} | {_f(r['search_p50_ms'], 3)} / {_f(r['search_p99_ms'], 3)} "
            f"| {_f(r['top_p50_ms'], 3)} / {_f(r['top_p99_ms'], 3)} "
            f"| {_f(r['ref_p50_ms'], 3)} / {_f(r['ref_p99_ms'], 3)}{ref_note} "
            f"| {r['ref_p50_ms'] / r['search_p50_ms']:,.2f}× "
            f"| {r['ref_p50_ms'] / r['top_p50_ms']:,.0f}× "
            f"| {r['top10_mismatches']}/{r['ref_queries']} | {bm} |"
        )
    rows += [
        "",
        "### Trends and the agree view",
        "",
        "| sections | `find_trends` s | trends found | `agree(engine, topic, quotes=8, limit=10)` "
        "p50 / max ms (20 topics) |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for n, r in results.items():
        if r.get("trends_s") is not None:
            trends = f"{_f(r['trends_s'], 1)} | {r['trends']:,}"
        elif "trends_stopped_s" in r:
            trends = f"> {_f(r['trends_stopped_s'], 0)} (stopped at the limit) | —"
        else:
            trends = "not run | —"
        rows.append(
            f"| {n:,} | {trends} | {_f(r['agree_p50_ms'], 1)} / {_f(r['agree_max_ms'], 1)} |"
        )
    if slashes:
        rows += [
            "",
            "### Slash commands over loopback (`llmtrend serve`, signed `/llmtrend` requests)",
            "",
            "| sections | first start (to /healthz 200) s | restart, reports unchanged s "
            "| serial p50 / p99 ms "
            "| concurrency 50: commands/s | concurrency 50: p99 ms | errors "
            "| trends still computing |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for n, s in slashes.items():
            rows.append(
                f"| {n:,} | {_f(s['ready_s'], 1)} | {_f(s.get('restart_s'), 1)} "
                f"| {_f(s['serial_p50_ms'])} / "
                f"{_f(s['serial_p99_ms'])} | {_f(s['concurrent_rps'], 0)} "
                f"| {_f(s['concurrent_p99_ms'], 1)} | {int(s['errors'])} "
                f"| {'yes' if s['trends_pending'] else 'no'} |"
            )
    return "\n".join(rows)


def targets(results: dict[int, dict[str, Any]], slashes: dict[int, dict[str, float]]) -> str:
    """The project's targets at 100,000 sections, met or missed."""
    if TARGETS_AT not in results:
        return ""
    r = results[TARGETS_AT]
    s = slashes.get(TARGETS_AT)

    def row(name: str, got: str, ok: bool | None) -> str:
        verdict = "—" if ok is None else ("met" if ok else "**missed**")
        return f"| {name} | {got} | {verdict} |"

    trends_s = r.get("trends_s")
    lines = [
        f"### Targets at {TARGETS_AT:,} sections",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        row(
            "query p50 ≤ 0.5 ms (`engine.search`, top 10)",
            f"{_f(r['search_p50_ms'], 3)} ms (`index.top`: {_f(r['top_p50_ms'], 3)} ms)",
            r["search_p50_ms"] <= 0.5,
        ),
        row(
            "query p99 ≤ 3 ms (`engine.search`, top 10)",
            f"{_f(r['search_p99_ms'], 3)} ms (`index.top`: {_f(r['top_p99_ms'], 3)} ms)",
            r["search_p99_ms"] <= 3,
        ),
        row(
            "top-10 identical to rank-bm25",
            f"{r['top10_mismatches']} of {r['ref_queries']} differ",
            r["top10_mismatches"] == 0,
        ),
        row(
            "≥ 100× faster than rank-bm25 (p50)",
            f"{r['ref_p50_ms'] / r['search_p50_ms']:,.2f}× (`index.top`: "
            f"{r['ref_p50_ms'] / r['top_p50_ms']:,.0f}×)",
            r["ref_p50_ms"] / r["search_p50_ms"] >= 100,
        ),
        row(
            "index memory ≤ rank-bm25's",
            f"{_mb(r['index_bytes'])} MB vs {_mb(r['ref_bytes'])} MB",
            r["index_bytes"] <= r["ref_bytes"],
        ),
        row(
            "trends ≤ 120 s",
            f"{_f(trends_s, 1)} s"
            if trends_s is not None
            else f"> {_f(r.get('trends_stopped_s'), 0)} s (stopped)",
            trends_s is not None and trends_s <= 120,
        ),
        row("agree view ≤ 50 ms (p50)", f"{_f(r['agree_p50_ms'], 1)} ms", r["agree_p50_ms"] <= 50),
    ]
    if s is not None:
        lines += [
            row(
                "slash command p50 ≤ 5 ms",
                f"{_f(s['serial_p50_ms'])} ms",
                s["serial_p50_ms"] <= 5,
            ),
            row(
                "≥ 300 commands/s at concurrency 50",
                f"{_f(s['concurrent_rps'], 0)}/s",
                s["concurrent_rps"] >= 300,
            ),
            row(
                "p99 < 500 ms at concurrency 50",
                f"{_f(s['concurrent_p99_ms'], 1)} ms",
                s["concurrent_p99_ms"] < 500,
            ),
            row(
                "restart (reports unchanged) ready ≤ 3 s",
                f"{_f(s.get('restart_s'), 1)} s",
                s.get("restart_s", 1e9) <= 3,
            ),
            row(
                "first start ≤ 60 s",
                f"{_f(s['ready_s'], 1)} s (load + build alone: "
                f"{_f(r['load_s'] + r['build_s'], 1)} s)",
                s["ready_s"] <= 60,
            ),
        ]
    return "\n".join(lines)


def mismatch_details(results: dict[int, dict[str, Any]]) -> str:
    """The first top-10 mismatch of each size, in full."""
    parts = []
    for n, r in results.items():
        m = r.get("first_mismatch")
        if m:
            parts.append(
                f"First top-10 mismatch at {n:,} sections: query {m['query']!r}, terms "
                f"{m['terms']}\n  index ({m['index_total']} matches): {m['index']}\n"
                f"  reference ({m['reference_total']} matches): {m['reference']}"
            )
        if r.get("total_mismatches"):
            parts.append(
                f"At {n:,} sections {r['total_mismatches']} queries counted a different "
                "number of matching sections than rank-bm25."
            )
    return "\n\n".join(parts)


def document(
    command: str,
    info: dict[str, str],
    elapsed_s: float,
    gen_s: dict[int, float],
    results: dict[int, dict[str, Any]],
    slashes: dict[int, dict[str, float]],
    args: argparse.Namespace,
) -> str:
    """BENCHMARKS.md."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    examples = next(iter(results.values()), {}).get("query_examples", [])
    gen = ", ".join(f"{n:,}: {s:.1f} s" for n, s in gen_s.items())
    notes = [
        f"- One run, {now}, `{command}` (about {elapsed_s / 60:.0f} minutes).",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, "
        f"Python {info['python']}, commit {info['commit']}.",
        "- Corpora (`bench/corpora.py`, seed "
        f"{SEED}): the 5 seed reports at 50 sections; otherwise reports of 8–12 "
        "`## N. Title` sections whose sentences are resampled from the seed sections and "
        "about 30% of whose words are pseudo-words from a 100,000-word Zipf(1.1) vocabulary. "
        f"Generated in {gen}.",
        f"- Each size is measured in a fresh process (`python -m bench.measure DIR`). "
        f"{args.queries} mixed queries of 1–5 words (seed topic words and corpus words by "
        "section count, a quarter phrased as questions, ~15% with a typo), e.g. "
        + ", ".join(f"`{q}`" for q in examples[:4])
        + ".",
        "- `engine.search` is the whole answer (analysis, typo correction, scoring, excerpts "
        "for all 10 hits); `index.top` is the scoring alone, on the prepared terms. The "
        "reference is `index.reference()` (rank-bm25 over the same token lists): "
        "`analyzer.query_terms` + `get_scores` over every section + top 10 by (score, section "
        "index) among the sections containing a query term. Top-10 compared on the same "
        "terms: same sections in the same order, scores within relative 1e-6.",
        "- Memory: 'index postings' is what `SectionIndex` holds besides the sections and the "
        "analyzer (term ids, idf, lengths, CSR postings); 'rank-bm25' is the reference's "
        "`doc_freqs`, `idf` and `doc_len` (deep `sys.getsizeof`). Peak RSS after build is "
        "`ru_maxrss` right after `load_corpus` + `SearchEngine.build`.",
        "- bm25s (`method='robertson'`, k1 1.5, b 0.75, numba backend) is indexed on the same "
        "term counts; it clamps idf ≤ 0 to 0 where the reference floors it, computes in "
        "float32 and breaks ties its own way, so some of its top-10s differ.",
        f"- `find_trends` is stopped after {args.trends_limit} s (SIGALRM) when it runs "
        "longer; the time shown is then a lower bound.",
        "- The slash commands (`bench/slash.py`): 8 queries round-robin, "
        f"{args.slash_requests} one at a time, then {args.slash_requests} with "
        f"{args.concurrency} in flight; client and server share the 2 cores. The largest "
        "size's server starts alone (first start, empty cache), and once more on the same "
        "data folder after it stops (restart: the index cache on disk). 'Trends still "
        "computing' means the server's background trends thread was still running when the "
        "slash measurement ended (so it ran throughout).",
    ]
    body = [
        "# Benchmarks",
        "",
        *notes,
        "",
        tables(results, slashes),
        "",
        targets(results, slashes),
    ]
    details = mismatch_details(results)
    if details:
        body += ["", "```", details, "```"]
    return "\n".join(body) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="llmtrend benchmarks")
    parser.add_argument("--sizes", default="50,1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--no-slash", action="store_true")
    parser.add_argument("--no-bm25s", action="store_true")
    parser.add_argument("--out", default="BENCHMARKS.md")
    parser.add_argument("--slash-requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--trends-limit", type=int, default=240, help="seconds (0: none)")
    parser.add_argument("--ref-limit", type=int, default=None, help="reference queries")
    parser.add_argument("--workdir", help="where corpora go (default: a temp dir, removed)")
    args = parser.parse_args(argv)
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    command = "python -m bench" + (" " + shlex.join(sys.argv[1:]) if sys.argv[1:] else "")
    started = time.perf_counter()
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="llmtrend-"))
    dirs: dict[int, Path] = {}
    gen_s: dict[int, float] = {}
    try:
        for size in sizes:
            t = time.perf_counter()
            dirs[size] = generate(workdir / f"{size}", size)
            gen_s[size] = time.perf_counter() - t
            print(f"generated {size:,} sections in {gen_s[size]:.1f} s", file=sys.stderr)
        results, slashes = asyncio.run(run_all(dirs, args))
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    text = document(
        command, machine(), time.perf_counter() - started, gen_s, results, slashes, args
    )
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
