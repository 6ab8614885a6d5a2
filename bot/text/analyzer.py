"""Text → index terms. Everything that shapes ranking happens here, as tokens.

BM25 scores exactly what the analyzer emits, so spelling variants, compounds, acronyms
and title weight are all decided in this module: `multi-modal` and `multimodal` share the
term `multimod`; `open source`, `open-source` and `opensource` share `opensourc`; a corpus
that writes "Reinforcement Learning from Human Feedback (RLHF)" makes that phrase also emit
`rlhf`. The analyzer is fitted on a corpus (compounds and acronyms are mined from it), and
the same fitted analyzer tokenizes queries, so both sides always agree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import Stemmer

from bot.text.acronyms import acronym_definitions
from bot.text.stopwords import ENGLISH, QUESTION

#: Bump when tokens change: it keys the on-disk index cache.
ANALYZER_VERSION = 2
#: A section's title words are repeated this many times, so titles outweigh body text.
TITLE_WEIGHT = 3

# One-for-one character mapping (offsets stay valid): Unicode hyphens → "-", spaces → " ".
_CHAR_MAP = str.maketrans(
    {
        **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d"},
        **{c: " " for c in "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000"},
        "\u2019": "'",
        "\u2018": "'",
    }
)
# A word, possibly a compound joined by hyphens or an apostrophe ("multi-modal", "model's").
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_VOWEL = re.compile(r"[aeiouy]")
_CLITICS = frozenset({"s", "t", "re", "ll", "ve", "d", "m"})
# "Long Form Words (LF)" — an acronym in parentheses, optionally quoted long form before it.
#: How far before "(ACR)" its long form may start.
_STEMMER = Stemmer.Stemmer("english")


def normalize(text: str) -> str:
    """Map Unicode hyphens and spaces to ASCII, keeping every character's offset."""
    return text.translate(_CHAR_MAP)


def _clean_word(word: str) -> str:
    """Lowercase a word and drop clitics and acronym plurals ("LLMs" → "llm")."""
    if "'" in word:
        head, _, tail = word.partition("'")
        word = head if tail.lower() in _CLITICS else head + tail
    low = word.lower()
    # Acronym plurals: "LLMs", "APIs" (the stemmer keeps "llms" since "llm" has no vowel).
    plural_acronym = len(word) > 2 and word.endswith("s") and word[:-1].isupper()
    if plural_acronym or (len(low) > 2 and low.endswith("s") and not _VOWEL.search(low[:-1])):
        low = low[:-1]
    return low


#: British -ise spellings ("specialised", "optimisation"): the stemmer strips -ize forms
#: but not these, so they are spelled the American way first (the same for every text
#: and query, so a word and its other spelling meet).
_BRITISH_ISE = re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations|er|ers)$")


def stem(word: str) -> str:
    """A lowercase word's term: its Snowball (Porter2) English stem, with the word families
    the stemmer leaves apart brought together: British -ise spellings, and -atory
    adjectives with their nouns ("regulatory" with "regulation", "discriminatory" with
    "discrimination")."""
    if "is" in word:
        word = _BRITISH_ISE.sub(r"iz\1", word)
    out = str(_STEMMER.stemWord(word))
    if out.endswith("atori") and len(out) >= 8:
        out = out[:-5]
    return out


WordInfo = tuple[tuple[str, ...], tuple[str, ...], str | None]
#: Analysed words by their written form. A corpus repeats its words (Zipf), and this is
#: the analyzer's inner loop: a dict lookup instead of cleaning and stemming again.
_WORD_CACHE: dict[str, WordInfo] = {}
_WORD_CACHE_MAX = 1 << 20


def word_info(raw: str) -> WordInfo:
    """A word as written → (lowercase parts, their stems, the compound's stem if hyphenated)."""
    info = _WORD_CACHE.get(raw)
    if info is None:
        parts = tuple(p for p in _clean_word(raw).split("-") if p)
        stems = tuple(stem(p) for p in parts)
        info = (parts, stems, stem("".join(parts)) if len(parts) > 1 else None)
        if len(_WORD_CACHE) >= _WORD_CACHE_MAX:
            _WORD_CACHE.clear()
        _WORD_CACHE[raw] = info
    return info


@dataclass(frozen=True, slots=True)
class Span:
    """A word in a text: where it is, and the terms it emits (for highlighting)."""

    start: int
    end: int
    terms: frozenset[str]


@dataclass(slots=True)
class _Word:
    """One analysed word: its terms, and acronym terms it shares with its phrase."""

    start: int
    end: int
    terms: list[str]
    shared: list[str]


