"""Block Kit for every answer: pure functions from core results to message dicts.

Each returns {"text": fallback, "blocks": [...]}; every piece of user or report text is
escaped, report markdown is converted to mrkdwn, and Slack's limits hold by construction
(see `bot.render.blocks`).
"""

from __future__ import annotations

from typing import Any

from bot.render import strings
from bot.render.blocks import (
    Block,
    Message,
    actions,
    button,
    context,
    divider,
    message,
    section,
    section_with_button,
)
from bot.render.links import SourceLinks, link
from bot.render.mrkdwn import escape, excerpt_mrkdwn, plain
from bot.render.strings import no_results_text
from bot.reports.model import Section
from bot.search.engine import SearchAnswer, SearchHit
from bot.slack import ids

MAX_LISTED_REPORTS = 40


def citation(
    report_title: str | None,
    report_id: str,
    number: int,
    title: str,
    when: str,
    url: str | None = None,
) -> str:
    """ "*Report title* — §3 Section title · 2026-06-09": how every answer cites a section
    (the report's title, never its id; ids stay in the JSON). With a source URL the title
    links there; the link markup is built around text already escaped."""
    day = f" · {when}" if when else ""
    name = plain(report_title or report_id, 300)
    if url:
        name = link(url, name)
    return f"*{name}* — §{number} {plain(title, 300)}{day}"


def section_url_of(s: Section, path: str | None, links: SourceLinks | None) -> str | None:
    """A cited section's source link (None without LLMTREND_SOURCE_URL)."""
    if links is None or path is None:
        return None
    return links.url(path, s.report_id, s.number, s.anchor)


def read_button(s: Section, rank: int, label: str = strings.READ_SECTION) -> dict[str, Any]:
    """The "Read" button beside a cited section: opens the whole section in a modal."""
    value = {"r": s.report_id, "p": s.position}
    return button(label, f"{ids.ACTION_READ_PREFIX}{rank}", value)


def _hit_blocks(hit: SearchHit, rank: int, links: SourceLinks | None) -> list[Block]:
    s = hit.section
    when = hit.date.day.isoformat() if hit.date else ""
    url = section_url_of(s, hit.report_path, links)
    cited = citation(hit.report_title, s.report_id, s.number, s.title, when, url)
    text = f"{rank}. {cited}\n>{excerpt_mrkdwn(hit.excerpt)}"
    return [section_with_button(text, read_button(s, rank))]


def _query_line(answer: SearchAnswer) -> str:
    """Restate the query: the asker cannot see their own slash command."""
    lines = []
    if answer.corrected:
        lines.append(
            f"Showing results for *{plain(answer.corrected, 500)}* "
            f"(you typed {plain(answer.query, 500)})"
        )
    else:
        lines.append(f"Results for *{plain(answer.query, 500)}*")
    if answer.truncated:
        lines.append(f"_Your query was cut to its first {len(answer.query)} characters._")
    return "\n".join(lines)


def search_results(
    answer: SearchAnswer,
    *,
    shareable: bool = True,
    shared_by: str | None = None,
    links: SourceLinks | None = None,
) -> Message:
    """Search hits with citations and excerpts, and buttons to page and share."""
    if not answer.hits:
        return no_results(answer)
    first = answer.offset + 1
    last = answer.offset + len(answer.hits)
    shown = answer.total_distinctive or answer.total
    about = f"*{plain(answer.effective_query, 200)}*"
    blocks: list[Block] = [
        section(_query_line(answer)),
        context(strings.results_count(first, last, max(shown, last), about)),
    ]
    for rank, hit in enumerate(answer.hits, start=first):
        blocks.append(divider())
        blocks.extend(_hit_blocks(hit, rank, links))
    if shared_by:
        blocks.append(context(f"Shared by <@{escape(shared_by)}> · searched with `/llmtrend`"))
    buttons = []
    if answer.corrected and not answer.exact:
        value = {"q": answer.query, "o": 0}
        buttons.append(button(strings.SEARCH_AS_TYPED, ids.ACTION_SEARCH_EXACT, value))
    if last < answer.total:
        value = {"q": answer.effective_query, "o": last, **({"x": 1} if answer.exact else {})}
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
        tries = strings.try_queries(answer)
        blocks.append(context("Try: " + " · ".join(f"`/llmtrend {plain(t, 100)}`" for t in tries)))
    return message(text, blocks)
