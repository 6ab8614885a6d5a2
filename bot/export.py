"""The JSON that `llmtrend … --json` prints: a public interface.

Fields may be added; none is ever renamed or removed. Tests pin the shapes.
"""

from __future__ import annotations

from typing import Any

from bot.corpus import Corpus
from bot.search import SearchAnswer


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
    }


def reports_json(corpus: Corpus) -> dict[str, Any]:
    """`llmtrend reports --json`."""
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
            }
            for r in corpus.reports
        ],
        "skipped": [{"file": s.file, "reason": s.reason} for s in corpus.skipped],
        "warnings": [{"file": w.file, "reason": w.reason} for w in corpus.warnings],
    }
