"""Work off the event loop that shutdown never waits for: daemon threads and child processes.

`asyncio.to_thread` uses the loop's default executor, whose threads interpreter exit joins:
one computation that runs for a minute (trends at 100,000 sections) or one call stuck in a
database driver would hold SIGTERM up for as long. `DaemonPool` is a default executor made
of daemon threads (shutdown waits a moment, then abandons them), and `in_child` runs a
pure CPU-bound function in a forked process, so it neither holds the event loop's GIL nor
outlives a cancel: the child is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import multiprocessing
import queue
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: How long shutdown waits for the pool's threads before abandoning them.
SHUTDOWN_WAIT_SECONDS = 1.0

_Item = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class DaemonPool(ThreadPoolExecutor):
    """A ThreadPoolExecutor (asyncio accepts no other as the default) of daemon threads.

    Only `submit` and `shutdown` are used by asyncio; both are replaced, so none of the
    base class's non-daemon machinery runs.
    """

    def __init__(self, max_workers: int = 32, name: str = "llmtrend-worker") -> None:
        super().__init__(max_workers=1, thread_name_prefix=name)
        self._limit = max_workers
        self._name = name
        self._jobs: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._workers: list[threading.Thread] = []
        self._free = threading.Semaphore(0)
        self._guard = threading.Lock()
        self._closed = False

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        with self._guard:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            future: Future[T] = Future()
            self._jobs.put((future, fn, args, kwargs))
            if not self._free.acquire(blocking=False) and len(self._workers) < self._limit:
                worker = threading.Thread(
                    target=self._work, name=f"{self._name}-{len(self._workers)}", daemon=True
                )
                worker.start()
                self._workers.append(worker)
            return future

    @property
    def closed(self) -> bool:
        """Shut down: takes no more work."""
        return self._closed

    def _work(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            future, fn, args, kwargs = item
            del item
            if future.set_running_or_notify_cancel():
                try:
                    result = fn(*args, **kwargs)
                except BaseException as exc:
                    future.set_exception(exc)
                else:
                    future.set_result(result)
            del future, fn, args, kwargs
            self._free.release()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking work; wait up to SHUTDOWN_WAIT_SECONDS, then leave the rest running
        (daemon threads end with the process)."""
        with self._guard:
            self._closed = True
            workers = list(self._workers)
        if cancel_futures:
            with contextlib.suppress(queue.Empty):
                while (item := self._jobs.get_nowait()) is not None:
                    item[0].cancel()
        for _ in workers:
            self._jobs.put(None)
        if not wait:
            return
        deadline = time.monotonic() + SHUTDOWN_WAIT_SECONDS
        busy = 0
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
            busy += worker.is_alive()
        if busy:
            logger.info("left %d background thread(s) running at shutdown", busy)


def use_daemon_pool() -> None:
    """Make the running loop's `to_thread` and `run_in_executor(None, …)` use daemon threads."""
    asyncio.get_running_loop().set_default_executor(DaemonPool())


def _child(send: Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the forked child: compute, send (ok, value), exit. The parent's signal wiring and
    its garbage collector (which would touch, and so copy, every shared page) are off."""
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    gc.disable()
    try:
        result: tuple[bool, Any] = (True, fn(*args))
    except BaseException as exc:  # handed to the parent, raised there
        result = (False, exc)
    try:
        send.send(result)
    finally:
        send.close()


def can_fork() -> bool:
    """Forking shares the built index with the child for free (copy on write)."""
    return "fork" in multiprocessing.get_all_start_methods()


async def in_child(fn: Callable[..., T], *args: Any) -> T:
    """fn(*args) in a forked child process; its result comes back pickled over a pipe.

    For pure functions of what is already in memory (the index): the child reads it
    without copying, and computing there leaves the event loop its GIL. Cancelling kills
    the child. Where fork is unavailable, a daemon thread does the work instead.
    """
    if not can_fork():
        return await asyncio.to_thread(fn, *args)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, fn, args), daemon=True)
    await asyncio.to_thread(process.start)  # copying the page tables of a big index takes a while
    send.close()
    try:
        ok, value = await asyncio.to_thread(_receive, receive)
    finally:
        if process.is_alive():
            process.kill()  # a cancel: the reader thread then sees the pipe close
        await asyncio.to_thread(process.join, 5.0)
        receive.close()
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


def _receive(receive: Connection) -> tuple[bool, Any]:
    """The child's (ok, value); a child that died without answering is an error."""
    try:
        return receive.recv()  # type: ignore[no-any-return]
    except EOFError:
        raise RuntimeError("the worker process ended without an answer") from None
