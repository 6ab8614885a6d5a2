"""What a user asked for: `/llmtrend …` text, a mention or a DM → one request record.

Pure parsing, shared by the Slack handlers and the local console, so both understand the
same words the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

RequestKind = Literal["help", "reports", "search", "trends", "agree", "digest", "changes", "show"]

# Slack's mention markup: <@U123>, <@U123|name>
_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_HELP_WORDS = frozenset({"help", "-h", "--help", "?", "usage"})


@dataclass(frozen=True, slots=True)
class Request:
    """A parsed request: what to do and its argument (the query)."""

    kind: RequestKind
    text: str = ""
    #: For "agree" from a trend's button: that trend's id (its exact membership).
    trend: str | None = None
    #: For "search": the words as typed, without typo correction.
    exact: bool = False


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
    changes = _CHANGES.match(clean)
    if changes and _asks_for_window(changes.group("window")):
        return Request("changes", changes.group("window").strip(" ?.!"))
    if first.lower() == "digest":
        return Request("digest", rest)
    if first.lower() in ("show", "read") and rest:
        return Request("show", rest)
    if first.lower() == "agree":
        topic = re.sub(r"^(?:on|about|with)\s*", "", rest, flags=re.IGNORECASE)
        return Request("agree", topic)
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
    changed = _CHANGES_QUESTION.match(clean)
    if changed and _asks_for_window(changed.group("window")):
        return Request("changes", changed.group("window").strip(" ?.!"))
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


# `/llmtrend new`, `changes`, `what's new`, `what changed`, each with an optional window
_CHANGES = re.compile(
    r"^(?:new|changes|changed|what'?s\s+new|what\s+is\s+new|what\s+changed|what'?s\s+changed)"
    r"\b[\s?!.]*(?P<window>.*)$",
    re.IGNORECASE,
)
# "what's new this week?", "what has changed since 2026-06-01", "anything new lately?"
_CHANGES_QUESTION = re.compile(
    r"^(?:so\s+)?(?:what'?s|what\s+is|what\s+has|what\s+have|anything|is\s+there\s+anything)"
    r"\s+(?:been\s+)?(?:new|changed|changing)\b[\s?!.,]*(?:in\s+the\s+reports\s*)?"
    r"(?P<window>.*)$",
    re.IGNORECASE,
)
_SINCE = re.compile(r"^(?:since|from|after)\s+(\d{4}-\d{2}-\d{2})$", re.IGNORECASE)
_LAST_DAYS = re.compile(
    r"^(?:in\s+)?(?:the\s+)?(?:last|past)?\s*(\d{1,4})\s*(day|days|d|week|weeks|w)$",
    re.IGNORECASE,
)
_NAMED_SPANS = {
    "": None,
    "today": 1,
    "this week": 7,
    "last week": 7,
    "past week": 7,
    "lately": 7,
    "recently": 7,
    "this month": 30,
    "last month": 30,
    "past month": 30,
    "this year": 365,
}


#: After "new"/"changes", words that start a window (even a mistyped one) rather than a topic.
_WINDOW_WORDS = re.compile(r"^(?:since|from|after|last|past|this|in|over|during|for|\d)", re.I)


def _asks_for_window(rest: str) -> bool:
    """`new since …`, `new 30 days`, `new` alone: a window; `new york times`: a search."""
    words = rest.strip(" ?.!")
    return not words or parse_window(words).error is None or bool(_WINDOW_WORDS.match(words))


@dataclass(frozen=True, slots=True)
class Window:
    """The window a "what changed" question asks about (neither set: the default)."""

    since: date | None = None
    days: int | None = None
    error: str | None = None


def parse_window(text: str) -> Window:
    """ "since 2026-06-01", "30 days", "last 2 weeks", "this month", or nothing."""
    clean = " ".join(text.lower().split()).strip(" ?.!")
    clean = re.sub(r"^(?:in|over|during|for)\s+", "", clean)
    if clean in _NAMED_SPANS:
        return Window(days=_NAMED_SPANS[clean])
    since = _SINCE.match(clean)
    if since:
        try:
            return Window(since=date.fromisoformat(since.group(1)))
        except ValueError:
            return Window(error=f"{since.group(1)} is not a date. Use YYYY-MM-DD.")
    last = _LAST_DAYS.match(clean)
    if last:
        n = int(last.group(1)) * (7 if last.group(2).startswith("w") else 1)
        if n >= 1:
            return Window(days=n)
    return Window(
        error=f"I can't tell which days `{text}` means. Try `/llmtrend new`, "
        "`/llmtrend new 30 days` or `/llmtrend new since 2026-06-01`."
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
