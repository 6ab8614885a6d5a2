"""Block Kit for trends, the agree view and the App Home dashboard (pure functions)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

from bot.insights.agreement import Agreement, Coverage
from bot.insights.trend_time import TrendTime, ranked
from bot.insights.trends import Trend, TrendReport
from bot.render import strings
from bot.render.blocks import (
    MAX_HOME_BLOCKS,
    Block,
    Message,
    actions,
    button,
    cap,
    context,
    divider,
    header,
    message,
    section,
    section_with_button,
)
from bot.render.links import SourceLinks, link
from bot.render.mrkdwn import escape, plain
from bot.render.search import read_button, section_url_of
from bot.render.spark import sparkline
from bot.render.strings import no_results_text
from bot.reports.dates import ReportDate
from bot.reports.model import Report, Section
from bot.search.engine import SearchAnswer, SearchEngine
from bot.slack import ids
from bot.state.records import FeedbackSummary

#: A grid has a column per report up to this many reports; past it, counts.
GRID_MAX_REPORTS = 8
TRENDS_SHOWN = 10
UNIQUE_SHOWN = 8
LABEL_WIDTH = 30
#: Weeks a trend's sparkline shows (the most recent).
SPARK_WEEKS = 12


def short_ids(report_ids: Sequence[str]) -> dict[str, str]:
    """Column names for reports: the id's first part when that is unique ("000"), else 1, 2…"""
    heads = [rid.replace("/", "_").split("_")[0][:4] for rid in report_ids]
    if len(set(heads)) == len(heads) and all(heads):
        return dict(zip(report_ids, heads, strict=True))
    return {rid: str(i) for i, rid in enumerate(report_ids, start=1)}


def _wrapped(label: str, width: int) -> list[str]:
    """A label over as many lines as it needs, broken between words (never inside one)."""
    return textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False) or [""]


def _rows(label: str, cells: str) -> list[str]:
    """A grid row: the label's first line with the cells, then its other lines alone."""
    lines = _wrapped(label, LABEL_WIDTH)
    return [f"{lines[0]:<{LABEL_WIDTH}}  {cells}", *lines[1:]]


def grid(report: TrendReport, engine: SearchEngine, trends: Sequence[Trend]) -> list[Block]:
    """Trend × report: a ● where a report carries the trend; counts when there are many."""
    report_ids = [r.id for r in engine.corpus.reports]
    if not trends:
        return []
    if len(report_ids) > GRID_MAX_REPORTS:
        n = report.total_reports
        rows = [row for t in trends for row in _rows(t.label, f"{len(t.reports):>5} / {n}")]
        return [section("```\n" + escape("\n".join(rows)) + "\n```")]
    names = short_ids(report_ids)
    width = max(3, *(len(n) for n in names.values()))
    head = " " * LABEL_WIDTH + "  " + " ".join(f"{names[r]:>{width}}" for r in report_ids)
    rows = [head]
    for t in trends:
        marks = " ".join(f"{'●' if r in t.reports else '·':>{width}}" for r in report_ids)
        rows.extend(_rows(t.label, marks))
    legend = " · ".join(
        f"`{escape(names[r.id])}` {plain(r.title or r.id, 60)}" for r in engine.corpus.reports
    )
    return [section("```\n" + escape("\n".join(rows)) + "\n```"), context(legend)]


def _summary_line(trend: Trend, names: dict[str, str]) -> str:
    if not trend.summary:
        return ""
    first = trend.summary[0]
    where = plain(names.get(first.report, first.report), 60)
    return f"\n>{plain(first.sentence, 400)} _({where} §{first.section})_"


def _moving(when: TrendTime | None) -> str:
    """ " · rising `▂▄▇`": the movement and the weekly share, when reports are dated."""
    if when is None or when.movement is None:
        return ""
    spark = sparkline([w.share if w.total else None for w in when.weeks[-SPARK_WEEKS:]])
    return f" · {when.movement} `{spark}`"


def trend_block(
    trend: Trend,
    rank: int,
    total: int,
    action_id: str,
    names: dict[str, str],
    when: TrendTime | None = None,
) -> Block:
    """One trend: label, k of N, movement, its most central sentence, its agree button."""
    block = section(
        f"*{rank}. {plain(trend.label, 150)}* · {len(trend.reports)} of {total} reports"
        f"{_moving(when)}{_summary_line(trend, names)}"
    )
    block["accessory"] = button("Which agree?", action_id, {"t": trend.id, "q": trend.label})
    return block


def _central_section(trend: Trend) -> Section | None:
    """The section the trend's summary quotes first (its most central), else its first."""
    if trend.summary:
        first = trend.summary[0]
        for s in trend.sections:
            if s.report_id == first.report and s.number == first.section:
                return s
    return trend.sections[0] if trend.sections else None


