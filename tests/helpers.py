"""Small builders the tests share: corpora made in the test, from plain strings."""

from __future__ import annotations

from bot.corpus import Corpus, Report, Section
from bot.search import SearchEngine


def make_corpus(reports: dict[str, list[tuple[str, str]]]) -> Corpus:
    """A corpus from {report id: [(section title, text), ...]}, numbered 1, 2, …"""
    built = []
    for rid, sections in sorted(reports.items()):
        secs = tuple(
            Section(rid, i, "section", title, text, i)
            for i, (title, text) in enumerate(sections, start=1)
        )
        built.append(Report(rid, f"Report {rid}", f"{rid}.md", secs))
    return Corpus("memory", tuple(built))


def make_engine(reports: dict[str, list[tuple[str, str]]]) -> SearchEngine:
    return SearchEngine.build(make_corpus(reports))


def cite(hit: object) -> str:
    """'000 §2' for a hit: the first three characters of the report id and the number."""
    section = hit.section  # type: ignore[attr-defined]
    return f"{section.report_id[:3]} §{section.number}"
