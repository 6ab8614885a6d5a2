"""The on-disk engine cache: used when nothing changed, ignored when stale or damaged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.search.cache import IndexCache, corpus_key
from bot.search.live import LiveEngine
from tests.conftest import SEEDS


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    return folder


def live(reports: Path, tmp_path: Path) -> LiveEngine:
    return LiveEngine(reports, cache=IndexCache(tmp_path / "cache"))


async def test_a_restart_with_unchanged_reports_loads_the_cache(
    reports: Path, tmp_path: Path
) -> None:
    first = live(reports, tmp_path)
    built = await first.load()
    assert not first.from_cache
    assert (tmp_path / "cache" / "engine.cache").is_file()  # on disk before it serves
    assert (tmp_path / "cache" / "trends.cache").is_file()
    again = live(reports, tmp_path)
    loaded = await again.load()
    assert again.from_cache
    assert again.trends == first.trends
    hits = [(h.section.report_id, h.score) for h in loaded.search("open source").hits]
    assert hits == [(h.section.report_id, h.score) for h in built.search("open source").hits]


async def test_a_changed_report_means_a_rebuild(reports: Path, tmp_path: Path) -> None:
    await live(reports, tmp_path).load()
    (reports / "005_new.md").write_text("# New\n\n## 1. Quantum\n\nQuantum annealing.\n")
    again = live(reports, tmp_path)
    engine = await again.load()
    assert not again.from_cache
    assert engine.search("quantum annealing").hits


@pytest.mark.parametrize("damage", [b"", b"LLMTREND-CACHE\n garbage", b"\x80\x04not a cache"])
async def test_a_damaged_cache_is_ignored_and_rebuilt(
    reports: Path, tmp_path: Path, damage: bytes
) -> None:
    await live(reports, tmp_path).load()
    (tmp_path / "cache" / "engine.cache").write_bytes(damage)
    again = live(reports, tmp_path)
    engine = await again.load()
    assert not again.from_cache
    assert len(engine.corpus.reports) == 5
    third = live(reports, tmp_path)
    await third.load()
    assert third.from_cache  # rewritten whole


def test_the_key_covers_contents_not_file_times(reports: Path) -> None:
    key = corpus_key(reports)
    target = reports / "000_c30313276e56ef2f.txt"
    target.touch()
    assert corpus_key(reports) == key
    target.write_text(target.read_text() + "\nMore.")
    assert corpus_key(reports) != key


def test_an_unwritable_cache_folder_costs_speed_not_service(reports: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    IndexCache(blocker).save("engine", "k", {"x": 1})  # logs, does not raise
    assert IndexCache(blocker).load("engine", "k") is None
