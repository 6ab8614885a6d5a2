"""The benchmark suite: `python -m bench [--sizes 50,1000,10000,100000] [--queries 200]
[--no-slash] [--hostile] [--out BENCHMARKS.md]`, run from a checkout.

Generates report archives of each size (bench.corpora, fixed seed), measures each size in
a fresh process (bench.measure: load + build, peak RSS, query latency against rank-bm25,
top-10 agreement, memory, agree view, trends, bm25s) and its dated features in another
(bench.dated: phrase index, "what changed", the trends answer, an added report), then the
Slack path (bench.slash:
signed slash commands into `llmtrend serve`) at the smallest and largest size, and writes
the tables to --out and stdout. The largest size's `llmtrend serve` is started on its own
after the measurements (a first start, with an empty index cache), measured, stopped and
started again on the same data folder (a restart with the reports unchanged). With
--hostile, bench.hostile runs last (hostile requests and shutdown; its scale part on the
largest archive); without it, the hostile section already in --out is kept.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import hostile, slash
from bench.corpora import END_DAY, REPORTS_PER_DAY, SEED, generate
from bench.dated import WARMUP
from bench.machine import machine

TARGETS_AT = 100_000


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


async def run_dated(reports_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """bench.dated in a fresh process; its last stdout line is the result."""
    cmd = [sys.executable, "-m", "bench.dated", str(reports_dir), "--runs", str(args.dated_runs)]
    cmd += ["--budget", str(args.dated_budget)]
    proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)
    stdout, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed with exit status {proc.returncode}")
    result: dict[str, Any] = json.loads(stdout.decode().strip().splitlines()[-1])
    result["loadavg"] = os.getloadavg()[1]  # 5 minutes: was the machine busy meanwhile?
    return result


async def run_all(
    dirs: dict[int, Path], args: argparse.Namespace
) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]], dict[int, dict[str, float]]]:
    """Every size's measurements (core, then dated), then the Slack path at the smallest and
    largest size."""
    sizes = sorted(dirs)
    results: dict[int, dict[str, Any]] = {}
    dated: dict[int, dict[str, Any]] = {}
    slash_results: dict[int, dict[str, float]] = {}
    big: slash.Server | None = None
    ready: asyncio.Task[float] | None = None
    try:
        for size in sizes:
            print(f"== {size:,} sections", file=sys.stderr)
            started = time.perf_counter()
            results[size] = await run_worker(dirs[size], args)
            results[size]["elapsed_s"] = time.perf_counter() - started
            print(f"   measured in {results[size]['elapsed_s']:.0f} s", file=sys.stderr)
            if not args.no_dated:
                print(f"== dated features at {size:,} sections", file=sys.stderr)
                started = time.perf_counter()
                dated[size] = await run_dated(dirs[size], args)
                dated[size]["elapsed_s"] = time.perf_counter() - started
                print(f"   measured in {dated[size]['elapsed_s']:.0f} s", file=sys.stderr)
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
    return results, dated, slash_results


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


def dated_tables(dated: dict[int, dict[str, Any]], run: str = "") -> str:
    """The markdown tables of the dated features (bench.dated); `run` says when and where."""
    if not dated:
        return ""
    rows = [
        "### Dated archive: load-time work (`python -m bench.dated`)",
        "",
        *([run, ""] if run else []),
        "| sections | reports | days | load s | index build s | `find_trends` s | trends "
        "| `build_phrase_index` s | phrases | phrase × section pairs | peak RSS MB | worker s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, d in dated.items():
        rows.append(
            f"| {n:,} | {d['reports']:,} | {d['days']:,} | {_f(d['load_s'])} "
            f"| {_f(d['build_s'])} | {_f(d['find_trends_s'], 1)} | {d['trends']:,} "
            f"| {_f(d['phrase_index_s'], 1)} | {d['phrases']:,} "
            f"| {d['phrase_section_pairs']:,} | {_f(d['peak_rss_mb'], 0)} "
            f"| {_f(d['elapsed_s'], 0)} |"
        )
    rows += [
        "",
        "### What changed (`what_changed(index, …, top=10)` and the whole `/llmtrend new …` "
        "answer; ms)",
        "",
        "| sections | window (`/llmtrend` text) | reports in window / before "
        "| `what_changed` p50 / p99 | answer p50 / p99 | runs | new / rising / fading found |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, d in dated.items():
        for c in d["changes"]:
            found = c["reason"] or f"{c['new']} / {c['rising']} / {c['fading']}"
            rows.append(
                f"| {n:,} | {c['window'] or c['name']} (`{c['text']}`) "
                f"| {c['window_reports']:,} / {c['baseline_reports']:,} "
                f"| {_f(c['core_p50_ms'], 1)} / {_f(c['core_p99_ms'], 1)} "
                f"| {_f(c['answer_p50_ms'], 1)} / {_f(c['answer_p99_ms'], 1)} "
                f"| {c['runs']} / {c['answer_runs']} | {found} |"
            )
    rows += [
        "",
        "### Dated trends: the `/llmtrend trends` answer (`trend_times` + message; ms)",
        "",
        "| sections | trends + single-report topics | answer p50 / p99 (runs) "
        "| `trend_times` alone p50 (runs) |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for n, d in dated.items():
        rows.append(
            f"| {n:,} | {d['trends'] + d['unique']:,} "
            f"| {_f(d['trends_answer_p50_ms'], 1)} / {_f(d['trends_answer_p99_ms'], 1)} "
            f"({d['trends_answer_runs']}) | {_f(d['trend_times_p50_ms'], 1)} "
            f"({d['trend_times_runs']}) |"
        )
    rows += [
        "",
        "### An added report (`LiveEngine.reload()` after one more report file; s)",
        "",
        "| sections | load (incremental) | index build | dates | `find_trends` "
        "| **trends served after** | `build_phrase_index` | stream served after "
        "| default window after |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for n, d in dated.items():
        a = d.get("added")
        if not a:
            continue
        rows.append(
            f"| {n:,} | {_f(a['load_s'])} | {_f(a['build_s'])} | {_f(a['dates_s'], 3)} "
            f"| {_f(a['find_trends_s'], 1)} | **{_f(a['trends_served_s'], 1)}** "
            f"| {_f(a['phrase_index_s'], 1)} | {_f(a['stream_served_s'], 1)} "
            f"| {a['window_after']} |"
        )
    return "\n".join(rows)


def dated_target_rows(d: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for the dated features at TARGETS_AT."""
    out: list[tuple[str, str, bool | None]] = []
    for c in d["changes"]:
        out.append(
            (
                f"`changes` p50 ≤ 200 ms (`{c['text']}`)",
                f"{_f(c['core_p50_ms'], 1)} ms (`what_changed`); "
                f"{_f(c['answer_p50_ms'], 1)} ms (whole answer)",
                max(c["core_p50_ms"], c["answer_p50_ms"]) <= 200,
            )
        )
    a = d.get("added")
    if a:
        out.append(
            (
                "an added report's trend update ≤ 5 s",
                f"{_f(a['find_trends_s'], 1)} s (`find_trends`, a full recompute); trends "
                f"served {_f(a['trends_served_s'], 1)} s after the reload began",
                a["trends_served_s"] <= 5,
            )
        )
    out.append(
        (
            "`/llmtrend trends` answer (no target)",
            f"p50 {_f(d['trends_answer_p50_ms'] / 1000, 1)} s",
            None,
        )
    )
    return out


