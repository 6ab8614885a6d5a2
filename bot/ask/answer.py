"""Request → message: the one function every surface calls (Slack handlers, the console).

It reads the live engine once, runs the pure core and hands the result to the renderer,
so `llmtrend chat` shows exactly what Slack would.
"""

from __future__ import annotations

import asyncio
import functools
import time
from dataclasses import dataclass, replace
from typing import Any, Protocol

from bot.ask.parse import Request, parse_window
from bot.insights.agreement import Agreement, agree, agree_with_trend
from bot.insights.changes import what_changed
from bot.insights.stream import PhraseIndex
from bot.insights.trend_time import trend_times
from bot.insights.trends import TrendReport
from bot.render import replies, strings
from bot.render.blocks import Message, with_feedback
from bot.render.changes import changes_message
from bot.render.digest import digest_reply
from bot.render.links import SourceLinks
from bot.render.reports import reports_list
from bot.render.search import search_results
from bot.render.section_view import section_url, show_text
from bot.render.trends import agree_view, trends_message, trends_pending
from bot.reports.model import Section
from bot.search.engine import SearchEngine
from bot.search.lookup import find_section
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


@dataclass(frozen=True, slots=True)
class Answered:
    """A reply and what it was about: the question, the sections it cites (as
    "report §n") and how many hits it had (0: the question found nothing). Answers that
    are a finding (search, agree, trends, what changed) are `rated`: they carry 👍/👎."""

    message: Message
    kind: str
    query: str = ""
    citations: tuple[str, ...] = ()
    hits: int = 0
    rated: bool = False


def answer(
    request: Request,
    sources: Sources,
    *,
    shareable: bool = True,
    offset: int = 0,
    shared_by: str | None = None,
    deadline: float | None = None,
    answer_id: str | None = None,
    links: SourceLinks | None = None,
) -> Answered:
    """The reply to a request (ephemeral-style with Share, or visible), and what it was
    about. With an `answer_id`, a finding carries the feedback buttons that name it; with
    `links` (LLMTREND_SOURCE_URL), citations link to their sources.

    The sources are read once, so a reload in the middle never mixes two indexes. Blocking
    (its cost grows with the corpus): Slack handlers call it through `answer_off_loop`.
    """
    answered = _answer(request, sources, shareable, offset, shared_by, deadline, links)
    if answer_id and answered.rated:
        answered = replace(answered, message=with_feedback(answered.message, answer_id))
    return answered


def _answer(
    request: Request,
    sources: Sources,
    shareable: bool,
    offset: int,
    shared_by: str | None,
    deadline: float | None,
    links: SourceLinks | None,
) -> Answered:
    engine, trends, stream = sources.current, sources.trends, sources.stream
    kind = request.kind
    if kind == "help":
        return Answered(replies.help_message(), kind)
    if kind == "digest":  # only a Slack channel can subscribe (the console has none)
        return Answered(digest_reply(strings.DIGEST_HOW_TO), kind)
    if engine is None:
        return Answered(replies.loading(), kind)
    if kind == "reports":
        return Answered(reports_list(engine.corpus), kind)
    if kind == "show":
        found = find_section(engine, request.text)
        return Answered(show_text(found, section_url(found, links)), kind, request.text)
    if kind == "trends":
        if trends is None:
            return Answered(trends_pending(), kind)
        message = trends_message(trends, engine, trend_times(trends, engine.dates))
        return Answered(message, kind, "trends", (), len(trends.trends), rated=True)
    if kind == "agree":
        if not request.text.strip() and not request.trend:
            return Answered(replies.usage_error(strings.AGREE_ON_WHAT), kind)
        view = agreement(request, engine, trends, deadline)
        cited = tuple(_cite(c.section) for c in view.covering if c.section)
        message = agree_view(view, links)
        return Answered(message, kind, view.topic, cited, view.agreeing, rated=True)
    if kind == "changes":
        if stream is None:
            return Answered(replies.pending(strings.CHANGES_PENDING), kind)
        window = parse_window(request.text)
        if window.error:
            return Answered(replies.usage_error(window.error), kind)
        changes = what_changed(stream, since=window.since, days=window.days, top=CHANGES_SHOWN)
        topics = len(changes.new) + len(changes.rising) + len(changes.fading)
        message = changes_message(changes, engine)
        asked = f"changes {request.text}".strip()
        return Answered(message, kind, asked, (), topics, rated=True)
    result = engine.search(request.text, top=PAGE_SIZE, offset=offset, exact=request.exact)
    cited = tuple(_cite(h.section) for h in result.hits)
    message = search_results(result, shareable=shareable, shared_by=shared_by, links=links)
    rated = bool(result.hits) and not shared_by
    return Answered(message, kind, result.query, cited, result.total, rated=rated)


def _cite(section: Section) -> str:
    """How feedback names a cited section: "report_id §3"."""
    return f"{section.report_id} §{section.number}"


async def answer_off_loop(request: Request, sources: Sources, **options: Any) -> Answered:
    """`answer` in a worker thread, with the shared points' deadline: the event loop keeps
    serving everyone else however long the answer takes."""
    deadline = time.monotonic() + SHARED_POINTS_SECONDS
    work = functools.partial(answer, request, sources, deadline=deadline, **options)
    return await asyncio.to_thread(work)
