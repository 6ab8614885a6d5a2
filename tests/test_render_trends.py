"""Trend, agree and Home rendering: layouts on the seeds, limits at thousands of reports."""

from __future__ import annotations

import pytest

from bot.cli.terminal import message_to_text
from bot.insights.agreement import agree
from bot.insights.trends import find_trends
from bot.render.trends import agree_view, home_agree_view, home_view, trends_message
from bot.search.engine import SearchEngine
from bot.slack import ids
from tests.helpers import assert_within_limits, make_engine, shown_text


@pytest.fixture(scope="module")
def big_engine() -> SearchEngine:
    """1,500 reports that all cover one topic, and a few more topics each."""
    reports = {
        f"2025/week-{i:04d}": [
            ("Open source <models> & more", f"Open source models {i} democratize access & more."),
            ("Agents", "Agents plan and act with tools, agents everywhere."),
        ]
        for i in range(1500)
    }
    return make_engine(reports)


def test_trends_message_on_the_seeds(seed_engine: SearchEngine) -> None:
    message = trends_message(find_trends(seed_engine.index), seed_engine)
    assert_within_limits(message)
    text = shown_text(message)
    assert "Trends across 5 reports" in text
    assert "Multimodal capabilities" in text and "5 of 5 reports" in text
    assert "Only in one report" in text
    grid = next(
        b for b in message["blocks"] if b["type"] == "section" and "```" in b["text"]["text"]
    )
    assert "●" in grid["text"]["text"] and "000" in grid["text"]["text"]
    action_ids = [b["accessory"]["action_id"] for b in message["blocks"] if "accessory" in b]
    assert action_ids[0] == f"{ids.ACTION_TREND_AGREE_PREFIX}0"
    assert len(set(action_ids)) == len(action_ids)


def test_trends_with_many_reports_use_counts_and_fit(big_engine: SearchEngine) -> None:
    report = find_trends(big_engine.index)
    message = trends_message(report, big_engine)
    assert_within_limits(message)
    assert "●" not in shown_text(message)
    assert "1500" in shown_text(message)


def test_agree_view_on_the_seeds(seed_engine: SearchEngine) -> None:
    message = agree_view(agree(seed_engine, "open source", quotes=8))
    assert_within_limits(message)
    text = shown_text(message)
    assert "*4 of 5 reports* agree on *open source*" in text
    assert "democratize access" in text
    assert "Silent on open source: AI LLMs Report: 2024 Advancements and Trends" in text


def test_agree_view_with_thousands_of_reports_fits(big_engine: SearchEngine) -> None:
    message = agree_view(agree(big_engine, "open source", quotes=8))
    assert_within_limits(message)
    text = shown_text(message)
    assert "1500 of 1500 reports" in text
    assert "…and 1492 more reports cover it" in text
    assert "<models>" not in text


def test_agree_view_when_no_report_covers(seed_engine: SearchEngine) -> None:
    message = agree_view(agree(seed_engine, "xqzvbnw"))
    assert_within_limits(message)
    assert "No report covers" in shown_text(message)


def test_home_view_fits_100_blocks(seed_engine: SearchEngine, big_engine: SearchEngine) -> None:
    for engine in (seed_engine, big_engine):
        view = home_view(
            find_trends(engine.index),
            engine,
            engine.newest_reports(5),
        )
        assert view["type"] == "home"
        assert_within_limits({"text": "home", "blocks": view["blocks"]}, max_blocks=100)


def test_home_agree_view_has_a_way_back(seed_engine: SearchEngine) -> None:
    view = home_agree_view(agree(seed_engine, "multimodal"))
    first = view["blocks"][0]
    assert first["elements"][0]["action_id"] == ids.ACTION_HOME_BACK


def test_terminal_shows_the_grid_without_markup(seed_engine: SearchEngine) -> None:
    message = trends_message(find_trends(seed_engine.index), seed_engine)
    text = message_to_text(message)
    assert "```" not in text and "Multimodal capabilities" in text