def targets(
    results: dict[int, dict[str, Any]],
    slashes: dict[int, dict[str, float]],
    dated: dict[int, dict[str, Any]] | None = None,
) -> str:
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
    if dated and TARGETS_AT in dated:
        lines += [row(*r) for r in dated_target_rows(dated[TARGETS_AT])]
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
    dated: dict[int, dict[str, Any]] | None = None,
) -> str:
    """BENCHMARKS.md."""
    dated = dated or {}
    run = (
        f"_Measured {datetime.now(UTC).strftime('%Y-%m-%d')} on {info['cpu']}, "
        f"{info['cores']} cores, {info['ram']} RAM, commit {info['commit']}._"
    )
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
        "about 30% of whose words are pseudo-words from a 100,000-word Zipf(1.1) vocabulary, "
        f"dated by their file names (`report-NNNNNN-YYYY-MM-DD.md`), {REPORTS_PER_DAY} a day "
        f"on consecutive days ending {END_DAY}. Generated in {gen}.",
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
        "float32 and breaks ties its own way, so some of its top-10s differ."
        + (
            ""
            if any((r.get("bm25s") or {}).get("available") for r in results.values())
            else " Not installed for this run (the `bench` extra), so its columns are empty."
        ),
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
    if dated:
        load = ", ".join(f"{n:,}: {d['loadavg']:.1f}" for n, d in dated.items())
        notes += [
            "- Dated features (`bench/dated.py`, a fresh process per size, after the one "
            "above): load, index, `resolve_dates`, `find_trends` and `build_phrase_index` as "
            "`LiveEngine.load_now` runs them, each timed. `what_changed` and the whole "
            "`/llmtrend new …` answer (`parse_command` + `answer`: `what_changed(top=5)` and "
            f"the message) for three windows, {args.dated_runs} runs each after "
            f"{WARMUP} warm-ups (fewer when {args.dated_budget:.0f} s are spent first, "
            "at least 2; the runs column says how many). The trends answer is "
            "`answer(Request('trends'))`: `trend_times` over every trend and single-report "
            "topic, then the message, with the same budget (no warm-up). Undated reports (the "
            "seeds at 50) take a fixed first-seen day, so they all fall on one day.",
            "- An added report: one more generated report (10 sections) dated the day after "
            "the newest, written into the folder, then `LiveEngine.reload()` as the server's "
            "folder watcher calls it: incremental `load_corpus` (unchanged files not "
            "re-parsed), a new index, dates, then `refresh_trends` (a full `find_trends`), "
            "then `refresh_stream` (a full `build_phrase_index`). 'Trends served after' is "
            "from the start of the reload to the new trends being served; the report is "
            "removed afterwards.",
            "- The machine is shared (a developer's test runs may overlap): load average "
            f"over the 5 minutes before each dated worker ended: {load}.",
        ]
    body = [
        "# Benchmarks",
        "",
        *notes,
        "",
        tables(results, slashes),
        "",
        *([dated_tables(dated, run), ""] if dated else []),
        targets(results, slashes, dated),
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
    parser.add_argument("--no-dated", action="store_true", help="skip bench.dated")
    parser.add_argument("--dated-runs", type=int, default=50, help="runs per dated query")
    parser.add_argument("--dated-budget", type=float, default=30.0, help="s per dated query")
    parser.add_argument("--out", default="BENCHMARKS.md")
    parser.add_argument("--slash-requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--trends-limit", type=int, default=240, help="seconds (0: none)")
    parser.add_argument("--ref-limit", type=int, default=None, help="reference queries")
    parser.add_argument("--workdir", help="where corpora go (default: a temp dir, removed)")
    parser.add_argument(
        "--hostile",
        action="store_true",
        help="also bench.hostile at the largest size (else --out keeps its hostile section)",
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    command = "python -m bench" + (" " + shlex.join(sys.argv[1:]) if sys.argv[1:] else "")
    started = time.perf_counter()
    info = machine()  # the commit measured: read before the run (HEAD may move meanwhile)
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="llmtrend-"))
    dirs: dict[int, Path] = {}
    gen_s: dict[int, float] = {}
    hostile_text = ""
    try:
        for size in sizes:
            t = time.perf_counter()
            dirs[size] = generate(workdir / f"{size}", size)
            gen_s[size] = time.perf_counter() - t
            print(f"generated {size:,} sections in {gen_s[size]:.1f} s", file=sys.stderr)
        results, dated, slashes = asyncio.run(run_all(dirs, args))
        if args.hostile:
            largest = sizes[-1]
            record = asyncio.run(
                hostile.run(
                    hostile.PARTS,
                    largest,
                    hostile.HERE.parent,
                    hostile.DEFAULT_CACHE,
                    corpus_dir=dirs[largest] if largest > 50 else None,
                )
            )
            hostile_text = hostile.section(record, hostile.read_before(hostile.BEFORE_JSON))
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    text = document(
        command, info, time.perf_counter() - started, gen_s, results, slashes, args, dated
    )
    if not args.hostile:  # a hostile section measured earlier stays
        previous = Path(args.out).read_text(encoding="utf-8") if Path(args.out).exists() else ""
        hostile_text = hostile.existing_section(previous) or ""
    if hostile_text:
        text = hostile.splice(text, hostile_text)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
