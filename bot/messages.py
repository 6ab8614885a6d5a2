"""User-facing strings, in one place so they can be read and reviewed together.

Plain text: each surface escapes and formats them (Slack's renderer escapes &, <, >).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.search import SearchAnswer

EXAMPLE_QUERIES = ("multimodal", "open source", "what do the reports say about RLHF?")


def no_results_text(answer: SearchAnswer) -> str:
    """Why a search found nothing, and what to try instead. Never empty."""
    examples = ", ".join(f'"{e}"' for e in (answer.suggestions or EXAMPLE_QUERIES))
    if answer.reason == "empty":
        return f"Type something to search for, for example {examples}."
    if answer.reason == "no_words":
        return f"That query has no words to search for. Try {examples}."
    if answer.reason == "stopwords":
        return (
            f'"{answer.query}" is made only of very common words, which every report uses. '
            f"Add a topic, for example {examples}."
        )
    if answer.reason == "no_reports":
        return "There are no reports to search yet: the reports folder is empty."
    searched = answer.effective_query
    if answer.suggestions:
        return f'No sections match "{searched}". Close words in the reports: {examples}.'
    return f'No sections match "{searched}". Try a broader topic, such as {examples}.'
