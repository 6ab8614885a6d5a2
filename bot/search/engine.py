"""Answering a search: query cleanup, typo correction, BM25 top-k, and excerpts.

This is the pure core every surface calls (CLI, console, Slack): it takes a corpus and a
query string and returns a `SearchAnswer`; nothing here knows about Slack or files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process

from bot.reports.dates import ReportDate
from bot.reports.model import Corpus, Report, Section
from bot.search.excerpt import Excerpt, make_excerpt
from bot.search.index import SectionIndex
from bot.text.analyzer import Analyzer
from bot.text.spelling import Speller
from bot.text.stopwords import ENGLISH, QUESTION

#: Longer queries are cut to this many characters (and the answer says so).
MAX_QUERY_CHARS = 500
#: A term in more than this share of the sections is not what a query is about ("AI").
COMMON_SHARE = 0.5

Reason = Literal["ok", "empty", "no_words", "stopwords", "no_match", "no_reports"]


@dataclass(frozen=True, slots=True)
class PreparedQuery:
    """A query ready for the index: cleaned, cut to length, typo-corrected, analysed."""

    text: str
    truncated: bool = False
    corrected: str | None = None
    corrections: tuple[tuple[str, str], ...] = ()
    terms: tuple[str, ...] = ()
    reason: Reason = "ok"

    @property
    def effective(self) -> str:
        """The query the terms come from: the corrected one where a correction was made."""
        return self.corrected or self.text


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching section, cited and excerpted."""

    section: Section
    report_title: str | None
    score: float
    excerpt: Excerpt
    date: ReportDate | None = None
    #: The report's file, relative to the reports folder (for source links).
    report_path: str | None = None


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    """What a search found, and enough context to explain an empty answer."""

    query: str
    hits: tuple[SearchHit, ...] = ()
    corrected: str | None = None
    corrections: tuple[tuple[str, str], ...] = ()
    terms: tuple[str, ...] = ()
    total: int = 0
    offset: int = 0
    truncated: bool = False
    reason: Reason = "ok"
    #: Corpus words close to the query's (for "no matches"): real suggestions or none.
    suggestions: tuple[str, ...] = ()
    #: Sections that match the query's distinctive words (not the ones most sections
    #: use, such as "AI"): the count a reader takes as "how many are about it".
    total_distinctive: int = 0
    #: Queries that do find something in this corpus (its titles' commonest words).
    examples: tuple[str, ...] = ()
    #: Whether typo correction was off for this search ("search as typed").
    exact: bool = False

    @property
    def effective_query(self) -> str:
        """The query the hits answer: the corrected one where a correction was made."""
        return self.corrected or self.query


