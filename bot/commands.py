"""What a user asked for: `/llmtrend …` text, a mention or a DM → one request record.

Pure parsing, shared by the Slack handlers and the local console, so both understand the
same words the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

RequestKind = Literal["help", "reports", "search"]

# Slack's mention markup: <@U123>, <@U123|name>
_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_HELP_WORDS = frozenset({"help", "-h", "--help", "?", "usage"})


@dataclass(frozen=True, slots=True)
class Request:
    """A parsed request: what to do and its argument (the query)."""

    kind: RequestKind
    text: str = ""


def parse_command(text: str | None) -> Request:
    """`/llmtrend` text: help, reports, or (anything else) a search."""
    clean = " ".join((text or "").split())
    if not clean or clean.lower() in _HELP_WORDS:
        return Request("help")
    first, _, rest = clean.partition(" ")
    if first.lower() == "reports" and not rest:
        return Request("reports")
    if first.lower() == "search" and rest:
        return Request("search", rest)
    return Request("search", clean)


def strip_mentions(text: str) -> str:
    """A message's text without the @-mentions of users or bots in it."""
    return " ".join(_MENTION.sub(" ", text or "").split())


def parse_message(text: str | None) -> Request:
    """An @-mention or DM: the words after the mention, parsed like a command.

    People write "@llmtrend /llmtrend multimodal" or "@llmtrend search: open source" too.
    """
    clean = strip_mentions(text or "")
    clean = re.sub(r"^[@/]?llmtrend\b[:,]?\s*", "", clean, flags=re.IGNORECASE)
    clean = re.sub(r"^search\s*:\s*", "search ", clean, flags=re.IGNORECASE)
    return parse_command(clean)
