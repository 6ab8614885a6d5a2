"""A whole section for reading: the modal (paged, with its neighbours and source link) and
the same text as a message (the console, or where no modal can open).

The section's markdown becomes Slack mrkdwn (`section_mrkdwn`: escaped first, then
headings, lists and bold as Slack draws them), cut into blocks and the blocks into pages:
a long section is spread over pages, never cut.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from bot.render import strings
from bot.render.blocks import (
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
from bot.render.links import SourceLinks, link
from bot.render.mrkdwn import escape, plain, section_mrkdwn
from bot.reports.model import Section
from bot.search.lookup import FoundSection
from bot.slack import ids

#: Text blocks per modal page (each at most 2,900 characters: about 29,000 per page).
BLOCKS_PER_PAGE = 10
MAX_PRIVATE_METADATA = 3000
#: A message version of a section holds about this many characters; the modal, all.
MESSAGE_TEXT_CHARS = 12_000


def section_url(found: FoundSection, links: SourceLinks | None) -> str | None:
    """Where the section lives, when LLMTREND_SOURCE_URL says how to link there."""
    if links is None or found.report is None or found.section is None:
        return None
    s = found.section
    return links.url(found.report.path, found.report.id, s.number, s.anchor)


def pages(text: str) -> list[list[str]]:
    """The section's mrkdwn blocks, BLOCKS_PER_PAGE to a page (at least one page)."""
    chunks = _chunks(text) or ("",)
    return [list(chunks[i : i + BLOCKS_PER_PAGE]) for i in range(0, len(chunks), BLOCKS_PER_PAGE)]


@functools.lru_cache(maxsize=32)
def _chunks(text: str) -> tuple[str, ...]:
    """A section rendered once for all its pages: paging through a long one (each press
    redraws the modal) does not render it again each time."""
    return tuple(section_mrkdwn(text))


def _heading(found: FoundSection) -> tuple[str, str]:
    """The header line (raw) and the context line (mrkdwn) every rendering shares."""
    assert found.section is not None and found.report is not None
    s, report = found.section, found.report
    title = f"§{s.number} {s.title}" if s.title else f"§{s.number}"
    day = f" · {found.date.day.isoformat()}" if found.date else ""
    where = strings.section_of(found.index, len(report.sections))
    about = f"*{plain(report.title or report.id, 300)}*{day} · {where}"
    return title, about


def _footer(found: FoundSection) -> str:
    """The ids a person can type: `/llmtrend show ID N`."""
    assert found.section is not None
    rid = plain(found.section.report_id, 200)
    return f"`{rid}` §{found.section.number} · `/llmtrend show {rid} {found.section.number}`"


def _nav_value(section: Section, page: int = 0) -> dict[str, Any]:
    return {"r": section.report_id, "p": section.position, "g": page}


def section_modal(found: FoundSection, page: int = 0, url: str | None = None) -> dict[str, Any]:
    """The modal view of one page of a section, with Previous/Next section and page."""
    if found.section is None:
        return _modal([section(escape(strings.SECTION_GONE))], {})
    all_pages = pages(found.section.text)
    page = max(0, min(page, len(all_pages) - 1))
    title, about = _heading(found)
    blocks: list[Block] = [header(title), context(about), divider()]
    blocks.extend(section(chunk) for chunk in all_pages[page] if chunk)
    if len(all_pages) > 1:
        blocks.append(context(strings.page_of(page + 1, len(all_pages))))
    buttons = []
    if page > 0:
        value = _nav_value(found.section, page - 1)
        buttons.append(button(strings.PREVIOUS_PAGE, ids.ACTION_PAGE_PREVIOUS, value))
    if page + 1 < len(all_pages):
        value = _nav_value(found.section, page + 1)
        buttons.append(button(strings.NEXT_PAGE, ids.ACTION_PAGE_NEXT, value))
    if found.previous is not None:
        value = _nav_value(found.previous)
        buttons.append(button(strings.PREVIOUS_SECTION, ids.ACTION_SECTION_PREVIOUS, value))
    if found.next is not None:
        value = _nav_value(found.next)
        buttons.append(button(strings.NEXT_SECTION, ids.ACTION_SECTION_NEXT, value))
    if buttons:
        blocks.append(actions(*buttons))
    footer = _footer(found)
    if url:
        footer = f"{link(url, escape(strings.OPEN_SOURCE))} · {footer}"
    blocks.append(context(footer))
    return _modal(blocks, _nav_value(found.section, page))


def _modal(blocks: list[Block], state: dict[str, Any]) -> dict[str, Any]:
    metadata = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    return {
        "type": "modal",
        "callback_id": ids.SECTION_VIEW,
        "title": {"type": "plain_text", "text": strings.SECTION_MODAL_TITLE},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": blocks[:100],
        "private_metadata": metadata[:MAX_PRIVATE_METADATA],
    }


def show_text(found: FoundSection, url: str | None = None) -> Message:
    """The section as a message: the console's `show`, and Slack's when no modal opens.

    A message holds much less than a modal; a longer section says how much more there is
    and where to read it whole.
    """
    if found.section is None:
        names = tuple(r.title or r.id for r in found.candidates)
        text = strings.show_not_found(found.error or "empty", found.asked, names)
        return message(text, [section(escape(text))])
    title, about = _heading(found)
    chunks = _chunks(found.section.text)
    shown: list[str] = []
    for chunk in chunks:  # Slack refuses a message much over ~12,000 characters of blocks
        if sum(map(len, shown)) + len(chunk) > MESSAGE_TEXT_CHARS:
            break
        shown.append(chunk)
    blocks: list[Block] = [header(title), context(about)]
    blocks.extend(section(c) for c in shown)
    if len(chunks) > len(shown):
        rest = len(chunks) - len(shown)
        blocks.append(context(f"_{rest} more parts: the *Read* button shows them all._"))
    footer = _footer(found)
    if url:
        footer = f"{link(url, escape(strings.OPEN_SOURCE))} · {footer}"
    blocks.append(context(footer))
    return message(f"{title}: {found.section.text[:2000]}", blocks)
