"""What a user asked for: `/llmtrend …` text, a mention or a DM → one request record.

Pure parsing, shared by the Slack handlers and the local console, so both understand the
same words the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

RequestKind = Literal["help", "reports", "search", "trends", "agree", "digest"]

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
    if first.lower() == "digest":
        return Request("digest", rest)
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


DigestAction = Literal["status", "on", "off", "preview"]


@dataclass(frozen=True, slots=True)
class DigestCommand:
    """`/llmtrend digest [on [HH:MM] [Area/City] | off | preview]`, or why it is wrong."""

    action: DigestAction
    time: str | None = None
    tz: str | None = None
    error: str | None = None


DIGEST_EXAMPLE = "/llmtrend digest on 08:30 Europe/Paris"


def parse_digest(text: str) -> DigestCommand:
    """The digest subcommand and its time and timezone, checked."""
    from bot.digests.schedule import parse_time, parse_timezone

    words = text.split()
    if not words:
        return DigestCommand("status")
    action = words[0].lower()
    if action in ("off", "stop", "unsubscribe"):
        return DigestCommand("off")
    if action in ("preview", "test"):
        return DigestCommand("preview")
    if action in ("status", "show"):
        return DigestCommand("status")
    if action not in ("on", "start", "subscribe"):
        return DigestCommand(
            "status",
            error=f"I don't know `digest {words[0]}`. Try `{DIGEST_EXAMPLE}`, "
            "`/llmtrend digest off`, `/llmtrend digest preview`.",
        )
    at: str | None = None
    tz: str | None = None
    for word in words[1:]:
        looks_like_time = bool(re.fullmatch(r"\d{1,2}(:\d{1,2})?(am|pm)?", word, re.IGNORECASE))
        if looks_like_time:
            parsed = parse_time(word)
            if parsed is None:
                return DigestCommand(
                    "on",
                    error=f"{word} is not a time of day. Use 24-hour HH:MM, "
                    f"for example `{DIGEST_EXAMPLE}`.",
                )
            at = f"{parsed:%H:%M}"
        elif parse_timezone(word) is not None:
            tz = word
        else:
            return DigestCommand(
                "on",
                error=f"{word} is not a timezone I know. Use an Area/City name such as "
                f"Europe/Paris or America/New_York (or UTC), for example `{DIGEST_EXAMPLE}`.",
            )
    return DigestCommand("on", at, tz)
