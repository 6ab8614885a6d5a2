"""Text for Slack: escaping, excerpts as mrkdwn, and cutting to Block Kit limits safely.

Every piece of user or report text passes `escape` before it reaches a message, so an
echoed `<!channel>` or `<@U…>` notifies no one. Limits are counted after escaping, and a
cut never splits an `&amp;` entity.
"""

from __future__ import annotations

import re

from bot.search.excerpt import Excerpt

ELLIPSIS = "…"
_ENTITY_TAIL = re.compile(r"&[a-z]{0,4}$")


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
