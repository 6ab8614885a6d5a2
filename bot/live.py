"""The engine in service: loaded in the background at start-up, swapped whole on reload.

Requests read `current` once and use that engine to the end, so a swap never mixes two
indexes in one answer; until the first load finishes `current` is None ("still loading").
Trends follow in the background (they take longer at scale); until they are ready the
previous trends, if any, are served, and `/llmtrend trends` says they are being computed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from bot.corpus import load_corpus
from bot.search import SearchEngine
from bot.trends import TrendReport, find_trends

logger = logging.getLogger(__name__)


class LiveEngine:
    """Holds the current SearchEngine for a reports folder, and its trends."""

    def __init__(self, reports_dir: Path) -> None:
        self.reports_dir = reports_dir
        self.current: SearchEngine | None = None
        self.trends: TrendReport | None = None
        self.ready = asyncio.Event()
        self.trends_ready = asyncio.Event()
        self.loaded_at: float | None = None

    def load_now(self) -> SearchEngine:
        """Load, index and find trends synchronously (the console and the CLI)."""
        started = time.perf_counter()
        engine = SearchEngine.build(load_corpus(self.reports_dir))
        self._swap(engine, time.perf_counter() - started)
        self.trends = find_trends(engine.index)
        self.trends_ready.set()
        return engine

    async def load(self) -> SearchEngine:
        """Load and index in a worker thread and swap in one step; then the trends."""
        started = time.perf_counter()
        engine = await asyncio.to_thread(lambda: SearchEngine.build(load_corpus(self.reports_dir)))
        self._swap(engine, time.perf_counter() - started)
        await self.refresh_trends(engine)
        return engine

    async def refresh_trends(self, engine: SearchEngine) -> None:
        """Compute the trends of an engine off the request path; keep the old ones on error."""
        started = time.perf_counter()
        try:
            trends = await asyncio.to_thread(find_trends, engine.index)
        except Exception:
            logger.exception("computing trends failed; the previous trends stay")
            return
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
        self.loaded_at = time.time()
        self.ready.set()
        logger.info(
            "index ready: %d reports, %d sections, %d skipped, in %.2f s",
            len(engine.corpus.reports),
            len(engine.index),
            len(engine.corpus.skipped),
            seconds,
        )
