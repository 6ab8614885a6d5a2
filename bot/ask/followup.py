"""A message in a thread the bot answered in, understood against the thread's last question.

"more" is the next page of the last search; "which reports agree?" is the agree view of
the last topic; "and what about regulation?" asks about regulation; anything that is a
question of its own (trends, what's new, a search) is just that. Pure, like `parse`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta

from bot.ask.parse import Request, RequestKind, parse_message, strip_mentions
from bot.slack.ids import PAGE_SIZE

#: A thread the bot answered in takes follow-ups without a mention for this long.
THREAD_MEMORY = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Asked:
    """A thread's question as remembered: the request, and the page it was on."""

    request: Request
    offset: int = 0

    def dumps(self) -> str:
        """What the state store keeps for the thread (small JSON)."""
        r = self.request
        data = {"k": r.kind, "t": r.text, "o": self.offset, "x": r.exact, "tr": r.trend}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def loads(cls, raw: str | None) -> Asked | None:
        """A remembered question, or None when there is none (or it is unreadable)."""
        try:
            data = json.loads(raw or "")
            request = Request(
                str(data["k"]),  # type: ignore[arg-type]
                str(data.get("t") or ""),
                trend=data.get("tr") or None,
                exact=bool(data.get("x")),
            )
            return cls(request, int(data.get("o") or 0))
        except (ValueError, KeyError, TypeError):
            return None


_MORE = re.compile(
    r"^(?:(?:show\s+(?:me\s+)?)?more|next|next\s+page|more\s+results)[\s.!?]*$", re.I
)
_AGREE_BACK = re.compile(
    r"^(?:and\s+)?(?:so\s+)?(?:which|what|do|does|who)?\s*(?:of\s+)?(?:the\s+|they\s+|them\s+)?"
    r"(?:reports?\s+)?"
    r"(?:agrees?|agreement)(?:\s+(?:on|about|with)\s+(?:it|that|this))?[\s.!?]*$",
    re.I,
)
_WHAT_ABOUT = re.compile(
    r"^(?:and|but|also|ok(?:ay)?|so)?[\s,]*(?:what|how)\s+about\s+(?P<topic>.+)$"
    r"|^(?:and|also)\s+(?P<topic2>.+)$",
    re.I,
)


_QUESTION_START = re.compile(
    r"^(?:what|which|who|whom|whose|where|when|why|how|is|are|do|does|did|can|could|"
    r"should|would|will|has|have|any|show|find|search|list|tell|compare|summari[sz]e)\b",
    re.I,
)
_OTHER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def asks_the_bot(text: str | None, last: Asked | None, bot_user: str | None) -> bool:
    """Whether a message in the bot's thread, without a mention of it, is meant for it:
    a follow-up ("more", "which reports agree?", "and what about X?"), a command-like
    request, or a question. Chatter ("thanks!", "lol") and messages to someone else
    (they mention another person) are not."""
    raw = text or ""
    mentioned = set(_OTHER_MENTION.findall(raw))
    if bot_user and bot_user in mentioned:
        return True
    if mentioned:
        return False
    said = strip_mentions(raw).strip()
    if not said:
        return False
    if _MORE.match(said) or _AGREE_BACK.match(said) or _WHAT_ABOUT.match(said):
        return last is not None
    if parse_message(said).kind not in ("search", "help"):
        return True  # trends, what's new, agree on X, show …
    return said.endswith("?") or bool(_QUESTION_START.match(said))


def follow_up(text: str | None, last: Asked | None) -> Asked:
    """The request a thread message makes, given the thread's last question."""
    fresh = parse_message(text)
    if last is None:
        return Asked(fresh)
    before = last.request
    said = strip_mentions(text or "")
    if _MORE.match(said) and before.kind == "search":
        return Asked(before, last.offset + PAGE_SIZE)
    wants_agree = _AGREE_BACK.match(said) or (fresh.kind == "agree" and not fresh.text)
    if wants_agree and before.text and before.kind in ("search", "agree"):
        return Asked(Request("agree", before.text, trend=before.trend))
    if fresh.kind != "search":
        return Asked(fresh)  # a question of its own: trends, what's new, agree on X…
    about = _WHAT_ABOUT.match(said)
    topic = (about.group("topic") or about.group("topic2") or "") if about else ""
    if topic.strip(" ?.!"):
        kind: RequestKind = "agree" if before.kind == "agree" else "search"
        return Asked(Request(kind, topic.strip(" ?.!")))
    return Asked(fresh)
