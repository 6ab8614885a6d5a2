"""Synthetic report archives of any size, resampled from the seed reports (fixed seed).

Each generated report has a `# Title` and 8–12 `## N. Title` sections. A section's
body is 4–6 sentences resampled from the seed sections (most from one seed section, so
topics stay coherent enough to form trends, the rest from anywhere), and about 30% of its
words are swapped for pseudo-words drawn from a Zipf-distributed synthetic vocabulary, so
the vocabulary keeps growing with the archive as a real one does. Titles are seed titles
with some words swapped the same way.

Reports are dated by their file name (`report-NNNNNN-YYYY-MM-DD.md`, a `filename` date to
`bot.reports.dates`): REPORTS_PER_DAY reports a day on consecutive days, the newest on
END_DAY, so a "what changed" window (7 days: 70 reports) has a baseline of every earlier day
at every size. `add_report` writes one more report, dated the day after (what a daily job
adds).
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from bot.reports.loader import load_corpus
from bot.text.plain import markdown_to_plain, sentences

SEED = 20240601
#: Size of the synthetic vocabulary and its Zipf exponent.
VOCAB_SIZE = 100_000
ZIPF_S = 1.1
#: Share of words replaced by synthetic ones.
SWAP_SHARE = 0.30
TITLE_SWAP_SHARE = 0.25
SECTIONS_PER_REPORT = 10
REPORTS_PER_FOLDER = 500
#: Of a section's sentences, this share come from its own seed section.
OWN_SHARE = 0.6
#: Dated archive: this many reports a day, consecutive days, the newest dated END_DAY.
REPORTS_PER_DAY = 10
END_DAY = date(2026, 11, 20)

_ONSETS = "b c d f g h j k l m n p r s t v w z br cl dr fl gr pl pr st tr sh ch th".split()
_VOWELS = "a e i o u ai ea io ou".split()
_CODAS = ["", "", "", "n", "r", "s", "l", "x", "m", "nt", "rd"]
_SWAPPABLE = re.compile(r"^([A-Za-z]{3,})([.,;:!?]?)$")


def seeds_dir() -> Path:
    """The seed reports shipped in the checkout."""
    return Path(__file__).resolve().parent.parent / "seeds"


def pseudo_words(n: int, rng: random.Random) -> list[str]:
    """n distinct pronounceable pseudo-words, 2–4 syllables each."""
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < n:
        syllables = rng.choice((2, 2, 3, 3, 3, 4))
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
        word += rng.choice(_CODAS)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


@dataclass(frozen=True)
class SeedText:
    """The seed reports cut into resampling material."""

    report_titles: list[str]
    section_titles: list[str]
    #: per seed topic section, its sentences as tokens
    section_sentences: list[list[list[str]]]


def read_seeds(root: Path) -> SeedText:
    """Titles and tokenised sentences of every seed topic section."""
    corpus = load_corpus(root)
    titles: list[str] = []
    bodies: list[list[list[str]]] = []
    for section in corpus.sections:
        if section.kind != "section":
            continue
        sents = [s.split() for s in sentences(markdown_to_plain(section.text)) if s.strip()]
        if sents:
            titles.append(section.title.strip())
            bodies.append(sents)
    report_titles = [r.title or r.id for r in corpus.reports]
    return SeedText(report_titles, titles, bodies)


class Generator:
    """Deterministic text source: the same seed gives the same archive."""

    def __init__(self, seeds: SeedText, seed: int = SEED) -> None:
        self.seeds = seeds
        self.rng = random.Random(seed)
        self.np_rng = np.random.default_rng(seed)
        self.vocab = pseudo_words(VOCAB_SIZE, self.rng)
        ranks = np.arange(1, VOCAB_SIZE + 1, dtype=np.float64)
        weights = ranks**-ZIPF_S
        self._cdf = np.cumsum(weights / weights.sum())
        self._pool: list[int] = []
        self._uniform: list[float] = []

    def _synthetic(self) -> str:
        if not self._pool:
            draws = self.np_rng.random(1_000_000)
            idx = np.searchsorted(self._cdf, draws)
            self._pool = np.minimum(idx, VOCAB_SIZE - 1).tolist()
        return self.vocab[self._pool.pop()]

    def _random(self) -> float:
        if not self._uniform:
            self._uniform = self.np_rng.random(1_000_000).tolist()
        return self._uniform.pop()

    def _swap(self, tokens: list[str], share: float) -> list[str]:
        out: list[str] = []
        for tok in tokens:
            if self._random() < share:
                m = _SWAPPABLE.match(tok)
                if m:
                    word = self._synthetic()
                    if tok[0].isupper():
                        word = word.capitalize()
                    out.append(word + m.group(2))
                    continue
            out.append(tok)
        return out

    def section(self, number: int) -> str:
        """One `## N. Title` section with its body."""
        seeds, rng = self.seeds, self.rng
        own = rng.randrange(len(seeds.section_titles))
        title = " ".join(self._swap(seeds.section_titles[own].split(), TITLE_SWAP_SHARE))
        body: list[str] = []
        for _ in range(rng.randint(4, 6)):
            src = own if rng.random() < OWN_SHARE else rng.randrange(len(seeds.section_titles))
            sent = rng.choice(seeds.section_sentences[src])
            body.append(" ".join(self._swap(sent, SWAP_SHARE)))
        return f"## {number}. {title}\n\n{' '.join(body)}\n"

    def report(self, sections: int) -> str:
        """A report: `# Title`, then numbered sections."""
        base = self.rng.choice(self.seeds.report_titles).split()
        title = " ".join(self._swap(base, TITLE_SWAP_SHARE))
        parts = [f"# {title}\n"] + [self.section(n) for n in range(1, sections + 1)]
        return "\n".join(parts)


def report_day(i: int, total: int) -> date:
    """The date of the i-th of `total` generated reports (the last ones on END_DAY)."""
    return END_DAY - timedelta(days=(total - 1 - i) // REPORTS_PER_DAY)


def report_name(i: int, day: date) -> str:
    """`report-NNNNNN-YYYY-MM-DD.md`: the loader dates it from the file name."""
    return f"report-{i:06d}-{day.isoformat()}.md"


def generate(out: Path, sections: int, seed: int = SEED, seeds: Path | None = None) -> Path:
    """Write an archive of about `sections` topic sections into out (the seeds at ≤ 50)."""
    src = seeds or seeds_dir()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    seed_files = sorted(p for p in src.iterdir() if p.suffix in (".md", ".txt"))
    if sections <= 50:
        for p in seed_files:
            shutil.copy(p, out / p.name)
        return out
    gen = Generator(read_seeds(src), seed)
    texts: list[str] = []
    remaining = sections
    while remaining > 0:  # the texts first: a report's date depends on how many there are
        n = min(gen.rng.randint(SECTIONS_PER_REPORT - 2, SECTIONS_PER_REPORT + 2), remaining)
        remaining -= n
        texts.append(gen.report(n))
    for i, text in enumerate(texts):
        folder = out / f"batch-{i // REPORTS_PER_FOLDER:03d}"
        if i % REPORTS_PER_FOLDER == 0:
            folder.mkdir()
        name = report_name(i, report_day(i, len(texts)))
        (folder / name).write_text(text, encoding="utf-8")
    return out


def add_report(out: Path, seed: int = SEED + 1, seeds: Path | None = None) -> Path:
    """One more report of SECTIONS_PER_REPORT sections, dated the day after the newest
    report (END_DAY + 1 for a generated archive), in a folder of its own; its path."""
    gen = Generator(read_seeds(seeds or seeds_dir()), seed)
    newest = [d for p in out.rglob("*.md") if (d := _name_day(p.name)) is not None]
    day = (max(newest) if newest else END_DAY) + timedelta(days=1)
    folder = out / "added"
    folder.mkdir(exist_ok=True)
    number = sum(1 for _ in out.rglob("report-*.md"))
    path = folder / report_name(number, day)
    path.write_text(gen.report(SECTIONS_PER_REPORT), encoding="utf-8")
    return path


_NAME_DAY = re.compile(r"-(\d{4}-\d{2}-\d{2})\.md$")


def _name_day(name: str) -> date | None:
    m = _NAME_DAY.search(name)
    return date.fromisoformat(m.group(1)) if m else None
