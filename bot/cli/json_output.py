"""The JSON that `llmtrend … --json` prints: a public interface.

Fields may be added; none is ever renamed or removed. Tests pin the shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.insights.agreement import Agreement
from bot.insights.changes import Change, Changes, Period
from bot.insights.trend_time import TrendTime
from bot.insights.trends import Trend, TrendReport
from bot.render.strings import changes_reason
from bot.search.engine import SearchAnswer, SearchEngine
from bot.search.lookup import FoundSection
from bot.state.records import FeedbackSummary


def search_json(answer: SearchAnswer) -> dict[str, Any]:
    """`llmtrend search --json`."""
    return {
        "query": answer.query,
        "corrected": answer.corrected,
        "hits": [
            {
                "report": h.section.report_id,
                "report_title": h.report_title,
                "section": h.section.number,
                "position": h.section.position,
                "kind": h.section.kind,
                "title": h.section.title,
                "score": h.score,
                "excerpt": h.excerpt.text,
                "highlights": [list(span) for span in h.excerpt.highlights],
                "date": h.date.day.isoformat() if h.date else None,
            }
            for h in answer.hits
        ],
        # additions beyond the first published shape
        "total": answer.total,
        "offset": answer.offset,
        "truncated": answer.truncated,
        "reason": answer.reason,
        "corrections": [{"from": a, "to": b} for a, b in answer.corrections],
        "suggestions": list(answer.suggestions),
        "total_distinctive": answer.total_distinctive,
    }


def _date_fields(engine: SearchEngine, report_id: str) -> dict[str, str | None]:
    when = engine.report_date(report_id)
    return {
        "date": when.day.isoformat() if when else None,
        "date_source": when.source if when else None,
    }


def reports_json(engine: SearchEngine) -> dict[str, Any]:
    """`llmtrend reports --json`."""
    corpus = engine.corpus
    return {
        "reports": [
            {
                "id": r.id,
                "title": r.title,
                "sections": [
                    {"number": s.number, "position": s.position, "kind": s.kind, "title": s.title}
                    for s in r.sections
                ],
                "path": r.path,
                **_date_fields(engine, r.id),
            }
            for r in corpus.reports
        ],
        "skipped": [{"file": s.file, "reason": s.reason} for s in corpus.skipped],
        "warnings": [{"file": w.file, "reason": w.reason} for w in corpus.warnings],
    }


def _time(when: TrendTime | None) -> dict[str, Any]:
    if when is None:
        return {"first_seen": None, "last_seen": None, "timeline": [], "movement": None}
    return {
        "first_seen": when.first_seen.isoformat(),
        "last_seen": when.last_seen.isoformat(),
        "timeline": [
            {"period": w.start.isoformat(), "reports": w.reports, "total": w.total}
            for w in when.weeks
        ],
        "movement": when.movement,
    }


def _trend(trend: Trend, times: Mapping[str, TrendTime]) -> dict[str, Any]:
    return {
        "id": trend.id,
        "label": trend.label,
        "reports": list(trend.reports),
        "sections": [
            {"report": s.report_id, "section": s.number, "title": s.title, "position": s.position}
            for s in trend.sections
        ],
        "terms": list(trend.terms),
        "summary": [
            {"report": x.report, "section": x.section, "sentence": x.sentence}
            for x in trend.summary
        ],
        "cohesion": trend.cohesion,
        **_time(times.get(trend.id)),
    }


def trends_json(report: TrendReport, times: Mapping[str, TrendTime]) -> dict[str, Any]:
    """`llmtrend trends --json`: in coverage order (the time fields say what moves)."""
    return {
        "trends": [_trend(t, times) for t in report.trends],
        "unique": [_trend(t, times) for t in report.unique],
        "total_reports": report.total_reports,
        "unique_total": report.unique_total,
    }


def agree_json(view: Agreement) -> dict[str, Any]:
    """`llmtrend agree --json`: one entry per loaded report, covering ones first."""
    return {
        "topic": view.topic,
        "corrected": view.query.corrected,
        "agreeing": view.agreeing,
        "total": view.total,
        "reports": [
            {
                "report": c.report,
                "report_title": c.report_title,
                "covers": c.covers,
                "section": c.section.number if c.covers and c.section else None,
                "title": c.section.title if c.covers and c.section else None,
                "score": c.score if c.covers else None,
                "quote": c.quote if c.covers else None,
                "best_score": c.score,
            }
            for c in view.reports
        ],
        "shared": [{"text": p.text, "reports": list(p.reports)} for p in view.shared],
        "shared_complete": view.shared_complete,
        "reason": view.reason,
        "trend_id": view.trend_id,
        "truncated": view.query.truncated,
    }


def _period_json(p: Period | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "from": p.start.isoformat(),
        "to": p.end.isoformat(),
        "reports": p.reports,
        "reports_with_news": p.with_news,
    }


def _change_json(c: Change) -> dict[str, Any]:
    return {
        "label": c.label,
        "terms": list(c.terms),
        "reports_in_window": c.reports_in_window,
        "reports_before": c.reports_before,
        "share_in_window": round(c.share_in_window, 4),
        "share_before": round(c.share_before, 4),
        "score": c.score,
        "first_seen": c.first_seen.isoformat(),
        "sections": [
            {
                "report": s.report,
                "section": s.section,
                "position": s.position,
                "title": s.title,
                "date": s.date.isoformat(),
            }
            for s in c.sections
        ],
        "sections_total": c.sections_total,
        "weekly": [
            {"period": w.start.isoformat(), "reports": w.reports, "total": w.total} for w in c.weeks
        ],
    }


def changes_json(changes: Changes) -> dict[str, Any]:
    """`llmtrend changes --json` (and the digest's "changes")."""
    window = changes.window
    reason = None
    if changes.reason is not None:
        where = f"{window.start.isoformat()} – {window.end.isoformat()}" if window else ""
        reason = changes_reason(
            changes.reason,
            where,
            window.reports if window else 0,
            window.end.isoformat() if window else "",
        )
    return {
        "window": _period_json(window),
        "baseline": _period_json(changes.baseline),
        "new": [_change_json(c) for c in changes.new],
        "rising": [_change_json(c) for c in changes.rising],
        "fading": [_change_json(c) for c in changes.fading],
        "reason": reason,
        "reason_code": changes.reason,
        "widened": changes.widened,
        "days": changes.days,
    }


def show_json(found: FoundSection, url: str | None) -> dict[str, Any]:
    """`llmtrend show REPORT N --json`: one whole section, where it lives, its neighbours."""
    s, report = found.section, found.report
    if s is None or report is None:
        return {"error": found.error, "asked": found.asked}
    return {
        "report": report.id,
        "report_title": report.title,
        "section": s.number,
        "position": s.position,
        "title": s.title,
        "date": found.date.day.isoformat() if found.date else None,
        "text": s.text,
        "url": url,
        "prev": found.previous.number if found.previous else None,
        "next": found.next.number if found.next else None,
        "path": report.path,
        "anchor": s.anchor or None,
        "index": found.index,
        "sections": len(report.sections),
    }


def feedback_json(summary: FeedbackSummary) -> dict[str, Any]:
    """`llmtrend feedback --json`: rated answers, and the questions that found nothing."""
    return {
        "since": summary.since.isoformat(),
        "days": summary.days,
        "answers": [
            {
                "answer_id": a.answer.answer_id,
                "team": a.answer.team_id,
                "kind": a.answer.kind,
                "query": a.answer.query,
                "citations": list(a.answer.citations),
                "hits": a.answer.hits,
                "asked_at": a.answer.created_at.isoformat(),
                "up": a.up,
                "down": a.down,
            }
            for a in summary.answers
        ],
        "no_hits": [{"query": n.query, "count": n.count} for n in summary.no_hits],
    }
