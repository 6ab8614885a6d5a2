"""Readable terminal text for core answers (the CLI's default output)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.insights.agreement import Agreement
from bot.insights.trend_time import TrendTime, ranked
from bot.insights.trends import TrendReport
from bot.render.strings import count, no_results_text
from bot.search.engine import SearchAnswer, SearchEngine
from bot.search.excerpt import Excerpt
from bot.search.lookup import FoundSection
from bot.state.records import FeedbackSummary

Marker = Callable[[str], str]


def plain_mark(word: str) -> str:
    """Matched words in plain output: *word*."""
    return f"*{word}*"


def ansi_mark(word: str) -> str:
    """Matched words on a terminal: bold."""
    return f"\x1b[1m{word}\x1b[0m"


def marked(excerpt: Excerpt, mark: Marker) -> str:
    """The excerpt with its matched words marked."""
    out: list[str] = []
    pos = 0
    for start, end in excerpt.highlights:
        out.append(excerpt.text[pos:start])
        out.append(mark(excerpt.text[start:end]))
        pos = end
    out.append(excerpt.text[pos:])
    return "".join(out)


def search_text(answer: SearchAnswer, mark: Marker = plain_mark) -> str:
    """A search answer as terminal text."""
    lines: list[str] = []
    if answer.truncated:
        lines.append(f"(Your query was cut to its first {len(answer.query)} characters.)")
    if answer.corrected:
        lines.append(f'Showing results for "{answer.corrected}" (you typed "{answer.query}").')
    if not answer.hits:
        lines.append(no_results_text(answer))
        return "\n".join(lines)
    first = answer.offset + 1
    last = answer.offset + len(answer.hits)
    shown = max(answer.total_distinctive or answer.total, last)
    about = answer.effective_query
    lines.append(f'Results {first}–{last} of {count(shown, "section")} about "{about}":')
    for i, hit in enumerate(answer.hits, start=first):
        s = hit.section
        day = f" · {hit.date.day.isoformat()}" if hit.date else ""
        lines.append("")
        lines.append(f"{i}. {hit.report_title or s.report_id} — §{s.number} {s.title}{day}")
        lines.append(f"   {marked(hit.excerpt, mark)}")
    return "\n".join(lines)


def reports_text(engine: SearchEngine) -> str:
    """The loaded reports with their dates and section counts, then skipped files and why."""
    corpus = engine.corpus
    lines = [f"{len(corpus.reports)} reports, {len(corpus.sections)} sections in {corpus.root}"]
    for r in corpus.reports:
        when = engine.report_date(r.id)
        day = f"{when.day.isoformat()} " if when else ""
        lines.append(f"  {day}{r.id}: {r.title or '(untitled)'} ({len(r.sections)} sections)")
    if corpus.skipped:
        lines.append(f"Skipped {len(corpus.skipped)} file(s):")
        lines.extend(f"  {s.file}: {s.reason}" for s in corpus.skipped)
    return "\n".join(lines)


def trends_text(report: TrendReport, times: Mapping[str, TrendTime]) -> str:
    """Trends (new and rising first) with their reports (k/N), movement, sections and
    summary; then single-report topics."""
    n = report.total_reports
    lines = [f"{len(report.trends)} trends across {n} reports"]
    for i, t in enumerate(ranked(report.trends, times), start=1):
        when = times.get(t.id)
        moving = f", {when.movement}" if when and when.movement else ""
        lines.append("")
        lines.append(f"{i}. {t.label} ({len(t.reports)}/{n} reports{moving}) [{t.id}]")
        lines.append("   " + "; ".join(f"{s.report_id} §{s.number} {s.title}" for s in t.sections))
        for x in t.summary:
            lines.append(f"   - {x.sentence} ({x.report} §{x.section})")
    if report.unique:
        lines.append("")
        lines.append(f"Only in one report ({report.unique_total}):")
        lines.extend(f"  {u.label} ({u.reports[0]} §{u.sections[0].number})" for u in report.unique)
    return "\n".join(lines)


def agree_text(view: Agreement) -> str:
    """Which reports cover the topic (with the passage), and which are silent."""
    topic = view.query.effective
    lines: list[str] = []
    if view.query.corrected:
        lines.append(f'Showing results for "{topic}" (you typed "{view.topic}").')
    if view.reason not in ("ok", "no_match"):
        lines.append(no_results_text(SearchAnswer(query=view.topic, reason=view.reason)))
        return "\n".join(lines)
    lines.append(f'{view.agreeing} of {view.total} reports agree on "{topic}"')
    for c in view.covering:
        if c.section is None:  # a covering report always has its section; skip if not
            continue
        lines.append(f"  ✓ {c.report} §{c.section.number} {c.section.title}")
        if c.quote:
            lines.append(f"      {c.quote}")
    if view.shared:
        lines.append("Shared points:")
        lines.extend(f'  "{p.text}" ({", ".join(p.reports)})' for p in view.shared)
    if view.silent:
        lines.append("Silent: " + ", ".join(c.report for c in view.silent))
    return "\n".join(lines)


def show_text_plain(found: FoundSection, url: str | None) -> str:
    """A whole section for the terminal: where it comes from, then its text as written."""
    s, report = found.section, found.report
    if s is None or report is None:
        return ""
    day = f" · {found.date.day.isoformat()}" if found.date else ""
    lines = [
        f"{report.title or report.id}{day}",
        f"§{s.number} {s.title}  (section {found.index} of {len(report.sections)})",
        "",
        s.text,
        "",
    ]
    around = []
    if found.previous is not None:
        around.append(f"previous: §{found.previous.number} {found.previous.title}")
    if found.next is not None:
        around.append(f"next: §{found.next.number} {found.next.title}")
    lines.append(" · ".join([f"{report.id} §{s.number}", *around]))
    if url:
        lines.append(url)
    return "\n".join(lines)


def feedback_text(summary: FeedbackSummary) -> str:
    """What helped, what didn't, and what found nothing, since `summary.since`."""
    up = sum(a.up for a in summary.answers)
    down = sum(a.down for a in summary.answers)
    lines = [
        f"Feedback in the last {summary.days} days: {count(len(summary.answers), 'answer')} "
        f"rated, {up} helpful, {down} not helpful"
    ]
    for a in summary.answers:
        cited = ", ".join(a.answer.citations[:5]) or "no citations"
        lines.append(f"  +{a.up} -{a.down}  {a.answer.kind}: {a.answer.query}  ({cited})")
    if summary.no_hits:
        lines.append("Questions that found nothing:")
        lines.extend(f"  {n.count}×  {n.query}" for n in summary.no_hits)
    else:
        lines.append("Every question found something.")
    return "\n".join(lines)
