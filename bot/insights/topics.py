"""Describing a group of sections: a short label, key terms as written, an extractive summary.

The label comes from what the sections' titles share ("Multimodal capabilities"); terms
from the group's centroid, shown in the corpus's most common spelling; the summary is the
2–3 most central sentences, each from a different report.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.reports.model import Section
from bot.search.index import SectionIndex
from bot.text.phrases import general_words, is_topic_word, phrases, plain_text
from bot.text.plain import markdown_to_plain, sentences
from bot.text.stopwords import ENGLISH

#: Sentences outside this length range make poor summary lines.
MIN_SENTENCE, MAX_SENTENCE = 40, 320
#: At most this many of a group's most central sections are read for the summary.
SUMMARY_CANDIDATES = 6
SUMMARY_SENTENCES = 3
KEY_TERMS = 6
#: A shared title term must be this many times commoner in the group's titles than overall.
MIN_LIFT = 3.0
MAX_LABEL_WORDS = 6
#: Words that open many titles without naming the topic ("Advancements in …").
_TITLE_FILLER = frozenset(
    """
    advancement advanc rise increas improv enhanc continu emerg growth grow focus new
    key role trend develop innov
    """.split()
)


@dataclass(frozen=True, slots=True)
class Described:
    label: str
    terms: tuple[str, ...]
    summary: tuple[tuple[Section, str], ...]


@dataclass(frozen=True, slots=True)
class TitleStats:
    """How many section titles in the whole corpus use each term (for "distinctive")."""

    df: Counter[str]
    titles: int

    @classmethod
    def of(cls, index: SectionIndex) -> TitleStats:
        df: Counter[str] = Counter()
        for s in index.sections:
            df.update(set(index.analyzer.tokens(s.title)))
        return cls(df, max(1, len(index.sections)))

    def lift(self, term: str, share_in_group: float) -> float:
        """How much more often the group's titles use a term than titles in general."""
        return share_in_group / max(self.df.get(term, 0) / self.titles, 1e-9)


def describe(
    index: SectionIndex,
    sections: list[Section],
    centroid: tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]],
    centrality: npt.NDArray[np.float64],
    titles: TitleStats,
) -> Described:
    """Label, key terms and summary for a group of sections (any size).

    `centroid` is the group's mean vector, sparse (term ids, values); `centrality` each
    section's similarity to it.
    """
    terms = _key_terms(index, centroid)
    central = [sections[i] for i in _by_centrality(sections, centrality)]
    label = (
        single_label(sections[0])
        if len(sections) == 1
        else _label(index, sections, central[0], titles)
    )
    return Described(
        label=label,
        terms=tuple(_surface(index, terms)[:KEY_TERMS]),
        summary=_summary(index, central[:SUMMARY_CANDIDATES], centroid),
    )


def _key_terms(
    index: SectionIndex, centroid: tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]
) -> list[str]:
    """The group's strongest analysed terms, strongest first (ties by term)."""
    names = index.term_names()
    ids, values = centroid
    top = np.lexsort((ids, -values))[: KEY_TERMS * 3]
    return [names[int(ids[k])] for k in top.tolist() if values[k] > 0]


def _surface(index: SectionIndex, terms: list[str]) -> list[str]:
    """Each term as the corpus most often writes it ("multimod" → "multimodal")."""
    out: list[str] = []
    for term in terms:
        spellings = index.analyzer.surfaces.get(term)
        if spellings and spellings[0] not in out:
            out.append(spellings[0])
    return out


