"""Trends: recurring topics grouped as a careful reader would, deterministic, any corpus size."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bot.insights.trends import TrendReport, find_trends
from bot.search.engine import SearchEngine
from tests.helpers import make_engine


@pytest.fixture(scope="module")
def seed_trends(seed_engine: SearchEngine) -> TrendReport:
    return find_trends(seed_engine.index)


def cites(trend: object) -> set[str]:
    return {f"{s.report_id[:3]} §{s.number}" for s in trend.sections}  # type: ignore[attr-defined]


def test_multimodal_sections_of_all_five_reports_are_one_trend(seed_trends: TrendReport) -> None:
    top = seed_trends.trends[0]
    assert cites(top) == {"000 §2", "001 §2", "002 §1", "003 §2", "004 §3"}
    assert top.label == "Multimodal capabilities"
    assert len(top.reports) == 5


def test_energy_efficiency_sections_belong_together(seed_trends: TrendReport) -> None:
    [trend] = [t for t in seed_trends.trends if "003 §5" in cites(t)]
    assert "004 §8" in cites(trend)
    assert "efficiency" in trend.label.lower()


def test_open_source_is_a_four_report_trend(seed_trends: TrendReport) -> None:
    [trend] = [t for t in seed_trends.trends if "000 §8" in cites(t)]
    assert cites(trend) == {"000 §8", "002 §7", "003 §6", "004 §4"}
    assert trend.label == "Open-source models"


def test_each_section_in_at_most_one_trend_and_every_trend_spans_reports(
    seed_trends: TrendReport,
) -> None:
    seen: list[str] = []
    for trend in seed_trends.trends:
        assert len(trend.reports) >= 2
        assert trend.reports == tuple(sorted({s.report_id for s in trend.sections}))
        seen.extend(cites(trend))
    assert len(seen) == len(set(seen))
    for unique in seed_trends.unique:
        assert len(unique.reports) == 1
        assert not cites(unique) & set(seen)


def test_ranked_by_coverage_then_cohesion(seed_trends: TrendReport) -> None:
    keys = [(-len(t.reports), -t.cohesion) for t in seed_trends.trends]
    assert keys == sorted(keys)


def test_summaries_are_sentences_from_different_reports(seed_trends: TrendReport) -> None:
    for trend in seed_trends.trends:
        assert 1 <= len(trend.summary) <= 3
        reports = [x.report for x in trend.summary]
        assert len(reports) == len(set(reports))
        for x in trend.summary:
            texts = [s.text for s in trend.sections if s.report_id == x.report]
            assert any(
                x.sentence in " ".join(text.split()) or x.sentence[:40] in text for text in texts
            )


def test_distinct_topics_are_listed_as_only_in_one_report(seed_trends: TrendReport) -> None:
    unique = {f"{u.reports[0][:3]} §{u.sections[0].number}": u.label for u in seed_trends.unique}
    assert unique["004 §10"] == "Crisis management and simulation"
    assert unique["000 §6"] == "Integration with edge computing"


def test_intros_are_not_topics(seed_trends: TrendReport) -> None:
    everything = [s for t in seed_trends.trends + seed_trends.unique for s in t.sections]
    assert all(s.kind == "section" for s in everything)


def test_deterministic(seed_engine: SearchEngine, seed_trends: TrendReport) -> None:
    again = find_trends(SearchEngine.build(seed_engine.corpus).index)
    assert again == seed_trends


TOPICS = {
    "quantum": "Quantum computing",
    "robots": "Warehouse robots",
    "vaccines": "Vaccine research",
    "solar": "Solar panels",
    "chess": "Chess engines",
    "coffee": "Coffee markets",
}
VOCAB = {
    "quantum": "qubits entanglement superconducting decoherence quantum annealing",
    "robots": "robots warehouse picking grippers conveyor automation",
    "vaccines": "vaccines trials mrna antibodies immunity dosage",
    "solar": "solar photovoltaic panels inverter rooftop irradiance",
    "chess": "chess openings endgame grandmaster engines tablebase",
    "coffee": "coffee arabica harvest roasting beans futures",
}
FILLER = "the report notes that growth continues and many teams expect change this year".split()


def synthetic(n_reports: int, seed: int) -> tuple[SearchEngine, dict[str, set[str]]]:
    """Reports each covering a random subset of known topics, in their own words."""
    rng = random.Random(seed)
    reports: dict[str, list[tuple[str, str]]] = {}
    truth: dict[str, set[str]] = {t: set() for t in TOPICS}
    for r in range(n_reports):
        rid = f"r{r:04d}"
        topics = rng.sample(sorted(TOPICS), k=rng.randint(2, 5))
        sections = []
        for i, topic in enumerate(topics, start=1):
            words = VOCAB[topic].split()
            body = " ".join(rng.choice(words + FILLER) for _ in range(60)) + "."
            sections.append((f"{TOPICS[topic]} {rng.choice(['today', 'outlook', 'update'])}", body))
            truth[topic].add(f"{rid} §{i}")
        reports[rid] = sections
    return make_engine(reports), truth


@pytest.mark.parametrize(("n_reports", "seed"), [(20, 1), (200, 2)])
def test_built_corpora_recover_their_topics(n_reports: int, seed: int) -> None:
    engine, truth = synthetic(n_reports, seed)
    report = find_trends(engine.index)
    found = [{f"{s.report_id} §{s.number}" for s in t.sections} for t in report.trends]
    for topic, sections in truth.items():
        best = max(found, key=lambda f: len(f & sections))
        # the trend for a topic holds (nearly) all its sections and nothing else
        assert len(best & sections) >= 0.9 * len(sections), topic
        assert len(best - sections) <= 0.05 * len(best), topic
    labels = {t.label.split()[0].lower() for t in report.trends[: len(TOPICS)]}
    assert {"quantum", "warehouse", "vaccine", "solar", "chess", "coffee"} <= labels


def test_shared_samples_group_without_crashing(samples_dir: object) -> None:
    from bot.reports.loader import load_corpus

    engine = SearchEngine.build(load_corpus(samples_dir))  # type: ignore[arg-type]
    report = find_trends(engine.index)
    assert report.trends
    assert all(len(t.reports) >= 2 for t in report.trends)
    multimodal = [t for t in report.trends if "multimodal" in t.label.lower()]
    assert multimodal and len(multimodal[0].reports) >= 5


def test_tiny_and_empty_corpora() -> None:
    assert find_trends(make_engine({}).index).trends == ()
    one = find_trends(make_engine({"a": [("Solo", "just one section")]}).index)
    assert one.trends == ()
    assert [u.label for u in one.unique] == ["Solo"]


def test_trends_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli.main import main

    assert main(["trends", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"trends", "unique"}
    first = data["trends"][0]
    assert set(first) >= {"label", "reports", "sections", "terms", "summary"}
    assert set(first["sections"][0]) >= {"report", "section", "title"}
    assert set(first["summary"][0]) >= {"report", "section", "sentence"}
    assert first["label"] == "Multimodal capabilities"


def test_template_headings_are_containers_not_trends(tmp_path: Path) -> None:
    """A newsletter's fixed sections (and a dated heading) are not trends; topics are."""
    from bot.search.live import LiveEngine

    folder = tmp_path / "news"
    folder.mkdir()
    topics = ["speculative decoding", "world models", "pixel-space diffusion"]
    for i in range(8):
        text = (
            f"# Weekly AI news {i}\n\n## Latest Updates (March {i + 1}, 2026)\n"
            f"- Item {i}: a vendor shipped something new in its store number {i}.\n\n"
            "## What Changed Today\n"
            f"- Notes {i} on pricing, model cards and release notes of vendor {i}.\n\n"
            f"## {topics[i % 3].title()} Advances\n"
            f"Researchers report progress on {topics[i % 3]} with new results, and "
            f"{topics[i % 3]} benchmarks improved again in issue {i}.\n"
        )
        (folder / f"2026-03-{i + 1:02d}.md").write_text(text)
    live = LiveEngine(folder)
    live.load_now()
    assert live.trends is not None
    labels = [t.label.lower() for t in live.trends.trends]
    assert not any("latest updates" in label or "what changed" in label for label in labels)
    assert any("speculative decoding" in label for label in labels), labels


