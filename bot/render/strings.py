"""User-facing strings, in one place so they can be read and reviewed together.

Plain text: each surface escapes and formats them (Slack's renderer escapes &, <, >).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.search.engine import SearchAnswer

EXAMPLE_QUERIES = ("multimodal", "open source", "what do the reports say about RLHF?")

WORKING = "Working on it: the answer will appear here in a moment."
SHARED_CUT_SHORT = (
    "What these reports share was not worked out in time (their sections are very long); "
    "the reports above are complete."
)
AGREE_ON_WHAT = (
    "Agree on what? Name a topic, for example `/llmtrend agree open source` or "
    "`/llmtrend agree multimodal`."
)
SEARCH_AS_TYPED = "Search as typed"


def results_count(first: int, last: int, total: int, query: str) -> str:
    """ "1–3 of 12 sections about *multimodal*" (counts of sections about the query)."""
    return f"{first}–{last} of {count(total, 'section')} about {query}"


def agreeing(agree: int, total: int) -> str:
    """ "*4 of 5 reports* agree" / "*1 of 5 reports* covers"."""
    return f"*{agree} of {count(total, 'report')}* {'covers' if agree == 1 else 'agree on'}"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 section", "3 sections" (and "1 report covers", via the callers)."""
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def try_queries(answer: SearchAnswer) -> tuple[str, ...]:
    """What to try instead: close words when there are some, else queries that work here."""
    return answer.suggestions or answer.examples or EXAMPLE_QUERIES


def no_results_text(answer: SearchAnswer) -> str:
    """Why a search found nothing, and what to try instead. Never empty."""
    examples = ", ".join(f'"{e}"' for e in (answer.examples or EXAMPLE_QUERIES))
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
        close = ", ".join(f'"{e}"' for e in answer.suggestions)
        return f'No sections match "{searched}". Close words in the reports: {close}.'
    return f'No sections match "{searched}". Try a broader topic, such as {examples}.'


# --- digests ------------------------------------------------------------------------------

DIGEST_HOW_TO = (
    "Daily digests are set up with the slash command, in the channel that should get "
    "them: `/llmtrend digest on` (or `/llmtrend digest on 08:30 Europe/Paris`)."
)
DIGEST_NONE = (
    "This channel has no daily digest. Start one with `/llmtrend digest on` "
    "(or `/llmtrend digest on 08:30 Europe/Paris`)."
)
DIGEST_NEVER_ON = "This channel had no daily digest; it will not get one."
DIGEST_OFF = "Daily digest off for this channel. `/llmtrend digest on` restarts it."
DIGEST_INVITE_HINT = "I can't post in this channel yet: invite me with `/invite @llmtrend`."
LOADING = "I'm still loading the reports. Try again in a few seconds."


def digest_on_text(at: str, tz: str, first: datetime, weekdays_only: bool) -> str:
    """The confirmation of `/llmtrend digest on`, with when the first digest comes."""
    every = "weekday" if weekdays_only else "day"
    return (
        f"Daily digest on: every {every} at {at} ({tz}) in this channel. "
        f"The first one comes {first:%A %d %B at %H:%M}."
    )


# --- replies that are not answers -----------------------------------------------------------

HELP_TITLE = "llmtrend: ask the trend reports"
HELP_FALLBACK = "llmtrend: search the trend reports with /llmtrend <query>"
#: mrkdwn, already escaped (`&lt;` shows as "<").
HELP_USAGE = (
    "*Search* the reports: `/llmtrend &lt;words or a question&gt;` — the best matching "
    "sections, each cited (report, §number, title, date).\n"
    "*What changed*: `/llmtrend new` — topics new, rising or fading in the last 7 days "
    "(`/llmtrend new 30 days`, `/llmtrend new since 2026-06-01`).\n"
    "*Trends*: `/llmtrend trends` — the topics that recur across reports.\n"
    "*Which reports agree*: `/llmtrend agree open source` — who covers a topic, who is silent.\n"
    "*Daily digest* in this channel: `/llmtrend digest on 08:30 Europe/Paris` "
    "(`digest off`, `digest preview`, `digest` for its state).\n"
    "*Read* a whole section: the *Read* button beside a result, or "
    "`/llmtrend show REPORT 3` (a report id or the start of its title).\n"
    "*List* the loaded reports: `/llmtrend reports` · this help: `/llmtrend help`\n"
    "*Mention* me in a channel (`@llmtrend what's new this week?`) and I answer in the "
    "thread; go on in the thread without mentioning me (“and regulation?”, “more”, “which "
    "reports agree?”), or send me a direct message. My *Home* tab shows the trend dashboard."
)
ERROR = "Sorry, something went wrong while answering. It has been logged."
MAYBE_FAILED = "Slack did not confirm my answer. If you don't see it above, please ask again."
EXPIRED = (
    "That button has expired (Slack allows answers for 30 minutes, 5 times). "
    "Run `/llmtrend` again for fresh results."
)


