"""The index answers exactly what rank-bm25 computes, only faster; edges are locked here."""

from __future__ import annotations

import random

import numpy as np
import pytest

from bot.reports.model import Section
from bot.search.bm25 import ReferenceBM25
from bot.search.index import SectionIndex
from tests.helpers import make_engine

WORDS = """
    model data train agent vision audio text image code safety ethics bias open source
    energy chip edge cloud privacy law policy health school robot speech search memory
""".split()


def _random_sections(rng: random.Random, n_reports: int) -> list[Section]:
    sections = []
    for r in range(n_reports):
        for pos in range(1, rng.randint(1, 8) + 1):
            title = " ".join(rng.choices(WORDS, k=rng.randint(1, 3)))
            body = " ".join(rng.choices(WORDS, k=rng.randint(0, 40)))
            sections.append(Section(f"r{r:03d}", pos, "section", title, body, pos))
    return sections


def _reference_top(index: SectionIndex, ref: ReferenceBM25, terms: list[str], k: int) -> list:
    scores = ref.get_scores(terms)
    matched = [i for i in range(len(scores)) if any(t in ref.doc_freqs[i] for t in terms)]
    matched.sort(key=lambda i: (-scores[i], i))
    return [(i, float(scores[i])) for i in matched[:k]]


@pytest.mark.parametrize("seed", range(8))
def test_fast_path_equals_rank_bm25_on_random_corpora(seed: int) -> None:
    rng = random.Random(seed)
    index = SectionIndex.build(_random_sections(rng, rng.randint(1, 40)))
    ref = index.reference()
    assert ref is not None
    for _ in range(30):
        query = " ".join(rng.choices(WORDS + ["unknownword"], k=rng.randint(1, 5)))
        terms = index.analyzer.query_terms(query)
        got, total = index.top(terms, 10)
        want = _reference_top(index, ref, terms, 10)
        assert [h.doc for h in got] == [i for i, _ in want]
        for hit, (_, score) in zip(got, want, strict=True):
            assert hit.score == pytest.approx(score, rel=1e-9)
            assert hit.score > 0


def test_term_in_exactly_half_the_sections_still_matches() -> None:
    # 'robots' is in 2 of 4 sections: Okapi's raw idf is exactly 0, which would hide it
    engine = make_engine(
        {
            "a": [("Robots", "robots build cars"), ("Weather", "rain and sun")],
            "b": [("Factories", "robots weld steel"), ("Boats", "sails and oars")],
        }
    )
    hits = engine.search("robots").hits
    assert [h.section.title for h in hits] == ["Robots", "Factories"]
    assert all(h.score > 0 for h in hits)


def test_idf_zero_edge_is_floored_not_dropped() -> None:
    # 'ai' in exactly 2 of 4 sections: Okapi's idf is exactly 0 there
    ref = ReferenceBM25([["ai", "x"], ["ai", "y"], ["z"], ["w"]])
    assert ref.idf["ai"] > 0
    assert ref.get_scores(["ai"])[0] > 0


def test_single_section_corpus_scores_positive() -> None:
    engine = make_engine({"only": [("Lonely", "just one section about agents")]})
    hits = engine.search("agents").hits
    assert len(hits) == 1
    assert hits[0].score > 0


def test_no_match_means_no_hits_never_zero_scores() -> None:
    engine = make_engine({"a": [("Cats", "cats purr")], "b": [("Dogs", "dogs bark")]})
    answer = engine.search("zebra")
    assert answer.hits == ()
    assert answer.reason == "no_match"


def test_ties_break_by_report_id_then_position() -> None:
    same = ("Robots", "robots robots")
    engine = make_engine({"b": [same, same], "a": [("Intro", "none"), same]})
    cites = [(h.section.report_id, h.section.position) for h in engine.search("robots").hits]
    assert cites == [("a", 2), ("b", 1), ("b", 2)]


def test_empty_corpus_builds_and_answers() -> None:
    engine = make_engine({})
    answer = engine.search("anything at all")
    assert answer.hits == ()
    assert answer.reason == "no_reports"


def test_postings_weights_are_bit_identical_to_rank_bm25() -> None:
    rng = random.Random(42)
    index = SectionIndex.build(_random_sections(rng, 30))
    ref = index.reference()
    assert ref is not None
    for term in ("model", "data", "edge"):
        docs, weights = index.postings(term)
        full = ref.get_scores([term])
        assert np.array_equal(full[docs], weights)