def _label(
    index: SectionIndex, sections: list[Section], most_central: Section, titles: TitleStats
) -> str:
    """The phrase the titles share, in the spelling of the title that shows it best.

    A title term counts as shared when titles from at least half the reports (and two)
    use it, and the group's titles use it far more than titles in general ("AI" does not
    name a topic); with nothing shared, the most central section's title stands for it.
    """
    analyzer = index.analyzer
    mains = [_main_clause(s.title) for s in sections]
    per_title = [set(analyzer.tokens(t)) for t in mains]
    reports_using: dict[str, set[str]] = {}
    for s, terms in zip(sections, per_title, strict=True):
        for t in terms:
            reports_using.setdefault(t, set()).add(s.report_id)
    n_reports = len({s.report_id for s in sections})
    need = max(2, (n_reports + 1) // 2)
    counts = Counter(t for terms in per_title for t in terms)
    shared = {
        t: len(r)
        for t, r in reports_using.items()
        if len(r) >= need
        and t not in _TITLE_FILLER
        and not t.isdigit()
        and titles.lift(t, counts[t] / len(sections)) >= MIN_LIFT
    }
    if not shared:
        return _text_label(index, sections, need) or _title_label(most_central.title)
    best = min(
        range(len(sections)),
        key=lambda i: (
            -sum(shared.get(t, 0) for t in per_title[i]),
            len(per_title[i] - shared.keys()),
            len(mains[i]),
            i,
        ),
    )
    title = mains[best]
    spans = [s for s in analyzer.spans(title) if s.terms & shared.keys()]
    if not spans:
        return _title_label(title)
    start, end = spans[0].start, spans[-1].end
    if len(spans) == 1:
        # one shared word: keep the word after it too, if there is one ("Open-source models")
        rest = [s for s in analyzer.spans(title) if s.start >= end]
        if rest and not _BREAK.search(title[end : rest[0].start]):
            end = rest[0].end
    return _title_label(title[start:end])


#: A text phrase names a group only if its words are not common across the corpus.
COMMON_SHARE = 0.25


def _text_label(index: SectionIndex, sections: list[Section], need: int) -> str | None:
    """When the titles share nothing (a digest whose headings are paper names), the
    phrase the sections' texts share: the one most of their reports use, longest first
    ("Speculative decoding", never one paper's name)."""
    reports: dict[str, set[str]] = {}
    forms: dict[str, Counter[str]] = {}
    names: Counter[str] = Counter()
    for section in sections:
        for phrase in phrases(plain_text(section.text)):
            reports.setdefault(phrase.key, set()).add(section.report_id)
            forms.setdefault(phrase.key, Counter())[phrase.surface] += 1
            names[phrase.key] += phrase.name
    limit = max(3, COMMON_SHARE * len(index))

    def common(word: str) -> bool:
        return len(index.postings(word)[0]) > limit

    best: tuple[int, int, int, str] | None = None
    for key, found in reports.items():
        if len(found) < need or all(common(w) for w in key.split()):
            continue
        surface = forms[key].most_common(1)[0][0]
        uses = sum(forms[key].values())
        if " " not in key and not is_topic_word(surface, names[key] / uses):
            continue
        # most reports first; then fewest everyday words; then the longer phrase
        rank = (len(found), -general_words(surface), len(key.split()), surface)
        if best is None or rank[:3] > best[:3]:
            best = rank
    if best is None:
        return None
    surface = best[3]
    return surface[:1].upper() + surface[1:] if surface.islower() else surface


#: Where a title's topic ends and its subtitle begins ("AI in Education: A New Era").
_BREAK = re.compile(r"\s*(?::|\s[-–—]\s|\(|\[)")
_LEADING_FILLER = re.compile(
    r"^(?:the\s+)?(?:(?:rise|growth|emergence|advancements?|advances|improvements?|"
    r"development|progress|role)\s+(?:of|in)\s+(?:the\s+)?)",
    re.IGNORECASE,
)


_GENERIC_OPENER = re.compile(
    r"^(?:ai\s+)?(?:llms?|large language models?)\s+(?:in|for)\s+(?:the\s+)?", re.IGNORECASE
)


def _main_clause(title: str) -> str:
    """A title without its subtitle or opener: "The Rise of X: Why" → "X"."""
    main = _BREAK.split(title, maxsplit=1)[0].strip() or title
    for opener in (_LEADING_FILLER, _GENERIC_OPENER):
        main = opener.sub("", main).strip() or main
    return main


def _title_label(title: str) -> str:
    """A section title as a label: its main clause, sentence-cased, at most a few words."""
    words = _main_clause(title).split()
    if len(words) > MAX_LABEL_WORDS:
        words = words[:MAX_LABEL_WORDS]
        while len(words) > 1 and words[-1].lower() in ENGLISH:
            words.pop()
    return _sentence_case(" ".join(words))


def single_label(section: Section) -> str:
    """The label of a topic only one section has: its own title."""
    return _title_label(section.title)


def _acronym(word: str) -> bool:
    """LLMs, AI, MoE, LoRA: mostly capitals."""
    letters = [c for c in word if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return upper >= 2 and upper * 2 >= len(letters)


def _sentence_case(text: str) -> str:
    """'Open-Source Models' → 'Open-source models'; acronyms (LLMs, Human-AI) stay."""
    words = [
        "-".join(p if _acronym(p) else p.lower() for p in w.split("-"))
        for w in text.strip(" :-–—").split()
    ]
    if words:
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) or text


def _summary(
    index: SectionIndex,
    sections: list[Section],
    centroid: tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]],
) -> tuple[tuple[Section, str], ...]:
    """The most central sentence of each report, then the best 2–3 of those.

    `sections` are the group's most central sections, closest first.
    """
    norm = float(np.sqrt(centroid[1] @ centroid[1]))
    if norm == 0:
        return ()
    weight_of = dict(zip(centroid[0].tolist(), centroid[1].tolist(), strict=True))
    ids = index.term_ids
    by_report: dict[str, tuple[float, Section, str]] = {}
    for section in sections:
        for sentence in sentences(markdown_to_plain(section.text)):
            if not MIN_SENTENCE <= len(sentence) <= MAX_SENTENCE:
                continue
            terms = [ids[t] for t in set(index.analyzer.tokens(sentence)) if t in ids]
            if not terms:
                continue
            weights = [float(index.idf[t]) for t in terms]
            dot = sum(weight_of.get(t, 0.0) * w for t, w in zip(terms, weights, strict=True))
            score = dot / (norm * float(np.sqrt(sum(w * w for w in weights))))
            best = by_report.get(section.report_id)
            if best is None or score > best[0]:
                by_report[section.report_id] = (score, section, sentence)
    ranked = sorted(by_report.values(), key=lambda x: (-x[0], x[1].report_id, x[1].position))
    return tuple((s, text) for _, s, text in ranked[:SUMMARY_SENTENCES])


def _by_centrality(sections: list[Section], centrality: npt.NDArray[np.float64]) -> list[int]:
    """Indexes of the sections, closest to the group's centre first (ties by citation)."""
    return sorted(
        range(len(sections)),
        key=lambda i: (-float(centrality[i]), sections[i].report_id, sections[i].position),
    )
