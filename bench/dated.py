"""The dated features at one size, in its own process: `python -m bench.dated DIR [options]`.

What a dated archive (bench.corpora: a date in every report's file name) costs:

- at load: the reports' dates (`resolve_dates`), `find_trends` and the phrase index
  (`build_phrase_index`, the dated stream "what changed" reads), as `LiveEngine.load_now`
  runs them;
- per question: `what_changed` (the core) and the whole `/llmtrend new …` answer (parse,
  `what_changed`, message) for three windows: the default (7 days ending at the newest
  report, widened if thin), `since` four weeks back, and `30 days`; the `/llmtrend trends`
  answer (`trend_times` + message) and `trend_times` alone;
- an added report: one more report file (dated the day after the newest), then
  `LiveEngine.reload()` as the server runs it on a folder change (incremental load, a new
  index, dates, a full `find_trends`, a full phrase index), each step timed.

Prints one JSON object on its last line, like bench.measure.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bench.corpora import END_DAY, add_report
from bench.measure import pct, peak_rss_mb, timed_ms
from bot.ask.answer import Snapshot, answer
from bot.ask.parse import Request, parse_command
from bot.insights.changes import Changes, what_changed
from bot.insights.stream import PhraseIndex, build_phrase_index
from bot.insights.trend_time import trend_times
from bot.insights.trends import find_trends
from bot.reports.dates import resolve_dates
from bot.reports.loader import load_corpus
from bot.reports.model import Corpus
from bot.search.engine import SearchEngine
from bot.search.live import LiveEngine

#: "Today" for reports without a date of their own (the seeds at 50 sections): fixed, so
#: a run does not depend on the day it runs.
TODAY = END_DAY + timedelta(days=2)
#: The `since` window starts this many days before the newest report (four weeks).
SINCE_DAYS_BACK = 27
WARMUP = 3


class TimedLive(LiveEngine):
    """LiveEngine with a clock on each step of `reload()` (seconds since it started)."""

    def __init__(self, reports_dir: Path) -> None:
        super().__init__(reports_dir, today=lambda: TODAY)
        self.marks: dict[str, float] = {}
        self._t0 = time.perf_counter()

    def start_clock(self) -> None:
        self.marks = {}
        self._t0 = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self._t0

    def _mark(self, name: str) -> None:
        self.marks[name] = self.elapsed()

    def _build_quietly(self, corpus: Corpus | None) -> SearchEngine:
        self._mark("build_start")
        try:
            return super()._build_quietly(corpus)
        finally:
            self._mark("build_end")

    async def refresh_trends(self, engine: SearchEngine, key: str = "") -> None:
        self._mark("trends_start")
        await super().refresh_trends(engine, key)
        self._mark("trends_end")

    async def refresh_stream(self, engine: SearchEngine, key: str = "") -> None:
        self._mark("stream_start")
        await super().refresh_stream(engine, key)
        self._mark("stream_end")


def repeat_ms(
    fn: Callable[[], Any], runs: int, budget_s: float, min_runs: int = 2
) -> tuple[list[float], Any]:
    """Latencies (ms) of up to `runs` calls, stopping once `budget_s` is spent (but after
    at least `min_runs`); and the last result."""
    lat: list[float] = []
    result: Any = None
    started = time.perf_counter()
    while len(lat) < runs:
        ms, result = timed_ms(fn)
        lat.append(ms)
        if len(lat) >= min_runs and time.perf_counter() - started > budget_s:
            break
    return lat, result


def newest_day(stream: PhraseIndex) -> date:
    return stream.report_day(int(np.argmax(stream.report_days)))


def windows(stream: PhraseIndex) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, `/llmtrend` text, what_changed arguments) of the windows asked about."""
    since = newest_day(stream) - timedelta(days=SINCE_DAYS_BACK)
    return [
        ("default (7 days)", "new", {}),
        (f"since {since.isoformat()}", f"new since {since.isoformat()}", {"since": since}),
        ("30 days", "new 30 days", {"days": 30}),
    ]


def describe(changes: Changes) -> dict[str, Any]:
    """The window's size and what was found (to check the measurement is not degenerate)."""
    w, b = changes.window, changes.baseline
    return {
        "window": f"{w.start}..{w.end}" if w else None,
        "window_reports": w.reports if w else 0,
        "baseline_reports": b.reports if b else 0,
        "new": len(changes.new),
        "rising": len(changes.rising),
        "fading": len(changes.fading),
        "reason": changes.reason,
    }


def changes_phase(
    engine: SearchEngine, stream: PhraseIndex, runs: int, budget_s: float
) -> list[dict[str, Any]]:
    """p50/p99 of `what_changed` and of the whole `/llmtrend new …` answer per window."""
    snap = Snapshot(engine, None, stream)
    out = []
    for name, text, kwargs in windows(stream):
        request = parse_command(text)
        assert request.kind == "changes", (text, request)

        def core(kwargs: dict[str, Any] = kwargs) -> Changes:
            return what_changed(stream, top=10, **kwargs)

        def command(text: str = text) -> object:
            return answer(parse_command(text), snap).message

        for _ in range(WARMUP):
            core()
            command()
        core_lat, found = repeat_ms(core, runs, budget_s)
        answer_lat, _ = repeat_ms(command, runs, budget_s)
        out.append(
            {
                "name": name,
                "text": text,
                "runs": len(core_lat),
                "core_p50_ms": pct(core_lat, 50),
                "core_p99_ms": pct(core_lat, 99),
                "answer_runs": len(answer_lat),
                "answer_p50_ms": pct(answer_lat, 50),
                "answer_p99_ms": pct(answer_lat, 99),
                **describe(found),
            }
        )
        print(
            f"  changes {name}: p50 {out[-1]['core_p50_ms']:.1f} ms "
            f"(answer {out[-1]['answer_p50_ms']:.1f} ms)",
            file=sys.stderr,
        )
    return out


