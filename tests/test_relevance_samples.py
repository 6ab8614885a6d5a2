"""Search quality on the 25 shared samples, judged by hand: mean nDCG@5.

tests/judgments/search_samples.json holds 42 queries a reader would type (keywords,
phrases, questions, and word-family queries whose relevant sections use another form of
the word: "regulation" for "Regulatory Landscape"), each with every section judged
relevant (3: about it, 2: discusses it, 1: mentions it usefully; unlisted: 0).

Measured before the analyzer's word families and title weighting (issue 12): mean nDCG@5
0.832 (word-family 0.784, questions 0.717, keywords 0.901, phrases 0.979). After (word
families in the stemmer, hyphenated words searched as the corpus's compound): 0.858
(word-family 0.879, questions 0.713, keywords 0.901, phrases 0.979). Titles already count
three times; five measured 0.860 and cost trend grouping, so they stay at three.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bot.reports.loader import load_corpus
from bot.search.engine import SearchEngine

JUDGMENTS = Path(__file__).parent / "judgments" / "search_samples.json"
NDCG_FLOOR = 0.85


def ndcg_at_5(engine: SearchEngine, query: str, relevant: dict[tuple[str, int], int]) -> float:
    hits = engine.search(query, top=5).hits
    gains = [relevant.get((h.section.report_id, h.section.number), 0) for h in hits]
    dcg = sum(g / math.log2(rank + 2) for rank, g in enumerate(gains))
    ideal = sorted(relevant.values(), reverse=True)[:5]
    idcg = sum(g / math.log2(rank + 2) for rank, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


@pytest.fixture(scope="module")
def scores(samples_dir: Path) -> dict[str, tuple[str, float]]:
    engine = SearchEngine.build(load_corpus(samples_dir))
    out = {}
    for q in json.loads(JUDGMENTS.read_text())["queries"]:
        relevant = {(r["report"], r["section"]): r["grade"] for r in q["relevant"]}
        out[q["query"]] = (q["kind"], ndcg_at_5(engine, q["query"], relevant))
    return out


def test_judgments_are_enough(scores: dict[str, tuple[str, float]]) -> None:
    kinds = [kind for kind, _ in scores.values()]
    assert len(scores) >= 30 and kinds.count("word-family") >= 8


def test_mean_ndcg_at_5_on_the_shared_samples(scores: dict[str, tuple[str, float]]) -> None:
    mean = sum(v for _, v in scores.values()) / len(scores)
    by_kind: dict[str, list[float]] = {}
    for kind, value in scores.values():
        by_kind.setdefault(kind, []).append(value)
    summary = ", ".join(f"{k} {sum(v) / len(v):.3f}" for k, v in sorted(by_kind.items()))
    print(f"nDCG@5 {mean:.3f} ({summary})")
    assert mean >= NDCG_FLOOR


def test_word_families_meet(seed_engine: SearchEngine) -> None:
    """regulation / regulatory / regulators; British and American spellings; hyphens."""
    from bot.insights.agreement import agree
    from bot.reports.loader import load_corpus as load
    from tests.conftest import SEEDS

    engine = SearchEngine.build(load(SEEDS))
    analyzer = engine.analyzer
    same = [
        ("regulation", "regulatory"),
        ("regulators", "regulated"),
        ("interpretable", "interpretability"),
        ("explainable", "explainability"),
        ("personalized", "personalization"),
        ("optimise", "optimization"),
        ("specialised", "specialized"),
    ]
    for a, b in same:
        assert analyzer.query_terms(a) == analyzer.query_terms(b), (a, b)
    assert engine.prepare("multi-modal").terms == engine.prepare("multimodal").terms
    assert agree(engine, "multi-modal").agreeing == agree(engine, "multimodal").agreeing == 5
    titles = [h.section.title for h in engine.search("regulatory", top=3).hits]
    assert "Regulatory Landscape" in titles  # the section titled so ranks near the top


#: Share of judged queries in which every section titled by the query (and judged about
#: it) ranks above every section that only mentions it in passing; measured 27 of 31.
TITLED_FIRST_FLOOR = 0.85


def test_sections_titled_by_the_query_rank_above_passing_mentions(samples_dir: Path) -> None:
    engine = SearchEngine.build(load_corpus(samples_dir))
    ok = total = 0
    for q in json.loads(JUDGMENTS.read_text())["queries"]:
        relevant = {(r["report"], r["section"]): r["grade"] for r in q["relevant"]}
        terms = set(engine.prepare(q["query"]).terms)
        titled, passing = [], []
        for rank, hit in enumerate(engine.search(q["query"], top=10).hits):
            grade = relevant.get((hit.section.report_id, hit.section.number), 0)
            named = bool(set(engine.analyzer.query_terms(hit.section.title)) & terms)
            if named and grade >= 2:
                titled.append(rank)
            elif not named and grade <= 1:
                passing.append(rank)
        if titled and passing:
            total += 1
            ok += all(t < p for t in titled for p in passing)
    print(f"titled sections first: {ok} of {total}")
    assert ok / total >= TITLED_FIRST_FLOOR