def trends_message(
    report: TrendReport, engine: SearchEngine, times: Mapping[str, TrendTime] | None = None
) -> Message:
    """The top trends (new and rising first) as a grid, each with its movement, summary and
    agree button; then the topics only one report has."""
    total = report.total_reports
    times = times or {}
    shown = ranked(report.trends, times)[:TRENDS_SHOWN]
    names = short_ids([r.id for r in engine.corpus.reports])
    blocks: list[Block] = [header(f"Trends across {total} reports")]
    if not shown:
        blocks.append(section(plain(strings.no_trends(report.containers), 2900)))
    blocks.extend(grid(report, engine, shown))
    for rank, trend in enumerate(shown, start=1):
        action = f"{ids.ACTION_TREND_AGREE_PREFIX}{rank - 1}"
        blocks.append(trend_block(trend, rank, total, action, names, times.get(trend.id)))
        central = _central_section(trend)
        if central is not None:
            label = f"Read §{central.number} of {names.get(central.report_id, central.report_id)}"
            blocks.append(actions(read_button(central, rank - 1, label)))
    if len(report.trends) > len(shown):
        blocks.append(context(f"…and {len(report.trends) - len(shown)} smaller trends"))
    if report.unique:
        lines = [
            f"• *{plain(u.label, 120)}* — "
            f"{plain(engine.report_title(u.reports[0]) or u.reports[0], 80)}"
            f" §{u.sections[0].number}"
            for u in report.unique[:UNIQUE_SHOWN]
        ]
        more = report.unique_total - min(len(report.unique), UNIQUE_SHOWN)
        tail = f"\n_…and {more} more_" if more > 0 else ""
        blocks.append(divider())
        blocks.append(section("*Only in one report*\n" + "\n".join(lines) + tail))
    fallback = f"Trends across {total} reports: " + "; ".join(
        f"{t.label} ({len(t.reports)}/{total})" for t in shown
    )
    return message(fallback, blocks)


def trends_pending() -> Message:
    """Asked for trends while they are still being computed (large corpora, after a reload)."""
    text = "The trends are still being computed for the latest reports. Try again in a minute."
    return message(text, [section(f":hourglass_flowing_sand: {text}")])


def _stance(c: Coverage, links: SourceLinks | None = None) -> str:
    title = plain(c.report_title or c.report, 150)
    url = section_url_of(c.section, c.path, links) if c.section else None
    if url:
        title = link(url, title)
    where = f"§{c.section.number} {plain(c.section.title, 150)}" if c.section else ""
    day = f" · {c.date.day.isoformat()}" if c.date else ""
    quote = f"\n>{plain(c.quote, 400)}" if c.quote else ""
    return f":white_check_mark: *{title}* — {where}{day}{quote}"


def agree_blocks(view: Agreement, shown: int = 8, links: SourceLinks | None = None) -> list[Block]:
    """The agree view's blocks (shared by messages and the Home tab)."""
    topic = plain(view.query.effective, 200)
    # shared points name reports as the rest of the view does: by title
    titles = {c.report: c.report_title or c.report for c in view.reports}
    blocks: list[Block] = []
    if view.query.corrected:
        blocks.append(
            context(f"Showing results for *{topic}* (you typed {plain(view.topic, 200)})")
        )
    if view.reason != "ok" or view.agreeing == 0:
        if view.reason in ("ok", "no_match"):
            text = f"No report covers *{topic}*."
        else:
            text = escape(no_results_text(SearchAnswer(query=view.topic, reason=view.reason)))
        blocks.append(section(text))
        return blocks
    blocks.append(section(f"{strings.agreeing(view.agreeing, view.total)} *{topic}*"))
    covering = view.covering
    for rank, c in enumerate(covering[:shown]):
        if c.section is None:
            blocks.append(section(_stance(c, links)))
        else:
            blocks.append(section_with_button(_stance(c, links), read_button(c.section, rank)))
    if view.agreeing > shown:
        more = view.agreeing - shown
        blocks.append(context(f"…and {strings.count(more, 'more report')} cover it"))
    if view.shared:
        points = "\n".join(
            f"• “{plain(p.text, 200)}” — {strings.count(len(p.reports), 'report')}"
            f" ({'; '.join(plain(titles.get(r, r), 60) for r in p.reports[:5])}"
            f"{'; …' if len(p.reports) > 5 else ''})"
            for p in view.shared
        )
        blocks.append(section(f"*What they share*\n{points}"))
    if not view.shared_complete:
        blocks.append(context(strings.SHARED_CUT_SHORT))
    silent = view.silent
    if silent:
        quiet = ", ".join(plain(c.report_title or c.report, 80) for c in silent[:10])
        rest = view.silent_count - min(len(silent), 10)
        others = f" and {rest} more" if rest > 0 else ""
        blocks.append(context(f"Silent on {topic}: {quiet}{others}"))
    return blocks


