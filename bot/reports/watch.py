"""Hot reload: poll the reports folder and rebuild the index when it changes.

Polling (every LLMTREND_RELOAD_SECONDS) works on every filesystem, network mounts and
container volumes included. A change is acted on only once the folder has stayed the
same for one more interval and each changed file looks finished (see `watch`), so a file
still being written (by a scheduled job, a copy, a writer that pauses) is picked up when
it is complete, not half-way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.reports.loader import candidate_files

logger = logging.getLogger(__name__)

Snapshot = dict[str, tuple[int, int]]

#: An unterminated file is loaded as it is after this many intervals of rest…
QUIET_INTERVALS = 6
#: …and never sooner than this.
QUIET_MIN_SECONDS = 30.0


def snapshot(root: Path) -> Snapshot:
    """Each report file's (size, mtime) — enough to notice any write, add or removal.

    The folder is resolved at each poll: when it is a link that is swapped to another
    checkout (git-sync), every path's stat is the new checkout's, and the swap is one change.
    """
    found: Snapshot = {}
    try:
        root = root.resolve()
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


def looks_complete(path: Path) -> bool:
    """A text file whose writer is done ends with a line break (and then cannot end inside
    a UTF-8 character); an unterminated one may still be growing. An empty file is taken as
    it is (the loader lists it as empty, and a later write is a change like any other)."""
    try:
        with path.open("rb") as f:
            f.seek(0, 2)
            if f.tell() == 0:
                return True
            f.seek(-1, 2)
            return f.read(1) in (b"\n", b"\r")
    except OSError:
        return True  # gone or unreadable: the loader says why; nothing to wait for


def settled(path: Path, mtime_ns: int, now: float, interval: float) -> bool:
    """Whether a changed file is ready to load: untouched for a full interval and complete,
    or untouched for the long quiet period (a file that never ends with a line break)."""
    age = now - mtime_ns / 1e9
    if age < interval:
        return False
    return age >= quiet_period(interval) or looks_complete(path)


def quiet_period(interval: float) -> float:
    """How long an unterminated file must rest before it is loaded as it is."""
    return max(QUIET_MIN_SECONDS, QUIET_INTERVALS * interval)


async def watch(
    root: Path,
    interval: float,
    on_change: Callable[[], Awaitable[None]],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    initial: Snapshot | None = None,
    now: Callable[[], float] = time.time,
) -> None:
    """Call on_change once the folder has changed and every changed file has settled.

    Settled: the folder looked the same at two polls in a row, and each changed file was
    last written a full interval ago and ends with a line break (or has rested for the
    quiet period), so a report written slowly, in pauses, is loaded once, whole.
    `initial` is the folder as it was before the index was loaded, so a change made while
    loading is not missed.
    """
    loaded = initial if initial is not None else await asyncio.to_thread(snapshot, root)
    previous = loaded
    while True:
        await sleep(interval)
        current = await asyncio.to_thread(snapshot, root)
        moving = current != previous
        previous = current
        if current == loaded or moving:
            continue
        if not await asyncio.to_thread(_all_settled, root, loaded, current, now(), interval):
            continue
        loaded = current
        try:
            await on_change()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("reloading the reports failed; the previous index stays")


def _all_settled(
    root: Path, loaded: Snapshot, current: Snapshot, now: float, interval: float
) -> bool:
    """Every file added or changed since the last load has settled (removals always have)."""
    base = root.resolve()
    changed = [rel for rel, stat in current.items() if loaded.get(rel) != stat]
    waiting = [rel for rel in changed if not settled(base / rel, current[rel][1], now, interval)]
    if waiting:
        logger.debug("waiting for %d report(s) still being written", len(waiting))
    return not waiting
