"""Request → message: the one function every surface calls (Slack handlers, the console).

It reads the live engine once, runs the pure core and hands the result to the renderer,
so `llmtrend chat` shows exactly what Slack would.
"""

from __future__ import annotations

import asyncio
import functools
import time
from dataclasses import dataclass
from typing import Any, Protocol

from bot.ask.parse import Request, parse_window
from bot.insights.agreement import Agreement, agree, agree_with_trend
from bot.insights.changes import what_changed
from bot.insights.stream import PhraseIndex
from bot.insights.trend_time import trend_times
from bot.insights.trends import TrendReport
from bot.render import replies, strings
from bot.render.blocks import Message
from bot.render.changes import changes_message
from bot.render.digest import digest_reply
from bot.render.reports import reports_list
from bot.render.search import search_results
from bot.render.trends import agree_view, trends_message, trends_pending
from bot.search.engine import SearchEngine
from bot.slack.ids import PAGE_SIZE

#: The agree view quotes this many covering reports; the rest are counted.
AGREE_SHOWN = 8
#: …and names this many covering and silent reports; the rest are counted.
AGREE_LISTED = 10
#: "What changed" lists at most this many topics of each kind in a message.
CHANGES_SHOWN = 5
#: An agree view's shared points may take this long; past it they are left out (and the
#: view says so), so an answer never waits on a huge section.
SHARED_POINTS_SECONDS = 5.0


def agreement(
    request: Request,
    engine: SearchEngine,
    trends: TrendReport | None,
    deadline: float | None = None,
) -> Agreement:
    """A trend's own agree view when the request names a trend that still exists, else the
    reports that cover the topic's words. A deadline may only cut the shared points."""
    trend = trends.find(request.trend) if trends and request.trend else None
    if trend is not None:
        return agree_with_trend(engine, trend, AGREE_SHOWN, AGREE_LISTED, deadline)
    return agree(engine, request.text, AGREE_SHOWN, AGREE_LISTED, deadline)


class Sources(Protocol):
    """What an answer reads: the engine in service and what was computed from it.

    The live engine is one (`bot.search.live.LiveEngine`); `Snapshot` holds fixed ones.
    """

    @property
    def current(self) -> SearchEngine | None: ...
    @property
    def trends(self) -> TrendReport | None: ...
    @property
    def stream(self) -> PhraseIndex | None: ...


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Fixed sources: an engine and, when computed, its trends and dated phrase index."""

    current: SearchEngine | None
    trends: TrendReport | None = None
    stream: PhraseIndex | None = None


def answer(
    request: Request,
    sources: Sources,
    *,
    shareable: bool = True,
    offset: int = 0,
    shared_by: str | None = None,
    deadline: float | None = None,
) -> Message:
    """The message that answers a request (ephemeral-style with Share, or visible).

    The sources are read once, so a reload in the middle never mixes two indexes. Blocking
    (its cost grows with the corpus): Slack handlers call it through `answer_off_loop`.
    """
    engine, trends, stream = sources.current, sources.trends, sources.stream
    if request.kind == "help":
        return replies.help_message()
    if request.kind == "digest":  # only a Slack channel can subscribe (the console has none)
        return digest_reply(strings.DIGEST_HOW_TO)
    if engine is None:
        return replies.loading()
    if request.kind == "reports":
        return reports_list(engine.corpus)
    if request.kind == "trends":
        if trends is None:
            return trends_pending()
        return trends_message(trends, engine, trend_times(trends, engine.dates))
    if request.kind == "agree":
        if not request.text.strip() and not request.trend:
            return replies.usage_error(strings.AGREE_ON_WHAT)
        return agree_view(agreement(request, engine, trends, deadline))
    if request.kind == "changes":
        if stream is None:
            return replies.pending(strings.CHANGES_PENDING)
        window = parse_window(request.text)
        if window.error:
            return replies.usage_error(window.error)
        changes = what_changed(stream, since=window.since, days=window.days, top=CHANGES_SHOWN)
        return changes_message(changes, engine)
    result = engine.search(request.text, top=PAGE_SIZE, offset=offset, exact=request.exact)
    return search_results(result, shareable=shareable, shared_by=shared_by)


async def answer_off_loop(request: Request, sources: Sources, **options: Any) -> Message:
    """`answer` in a worker thread, with the shared points' deadline: the event loop keeps
    serving everyone else however long the answer takes."""
    deadline = time.monotonic() + SHARED_POINTS_SECONDS
    work = functools.partial(answer, request, sources, deadline=deadline, **options)
    return await asyncio.to_thread(work)
