"""Block Kit for every answer: pure functions from core results to message dicts.

Each returns {"text": fallback, "blocks": [...]}; every piece of user or report text is
escaped, report markdown is converted to mrkdwn, and Slack's limits hold by construction
(see `bot.blockkit`).
"""

from __future__ import annotations

from bot import ids
from bot.blockkit import (
    Block,
    Message,
    actions,
    button,
    context,
    divider,
    header,
    message,
    section,
)
from bot.corpus import Corpus
from bot.messages import EXAMPLE_QUERIES, no_results_text
from bot.mrkdwn import escape, excerpt_mrkdwn, plain
from bot.search import SearchAnswer, SearchHit

MAX_LISTED_REPORTS = 40


def _hit_blocks(hit: SearchHit, rank: int) -> list[Block]:
    s = hit.section
    report = hit.report_title or s.report_id
    heading = f"*{rank}. {plain(report, 300)}*\n§{s.number} {plain(s.title, 300)}"
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


def help_message() -> Message:
    """Usage with examples (for `/llmtrend help` or no text)."""
    examples = "\n".join(f"• `/llmtrend {escape(q)}`" for q in EXAMPLE_QUERIES)
    blocks = [
        header("llmtrend: ask the trend reports"),
        section(
            "*Search* the reports: `/llmtrend &lt;words or a question&gt;` — the best matching "
            "sections, each cited (report, §number, title).\n"
            "*List* the loaded reports: `/llmtrend reports`\n"
            "*Mention* me in a channel (`@llmtrend what do the reports say about open source?`) "
            "and I answer in the thread, or send me a direct message."
        ),
        section(f"*Examples*\n{examples}"),
    ]
    return message("llmtrend: search the trend reports with /llmtrend <query>", blocks)


def reports_list(corpus: Corpus) -> Message:
    """The loaded reports with their section counts, and skipped files with the reason."""
    n_sections = len(corpus.sections)
    blocks: list[Block] = [
        section(f"*{len(corpus.reports)} reports* · {n_sections} sections"),
    ]
    lines = [
        f"• *{plain(r.title or r.id, 200)}* — `{plain(r.id, 200)}` · {len(r.sections)} sections"
        for r in corpus.reports[:MAX_LISTED_REPORTS]
    ]
    blocks.extend(_chunked(lines))
    if len(corpus.reports) > MAX_LISTED_REPORTS:
        blocks.append(context(f"…and {len(corpus.reports) - MAX_LISTED_REPORTS} more reports"))
    if corpus.skipped:
        skipped = [
            f"• `{plain(s.file, 200)}`: {plain(s.reason, 300)}"
            for s in corpus.skipped[:MAX_LISTED_REPORTS]
        ]
        blocks.append(section(f"*Skipped {len(corpus.skipped)} file(s)*"))
        blocks.extend(_chunked(skipped))
    fallback = f"{len(corpus.reports)} reports, {n_sections} sections"
    return message(fallback, blocks)


def _chunked(lines: list[str], limit: int = 2900, max_blocks: int = 20) -> list[Block]:
    """Lines packed into as few section blocks as fit."""
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > limit:
            blocks.append(section("\n".join(current)))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        blocks.append(section("\n".join(current)))
    return blocks[:max_blocks]


def loading() -> Message:
    """Asked before the index is ready."""
    text = "I'm still loading the reports. Try again in a few seconds."
    return message(text, [section(f":hourglass_flowing_sand: {text}")])


def error() -> Message:
    """Something failed: say so, without internals (the traceback is in the log)."""
    text = "Sorry, something went wrong while answering. It has been logged."
    return message(text, [section(f":warning: {text}")])


def expired() -> Message:
    """A button pressed after Slack's response_url stopped accepting answers."""
    text = (
        "That button has expired (Slack allows answers for 30 minutes, 5 times). "
        "Run `/llmtrend` again for fresh results."
    )
    return message(text, [section(text)])
