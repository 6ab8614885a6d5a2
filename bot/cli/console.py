"""`llmtrend chat`: try the bot in a terminal, no Slack account or token needed.

Each line goes through the same parsing, core and renderer as the Slack handlers —
`/llmtrend …` as the slash command, `@llmtrend …` (or anything else) as a mention or DM —
and the Block Kit reply is drawn as text. Piped input is answered line by line.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from bot.ask.answer import Sources, answer
from bot.ask.parse import parse_command, parse_message
from bot.cli.terminal import message_to_text
from bot.render import replies
from bot.render.blocks import Message

logger = logging.getLogger("llmtrend.console")

BANNER = (
    "llmtrend console: type /llmtrend <query>, @llmtrend <question>, or just a question.\n"
    "/llmtrend help for usage; Ctrl-D or 'exit' to leave."
)


def reply_to(line: str, sources: Sources) -> Message:
    """What Slack would answer to one line typed in a channel or DM."""
    text = line.strip()
    if text.lower().startswith("/llmtrend"):
        return answer(parse_command(text[len("/llmtrend") :]), sources)
    return answer(parse_message(text), sources, shareable=False)


def run_console(sources: Sources, stdin: TextIO, stdout: TextIO) -> int:
    """Answer each line until end of input; exit 0."""
    interactive = stdin.isatty()
    color = stdout.isatty()
    if interactive:
        print(BANNER, file=stdout)
    while True:
        if interactive:
            print("\n> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            return 0
        if line.strip().lower() in ("exit", "quit"):
            return 0
        if not line.strip():
            continue
        if not interactive:
            print(f"> {line.strip()}", file=stdout)
        try:
            reply = reply_to(line, sources)
        except Exception:  # like the Slack app: say so, log the traceback, keep going
            logger.exception("answering %r failed", line.strip()[:200])
            reply = replies.error()
        print(message_to_text(reply, color=color), file=stdout)
        if not interactive:
            print(file=stdout)
        stdout.flush()


def main_console(sources: Sources) -> int:
    return run_console(sources, sys.stdin, sys.stdout)
