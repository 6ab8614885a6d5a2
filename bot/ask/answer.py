"""Request → message: the one function every surface calls (Slack handlers, the console).

It reads the live engine once, runs the pure core and hands the result to the renderer,
so `llmtrend chat` shows exactly what Slack would.
"""

from __future__ import annotations

from bot.ask.parse import Request
from bot.insights.agreement import agree
from bot.insights.trends import TrendReport
from bot.render import replies, strings
from bot.render.blocks import Message
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


def answer(
    request: Request,
    engine: SearchEngine | None,
    trends: TrendReport | None = None,
    *,
    shareable: bool = True,
    offset: int = 0,
    shared_by: str | None = None,
) -> Message:
    """The message that answers a request (ephemeral-style with Share, or visible)."""
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
        return trends_message(trends, engine)
    if request.kind == "agree":
        view = agree(engine, request.text, quotes=AGREE_SHOWN, limit=AGREE_LISTED)
        return agree_view(view)
    result = engine.search(request.text, top=PAGE_SIZE, offset=offset)
    return search_results(result, shareable=shareable, shared_by=shared_by)