def test_a_digest_of_papers_is_labelled_by_what_they_share(tmp_path: Path) -> None:
    """Headings that are paper names: the label is the shared phrase, not one paper."""
    from bot.search.live import LiveEngine

    folder = tmp_path / "papers"
    folder.mkdir()
    papers = {
        0: ("Domino", "Domino speeds up speculative decoding with a tree of draft tokens."),
        3: ("Forgewm", "Forgewm applies speculative decoding to long-context serving."),
        6: ("Hydra-7", "Hydra-7 trains draft heads for speculative decoding at scale."),
    }
    others = [
        ("Qubit lattice", "Quantum error correction codes for superconducting qubits"),
        ("Foldnet", "Protein folding predictions with equivariant networks"),
        ("Rainmaker", "Weather forecasting from satellite radiance"),
        ("Ledgerly", "Fraud detection in card payments with graph features"),
        ("Tutorbot", "Tutoring students in algebra with worked examples"),
        ("Lexicon", "Legal contract review across jurisdictions"),
        ("Orbitron", "Satellite collision avoidance planning"),
        ("Seedbank", "Crop yield estimation from drone imagery"),
    ]
    for i in range(8):
        title, topic = others[i]
        body = f"# Daily papers {i}\n\n## {title}\n{topic}, evaluated on benchmark {i}.\n\n"
        if i in papers:
            name, text = papers[i]
            body += f"## {name}\n{text} The speculative decoding results hold on chat.\n"
        (folder / f"digest-{i}.md").write_text(body)
    live = LiveEngine(folder)
    live.load_now()
    assert live.trends is not None
    labels = [t.label for t in live.trends.trends]
    assert any(label.lower() == "speculative decoding" for label in labels), labels
    assert not any(label in ("Domino", "Forgewm", "Hydra-7") for label in labels)
