"""Topic phrases as the reports write them, and the items a report is made of.

A report of a news stream is a list of items (a bullet with its lines, a paragraph); the
same item often comes back in later reports. `items` splits a section into them and
`item_key` names each one (its link, else its normalised words) so a repeat can be told
apart from news. `phrases` finds the candidate topics of a text: runs of one to three
words that a reader accepts as a topic ("Claude Code", "GPT-5.5", "world models"), never
general English ("we introduce", "however", "results"), dates or weekdays. What counts as
general English comes from a maintained word-frequency list (wordfreq).
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

from wordfreq import zipf_frequency

from bot.text.analyzer import stem
from bot.text.plain import markdown_to_plain
from bot.text.stopwords import ENGLISH

MAX_WORDS = 3
#: A single word is a topic only if it is this rare in general English (Zipf scale: 3 is
#: once per million words; "results" is 5.2, "multimodal" 2.5, "Claude" 3.8).
RARE_WORD_ZIPF = 3.5
#: A capitalised word used mid-sentence (a name) may be more common than that.
NAME_ZIPF = 4.5
#: A phrase needs at least one word less common than this ("world models": models 4.7).
PHRASE_WORD_ZIPF = 5.0

_URL = re.compile(r"https?://[^\s)>\]\"']+", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_ITEM_START = re.compile(r"^ {0,1}(?:[-*+•]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
#: Where a phrase cannot run on: punctuation, a dash between spaces, a sentence end.
_BREAK = re.compile(r"[,;:!?()\[\]{}\"“”«»|/\\<>=…·•]|\.(?=\s|$)|\s[-–—]\s|\s[-–—]$|^[-–—]\s")
_TOKEN = re.compile(r"[^\W_](?:[\w+]|[.\-'’&](?=[^\W_]))*\+*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_DIGITS = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[\W_]+")

#: Words that never start or end a topic: time, counting, and the verbs of a news item.
_NOT_TOPIC = frozenset(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday
    friday saturday sunday today yesterday tomorrow week weeks weekly day days daily month
    months monthly year years yearly quarter tonight morning evening ago last next
    new latest recent recently first second third one two three four five six seven eight
    nine ten many much several various also like well according including based using
    introduce introduces introduced introducing announce announces announced announcing
    launch launches launched launching release releases released releasing update updates
    updated read learn see get got make makes made use uses used way ways thing things
    lot lots more most less least best better good great big bigger small top key major
    enable enables enabled expose exposes exposed reveal reveals revealed show shows showed
    help helps helped allow allows allowed offer offers offered bring brings brought boost
    boosts cut cuts find finds say says said want wants take takes took give gives gave
    move moves moved build builds built discover discovers discovered explain explains
    improve improves improved increase increases increased reduce reduces reduced create
    creates created train trains trained become becomes became need needs needed
    make making makes start starts started keep keeps kept turn turns turned
    http https www com org html amp nbsp
    """.split()
)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A candidate topic: its key (stemmed, lowercase) and its form as written.

    A single word's `name` says whether it was written as a name here (capitalised
    mid-sentence, OpenAI, Qwen3); whether a word is a topic is decided over all its uses
    (`is_topic_word`), since "Healthcare" in one title and "healthcare" in another are one.
    """

    key: str
    surface: str
    name: bool = False

    @property
    def single(self) -> bool:
        return " " not in self.key


def commonness(surface: str) -> float:
    """How everyday a phrase's words are (mean Zipf frequency): ties go to the rarer topic."""
    words = [w.casefold() for w in _TOKEN.findall(surface)] or [surface.casefold()]
    return sum(_zipf(w) for w in words) / len(words)


def general_words(surface: str) -> int:
    """How many words of a phrase are everyday English (a label reads better without)."""
    return sum(_zipf(w.casefold()) >= PHRASE_WORD_ZIPF for w in surface.split())


def is_topic_word(word: str, name_share: float) -> bool:
    """A single word is a topic if general English rarely uses it, or if the reports
    mostly write it as a name and it is not among the commonest words."""
    zipf = _zipf(word.casefold())
    return zipf < RARE_WORD_ZIPF or (name_share >= 0.5 and zipf < NAME_ZIPF)


def items(markdown: str) -> list[str]:
    """A section's items: each top-level list item with its continuation, each paragraph,
    each heading line."""
    out: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            block = "\n".join(current).strip()
            if block:
                out.append(block)
            current.clear()

    for line in markdown.split("\n"):
        if not line.strip():
            flush()
        elif _HEADING.match(line) or _ITEM_START.match(line):
            flush()
            current.append(line)
            if _HEADING.match(line):
                flush()
        else:
            current.append(line)
    flush()
    return out