@dataclass(slots=True)
class SearchEngine:
    """A corpus, its index and its vocabulary: built once per corpus load."""

    corpus: Corpus
    index: SectionIndex
    speller: Speller
    examples: tuple[str, ...] = ()
    _reports: dict[str, Report] = field(default_factory=dict)
    #: Every report's date (its own, or first-seen): set by the live engine at each load.
    dates: dict[str, ReportDate] = field(default_factory=dict)

    @classmethod
    def build(cls, corpus: Corpus) -> SearchEngine:
        """Index a loaded corpus (the slow part: run it at load time, not per request)."""
        sections = corpus.sections
        index = SectionIndex.build(sections)
        titles: Counter[str] = Counter()
        for s in sections:
            titles.update({w for w in index.analyzer.surface_words(s.title) if len(w) > 3})
        # example queries: the words section titles share most (what the corpus is about)
        examples = tuple(w for w, _ in sorted(titles.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
        engine = cls(corpus, index, Speller(index.analyzer.word_counts), examples)
        engine._reports = {r.id: r for r in corpus.reports}
        return engine

    @property
    def analyzer(self) -> Analyzer:
        return self.index.analyzer

    def report_date(self, report_id: str) -> ReportDate | None:
        """The report's date and where it came from (None before dates are set)."""
        return self.dates.get(report_id)

    def newest_reports(self, limit: int) -> list[Report]:
        """The most recently dated reports, newest first (ties by id, for stable output)."""

        def key(r: Report) -> tuple[date, str]:
            when = self.dates.get(r.id)
            return (when.day if when else date.min, r.id)

        return sorted(self.corpus.reports, key=key, reverse=True)[:limit]

    def report(self, report_id: str) -> Report | None:
        """A loaded report by id."""
        return self._reports.get(report_id)

    def report_path(self, report_id: str) -> str | None:
        """A loaded report's file, relative to the reports folder."""
        report = self._reports.get(report_id)
        return report.path if report else None

    def report_title(self, report_id: str) -> str | None:
        """The title of a loaded report (None when it has none)."""
        report = self._reports.get(report_id)
        return report.title if report else None

    def correct(self, query: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The query with unknown words replaced by their nearest corpus word."""
        corrections: list[tuple[str, str]] = []
        out: list[str] = []
        pos = 0
        for word in self.analyzer.spans(query, stop=ENGLISH | QUESTION):
            if any(self.index.has_term(t) for t in word.terms):
                continue
            fixed = self.speller.correct(query[word.start : word.end])
            if fixed is None:
                continue
            out.append(query[pos : word.start] + fixed)
            pos = word.end
            corrections.append((query[word.start : word.end], fixed))
        out.append(query[pos:])
        return "".join(out), tuple(corrections)

    def prepare(self, query: str, exact: bool = False) -> PreparedQuery:
        """Clean, cut and correct a query into terms; `reason` says why there are none.

        `exact` searches the words as typed (the user turned the correction down)."""
        text = " ".join(query.split())
        truncated = len(text) > MAX_QUERY_CHARS
        text = text[:MAX_QUERY_CHARS]
        prepared = PreparedQuery(text=text, truncated=truncated)
        if not text:
            return replace(prepared, reason="empty")
        if not any(ch.isalnum() for ch in text):
            return replace(prepared, reason="no_words")
        if not self.corpus.reports:
            return replace(prepared, reason="no_reports")
        terms = self.analyzer.query_terms(text, self.index.has_term)
        if not terms:
            return replace(prepared, reason="stopwords")
        if not exact and not all(self.index.has_term(t) for t in terms):
            fixed, corrections = self.correct(text)
            if corrections:
                prepared = replace(prepared, corrected=fixed, corrections=corrections)
                terms = self.analyzer.query_terms(fixed, self.index.has_term)
        return replace(prepared, terms=tuple(terms))

    def excerpt(self, section: Section, terms: Sequence[str]) -> Excerpt:
        """The sentences of a section that best match the terms, with highlights."""
        return make_excerpt(
            section.text or section.title, terms, self.analyzer, self.index.term_idf
        )

    def search(
        self, query: str, top: int = 5, offset: int = 0, exact: bool = False
    ) -> SearchAnswer:
        """The best sections for a query, with excerpts; never raises for odd input."""
        q = self.prepare(query, exact=exact)
        base = SearchAnswer(
            query=q.text,
            offset=offset,
            truncated=q.truncated,
            corrected=q.corrected,
            corrections=q.corrections,
            terms=q.terms,
            examples=self.examples,
            exact=exact,
        )
        if q.reason == "no_reports":
            return replace(base, reason="no_reports")
        if q.reason != "ok":
            return replace(base, reason=q.reason)
        found, total = self.index.top(q.terms, top, offset)
        if total == 0:
            return replace(base, reason="no_match", suggestions=self.suggest(q.text))
        hits = tuple(
            SearchHit(
                section=self.index.sections[h.doc],
                report_title=self.report_title(h.report_id),
                date=self.report_date(h.report_id),
                score=h.score,
                excerpt=self.excerpt(self.index.sections[h.doc], q.terms),
                report_path=self.report_path(h.report_id),
            )
            for h in found
        )
        distinctive = self.distinctive_total(q.terms, total)
        return replace(base, hits=hits, total=total, total_distinctive=distinctive)

    def distinctive_total(self, terms: Sequence[str], total: int) -> int:
        """How many sections match the query's distinctive terms (those in at most
        COMMON_SHARE of the sections); all of them when every term is that common."""
        limit = COMMON_SHARE * len(self.index)
        postings = [self.index.postings(t)[0] for t in dict.fromkeys(terms)]
        rare = [docs for docs in postings if 0 < len(docs) <= limit]
        if not rare or len(rare) == len(postings):
            return total
        return int(np.unique(np.concatenate(rare)).size)

    def suggest(self, query: str, limit: int = 5) -> tuple[str, ...]:
        """Corpus words that look like the query's words (for a "no matches" answer)."""
        words = [query[w.start : w.end].lower() for w in self.analyzer.spans(query)]
        found: list[str] = []
        for word in words:
            if len(word) < 3:
                continue
            for cand, _score, _ in process.extract(
                word, list(self.speller.counts), scorer=fuzz.ratio, score_cutoff=70, limit=3
            ):
                if cand not in found:
                    found.append(cand)
        return tuple(found[:limit])
