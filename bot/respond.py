"""Request → message: the one function every surface calls (Slack handlers, the console).

It reads the live engine once, runs the pure core and hands the result to the renderer,
so `llmtrend chat` shows exactly what Slack would.
"""

from __future__ import annotations

from bot import render, render_trends
from bot.agreement import agree
from bot.blockkit import Message
from bot.commands import Request
from bot.ids import PAGE_SIZE
from bot.render_digest import digest_reply
from bot.search import SearchEngine
from bot.trends import TrendReport

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
        return render.help_message()
    if request.kind == "digest":  # only a Slack channel can subscribe (the console has none)
        return digest_reply(
            "Daily digests are set up with the slash command, in the channel that should get "
            "them: `/llmtrend digest on` (or `/llmtrend digest on 08:30 Europe/Paris`)."
        )
    if engine is None:
        return render.loading()
    if request.kind == "reports":
        return render.reports_list(engine.corpus)
    if request.kind == "trends":
        if trends is None:
            return render_trends.trends_pending()
        return render_trends.trends_message(trends, engine)
    if request.kind == "agree":
        view = agree(engine, request.text, quotes=AGREE_SHOWN, limit=AGREE_LISTED)
        return render_trends.agree_view(view)
    result = engine.search(request.text, top=PAGE_SIZE, offset=offset)
    return render.search_results(result, shareable=shareable, shared_by=shared_by)