@dataclass(slots=True)
class Analyzer:
    """A corpus-fitted tokenizer: compounds and acronyms known to the corpus are merged."""

    #: Stems of words written solid or hyphenated in the corpus ("finetun", "opensourc").
    compounds: frozenset[str] = frozenset()
    #: Words that start a compound somewhere in the corpus ("open" of "open-source", "fine"
    #: of "finetuning"): only a pair starting with one of them is tried as a compound.
    heads: frozenset[str] = frozenset()
    #: Each term's spellings in the corpus, most used first ("multimod" → "multimodal",
    #: "multi-modal"): excerpts find a query's words with one regular expression, and
    #: trends show their key terms as people write them.
    surfaces: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Content words as written (lowercase) and in how many texts each appears: the typo
    #: corrector's vocabulary.
    word_counts: Counter[str] = field(default_factory=Counter)
    #: Acronym term → the long form's terms, mined from "Long Form (ACR)" in the corpus.
    acronyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _phrases: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    _pair_cache: dict[tuple[str, str], str | None] = field(default_factory=dict)
    _patterns: dict[tuple[str, ...], tuple[re.Pattern[str], dict[str, str]] | None] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        for acro, long_form in self.acronyms.items():
            self._phrases.setdefault(long_form[-1], []).append((long_form, acro))

    # -- fitting -------------------------------------------------------------------------

    @classmethod
    def fit(cls, texts: Iterable[str]) -> Analyzer:
        """Learn the corpus's compounds, acronym definitions and spellings.

        One pass counts in how many texts each written word appears; everything else is
        derived from the distinct words, not from every occurrence.
        """
        in_texts: Counter[str] = Counter()
        acronyms: dict[str, Counter[tuple[str, ...]]] = {}
        for text in texts:
            norm = normalize(text)
            in_texts.update(set(_WORD.findall(norm)))
            if "(" in norm:
                for acro, long_form in mine_acronyms(norm):
                    acronyms.setdefault(acro, Counter())[long_form] += 1
        solid: set[str] = set()
        spellings: dict[str, dict[str, int]] = {}
        word_counts: Counter[str] = Counter()
        heads: set[str] = set()
        vocabulary: set[str] = set()
        long_words: set[str] = set()
        for raw, count in in_texts.items():
            parts, stems, joined = word_info(raw)
            for part, st in zip(parts, stems, strict=True):
                forms = spellings.setdefault(st, {})
                forms[part] = forms.get(part, 0) + count
                if part not in ENGLISH and part.isalpha():
                    word_counts[part] += count
            if joined is not None:
                forms = spellings.setdefault(joined, {})
                spelled = "-".join(parts)
                forms[spelled] = forms.get(spelled, 0) + count
                solid.add(joined)
                heads.add(parts[0])
            elif parts:
                vocabulary.add(parts[0])
                if len(parts[0]) > 5:
                    solid.add(stems[0])
                    long_words.add(parts[0])
        chosen = {
            acro: max(forms.items(), key=lambda kv: (kv[1], -len(kv[0]), kv[0]))[0]
            for acro, forms in acronyms.items()
        }
        for word in long_words:  # "finetuning" = "fine" + "tuning": "fine" heads a compound
            for cut in range(2, len(word) - 2):
                if word[:cut] in vocabulary and word[cut:] in vocabulary:
                    heads.add(word[:cut])
        # most used spelling first (in how many texts it appears), then alphabetical
        surfaces = {
            term: tuple(sorted(words, key=lambda w: (-words[w], w)))
            for term, words in spellings.items()
        }
        return cls(
            compounds=frozenset(solid),
            heads=frozenset(heads),
            acronyms=chosen,
            surfaces=surfaces,
            word_counts=word_counts,
        )

    # -- tokenizing ----------------------------------------------------------------------

    def _words(
        self, text: str
    ) -> Iterator[tuple[int, int, tuple[str, ...], tuple[str, ...], str | None]]:
        """(start, end, parts, stems, compound stem) for each word or hyphenated compound."""
        for m in _WORD.finditer(normalize(text)):
            parts, stems, joined = word_info(m.group())
            if parts:
                yield m.start(), m.end(), parts, stems, joined

    def _joined(self, a: str, b: str) -> str | None:
        """The compound stem of two adjacent words if the corpus writes them as one."""
        key = (a, b)
        if key not in self._pair_cache:
            if len(self._pair_cache) > 200_000:
                self._pair_cache.clear()
            joined = stem(a + b)
            self._pair_cache[key] = joined if joined in self.compounds else None
        return self._pair_cache[key]

    def _analyze(self, text: str, stop: frozenset[str]) -> list[_Word]:
        """Per content word: its stems, its compound, and acronyms whose long form it ends."""
        out: list[_Word] = []
        seq: list[str] = []  # stems of the content words so far, for acronym long forms
        owner: list[int] = []  # for each stem in seq, the index of its word in out
        prev_last: str | None = None
        for start, end, parts, all_stems, compound in self._words(text):
            stems = [st for p, st in zip(parts, all_stems, strict=True) if p not in stop]
            if not stems and len(parts) == 1:
                prev_last = None
                continue
            terms = list(stems)
            if compound is not None:
                terms.append(compound)
            elif prev_last is not None and prev_last in self.heads:
                joined = self._joined(prev_last, parts[0])
                if joined is not None:
                    terms.append(joined)
            prev_last = parts[-1] if parts[-1] not in stop else None
            out.append(_Word(start, end, terms, []))
            if self._phrases and stems:
                seq.extend(stems)
                owner.extend([len(out) - 1] * len(stems))
                for long_form, acro in self._phrases.get(stems[-1], ()):
                    n = len(long_form)
                    if len(seq) >= n and tuple(seq[-n:]) == long_form:
                        terms.append(acro)
                        for i in set(owner[-n:-1]):
                            out[i].shared.append(acro)  # highlighted, but counted once
        return out

    def surface_pattern(
        self, terms: Iterable[str]
    ) -> tuple[re.Pattern[str], dict[str, str]] | None:
        """A regex matching the corpus's spellings of terms, and spelling → term.

        An acronym also brings its long form's words ("RLHF" marks "human feedback").
        """
        key = tuple(sorted(set(terms)))
        cached = self._patterns.get(key)
        if cached is not None or key in self._patterns:
            return cached
        spelled: dict[str, str] = {}
        for term in key:
            for word in self.surfaces.get(term, ()):
                spelled.setdefault(word, term)
            for part in self.acronyms.get(term, ()):
                for word in self.surfaces.get(part, ()):
                    spelled.setdefault(word, term)
        pattern = None
        if spelled:
            alternatives = "|".join(re.escape(w) for w in sorted(spelled, key=lambda w: -len(w)))
            pattern = (
                re.compile(rf"(?<![^\W_])(?:{alternatives})(?:'?s)?(?![^\W_])", re.IGNORECASE),
                spelled,
            )
        if len(self._patterns) > 2048:
            self._patterns.clear()
        self._patterns[key] = pattern
        return pattern

    def tokens(self, text: str, stop: frozenset[str] = ENGLISH) -> list[str]:
        """The term list of a text, in order (duplicates kept: BM25 counts them).

        The same terms as `_analyze` gives, without building its per-word records:
        this is what indexing spends its time on.
        """
        out: list[str] = []
        seq: list[str] = []
        prev_last: str | None = None
        phrases = self._phrases
        cached = _WORD_CACHE.get
        for raw in _WORD.findall(normalize(text)):
            parts, all_stems, compound = cached(raw) or word_info(raw)
            if not parts:
                continue
            if len(parts) == 1:
                if parts[0] in stop:
                    prev_last = None
                    continue
                stems: list[str] | tuple[str, ...] = all_stems
            else:
                stems = [st for p, st in zip(parts, all_stems, strict=True) if p not in stop]
            out.extend(stems)
            if compound is not None:
                out.append(compound)
            elif prev_last is not None and prev_last in self.heads:
                joined = self._joined(prev_last, parts[0])
                if joined is not None:
                    out.append(joined)
            prev_last = parts[-1] if parts[-1] not in stop else None
            if phrases and stems:
                seq.extend(stems)
                for long_form, acro in phrases.get(stems[-1], ()):
                    n = len(long_form)
                    if len(seq) >= n and tuple(seq[-n:]) == long_form:
                        out.append(acro)
        return out

    def spans(self, text: str, stop: frozenset[str] = ENGLISH) -> list[Span]:
        """Each content word with the terms it emits, for excerpts and highlighting."""
        words = self._analyze(text, stop)
        return [Span(w.start, w.end, frozenset(w.terms + w.shared)) for w in words]

    def query_terms(self, text: str, known: Callable[[str], bool] | None = None) -> list[str]:
        """A query's distinct terms, question words dropped ("what do the reports say…").

        With `known` (the index's vocabulary), a hyphenated word the corpus also writes
        solid searches as that one term: "multi-modal" finds "multimodal" and
        "multi-modal" alike, instead of three terms of which most sections have one.
        """
        terms = self.tokens(text, stop=ENGLISH | QUESTION)
        if known is not None:
            inside: set[str] = set()  # stems only seen as parts of a known compound
            alone: set[str] = set()
            for raw in _WORD.findall(normalize(text)):
                _parts, stems, compound = word_info(raw)
                if compound is not None and known(compound):
                    inside.update(stems)
                else:
                    alone.update(stems)
            drop = inside - alone
            if drop:
                terms = [t for t in terms if t not in drop]
        return list(dict.fromkeys(terms))

    def section_tokens(self, title: str, body: str) -> list[str]:
        """One section's token list: the title repeated for weight, then the body."""
        return self.tokens(title) * TITLE_WEIGHT + self.tokens(body)

    def surface_words(self, text: str) -> Iterator[str]:
        """Lowercase content words as written (the typo corrector's vocabulary)."""
        for raw in _WORD.findall(normalize(text)):
            for p in word_info(raw)[0]:
                if p not in ENGLISH and p.isalpha():
                    yield p


def mine_acronyms(text: str) -> Iterator[tuple[str, tuple[str, ...]]]:
    """("rlhf", ("reinforc", "learn", "human", "feedback")) for each definition in text."""
    for short, long_form in acronym_definitions(text):
        terms = tuple(stem(w.lower()) for w in long_form if w.lower() not in ENGLISH)
        acro = stem(_clean_word(short))
        if len(terms) >= 2 and acro not in terms:
            yield acro, terms
