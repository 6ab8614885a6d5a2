"""The App Home tab's views from the sources: the dashboard, and a trend's agree view.

Blocking, like `answer` (trend timelines and agree views grow with the corpus): the Home
handlers call the async forms, which run them in a worker thread.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.ask.answer import SHARED_POINTS_SECONDS, Sources, agreement
from bot.ask.parse import Request
from bot.insights.trend_time import trend_times
from bot.render.trends import home_agree_view, home_view
from bot.state.records import FeedbackSummary

#: The dashboard lists this many of the newest reports.
NEWEST_SHOWN = 5


def dashboard(sources: Sources, feedback: FeedbackSummary | None = None) -> dict[str, Any]:
    """The trend dashboard (or "loading" before the first index); with `feedback` (for
    workspace admins), the answers' feedback too."""
    engine, trends = sources.current, sources.trends
    if engine is None:
        return home_view(trends, None, feedback=feedback)
    times = trend_times(trends, engine.dates) if trends else {}
    newest = engine.newest_reports(NEWEST_SHOWN)
    return home_view(trends, engine, newest, times, feedback)


def agree_page(request: Request, sources: Sources, deadline: float | None = None) -> dict[str, Any]:
    """A trend's agree view in place of the dashboard (the dashboard while loading)."""
    engine = sources.current
    if engine is None:
        return dashboard(sources)
    return home_agree_view(agreement(request, engine, sources.trends, deadline))


async def dashboard_off_loop(
    sources: Sources, feedback: FeedbackSummary | None = None
) -> dict[str, Any]:
    return await asyncio.to_thread(dashboard, sources, feedback)


async def agree_page_off_loop(request: Request, sources: Sources) -> dict[str, Any]:
    deadline = time.monotonic() + SHARED_POINTS_SECONDS
    return await asyncio.to_thread(agree_page, request, sources, deadline)
