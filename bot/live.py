"""The engine in service: loaded in the background at start-up, swapped whole on reload.

Requests read `current` once and use that engine to the end, so a swap never mixes two
indexes in one answer; until the first load finishes `current` is None ("still loading").
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from bot.corpus import load_corpus
from bot.search import SearchEngine

logger = logging.getLogger(__name__)


class LiveEngine:
    """Holds the current SearchEngine for a reports folder."""

    def __init__(self, reports_dir: Path) -> None:
        self.reports_dir = reports_dir
        self.current: SearchEngine | None = None
        self.ready = asyncio.Event()
        self.loaded_at: float | None = None

    def load_now(self) -> SearchEngine:
        """Load and index synchronously (the console and the CLI)."""
        started = time.perf_counter()
        engine = SearchEngine.build(load_corpus(self.reports_dir))
        self._swap(engine, time.perf_counter() - started)
        return engine

    async def load(self) -> SearchEngine:
        """Load and index in a worker thread, then swap in one step."""
        started = time.perf_counter()
        engine = await asyncio.to_thread(lambda: SearchEngine.build(load_corpus(self.reports_dir)))
        self._swap(engine, time.perf_counter() - started)
        return engine

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