def item_key(block: str) -> str:
    """What makes two items the same: the first link in it, else its words.

    Digits are folded ("As of: 2026-01-05" and "As of: 2026-01-06" are one template line),
    so are case and punctuation.
    """
    link = _URL.search(block)
    if link is not None:
        url = link.group(0).rstrip(".,;").lower()
        return "url:" + url.split("#", 1)[0].rstrip("/")
    words = _NOT_WORD.sub(" ", _DIGITS.sub("0", block.casefold())).strip()
    return "text:" + words


def plain_text(block: str) -> str:
    """An item as plain words: no markup, inline HTML, entities or links' addresses."""
    text = html.unescape(_TAG.sub(" ", block)) if "<" in block or "&" in block else block
    text = _URL.sub(" ", text)
    return markdown_to_plain(text)


@functools.lru_cache(maxsize=1 << 18)
def _zipf(word: str) -> float:
    return float(zipf_frequency(word, "en"))


#: The only small words a three-word topic may have inside ("Department of Energy").
_INNER = frozenset({"of", "for", "and", "&", "de", "the", "in"})


def _edge_ok(low: str) -> bool:
    """Whether a word may start or end a topic phrase: a word, not a number or a date."""
    return (
        len(low) > 1
        and low not in ENGLISH
        and low not in _NOT_TOPIC
        and any(c.isalpha() for c in low)
    )


def _is_name(word: str, at_start: bool) -> bool:
    """A name or a product as written: OpenAI, ChatGPT, Qwen3, GPT-5.5, or Capitalised
    mid-sentence."""
    return _word(word)[4] or (word[:1].isupper() and not at_start)


#: A word as written → (lowercase, may edge a phrase, its stem, a phrase's "rare enough"
#: word, written as a name whatever its place). Words repeat (Zipf): one lookup each.
_WordFacts = tuple[str, bool, str, bool, bool]
_WORDS: dict[str, _WordFacts] = {}
_WORDS_MAX = 1 << 20


def _word(raw: str) -> _WordFacts:
    facts = _WORDS.get(raw)
    if facts is None:
        low = raw.casefold()
        stemmed = stem(low.replace("’", "'").removesuffix("'s"))
        rare = low not in ENGLISH and _zipf(low) < PHRASE_WORD_ZIPF
        inner_capital = any(c.isupper() for c in raw[1:])
        mixed = raw[:1].isalpha() and any(c.isdigit() for c in raw)
        facts = (low, _edge_ok(low), stemmed, rare, inner_capital or mixed)
        if len(_WORDS) >= _WORDS_MAX:
            _WORDS.clear()
        _WORDS[raw] = facts
    return facts


def _key(lows: list[str]) -> str:
    return " ".join(_word(low)[2] for low in lows)


def _cjk_phrases(run: str) -> list[Phrase]:
    """CJK text has no spaces: its two-character runs stand in for words (never one
    character alone, which would make every character a topic)."""
    chars = [c for c in run if _CJK.match(c)]
    return [Phrase(a + b, a + b) for a, b in zip(chars, chars[1:], strict=False)]


#: A candidate as a plain tuple (key, surface, name): what the stream index builds from
#: (a phrase record per occurrence would cost more than finding the phrase).
PhraseTuple = tuple[str, str, bool]


def phrases(text: str) -> list[Phrase]:
    """The candidate topic phrases of a plain text, in order (repeats included)."""
    return [Phrase(*found) for found in phrase_tuples(text)]


def phrase_tuples(text: str) -> list[PhraseTuple]:
    """`phrases`, as (key, surface, name) tuples."""
    found: list[PhraseTuple] = []
    for line in text.split("\n"):
        for chunk in _BREAK.split(line):
            if _CJK.search(chunk):
                found.extend((p.key, p.surface, p.name) for p in _cjk_phrases(chunk))
                chunk = _CJK.sub(" ", chunk)
            words = _TOKEN.findall(chunk)
            if words:
                _chunk_phrases(words, found)
    return found


def _chunk_phrases(words: list[str], out: list[PhraseTuple]) -> None:
    """The one- to three-word phrases of a run of words with no break inside."""
    facts = [_word(w) for w in words]
    n_words = len(words)
    for i in range(n_words):
        _low, edge, stemmed, rare, name = facts[i]
        if not edge:
            continue
        out.append((stemmed, words[i], name or (i > 0 and words[i][:1].isupper())))
        if i + 1 >= n_words:
            continue
        second = facts[i + 1]
        if second[1] and (rare or second[3]):
            out.append((f"{stemmed} {second[2]}", f"{words[i]} {words[i + 1]}", False))
        if i + 2 >= n_words:
            continue
        third = facts[i + 2]
        inner_ok = second[1] or second[0] in _INNER
        if third[1] and inner_ok and (rare or second[3] or third[3]):
            key = f"{stemmed} {second[2]} {third[2]}"
            out.append((key, f"{words[i]} {words[i + 1]} {words[i + 2]}", False))
