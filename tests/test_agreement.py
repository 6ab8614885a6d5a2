"""Which reports agree: coverage decided as a reader would, not "any score above 0"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.insights.agreement import agree
from bot.search.engine import SearchEngine
from tests.helpers import make_engine


def covering(engine: SearchEngine, topic: str) -> set[str]:
    return {c.report[:3] for c in agree(engine, topic).covering}


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        ("multimodal", {"000", "001", "002", "003", "004"}),
        ("open source", {"000", "002", "003", "004"}),
        ("crisis management", {"004"}),
        ("edge computing", {"000"}),
        ("which reports agree on RLHF?", {"003", "004"}),
    ],
)
def test_seed_examples(seed_engine: SearchEngine, topic: str, expected: set[str]) -> None:
    assert covering(seed_engine, topic) == expected


def test_one_entry_per_report_covering_first(seed_engine: SearchEngine) -> None:
    view = agree(seed_engine, "open source")
    assert view.total == 5 and view.agreeing == 4
    assert [c.covers for c in view.reports] == [True] * 4 + [False]
    silent = view.reports[-1]
    assert silent.report.startswith("001") and silent.quote is None
    for c in view.covering:
        assert c.section is not None and c.quote and c.score


def test_the_points_they_share(seed_engine: SearchEngine) -> None:
    view = agree(seed_engine, "open source")
    texts = {p.text.lower(): p for p in view.shared}
    assert "democratize access" in texts
    assert len(texts["democratize access"].reports) >= 2


def test_a_passing_word_is_not_coverage() -> None:
    engine = make_engine(
        {
            "a": [
                (
                    "Quantum computing",
                    "Quantum computers use qubits. Quantum error "
                    "correction and quantum annealing mature.",
                )
            ],
            "b": [
                (
                    "Retail",
                    "Stores sell more online; one manager joked about quantum luck "
                    "while discussing inventory, pricing, logistics, staffing and returns.",
                )
            ],
            "c": [("Weather", "Rain and sun.")],
        }
    )
    view = agree(engine, "quantum")
    assert [c.report for c in view.covering] == ["a"]
    b = next(c for c in view.reports if c.report == "b")
    assert not b.covers and b.score and b.score > 0  # it matched, but only in passing


def test_coverage_is_relative_to_the_strongest_report() -> None:
    strong = "Solar panels and solar farms: solar output, solar storage, solar prices."
    engine = make_engine(
        {
            "a": [("Solar power", strong)],
            "b": [("Solar power", strong + " Also solar.")],
            "c": [
                (
                    "Energy mix",
                    "Wind, gas, hydro, nuclear; solar appears in one table, "
                    "as solar in a footnote. " + "Grid balancing dominates the market. " * 8,
                )
            ],
        }
    )
    assert {c.report for c in agree(engine, "solar").covering} == {"a", "b"}


def test_typo_and_odd_topics(seed_engine: SearchEngine) -> None:
    fixed = agree(seed_engine, "multimodel")
    assert fixed.query.corrected == "multimodal" and fixed.agreeing == 5
    assert agree(seed_engine, "the of and").reason == "stopwords"
    assert agree(seed_engine, "xqzvbnw").agreeing == 0
    assert agree(make_engine({}), "ai").reason == "no_reports"


def test_agree_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agree", "--json", "open", "source"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"topic", "corrected", "agreeing", "total", "reports", "shared"}
    assert (data["topic"], data["agreeing"], data["total"]) == ("open source", 4, 5)
    keys = {"report", "report_title", "covers", "section", "title", "score", "quote"}
    assert all(keys <= set(r) for r in data["reports"])
    silent = data["reports"][-1]
    assert silent["covers"] is False and silent["section"] is None and silent["title"] is None
    assert all(set(p) >= {"text", "reports"} for p in data["shared"])


def test_a_limited_view_names_each_silent_report_once() -> None:
    reports = {f"r{i:02d}": [("Weather", "rain and sun")] for i in range(15)}
    reports["r00"] = [("Quantum computing", "Quantum qubits. Quantum annealing.")]
    reports["r01"] = [("Quantum chips", "Quantum chips and quantum error correction.")]
    engine = make_engine(reports)
    view = agree(engine, "quantum", quotes=8, limit=10)
    assert (view.agreeing, view.total, view.silent_count) == (2, 15, 13)
    silent = [c.report for c in view.silent]
    assert len(silent) == len(set(silent)) == 10
    assert [c.report for c in view.covering] == ["r00", "r01"]


def test_a_section_titled_by_the_topic_covers_it_however_long(samples_dir: Path) -> None:
    """029's "Regulation, Model Cards, Evals, and Red-Teaming…" covers regulation."""
    from bot.insights.agreement import agree
    from bot.reports.loader import load_corpus

    engine = SearchEngine.build(load_corpus(samples_dir))
    covering = {c.report[:3] for c in agree(engine, "regulation").covering}
    assert {"029", "031", "011"} <= covering
