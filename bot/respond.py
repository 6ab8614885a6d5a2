"""Request → message: the one function every surface calls (Slack handlers, the console).

It reads the live engine once, runs the pure core and hands the result to the renderer,
so `llmtrend chat` shows exactly what Slack would.
"""

from __future__ import annotations

from bot import render
from bot.blockkit import Message
from bot.commands import Request
from bot.ids import PAGE_SIZE
from bot.search import SearchEngine


def answer(
    request: Request,
    engine: SearchEngine | None,
    *,
    shareable: bool = True,
    offset: int = 0,
    shared_by: str | None = None,
) -> Message:
    """The message that answers a request (ephemeral-style with Share, or visible)."""
    if request.kind == "help":
        return render.help_message()
    if engine is None:
        return render.loading()
    if request.kind == "reports":
        return render.reports_list(engine.corpus)
    result = engine.search(request.text, top=PAGE_SIZE, offset=offset)
    return render.search_results(result, shareable=shareable, shared_by=shared_by)
