"""Block Kit building blocks that keep Slack's limits by construction.

slack_sdk validates only its model objects, so the renderer builds plain dicts through
these helpers, each cutting its text to Slack's limit (counted after escaping). Callers
pass text that is already escaped mrkdwn, or raw text for plain_text fields.
"""

from __future__ import annotations

import json
from typing import Any

from bot.render.mrkdwn import cut, escape
from bot.slack import ids

MAX_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ID = 255
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTION_ELEMENTS = 25
MAX_FALLBACK_TEXT = 3000

Block = dict[str, Any]
Message = dict[str, Any]


def header(text: str) -> Block:
    """A header block from raw text (plain_text, ≤ 150 characters)."""
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": cut(escape(text), MAX_HEADER_TEXT)},
    }


def section(mrkdwn: str) -> Block:
    """A section block from escaped mrkdwn (≤ 3,000 characters)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(mrkdwn, MAX_SECTION_TEXT)}}


def context(*mrkdwn: str) -> Block:
    """A context block of escaped mrkdwn elements (≤ 10 elements)."""
    return {
        "type": "context",
        "elements": [
            {"type": "mrkdwn", "text": cut(t, MAX_SECTION_TEXT)}
            for t in mrkdwn[:MAX_CONTEXT_ELEMENTS]
            if t
        ],
    }


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str, action_id: str, value: dict[str, Any] | str, style: str | None = None
) -> dict[str, Any]:
    """A button from raw text; a dict value is JSON, cut to fit 2,000 characters."""
    raw = value if isinstance(value, str) else fit_value(value)
    out: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": cut(escape(text), MAX_BUTTON_TEXT), "emoji": True},
        "action_id": action_id[:MAX_ACTION_ID],
        "value": raw[:MAX_BUTTON_VALUE],
    }
    if style:
        out["style"] = style
    return out


def fit_value(value: dict[str, Any]) -> str:
    """JSON for a button value within 2,000 characters, shortening its "q" if needed."""
    data = dict(value)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    query = str(data.get("q", ""))
    while len(raw) > MAX_BUTTON_VALUE and query:
        query = query[: max(0, len(query) - (len(raw) - MAX_BUTTON_VALUE) - 1)]
        data["q"] = query
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return raw


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    """An actions block (≤ 25 elements)."""
    block: Block = {"type": "actions", "elements": list(elements[:MAX_ACTION_ELEMENTS])}
    if block_id:
        block["block_id"] = block_id
    return block


def message(text: str, blocks: list[Block], **extra: Any) -> Message:
    """A message: raw fallback text (escaped and cut here) and at most 50 blocks."""
    return {"text": cut(escape(text), MAX_FALLBACK_TEXT) or " ", "blocks": cap(blocks), **extra}


def cap(blocks: list[Block], limit: int = MAX_BLOCKS) -> list[Block]:
    """At most `limit` blocks; a cut list ends with a note that there was more."""
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], context("_…more than fits in one message._")]


def section_with_button(mrkdwn: str, accessory: dict[str, Any]) -> Block:
    """A section block with a button beside its text (a result's "Read")."""
    return {**section(mrkdwn), "accessory": accessory}


def feedback_block(answer_id: str) -> Block:
    """👍/👎 under an answer: Slack's feedback_buttons in a context_actions block; the
    values name the answer, so a click (even on an ephemeral answer) says which."""
    return {
        "type": "context_actions",
        "elements": [
            {
                "type": "feedback_buttons",
                "action_id": ids.ACTION_FEEDBACK,
                "positive_button": {
                    "text": {"type": "plain_text", "text": "Helpful"},
                    "accessibility_label": "This answer helped",
                    "value": f"up:{answer_id}",
                },
                "negative_button": {
                    "text": {"type": "plain_text", "text": "Not helpful"},
                    "accessibility_label": "This answer did not help",
                    "value": f"down:{answer_id}",
                },
            }
        ],
    }


def with_feedback(msg: Message, answer_id: str) -> Message:
    """The message with 👍/👎 at its end (the block limit kept: the feedback stays)."""
    blocks = cap(list(msg.get("blocks", [])), MAX_BLOCKS - 1)
    return {**msg, "blocks": [*blocks, feedback_block(answer_id)]}
