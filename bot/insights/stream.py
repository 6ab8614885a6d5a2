"""The folder as a dated stream: which topic phrases each report brings that are news.

Built once per load (off the event loop), in date order: every item of every report (a
bullet, a paragraph, a heading) is named by `item_key`; an item already seen in an earlier
report is a repeat (a rolling window of news, a template line) and adds nothing, and an
item that most reports carry is template even the first time. The phrases of the new
items are recorded per section, so "in 7 of 9 reports this week" counts reports that
brought the topic, not reports that repeated it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
from scipy import sparse

from bot.reports.dates import ReportDate
from bot.reports.model import Corpus, Section
from bot.text.phrases import is_topic_word, item_key, items, phrase_tuples, plain_text

#: An item in at least this share of the reports (and in 3 or more) is the template.
TEMPLATE_SHARE = 0.5
TEMPLATE_MIN_REPORTS = 3
#: A phrase only one report brought can never be a change (one report makes no trend).
MIN_PHRASE_REPORTS = 2


@dataclass(frozen=True, slots=True)
class PhraseIndex:
    """Topic phrases × sections and × reports, for the reports in date order."""

    keys: tuple[str, ...]
    labels: tuple[str, ...]
    #: phrases × sections (corpus section order): 1 where a new item of it has the phrase
    by_section: sparse.csr_matrix
    #: phrases × reports (corpus report order): 1 where the report brought the phrase
    by_report: sparse.csr_matrix
    report_ids: tuple[str, ...]
    #: each report's date as a proleptic ordinal (date.toordinal), corpus report order
    report_days: npt.NDArray[np.int64]
    #: each section's report (an index into report_ids)
    section_report: npt.NDArray[np.int64]
    sections: tuple[Section, ...]
    #: how many new items each report brought (0: it only repeated earlier ones)
    report_news: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    template_items: int = 0
    repeated_items: int = 0

    def report_day(self, report: int) -> date:
        return date.fromordinal(int(self.report_days[report]))


def _item_blocks(section: Section) -> list[str]:
    """A section's items, its heading first (a heading repeated report after report is
    template like any other line)."""
    return [f"# {section.title}", *items(section.text)]


def build_phrase_index(corpus: Corpus, dates: Mapping[str, ReportDate]) -> PhraseIndex:
    """Walk the reports oldest first and record the phrases of each new item."""
    sections = tuple(corpus.sections)
    report_ids = tuple(r.id for r in corpus.reports)
    report_of = {rid: i for i, rid in enumerate(report_ids)}
    fallback = date.min
    days = np.array(
        [(dates[r].day if r in dates else fallback).toordinal() for r in report_ids],
        dtype=np.int64,
    )
    section_report = np.array([report_of[s.report_id] for s in sections], dtype=np.int64)
    blocks = [_item_blocks(s) for s in sections]
    keys = [[item_key(b) for b in bs] for bs in blocks]

    # Template: an item most reports carry (counted once per report).
    per_report: Counter[str] = Counter()
    by_report_keys: dict[int, set[str]] = {}
    for s_idx, section_keys in enumerate(keys):
        by_report_keys.setdefault(int(section_report[s_idx]), set()).update(section_keys)
    for report_keys in by_report_keys.values():
        per_report.update(report_keys)
    threshold = max(TEMPLATE_MIN_REPORTS, TEMPLATE_SHARE * len(report_ids))
    # a linked item that comes back is a repeat (counted once, below), never template
    template = {k for k, n in per_report.items() if n >= threshold and k.startswith("text:")}

    day_of_section = days[section_report].tolist()
    order = sorted(range(len(sections)), key=lambda i: (day_of_section[i], i))
    seen: set[str] = set()
    phrase_sections: dict[str, list[int]] = {}
    surfaces: dict[str, dict[str, int]] = {}
    names: Counter[str] = Counter()  # single words: uses written as a name
    repeated = 0
    news_of = [0] * len(sections)
    for s_idx in order:
        for block, key in zip(blocks[s_idx], keys[s_idx], strict=True):
            if key in template:
                continue
            if key in seen:
                repeated += 1
                continue
            seen.add(key)
            news_of[s_idx] += 1
            for pkey, surface, name in phrase_tuples(plain_text(block)):
                found = phrase_sections.get(pkey)
                if found is None:
                    phrase_sections[pkey] = [s_idx]
                    surfaces[pkey] = {surface: 1}
                else:
                    if found[-1] != s_idx:
                        found.append(s_idx)
                    forms = surfaces[pkey]
                    forms[surface] = forms.get(surface, 0) + 1
                if name:
                    names[pkey] += 1

    news = np.bincount(section_report, weights=news_of, minlength=len(report_ids)).astype(np.int64)
    report_of_section = section_report.tolist()
    kept: list[str] = []
    rows: list[int] = []
    cols: list[int] = []
    for key in sorted(phrase_sections):
        found = phrase_sections[key]
        if len({report_of_section[i] for i in found}) < MIN_PHRASE_REPORTS:
            continue
        if " " not in key:
            uses = sum(surfaces[key].values())
            if not is_topic_word(_label(surfaces[key]), names[key] / uses):
                continue
        row = len(kept)
        kept.append(key)
        rows.extend([row] * len(found))
        cols.extend(found)
    data = np.ones(len(rows), dtype=np.int8)
    shape = (len(kept), len(sections))
    by_section = sparse.csr_matrix((data, (rows, cols)), shape=shape, dtype=np.int8)
    by_section.data[:] = 1  # a section brings a phrase once, however often it repeats it
    to_report = sparse.csr_matrix(
        (np.ones(len(sections), dtype=np.int8), (np.arange(len(sections)), section_report)),
        shape=(len(sections), len(report_ids)),
    )
    by_report = (by_section @ to_report).tocsr()
    by_report.data[:] = 1
    labels = tuple(_label(surfaces[k]) for k in kept)
    return PhraseIndex(
        keys=tuple(kept),
        labels=labels,
        by_section=by_section,
        by_report=by_report,
        report_ids=report_ids,
        report_days=days,
        section_report=section_report,
        sections=sections,
        report_news=news,
        template_items=len(template),
        repeated_items=repeated,
    )


def _label(forms: Mapping[str, int]) -> str:
    """The form the reports write most (ties: the one with capitals, a name), starting
    with a capital as a heading does ("speculative decoding" → "Speculative decoding")."""
    form = max(forms.items(), key=lambda kv: (kv[1], sum(c.isupper() for c in kv[0])))[0]
    return form[:1].upper() + form[1:] if form.islower() else form
