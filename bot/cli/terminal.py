"""Block Kit → terminal text, so the local console shows what Slack would show."""

from __future__ import annotations

import html
import re
from typing import Any

_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^>]+)>")
_USER = re.compile(r"<@([A-Z0-9]+)>")
_EMOJI = {
    ":warning:": "⚠",
    ":hourglass_flowing_sand:": "⏳",
    ":white_check_mark:": "✅",
    ":mag:": "🔎",
}

BOLD_ON, BOLD_OFF, DIM_ON, DIM_OFF = "\x1b[1m", "\x1b[0m", "\x1b[2m", "\x1b[0m"


def mrkdwn_to_text(text: str, color: bool) -> str:
    """Slack mrkdwn as terminal text: bold as ANSI bold (or kept as *word*), links shown."""
    out = _LINK.sub(r"\2 (\1)", text)
    out = _BARE_LINK.sub(r"\1", out)
    out = _USER.sub(r"@\1", out)
    for code, char in _EMOJI.items():
        out = out.replace(code, char)
    if color:
        out = _BOLD.sub(lambda m: f"{BOLD_ON}{m.group(1)}{BOLD_OFF}", out)
        out = _ITALIC.sub(lambda m: f"{DIM_ON}{m.group(1)}{DIM_OFF}", out)
    out = out.replace("```\n", "").replace("\n```", "")
    out = out.replace("\n>", "\n  │ ")
    if out.startswith(">"):
        out = "  │ " + out[1:]
    return html.unescape(out)


def _block_lines(block: dict[str, Any], color: bool, count: list[int] | None) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = html.unescape(block["text"]["text"])
        return [f"{BOLD_ON}{title}{BOLD_OFF}" if color else title.upper()]
    if kind == "section":
        lines = [mrkdwn_to_text(block["text"]["text"], color)] if block.get("text") else []
        for field in block.get("fields", []):
            lines.append(mrkdwn_to_text(field["text"], color))
        accessory = block.get("accessory") or {}
        if accessory.get("type") == "button":
            lines.append(f"  {_button(accessory, count)}")
        return lines
    if kind == "context":
        text = "  ".join(mrkdwn_to_text(e.get("text", ""), False) for e in block["elements"])
        return [f"{DIM_ON}{text}{DIM_OFF}" if color else text]
    if kind == "divider":
        return ["─" * 60]
    if kind == "actions":
        labels = [_button(e, count) for e in block["elements"] if e.get("type") == "button"]
        return ["  ".join(labels)]
    return []


def _button(element: dict[str, Any], count: list[int] | None) -> str:
    """`[ More results ]`, or `[1 More results ]` when the console numbers its buttons."""
    label = html.unescape(element["text"]["text"])
    if count is None:
        return f"[ {label} ]"
    count[0] += 1
    return f"[{count[0]} {label} ]" if count[0] <= 9 else f"[ {label} ]"


def message_to_text(message: dict[str, Any], color: bool = False, numbered: bool = False) -> str:
    """A whole message (its blocks, or its fallback text when it has none); `numbered`
    numbers its buttons 1–9, as the console's shortcuts press them."""
    blocks = message.get("blocks") or []
    if not blocks:
        return mrkdwn_to_text(message.get("text", ""), color)
    count = [0] if numbered else None
    lines: list[str] = []
    for block in blocks:
        lines.extend(_block_lines(block, color, count))
    return "\n".join(lines)
