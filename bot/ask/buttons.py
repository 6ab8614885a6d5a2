"""What a button press asks for: its action id and value → a request (pure parsing).

Slack's action handlers and the console's shortcuts (`more`, `share`, `agree`, `1`–`9`)
read presses the same way. A value is JSON the renderer wrote, but it arrives from the
client: anything unexpected raises ValueError (the handler's error path answers).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from bot.ask.parse import Request
from bot.slack import ids

#: The longest window a button may ask for (ten years of reports).
MAX_DAYS = 3650

PressMode = Literal["replace", "share", "new"]


@dataclass(frozen=True, slots=True)
class Press:
    """A parsed press: the request, its page offset, and how the answer is shown
    (replace the message, share it in the channel, or a new message)."""

    request: Request
    offset: int = 0
    mode: PressMode = "replace"


def _data(raw: str | None) -> dict[str, Any]:
    data = json.loads(raw or "{}")
    if not isinstance(data, dict):
        raise ValueError("not a button value")
    return data


def parse_value(raw: str | None) -> tuple[str, int]:
    """A search button's value: (query, offset). Raises ValueError on a forged value."""
    data = _data(raw)
    query, offset = data.get("q"), data.get("o", 0)
    if not isinstance(query, str) or not isinstance(offset, int) or offset < 0:
        raise ValueError("not a search button value")
    return query, offset


def parse_trend(raw: str | None) -> str | None:
    """A trend button's trend id, if the value carries one."""
    trend = _data(raw).get("t")
    return trend if isinstance(trend, str) else None


def parse_exact(raw: str | None) -> bool:
    """Whether a search button's value asks for the words as typed."""
    return bool(_data(raw).get("x"))


def parse_days(raw: str | None) -> int:
    """A longer-window button's value: days. Raises ValueError on a forged value."""
    days = _data(raw).get("d")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValueError("not a window button value")
    return days


_AGREE_BUTTONS = re.compile(
    rf"^(?:{ids.ACTION_AGREE}|{ids.ACTION_TREND_AGREE_PREFIX}\d+"
    rf"|{ids.ACTION_CHANGE_AGREE_PREFIX}\d+|{ids.ACTION_HOME_TREND_PREFIX}\d+)$"
)


def parse_press(action_id: str, raw: str | None) -> Press:
    """Any of the app's buttons → what it asks for."""
    if action_id == ids.ACTION_CHANGES_WIDER:
        return Press(Request("changes", f"{parse_days(raw)} days"))
    query, offset = parse_value(raw)
    if action_id == ids.ACTION_MORE:
        return Press(Request("search", query, exact=parse_exact(raw)), offset)
    if action_id == ids.ACTION_SEARCH_EXACT:
        return Press(Request("search", query, exact=True))
    if action_id == ids.ACTION_SHARE:
        return Press(Request("search", query, exact=parse_exact(raw)), offset, mode="share")
    if _AGREE_BUTTONS.match(action_id):
        return Press(Request("agree", query, trend=parse_trend(raw)), mode="new")
    raise ValueError(f"not one of the app's buttons: {action_id[:60]!r}")
