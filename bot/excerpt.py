"""Excerpts: the one or two sentences of a section that best answer the query.

An excerpt is plain text (≤ ~300 characters) with the offsets of the matched words, so
each surface (Slack, terminal, JSON) can mark them its own way.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from bot.analyzer import Analyzer
from bot.plaintext import markdown_to_plain, sentence_spans

MAX_CHARS = 300
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Plain text and the [start, end) offsets of the words that matched the query."""

    text: str
    highlights: tuple[tuple[int, int], ...]


def _cut(text: str, limit: int, around: int) -> tuple[str, int]:
    """A window of text of at most limit characters near offset `around`, cut at spaces.

    Returns the window (with ellipses where cut) and how far the text moved left.
    """
    if len(text) <= limit:
        return text, 0
    start = max(0, min(around - limit // 3, len(text) - limit))
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = min(len(text), start + limit - 2)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + limit // 2 else end
    window = text[start:end].strip()
    lead = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if end < len(text) else ""
    shift = start + (len(text[start:end]) - len(text[start:end].lstrip())) - len(lead)
    return lead + window + tail, shift


def make_excerpt(
    markdown: str,
    terms: Collection[str],
    analyzer: Analyzer,
    weight: Callable[[str], float],
    max_chars: int = MAX_CHARS,
) -> Excerpt:
    """The best-matching sentence (and its neighbour when short), with highlights."""
    plain = markdown_to_plain(markdown)
    spans = sentence_spans(plain) or [(0, len(plain))]
    wanted = set(terms)
    scored: list[tuple[float, int]] = []
    for i, (s, e) in enumerate(spans):
        words = analyzer.spans(plain[s:e])
        matched = {t for w in words for t in w.terms & wanted}
        hits = sum(1 for w in words if w.terms & wanted)
        scored.append((sum(weight(t) for t in matched) + 0.1 * hits, -i))
    best_score, neg_i = max(scored)
    best = -neg_i if best_score > 0 else 0
    start, end = spans[best]
    # a short sentence gets company: the next (or previous) one, if it fits
    if end - start < max_chars // 2:
        for j in (best + 1, best - 1):
            if not 0 <= j < len(spans):
                continue
            lo, hi = min(start, spans[j][0]), max(end, spans[j][1])
            if hi - lo <= max_chars and "\n" not in plain[lo:hi]:
                start, end = lo, hi
                break
    full = plain[start:end]
    marks = [(w.start, w.end) for w in analyzer.spans(full) if w.terms & wanted]
    text, shift = _cut(full, max_chars, marks[0][0] if marks else 0)
    # keep the marks that survived the cut, moved into the window's coordinates
    highlights = tuple(
        (s - shift, e - shift)
        for s, e in marks
        if s >= shift and text[s - shift : e - shift] == full[s:e]
    )
    return Excerpt(text, highlights)
