"""Short replies that are not answers: usage, still loading, something failed, expired."""

from __future__ import annotations

from bot.render import strings
from bot.render.blocks import Message, context, header, message, section
from bot.render.mrkdwn import escape, plain


def help_message() -> Message:
    """Usage with examples (for `/llmtrend help` or no text)."""
    examples = "\n".join(f"• `/llmtrend {escape(q)}`" for q in strings.EXAMPLE_QUERIES)
    blocks = [
        header(strings.HELP_TITLE),
        section(strings.HELP_USAGE),
        section(f"*Examples*\n{examples}"),
    ]
    return message(strings.HELP_FALLBACK, blocks)


def loading() -> Message:
    """Asked before the index is ready."""
    return message(strings.LOADING, [section(f":hourglass_flowing_sand: {strings.LOADING}")])


def error() -> Message:
    """Something failed: say so, without internals (the traceback is in the log)."""
    return message(strings.ERROR, [section(f":warning: {strings.ERROR}")])


def working() -> Message:
    """The ack of a request whose answer takes longer than Slack waits for it."""
    return message(strings.WORKING, [section(f":hourglass_flowing_sand: {strings.WORKING}")])


def maybe_failed() -> Message:
    """A reply whose fate is unknown (Slack did not answer) and could not be checked."""
    return message(strings.MAYBE_FAILED, [section(f":warning: {strings.MAYBE_FAILED}")])


def thanks(verdict: str) -> Message:
    """A feedback click acknowledged (only the clicker sees it)."""
    text = strings.FEEDBACK_THANKS.get(verdict, strings.FEEDBACK_THANKS["up"])
    return message(text, [context(text)])


def expired() -> Message:
    """A button pressed after Slack's response_url stopped accepting answers."""
    return message(strings.EXPIRED, [section(strings.EXPIRED)])


def usage_error(text: str) -> Message:
    """A request we could not read, with how to write it (text may echo the user's words)."""
    return message(text, [section(plain(text, 2900))])


def pending(text: str) -> Message:
    """Something computed in the background is not ready yet: say so, and when to retry."""
    return message(text, [section(f":hourglass_flowing_sand: {plain(text, 2900)}")])