async def reload_after_add(live: TimedLive, reports_dir: Path) -> dict[str, Any]:
    """Add one report, then `live.reload()` as a folder change does; each step timed.
    The report is removed afterwards (the archive is left as generated)."""
    before = len(live.current.corpus.reports) if live.current else 0
    path = add_report(reports_dir)
    try:
        live.start_clock()
        engine = await live.reload()
        total_s = live.elapsed()
    finally:
        path.unlink()
        if not any(path.parent.iterdir()):
            path.parent.rmdir()
    if engine is None:
        raise RuntimeError("reload saw no change after a report was added")
    m = live.marks
    assert live.trends is not None and live.stream is not None
    after = what_changed(live.stream)
    return {
        "added": path.relative_to(reports_dir).as_posix(),
        "reports_before": before,
        "reports_after": len(engine.corpus.reports),
        "trends_total_reports": live.trends.total_reports,
        "load_s": m["build_start"],
        "build_s": m["build_end"] - m["build_start"],
        "dates_s": m["trends_start"] - m["build_end"],
        "find_trends_s": m["trends_end"] - m["trends_start"],
        "trends_served_s": m["trends_end"],
        "phrase_index_s": m["stream_end"] - m["stream_start"],
        "stream_served_s": m["stream_end"],
        "total_s": total_s,
        "window_after": describe(after)["window"],
    }


def measure(reports_dir: str, runs: int, budget_s: float, added: bool) -> dict[str, Any]:
    """Everything dated measured at one size (see the module doc)."""
    folder = Path(reports_dir)
    out: dict[str, Any] = {"reports_dir": reports_dir}
    gc.collect()
    load_ms, corpus = timed_ms(lambda: load_corpus(folder))
    build_ms, engine = timed_ms(lambda: SearchEngine.build(corpus))
    dates_ms, dates = timed_ms(lambda: resolve_dates(corpus.reports, {}, TODAY))
    engine.dates = dates
    sources = sorted({d.source for d in dates.values()})
    days = sorted({d.day for d in dates.values()})
    out.update(
        reports=len(corpus.reports),
        sections=len(engine.index),
        date_sources=sources,
        days=len(days),
        first_day=days[0].isoformat() if days else None,
        last_day=days[-1].isoformat() if days else None,
        load_s=load_ms / 1000,
        build_s=build_ms / 1000,
        dates_ms=dates_ms,
    )
    print(f"  built {len(engine.index):,} sections in {build_ms / 1000:.1f} s", file=sys.stderr)
    trends_ms, trends = timed_ms(lambda: find_trends(engine.index))
    out.update(find_trends_s=trends_ms / 1000, trends=len(trends.trends), unique=len(trends.unique))
    print(f"  find_trends in {trends_ms / 1000:.1f} s", file=sys.stderr)
    stream_ms, stream = timed_ms(lambda: build_phrase_index(corpus, dates))
    out.update(
        phrase_index_s=stream_ms / 1000,
        phrases=len(stream.keys),
        phrase_section_pairs=int(stream.by_section.nnz),
        template_items=stream.template_items,
        repeated_items=stream.repeated_items,
    )
    print(f"  build_phrase_index in {stream_ms / 1000:.1f} s", file=sys.stderr)

    out["changes"] = changes_phase(engine, stream, runs, budget_s)

    # The trends answer: trend_times over every trend, then the message (no warm-up: at
    # scale one call takes long enough, and the budget may stop after min_runs).
    snap = Snapshot(engine, trends, stream)
    answer_lat, _ = repeat_ms(lambda: answer(Request("trends"), snap).message, runs, budget_s)
    times_lat, _ = repeat_ms(lambda: trend_times(trends, dates), runs, budget_s / 2, 1)
    out.update(
        trends_answer_runs=len(answer_lat),
        trends_answer_p50_ms=pct(answer_lat, 50),
        trends_answer_p99_ms=pct(answer_lat, 99),
        trend_times_runs=len(times_lat),
        trend_times_p50_ms=pct(times_lat, 50),
    )
    print(f"  trends answer p50 {out['trends_answer_p50_ms']:.1f} ms", file=sys.stderr)

    if added:
        live = TimedLive(folder)
        live.current, live.trends, live.stream = engine, trends, stream
        del snap
        out["added"] = asyncio.run(reload_after_add(live, folder))
        print(
            f"  added report: trends served after {out['added']['trends_served_s']:.1f} s",
            file=sys.stderr,
        )
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reports_dir")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per query")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="stop a query's runs after S s (≥ 2 runs)"
    )
    parser.add_argument("--no-added", action="store_true", help="skip the added report")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.reports_dir, args.runs, args.budget, not args.no_added)))


if __name__ == "__main__":
    main()
