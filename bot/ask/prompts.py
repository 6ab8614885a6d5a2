"""Suggested prompts for the app's Messages tab, from what the reports hold right now:
what's new, where the top trend's reports agree, and a rising topic to ask about."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ask.answer import Sources
from bot.insights.changes import what_changed

#: Slack shows at most four suggested prompts.
MAX_PROMPTS = 4
#: A prompt's title is a short button label.
MAX_TITLE = 60


@dataclass(frozen=True, slots=True)
class Prompt:
    """A button in the Messages tab: its label, and the message it sends for the user."""

    title: str
    message: str


def suggested_prompts(sources: Sources) -> list[Prompt]:
    """At most four prompts from the live corpus (fixed ones while it is still loading)."""
    prompts = [Prompt("What's new this week?", "What's new this week?")]
    trends, stream = sources.trends, sources.stream
    if sources.current is not None and trends is not None and trends.trends:
        label = trends.trends[0].label
        prompts.append(
            Prompt(_short(f"Who agrees on {label}?"), f"Which reports agree on {label}?")
        )
    if stream is not None:
        rising = what_changed(stream, days=30, top=2)
        for change in (*rising.new, *rising.rising)[:1]:
            prompts.append(Prompt(_short(change.label.capitalize()), change.label))
    prompts.append(Prompt("Top trends", "What are the top trends?"))
    if len(prompts) < MAX_PROMPTS:
        prompts.append(Prompt("How do I use this?", "help"))
    return prompts[:MAX_PROMPTS]


def _short(title: str) -> str:
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"
