"""Text for Slack: escaping, markdown → mrkdwn, and cutting to Block Kit limits safely.

Every piece of user or report text passes `escape` before it reaches a message, so an
echoed `<!channel>` or `<@U…>` notifies no one. Limits are counted after escaping, and a
cut never splits an `&amp;` entity.
"""

from __future__ import annotations

import re

from bot.search.excerpt import Excerpt

ELLIPSIS = "…"
_ENTITY_TAIL = re.compile(r"&[a-z]{0,4}$")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^\s)]+)\)")
_MD_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_MD_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![*\w])")


def escape(text: str) -> str:
    """Escape &, < and > as Slack requires; the only characters it treats as control."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    """At most `limit` characters of already-escaped text, ending in … when cut."""
    if len(text) <= limit:
        return text
    head = text[: max(0, limit - len(ELLIPSIS))]
    head = _ENTITY_TAIL.sub("", head)  # never leave half an entity such as "&am"
    return head.rstrip() + ELLIPSIS


def plain(text: str, limit: int) -> str:
    """User or report text escaped and cut to a limit (for plain_text and mrkdwn fields)."""
    return cut(escape(text), limit)


def markdown_to_mrkdwn(md: str) -> str:
    """Report markdown → Slack mrkdwn: **bold** → *bold*, [t](u) → <u|t>, headings bold.

    The text is escaped first; the link markup we add afterwards is the only `<…>` in it.
    """
    text = escape(md)
    links: list[str] = []

    def _link(m: re.Match[str]) -> str:
        url = m.group(2).replace("|", "%7C")
        links.append(f"<{url}|{m.group(1)}>")
        return f"\x00{len(links) - 1}\x00"

    text = _MD_LINK.sub(_link, text)
    text = _MD_ITALIC.sub(lambda m: f"_{m.group(1)}_", text)
    text = _MD_BOLD.sub(lambda m: f"*{m.group(1) or m.group(2)}*", text)
    text = _MD_HEADING.sub(lambda m: f"*{m.group(1).strip('*')}*", text)
    for i, link in enumerate(links):
        text = text.replace(f"\x00{i}\x00", link)
    return text


def excerpt_mrkdwn(excerpt: Excerpt) -> str:
    """An excerpt escaped for Slack with its matched words in bold."""
    out: list[str] = []
    pos = 0
    for start, end in excerpt.highlights:
        out.append(escape(excerpt.text[pos:start]))
        word = excerpt.text[start:end]
        out.append(f"*{escape(word)}*")
        pos = end
    out.append(escape(excerpt.text[pos:]))
    return "".join(out)
