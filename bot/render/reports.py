"""Block Kit for `/llmtrend reports`: the loaded reports and the files that were skipped."""

from __future__ import annotations

from bot.render.blocks import Block, Message, context, message, section
from bot.render.mrkdwn import plain
from bot.reports.model import Corpus

MAX_LISTED_REPORTS = 40


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
