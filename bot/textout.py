"""Readable terminal text for core answers (the CLI's default output)."""

from __future__ import annotations

from collections.abc import Callable

from bot.corpus import Corpus
from bot.excerpt import Excerpt
from bot.messages import no_results_text
from bot.search import SearchAnswer

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
    lines.append(f'Results {first}–{last} of {answer.total} for "{answer.effective_query}":')
    for i, hit in enumerate(answer.hits, start=first):
        s = hit.section
        title = hit.report_title or s.report_id
        lines.append("")
        lines.append(f"{i}. {title} [{s.report_id}]")
        lines.append(f"   §{s.number} {s.title}  (score {hit.score:.2f})")
        lines.append(f"   {marked(hit.excerpt, mark)}")
    return "\n".join(lines)


def reports_text(corpus: Corpus) -> str:
    """The loaded reports with their section counts, then skipped files and why."""
    lines = [f"{len(corpus.reports)} reports, {len(corpus.sections)} sections in {corpus.root}"]
    for r in corpus.reports:
        lines.append(f"  {r.id}: {r.title or '(untitled)'} ({len(r.sections)} sections)")
    if corpus.skipped:
        lines.append(f"Skipped {len(corpus.skipped)} file(s):")
        lines.extend(f"  {s.file}: {s.reason}" for s in corpus.skipped)
    return "\n".join(lines)
