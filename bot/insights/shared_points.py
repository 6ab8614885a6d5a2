"""The points several reports make alike: phrases two or more covering sections share.

A phrase is a run of two or three content words (stop words inside are skipped, words
compared by stem), so "democratizing access to AI" and "democratize access" meet on
"democratize access". Phrases made only of the topic's own words or of words most
sections use ("AI models") are left out; the rest rank by how many reports share them.

The work is bounded whatever the reports hold: only the first MAX_SECTION_CHARS of each
section are read (a 5 MB one-line report costs what a long section does), and a deadline,
when given, stops the reading early; the result says whether it read everything.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.reports.model import Section
from bot.text.plain import markdown_to_plain, sentences

if TYPE_CHECKING:
    from bot.search.engine import SearchEngine

MAX_POINTS = 5
#: Only the strongest covering sections are read (the agree view stays fast at 10,000).
MAX_SECTIONS = 12
#: Only this much of each section is read: its opening states what it is about.
MAX_SECTION_CHARS = 20_000
#: A term in more than this share of sections is too common to make a point.
COMMON_SHARE = 0.2


#: Stems that make a weak start or end of a phrase ("like EleutherAI", "between different").
_WEAK_EDGES = frozenset(
    """
    like includ such various differ mani new can also use make well way other more sever
    significant signific increas enhanc improv allow enabl provid
    """.split()
)


@dataclass(frozen=True, slots=True)
class SharedPoint:
    """A phrase and the reports whose sections use it."""

    text: str
    reports: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SharedPoints:
    """The points found, and whether every section meant to be read was (no deadline hit)."""

    points: tuple[SharedPoint, ...] = ()
    complete: bool = True


def shared_points(
    engine: SearchEngine,
    sections: Sequence[Section],
    topic_terms: Sequence[str],
    deadline: float | None = None,
) -> SharedPoints:
    """Phrases that sections from two or more reports share, most widely shared first.

    `deadline` is a `time.monotonic()` value: past it, no further section is read.
    """
    index = engine.index
    analyzer = engine.analyzer
    topic = set(topic_terms)
    for term in topic_terms:  # "RLHF" also stands for its long form's words
        topic.update(analyzer.acronyms.get(term, ()))
    common = COMMON_SHARE * max(1, len(index))
    seen: dict[tuple[str, ...], dict[str, str]] = {}  # phrase → report → text as written
    complete = True
    for section in list(sections)[:MAX_SECTIONS]:
        if deadline is not None and time.monotonic() > deadline:
            complete = False
            break
        for line in sentences(markdown_to_plain(section.text[:MAX_SECTION_CHARS])):
            words = [w for w in analyzer.spans(line) if w.terms]
            keys = [_main_term(w.terms) for w in words]
            for n in (2, 3):
                for i in range(len(words) - n + 1):
                    key = tuple(keys[i : i + n])
                    if len(set(key)) < n or set(key) <= topic:
                        continue
                    if key[0] in _WEAK_EDGES or key[-1] in _WEAK_EDGES:
                        continue
                    if all(index.doc_freq(t) > common for t in key):
                        continue
                    text = line[words[i].start : words[i + n - 1].end]
                    seen.setdefault(key, {}).setdefault(section.report_id, text)
    candidates = [(key, reports) for key, reports in seen.items() if len(reports) >= 2]
    candidates.sort(
        key=lambda kv: (
            -len(kv[1]),
            -sum(index.term_idf(t) for t in kv[0] if t not in topic),
            -len(kv[0]),
            kv[0],
        )
    )
    points: list[SharedPoint] = []
    used: list[set[str]] = []
    for key, reports in candidates:
        terms = set(key)
        if any(len(terms & u) >= 2 or terms <= u or u <= terms for u in used):
            continue  # "democratize access" and "democratize access to AI": one point
        used.append(terms)
        texts = sorted(reports.values(), key=lambda t: (len(t), t))
        points.append(SharedPoint(texts[0], tuple(sorted(reports))))
        if len(points) == MAX_POINTS:
            break
    return SharedPoints(tuple(points), complete)


def _main_term(terms: frozenset[str]) -> str:
    """One term standing for a word: the longest (a compound over its parts)."""
    return max(terms, key=lambda t: (len(t), t))
