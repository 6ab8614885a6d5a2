"""`llmtrend chat`: try the bot in a terminal, no Slack account or token needed.

Each line goes through the same parsing, core and renderer as the Slack handlers —
`/llmtrend …` as the slash command, `@llmtrend …` (or anything else) as a mention or DM —
and the Block Kit reply is drawn as text. Right after an answer, `more`, `share`, `agree`
or a button's number press that answer's buttons (parsed as Slack's presses are). At a
terminal, readline gives line editing, arrow keys and history; piped input is answered
line by line.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import sys
from dataclasses import dataclass
from typing import TextIO

from bot.ask.answer import Sources, answer
from bot.ask.buttons import parse_press
from bot.ask.parse import parse_command, parse_message
from bot.cli.terminal import message_to_text
from bot.render import replies
from bot.render.blocks import Message
from bot.render.section_view import show_text
from bot.search.lookup import FoundSection, section_at
from bot.slack import ids

logger = logging.getLogger("llmtrend.console")

BANNER = (
    "llmtrend console: type /llmtrend <query>, @llmtrend <question>, or just a question.\n"
    "After an answer, press its buttons: more, share, agree, or a button's number (1–9).\n"
    "/llmtrend help for usage; arrow keys and history work; Ctrl-D or 'exit' to leave."
)
#: Who the console's "Share in channel" names as the sharer.
CONSOLE_USER = "YOU"
#: Words that press the last answer's button of that kind.
_SHORTCUTS = {"more": ids.ACTION_MORE, "share": ids.ACTION_SHARE}
_AGREE_PREFIXES = (
    ids.ACTION_AGREE,
    ids.ACTION_TREND_AGREE_PREFIX,
    ids.ACTION_CHANGE_AGREE_PREFIX,
    ids.ACTION_HOME_TREND_PREFIX,
)


@dataclass(frozen=True, slots=True)
class Button:
    """A button of the last answer, in the order the console numbers them."""

    label: str
    action_id: str
    value: str


def reply_to(line: str, sources: Sources) -> Message:
    """What Slack would answer to one line typed in a channel or DM."""
    text = line.strip()
    if text.lower().startswith("/llmtrend"):
        return answer(parse_command(text[len("/llmtrend") :]), sources).message
    return answer(parse_message(text), sources, shareable=False).message


def buttons_of(message: Message) -> list[Button]:
    """The message's buttons in the order they are drawn (accessories, then action rows)."""
    found: list[Button] = []
    for block in message.get("blocks") or []:
        for element in [block.get("accessory") or {}, *(block.get("elements") or [])]:
            if isinstance(element, dict) and element.get("type") == "button":
                label = html.unescape(element["text"]["text"])
                found.append(Button(label, element["action_id"], element.get("value", "")))
    return found


def pressed(line: str, buttons: list[Button]) -> Button | None:
    """The button a console line presses: `more`, `share`, `agree` or its number."""
    word = line.strip().lower()
    if word.isdigit() and 1 <= int(word) <= min(len(buttons), 9):
        return buttons[int(word) - 1]
    if word == "agree":
        return next((b for b in buttons if b.action_id.startswith(_AGREE_PREFIXES)), None)
    wanted = _SHORTCUTS.get(word)
    return next((b for b in buttons if b.action_id == wanted), None)


def press(button: Button, sources: Sources) -> Message:
    """What Slack would show after the button is pressed (a Read button: the section, as
    the modal would hold it)."""
    if button.action_id.startswith(ids.ACTION_READ_PREFIX):
        return read(button.value, sources)
    parsed = parse_press(button.action_id, button.value)
    if parsed.mode == "share":
        return answer(parsed.request, sources, offset=parsed.offset, shared_by=CONSOLE_USER).message
    return answer(parsed.request, sources, offset=parsed.offset).message


def read(value: str, sources: Sources) -> Message:
    """The section a Read button names, whole."""
    engine = sources.current
    try:
        data = json.loads(value)
        report_id, position = str(data["r"]), int(data["p"])
    except (ValueError, KeyError, TypeError):
        report_id, position = "", -1
    if engine is None:
        return show_text(FoundSection(error="no_report"))
    return show_text(section_at(engine, report_id, position))


def _read(stdin: TextIO, stdout: TextIO, interactive: bool) -> str | None:
    """One line, or None at the end; at a terminal through readline's `input`."""
    if interactive and stdin is sys.stdin and stdout is sys.stdout:
        try:
            return input("\n> ")
        except EOFError:
            return None
    if interactive:
        print("\n> ", end="", file=stdout, flush=True)
    return stdin.readline() or None


def run_console(sources: Sources, stdin: TextIO, stdout: TextIO) -> int:
    """Answer each line until end of input; exit 0."""
    interactive = stdin.isatty()
    color = stdout.isatty()
    if interactive:
        with contextlib.suppress(ImportError):  # line editing where the platform has it
            import readline  # noqa: F401
        print(BANNER, file=stdout)
    last: list[Button] = []
    while True:
        line = _read(stdin, stdout, interactive)
        if line is None or line.strip().lower() in ("exit", "quit"):
            return 0
        if not line.strip():
            continue
        if not interactive:
            print(f"> {line.strip()}", file=stdout)
        button = pressed(line, last)
        try:
            reply = press(button, sources) if button else reply_to(line, sources)
        except Exception:  # like the Slack app: say so, log the traceback, keep going
            logger.exception("answering %r failed", line.strip()[:200])
            reply = replies.error()
        last = buttons_of(reply)
        print(message_to_text(reply, color=color, numbered=True), file=stdout)
        if not interactive:
            print(file=stdout)
        stdout.flush()


def main_console(sources: Sources) -> int:
    return run_console(sources, sys.stdin, sys.stdout)