# --- what changed ---------------------------------------------------------------------------

CHANGES_TITLE = "What changed in the reports"
CHANGES_KINDS = {
    "new": ("New", "absent or rare before, now in several reports"),
    "rising": ("Rising", "in a clearly larger share of the reports than before"),
    "fading": ("Fading", "in a clearly smaller share of the reports than before"),
}
CHANGES_NOTHING = (
    "Nothing stands out: no topic is new, rising or fading in these reports against the "
    "ones before."
)
CHANGES_WIDER = "Longer window"
CHANGES_PENDING = (
    "I'm still reading the reports' history for what changed (a large folder takes a "
    "minute after a start or a reload). Try again shortly."
)


def changes_reason(reason: str, window: str, reports: int, day: str = "") -> str:
    """Why there is no comparison to make, and what would give one."""
    if reason == "one_day":
        return (
            f"All {reports} reports are dated the same day ({day}), so there is nothing "
            "earlier to compare them with yet. Reports are dated by their front matter, "
            "file name or title, else by the day llmtrend first saw them: as new reports "
            "arrive, this shows what they bring."
        )
    if reason in ("no_baseline", "no_baseline_news"):
        return (
            f"No report before {window} brought news to compare with. Try a shorter window, "
            "for example `/llmtrend new 7 days`."
        )
    return f"No report is dated in {window}. Try a longer window: `/llmtrend new 30 days`."


def changes_counts(kind: str, in_window: int, window: int, before: int, baseline: int) -> str:
    """ "in 7 of 9 reports, 1 of 41 before" (fading names the earlier share first)."""
    now = f"{in_window} of {window} {'report' if window == 1 else 'reports'}"
    then = f"{before} of {baseline} before"
    return f"{then}, {now} now" if kind == "fading" else f"in {now}, {then}"


# --- trends -----------------------------------------------------------------------------------


def no_trends(containers: tuple[str, ...]) -> str:
    """Why there are no trends: every report stands alone, or they share a fixed layout."""
    if containers:
        named = ", ".join(containers[:6])
        return (
            f"These reports share a fixed layout ({named}): those sections are containers, "
            "not topics, so no trend groups them. `/llmtrend new` shows what their items "
            "bring, and every section is still searched."
        )
    return "No topic recurs across reports yet: every report stands alone."


# - reading a whole section -

SECTION_MODAL_TITLE = "Report section"  # a modal title: at most 24 characters
READ_SECTION = "Read"
PREVIOUS_SECTION = "◀ Previous section"
NEXT_SECTION = "Next section ▶"
PREVIOUS_PAGE = "◀ Previous page"
NEXT_PAGE = "Next page ▶"
OPEN_SOURCE = "Open the report"
SECTION_GONE = "That section is no longer in the reports (they were reloaded)."
SHOW_HOW_TO = (
    "Which section? Try `/llmtrend show REPORT 3` (a report id or the start of its title)."
)


def show_not_found(error: str, asked: str, candidates: tuple[str, ...]) -> str:
    """Why `/llmtrend show …` found no section (asked: the user's words, raw)."""
    if error == "ambiguous":
        names = "; ".join(candidates[:5])
        more = "; …" if len(candidates) > 5 else ""
        return f"More than one report starts with “{asked}”: {names}{more}. Say which."
    if error == "no_section":
        return f"That report has no section “{asked}”. Sections are numbered as in citations (§3)."
    if error == "no_report":
        return f"No report is called “{asked}”. `/llmtrend reports` lists them."
    return SHOW_HOW_TO


def page_of(page: int, pages: int) -> str:
    return f"Page {page} of {pages}"


def section_of(index: int, total: int) -> str:
    return f"Section {index} of {total}"


# - feedback -

FEEDBACK_THANKS = {
    "up": "Thanks: noted that this answer helped.",
    "down": "Thanks: noted that this answer did not help. The report writers will see it.",
}
