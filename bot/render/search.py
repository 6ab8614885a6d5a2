"""Block Kit for every answer: pure functions from core results to message dicts.

Each returns {"text": fallback, "blocks": [...]}; every piece of user or report text is
escaped, report markdown is converted to mrkdwn, and Slack's limits hold by construction
(see `bot.render.blocks`).
"""

from __future__ import annotations

from bot.render.blocks import (
    Block,
    Message,
    actions,
    button,
    context,
    divider,
    message,
    section,
)
from bot.render.mrkdwn import escape, excerpt_mrkdwn, plain
from bot.render.strings import EXAMPLE_QUERIES, no_results_text
from bot.search.engine import SearchAnswer, SearchHit
from bot.slack import ids

MAX_LISTED_REPORTS = 40


def _hit_blocks(hit: SearchHit, rank: int) -> list[Block]:
    s = hit.section
    report = hit.report_title or s.report_id
    day = f" · {hit.date.day.isoformat()}" if hit.date else ""
    heading = f"*{rank}. {plain(report, 300)}*\n§{s.number} {plain(s.title, 300)}{day}"
    excerpt = excerpt_mrkdwn(hit.excerpt)
    return [
        section(f"{heading}\n>{excerpt}"),
        context(f"`{plain(s.report_id, 200)}` · score {hit.score:.2f}"),
    ]


def _query_line(answer: SearchAnswer) -> str:
    """Restate the query: the asker cannot see their own slash command."""
    lines = []
    if answer.corrected:
        lines.append(
            f"Showing results for *{plain(answer.corrected, 500)}* "
            f"(you searched for {plain(answer.query, 500)})"
        )
    else:
        lines.append(f"Results for *{plain(answer.query, 500)}*")
    if answer.truncated:
        lines.append(f"_Your query was cut to its first {len(answer.query)} characters._")
    return "\n".join(lines)


def search_results(
    answer: SearchAnswer, *, shareable: bool = True, shared_by: str | None = None
) -> Message:
    """Search hits with citations and excerpts, and buttons to page and share."""
    if not answer.hits:
        return no_results(answer)
    first = answer.offset + 1
    last = answer.offset + len(answer.hits)
    blocks: list[Block] = [
        section(_query_line(answer)),
        context(f"{first}–{last} of {answer.total} matching sections"),
    ]
    for rank, hit in enumerate(answer.hits, start=first):
        blocks.append(divider())
        blocks.extend(_hit_blocks(hit, rank))
    if shared_by:
        blocks.append(context(f"Shared by <@{escape(shared_by)}> · searched with `/llmtrend`"))
    buttons = []
    if last < answer.total:
        value = {"q": answer.effective_query, "o": last}
        buttons.append(button(f"More results ({last + 1}–…)", ids.ACTION_MORE, value))
    if shareable:
        value = {"q": answer.effective_query, "o": answer.offset}
        buttons.append(button("Share in channel", ids.ACTION_SHARE, value, style="primary"))
    buttons.append(button("Which reports agree?", ids.ACTION_AGREE, {"q": answer.effective_query}))
    if buttons and not shared_by:
        blocks.append(actions(*buttons))
    fallback = f"Results for {answer.effective_query}: " + "; ".join(
        f"{h.report_title or h.section.report_id} §{h.section.number} {h.section.title}"
        for h in answer.hits
    )
    return message(fallback, blocks)


def no_results(answer: SearchAnswer) -> Message:
    """An empty search explained, with words or examples to try. Never silence."""
    text = no_results_text(answer)
    blocks = [section(escape(text))]
    if answer.reason in ("no_match", "stopwords", "empty", "no_words"):
        tries = answer.suggestions or EXAMPLE_QUERIES
        blocks.append(context("Try: " + " · ".join(f"`/llmtrend {plain(t, 100)}`" for t in tries)))
    return message(text, blocks)
