"""Block Kit for "what changed": the window against its baseline, new, rising, fading."""

from __future__ import annotations

from bot.insights.changes import Change, Changes, Period
from bot.render import strings
from bot.render.blocks import Block, Message, actions, button, context, header, message, section
from bot.render.mrkdwn import plain
from bot.render.spark import sparkline
from bot.search.engine import SearchEngine
from bot.slack import ids

#: Sections cited under each topic (the rest are counted).
CITED = 2


def _period(p: Period) -> str:
    if p.start == p.end:
        return p.start.isoformat()
    return f"{p.start.isoformat()} – {p.end.isoformat()}"


def _reports(n: int) -> str:
    return f"{n} report" if n == 1 else f"{n} reports"


def _citations(change: Change, engine: SearchEngine | None) -> str:
    cited = []
    for s in change.sections[:CITED]:
        title = (engine.report_title(s.report) if engine else None) or s.report
        cited.append(
            f"{plain(title, 120)} — §{s.section} {plain(s.title, 120)} · {s.date.isoformat()}"
        )
    more = change.sections_total - len(cited)
    if more > 0:
        cited.append(f"and {more} more {'section' if more == 1 else 'sections'}")
    return "\n".join(cited)


def _change_block(change: Change, changes: Changes, rank: int) -> Block:
    window = changes.window.with_news if changes.window else 0
    baseline = changes.baseline.with_news if changes.baseline else 0
    counts = strings.changes_counts(
        change.kind, change.reports_in_window, window, change.reports_before, baseline
    )
    spark = sparkline([w.share if w.total else None for w in change.weeks])
    others = [t for t in change.terms[1:4] if t.lower() != change.label.lower()]
    also = f" (also: {plain(', '.join(others), 200)})" if others else ""
    text = (
        f"*{plain(change.label, 150)}*{also}\n{counts} · first seen "
        f"{change.first_seen.isoformat()}"
        + (f" · `{spark}` weekly" if len(change.weeks) > 1 else "")
    )
    block = section(text)
    block["accessory"] = button(
        "Which reports agree?", f"{ids.ACTION_CHANGE_AGREE_PREFIX}{rank}", {"q": change.label}
    )
    return block


def changes_message(changes: Changes, engine: SearchEngine | None) -> Message:
    """New, rising and fading topics with counts, first-seen day, sparkline and sections."""
    blocks: list[Block] = [header(strings.CHANGES_TITLE)]
    window = changes.window
    if changes.reason is not None or window is None:
        where = _period(window) if window else "this window"
        text = strings.changes_reason(
            changes.reason or "",
            where,
            window.reports if window else 0,
            window.end.isoformat() if window else "",
        )
        blocks.append(section(plain(text, 2900)))
        return message(text, blocks)
    baseline = changes.baseline
    head = f"*{_period(window)}*: {_reports(window.reports)}"
    if window.with_news != window.reports:
        head += f" ({window.with_news} with news)"
    if baseline is not None:
        head += f", against {_reports(baseline.reports)} before ({_period(baseline)})"
    blocks.append(section(head))
    if changes.widened:
        blocks.append(
            context(f"_The last 7 days held too few reports: {changes.days} days shown._")
        )
    fallback = [f"What changed {_period(window)}"]
    rank = 0
    for kind in ("new", "rising", "fading"):
        found: tuple[Change, ...] = getattr(changes, kind)
        if not found:
            continue
        name, meaning = strings.CHANGES_KINDS[kind]
        blocks.append(section(f"*{name}* — {meaning}"))
        fallback.append(f"{name}: " + ", ".join(c.label for c in found))
        for change in found:
            blocks.append(_change_block(change, changes, rank))
            cited = _citations(change, engine)
            if cited:
                blocks.append(context(cited))
            rank += 1
    if rank == 0:
        blocks.append(section(strings.CHANGES_NOTHING))
        fallback.append(strings.CHANGES_NOTHING)
    if changes.days:
        blocks.append(
            actions(
                button(strings.CHANGES_WIDER, ids.ACTION_CHANGES_WIDER, {"d": changes.days * 2})
            )
        )
    return message(" · ".join(fallback), blocks)
