"""Excerpts: the one or two sentences of a section that best answer the query.

An excerpt is plain text (≤ ~300 characters) with the offsets of the matched words, so
each surface (Slack, terminal, JSON) can mark them its own way. The query's words are found
with one regular expression of their spellings in the corpus (`Analyzer.surface_pattern`),
and a section's plain text and sentences are computed once and kept: excerpts are on the
answer's path, ten per query.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache

from bot.text.analyzer import Analyzer, normalize
from bot.text.plain import markdown_to_plain, sentence_spans

MAX_CHARS = 300
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Plain text and the [start, end) offsets of the words that matched the query."""

    text: str
    highlights: tuple[tuple[int, int], ...]


@lru_cache(maxsize=8192)
def _plain(markdown: str) -> tuple[str, str, tuple[tuple[int, int], ...]]:
    """A section's plain text, its normalised form (same offsets) and its sentences."""
    plain = markdown_to_plain(markdown)
    return plain, normalize(plain), tuple(sentence_spans(plain) or [(0, len(plain))])


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
    plain, norm, spans = _plain(markdown)
    found = analyzer.surface_pattern(terms)
    matches: list[tuple[int, int, str]] = []
    if found is not None:
        pattern, term_of = found
        for m in pattern.finditer(norm):
            word = m.group().lower()
            term = term_of.get(word) or term_of.get(word.removesuffix("s").rstrip("'"))
            if term is not None:
                matches.append((m.start(), m.end(), term))
    starts = [s for s, _ in spans]
    per_sentence: dict[int, list[tuple[int, int, str]]] = {}
    for match in matches:
        per_sentence.setdefault(bisect_right(starts, match[0]) - 1, []).append(match)
    best, best_score = 0, 0.0
    for i, found_here in sorted(per_sentence.items()):
        score = sum(weight(t) for t in {t for _, _, t in found_here}) + 0.1 * len(found_here)
        if score > best_score:
            best, best_score = i, score
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
    marks = [(s - start, e - start) for s, e, _ in matches if s >= start and e <= end]
    text, shift = _cut(full, max_chars, marks[0][0] if marks else 0)
    # keep the marks that survived the cut, moved into the window's coordinates
    highlights = tuple(
        (s - shift, e - shift)
        for s, e in marks
        if s >= shift and text[s - shift : e - shift] == full[s:e]
    )
    return Excerpt(text, highlights)
