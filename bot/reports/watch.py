"""Hot reload: poll the reports folder and rebuild the index when it changes.

Polling (every LLMTREND_RELOAD_SECONDS) works on every filesystem, network mounts and
container volumes included. A change is acted on only once the folder has stayed the
same for one more interval, so a file still being written (by a scheduled job, a copy)
is picked up when it is complete, not half-way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.reports.loader import candidate_files

logger = logging.getLogger(__name__)

Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path) -> Snapshot:
    """Each report file's (size, mtime) — enough to notice any write, add or removal."""
    found: Snapshot = {}
    try:
        paths = candidate_files(root)
    except OSError:
        return found
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        found[path.relative_to(root).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


async def watch(
    root: Path,
    interval: float,
    on_change: Callable[[], Awaitable[None]],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    initial: Snapshot | None = None,
) -> None:
    """Call on_change after the folder changed and then stayed still for one interval.

    `initial` is the folder as it was before the index was loaded, so a change made while
    loading is not missed.
    """
    seen = initial if initial is not None else await asyncio.to_thread(snapshot, root)
    settling = False
    while True:
        await sleep(interval)
        current = await asyncio.to_thread(snapshot, root)
        if current != seen:
            seen, settling = current, True  # still moving: look again next time
            continue
        if settling:
            settling = False
            try:
                await on_change()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("reloading the reports failed; the previous index stays")
