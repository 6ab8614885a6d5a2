"""What a user asked for: `/llmtrend …` text, a mention or a DM → one request record.

Pure parsing, shared by the Slack handlers and the local console, so both understand the
same words the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

RequestKind = Literal["help", "reports", "search", "trends", "agree"]

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
    if first.lower() in ("trends", "trend") and not rest:
        return Request("trends")
    if first.lower() == "agree":
        topic = re.sub(r"^(?:on|about|with)\s+", "", rest, flags=re.IGNORECASE)
        return Request("agree", topic) if topic else Request("help")
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
    asked = _AGREE_QUESTION.match(clean)
    if asked and asked.group("topic").strip(" ?.!"):
        return Request("agree", asked.group("topic").strip(" ?.!"))
    if _TRENDS_QUESTION.match(clean):
        return Request("trends")
    return parse_command(clean)


# "which reports agree on X?", "do the reports agree about X", "who agrees on X"
_AGREE_QUESTION = re.compile(
    r"^(?:which|what|how many|do|does|who)?\s*(?:of\s+)?(?:the\s+)?(?:reports?\s+)?"
    r"(?:agrees?|agreement)\s+(?:on|about|with|over|regarding)\s+(?P<topic>.+)$",
    re.IGNORECASE,
)
_TRENDS_QUESTION = re.compile(
    r"^(?:what\s+are\s+(?:the\s+)?|show\s+(?:me\s+)?(?:the\s+)?)?(?:top\s+|main\s+)?trends\??$",
    re.IGNORECASE,
)
