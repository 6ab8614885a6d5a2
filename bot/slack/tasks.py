"""Background work the app starts after an ack, tracked so errors surface and shutdown waits.

Bolt's lazy listeners deep-copy context and log failures without a traceback; instead each
piece of after-the-ack work (a mention reply, a button answer) is a task owned here: its
exception is logged with the traceback and the request ids, handed to an `on_error`
callback that tells the user, and `drain()` lets shutdown finish what is in flight.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

logger = logging.getLogger(__name__)

ErrorCallback = Callable[[BaseException], Awaitable[None]]


class TaskTracker:
    """A set of running tasks with error reporting."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(
        self,
        coro: Coroutine[Any, Any, Any],
        *,
        name: str,
        ids: dict[str, Any] | None = None,
        on_error: ErrorCallback | None = None,
    ) -> asyncio.Task[Any]:
        """Run coro in the background; failures are logged and passed to on_error."""
        task = asyncio.get_running_loop().create_task(self._guard(coro, name, ids or {}, on_error))
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _guard(
        self,
        coro: Coroutine[Any, Any, Any],
        name: str,
        ids: dict[str, Any],
        on_error: ErrorCallback | None,
    ) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.exception("task %s failed %s", name, _fmt(ids))
            if on_error is not None:
                try:
                    await on_error(exc)
                except Exception:
                    logger.exception("could not tell the user that task %s failed", name)

    async def drain(self, seconds: float = 10.0) -> bool:
        """Wait for tasks in flight (up to `seconds`); cancel the rest. True if all finished."""
        if not self._tasks:
            return True
        done, pending = await asyncio.wait(set(self._tasks), timeout=seconds)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        return not pending


def _fmt(ids: dict[str, Any]) -> str:
    """'team=T1 channel=C1 …' for a log line."""
    return " ".join(f"{k}={v}" for k, v in ids.items() if v)