def agree_view(view: Agreement, links: SourceLinks | None = None) -> Message:
    """The agree view as a message."""
    blocks = agree_blocks(view, links=links)
    topic = view.query.effective
    fallback = (
        f"{strings.agreeing(view.agreeing, view.total).replace('*', '')} {topic}"
        if view.reason == "ok"
        else f"No report covers {topic}"
    )
    return message(fallback, [header("Which reports agree?"), *blocks])


def _dated(when: ReportDate | None) -> str:
    """ " · 2026-06-09" (or " · first seen 2026-06-09" for a report with no date of its own)."""
    if when is None:
        return ""
    prefix = "first seen " if when.source == "first-seen" else ""
    return f" · {prefix}{when.day.isoformat()}"


def home_view(
    report: TrendReport | None,
    engine: SearchEngine | None,
    newest: Sequence[Report] = (),
    times: Mapping[str, TrendTime] | None = None,
    feedback: FeedbackSummary | None = None,
) -> dict[str, object]:
    """The App Home dashboard: trend grid, newest reports, how to use the commands, and for
    workspace admins a summary of the answers' feedback."""
    blocks: list[Block] = [header("llmtrend: what the reports say")]
    if engine is None:
        blocks.append(section(":hourglass_flowing_sand: Loading the reports…"))
    elif report is None:
        blocks.append(section(":hourglass_flowing_sand: The trends are being computed…"))
    else:
        times = times or {}
        shown = ranked(report.trends, times)[:TRENDS_SHOWN]
        blocks.append(
            section(
                f"*{len(engine.corpus.reports)} reports* · {len(engine.index)} sections · "
                f"{len(report.trends)} trends"
            )
        )
        blocks.extend(grid(report, engine, shown))
        for rank, trend in enumerate(shown, start=1):
            block = section(
                f"*{rank}. {plain(trend.label, 150)}* · {len(trend.reports)} of "
                f"{report.total_reports} reports{_moving(times.get(trend.id))}"
            )
            block["accessory"] = button(
                "Which agree?",
                f"{ids.ACTION_HOME_TREND_PREFIX}{rank - 1}",
                {"t": trend.id, "q": trend.label},
            )
            blocks.append(block)
    if newest and engine is not None:
        lines = [
            f"• *{plain(r.title or r.id, 150)}*" + _dated(engine.report_date(r.id))
            for r in newest[:5]
        ]
        blocks += [divider(), section("*Newest reports*\n" + "\n".join(lines))]
    blocks += [
        divider(),
        section(
            "*Ask me*\n• `/llmtrend multimodal` — the best sections, cited\n"
            "• `/llmtrend agree open source` — which reports agree, which are silent\n"
            "• `/llmtrend trends` — the topics that recur across reports\n"
            "• `@llmtrend what do the reports say about RLHF?` in a channel, or a DM here"
        ),
    ]
    if feedback is not None:
        blocks += feedback_blocks(feedback)
    return {"type": "home", "blocks": cap(blocks, MAX_HOME_BLOCKS)}


def feedback_blocks(summary: FeedbackSummary) -> list[Block]:
    """For admins: how the answers were rated, and what found nothing (3 blocks at most)."""
    rated = summary.answers
    up = sum(a.up for a in rated)
    down = sum(a.down for a in rated)
    lines = [
        f"*Feedback, last {summary.days} days* (admins only) · "
        f"{strings.count(len(rated), 'answer')} rated · {up} helpful · {down} not helpful"
    ]
    worst = sorted((a for a in rated if a.down), key=lambda a: (-a.down, a.answer.query))[:5]
    if worst:
        lines.append(
            "Not helpful: " + " · ".join(f"“{plain(a.answer.query, 80)}” ({a.down})" for a in worst)
        )
    blocks: list[Block] = [divider(), section("\n".join(lines))]
    if summary.no_hits:
        missing = " · ".join(f"“{plain(n.query, 60)}” ×{n.count}" for n in summary.no_hits[:8])
        blocks.append(context(f"Found nothing: {missing} · `llmtrend feedback` lists all"))
    return blocks


def home_agree_view(view: Agreement) -> dict[str, object]:
    """A trend's agree view drawn in the Home tab, with a way back."""
    blocks: list[Block] = [
        actions(button("← Back to the dashboard", ids.ACTION_HOME_BACK, "back")),
        header("Which reports agree?"),
        *agree_blocks(view),
    ]
    return {"type": "home", "blocks": cap(blocks, MAX_HOME_BLOCKS)}
