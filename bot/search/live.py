"""The engine in service: loaded in the background at start-up, swapped whole on reload.

Requests read `current` once and use that engine to the end, so a swap never mixes two
indexes in one answer; until the first load finishes `current` is None ("still loading").
Trends follow in the background (they take longer at scale); until they are ready the
previous trends, if any, are served, and `/llmtrend trends` says they are being computed.
Trends and the dated phrase index are computed in a forked child (`bot.workers.in_child`):
serving keeps its speed meanwhile, and shutdown kills the child instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path

from bot.insights.stream import PhraseIndex, build_phrase_index
from bot.insights.trends import TrendReport, find_trends
from bot.metrics import Metrics
from bot.reports.dates import resolve_dates
from bot.reports.loader import load_corpus
from bot.reports.model import Corpus
from bot.search.cache import IndexCache, corpus_key
from bot.search.engine import SearchEngine
from bot.workers import in_child

logger = logging.getLogger(__name__)


#: A load waits this long for the state store to record its reports (a first load of
#: 100,000 reports takes seconds); past it, undated reports are dated today for now.
FIRST_SEEN_TIMEOUT_S = 60.0

#: Records a loaded folder's reports and says when each was first seen (blocking).
FirstSeen = Callable[[Corpus], Mapping[str, date]]


def utc_today() -> date:
    """Today in UTC (the default day for a report first seen now)."""
    return datetime.now(UTC).date()


class LiveEngine:
    """Holds the current SearchEngine for a reports folder, and its trends."""

    def __init__(
        self,
        reports_dir: Path,
        metrics: Metrics | None = None,
        cache: IndexCache | None = None,
        first_seen: FirstSeen | None = None,
        today: Callable[[], date] = utc_today,
    ) -> None:
        self.reports_dir = reports_dir
        self.metrics = metrics
        self.cache = cache
        self.first_seen = first_seen
        self.today = today
        self.current: SearchEngine | None = None
        self.trends: TrendReport | None = None
        #: The reports as a dated stream ("what changed"): rebuilt with the trends.
        self.stream: PhraseIndex | None = None
        self.ready = asyncio.Event()
        self.trends_ready = asyncio.Event()
        self.stream_ready = asyncio.Event()
        #: Whether the last load came from the on-disk cache (for logs and tests).
        self.from_cache = False

    def load_now(self) -> SearchEngine:
        """Load, index and find trends synchronously (the console and the CLI)."""
        started = time.perf_counter()
        engine = SearchEngine.build(load_corpus(self.reports_dir))
        self._date(engine)
        self._swap(engine, time.perf_counter() - started)
        self.trends = find_trends(engine.index)
        self.stream = build_phrase_index(engine.corpus, engine.dates)
        self.trends_ready.set()
        self.stream_ready.set()
        return engine

    async def load(self) -> SearchEngine:
        """Load and index in a worker thread and swap in one step; then the trends.

        With a cache, an unchanged reports folder loads the engine (and trends) built last
        time; a new build is written to the cache before it serves, so the cache is
        complete on disk by the time /healthz first answers 200.
        """
        started = time.perf_counter()
        key = await asyncio.to_thread(corpus_key, self.reports_dir) if self.cache else ""
        with _quiet_gc():
            cached = await asyncio.to_thread(self._cached, "engine", key)
        self.from_cache = isinstance(cached, SearchEngine)
        if isinstance(cached, SearchEngine):
            engine = cached
        else:
            engine = await asyncio.to_thread(self._build_quietly, None)
            await asyncio.to_thread(self._store, "engine", key, engine)
        await self._dated(engine)
        self._swap(engine, time.perf_counter() - started)
        trends = await asyncio.to_thread(self._cached, "trends", key)
        if isinstance(trends, TrendReport):
            self.trends = trends
            self.trends_ready.set()
        else:
            await self.refresh_trends(engine, key)
        await self.refresh_stream(engine, key)
        return engine

    def _build_quietly(self, corpus: Corpus | None) -> SearchEngine:
        with _quiet_gc():
            return SearchEngine.build(corpus or load_corpus(self.reports_dir))

    def _date(self, engine: SearchEngine) -> None:
        """Record the reports' first-seen days and give every report its date (blocking).

        If the state store fails, undated reports are dated today for now (they are
        recorded at the next load) and the failure is logged.
        """
        days: Mapping[str, date] = {}
        if self.first_seen is not None:
            try:
                days = self.first_seen(engine.corpus)
            except Exception:
                logger.exception("recording first-seen reports failed; undated reports: today")
        engine.dates = resolve_dates(engine.corpus.reports, days, self.today())

    async def _dated(self, engine: SearchEngine) -> None:
        """`_date` off the loop, and never stuck behind a state store that does not answer."""
        days: Mapping[str, date] = {}
        if self.first_seen is not None:
            try:
                days = await asyncio.wait_for(
                    asyncio.to_thread(self.first_seen, engine.corpus), FIRST_SEEN_TIMEOUT_S
                )
            except Exception:  # TimeoutError included: the thread is left behind
                logger.exception("recording first-seen reports failed; undated reports: today")
        today = self.today()
        engine.dates = await asyncio.to_thread(resolve_dates, engine.corpus.reports, days, today)

    def _cached(self, kind: str, key: str) -> object | None:
        return self.cache.load(kind, key) if self.cache else None

    def _store(self, kind: str, key: str, value: object) -> None:
        if self.cache:
            self.cache.save(kind, key, value)

    async def reload(self) -> SearchEngine | None:
        """Rebuild beside the old index and swap in one step; None if nothing changed.

        A file that is now broken keeps its previous version (see `load_corpus`); a folder
        that vanished keeps the whole previous index.
        """
        old = self.current
        if not self.reports_dir.is_dir():
            raise FileNotFoundError(f"reports folder {self.reports_dir} is gone")
        started = time.perf_counter()
        previous = old.corpus if old else None
        corpus = await asyncio.to_thread(load_corpus, self.reports_dir, previous)
        if old is not None and _same(corpus, old.corpus):
            return None
        engine = await asyncio.to_thread(self._build_quietly, corpus)
        await self._dated(engine)
        self._swap(engine, time.perf_counter() - started)
        if self.metrics is not None:
            self.metrics.reloads.inc()
        await self.refresh_trends(engine)  # until ready, the previous trends are served
        await self.refresh_stream(engine)
        return engine

    async def refresh_stream(self, engine: SearchEngine, key: str = "") -> None:
        """The dated phrase index of an engine, off the request path (old one kept on error).

        Cached beside the engine, keyed by the folder and the reports' dates too (a report
        with no date of its own takes its first-seen day from the state store).
        """
        stream_key = f"{key}:{_dates_digest(engine)}" if key else ""
        cached = await asyncio.to_thread(self._cached, "stream", stream_key) if key else None
        if isinstance(cached, PhraseIndex):
            stream = cached
        else:
            try:
                stream = await in_child(build_phrase_index, engine.corpus, engine.dates)
            except Exception:
                logger.exception("indexing the reports as a stream failed; the previous one stays")
                return
            if stream_key:
                await asyncio.to_thread(self._store, "stream", stream_key, stream)
        if engine is self.current:
            self.stream = stream
            self.stream_ready.set()

    async def refresh_trends(self, engine: SearchEngine, key: str = "") -> None:
        """Compute the trends of an engine off the request path; keep the old ones on error."""
        started = time.perf_counter()
        try:
            trends = await in_child(find_trends, engine.index)
        except Exception:
            logger.exception("computing trends failed; the previous trends stay")
            return
        if key:
            await asyncio.to_thread(self._store, "trends", key, trends)
        if engine is self.current:
            self.trends = trends
            self.trends_ready.set()
            logger.info(
                "trends ready: %d trends, %d single-report topics, in %.2f s",
                len(trends.trends),
                trends.unique_total,
                time.perf_counter() - started,
            )

    def _swap(self, engine: SearchEngine, seconds: float) -> None:
        self.current = engine
        if self.metrics is not None:
            self.metrics.reports.set(len(engine.corpus.reports))
            self.metrics.sections.set(len(engine.index))
        self.ready.set()
        logger.info(
            "index ready: %d reports, %d sections, %d skipped, in %.2f s",
            len(engine.corpus.reports),
            len(engine.index),
            len(engine.corpus.skipped),
            seconds,
        )


@contextlib.contextmanager
def _quiet_gc() -> Iterator[None]:
    """Building allocates millions of long-lived objects; the cyclic collector would scan
    them again and again. Pause it meanwhile, then freeze what was built (it stays)."""
    was_enabled = gc.isenabled()
    gc.unfreeze()  # what the last build froze (now perhaps replaced) is collectable again
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.freeze()


def _dates_digest(engine: SearchEngine) -> str:
    """A short hash of every report's date (part of the stream cache's key)."""
    digest = hashlib.blake2b(digest_size=10)
    for rid in sorted(engine.dates):
        when = engine.dates[rid]
        digest.update(f"{rid}\x00{when.day.isoformat()}\x00{when.source}\x01".encode())
    return digest.hexdigest()


def _same(a: Corpus, b: Corpus) -> bool:
    """Same reports, same contents, same skipped files: nothing to rebuild."""
    return [(r.id, r.content_hash) for r in a.reports] == [
        (r.id, r.content_hash) for r in b.reports
    ] and a.skipped == b.skipped
