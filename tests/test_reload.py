"""Hot reload: new, changed, removed and broken reports, picked up without a restart."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path

import pytest

from bot.reports.watch import quiet_period, watch
from bot.search.live import LiveEngine
from tests.apprunner import RunningApp, app_settings, run_app
from tests.conftest import SEEDS
from tests.slackfake import FakeSlack

NEW_REPORT = "# Robotics Weekly\n\n## 1. Humanoid Robots\n\nHumanoid robots now walk warehouses.\n"


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    return folder


async def test_a_new_changed_and_removed_report_are_picked_up(reports: Path) -> None:
    live = LiveEngine(reports)
    first = await live.load()
    (reports / "005_robots.md").write_text(NEW_REPORT)
    (reports / "000_c30313276e56ef2f.txt").unlink()
    engine = await live.reload()
    assert engine is not None and engine is live.current and engine is not first
    ids = [r.id for r in engine.corpus.reports]
    assert "005_robots" in ids and "000_c30313276e56ef2f" not in ids
    assert engine.search("humanoid robots").hits[0].section.report_id == "005_robots"
    assert await live.reload() is None  # nothing changed: nothing rebuilt


async def test_a_broken_file_never_replaces_a_working_report(reports: Path) -> None:
    live = LiveEngine(reports)
    await live.load()
    target = reports / "004_efe7b0e70c4018d3.txt"
    target.write_bytes(b"\x00\x01binary garbage")
    engine = await live.reload()
    assert engine is not None
    assert "004_efe7b0e70c4018d3" in [r.id for r in engine.corpus.reports]
    assert engine.search("crisis management").hits[0].section.report_id.startswith("004")
    [skipped] = engine.corpus.skipped
    assert skipped.file == "004_efe7b0e70c4018d3.txt"
    assert "previous version is still served" in skipped.reason


async def test_a_vanished_folder_keeps_the_index(reports: Path) -> None:
    live = LiveEngine(reports)
    before = await live.load()
    shutil.rmtree(reports)
    with pytest.raises(FileNotFoundError):
        await live.reload()
    assert live.current is before


async def test_trends_follow_and_the_previous_ones_are_served_meanwhile(reports: Path) -> None:
    live = LiveEngine(reports)
    await live.load()
    old_trends = live.trends
    (reports / "005_robots.md").write_text(NEW_REPORT)
    task = asyncio.create_task(live.reload())
    await asyncio.sleep(0)
    assert live.trends is old_trends  # still served while the new ones are computed
    await task
    assert live.trends is not old_trends and live.trends is not None
    assert live.trends.total_reports == 6


class Poller:
    """Drives `watch` one poll at a time, on a clock that moves one interval per poll."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.ticks: asyncio.Queue[None] = asyncio.Queue()
        self.clock = time.time()
        self.calls: list[float] = []
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Poller:
        async def tick(_seconds: float) -> None:
            await self.ticks.get()
            self.clock += INTERVAL

        async def on_change() -> None:
            self.calls.append(self.clock)

        self.task = asyncio.create_task(
            watch(self.root, INTERVAL, on_change, sleep=tick, now=lambda: self.clock)
        )
        await asyncio.sleep(0.05)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self.task is not None
        self.task.cancel()

    async def step(self, polls: int = 1) -> None:
        for _ in range(polls):
            await self.ticks.put(None)
            for _ in range(20):  # let the watcher run its snapshot in a thread
                await asyncio.sleep(0.01)

    def touch(self, path: Path) -> None:
        """Written now (by the poller's clock)."""
        os.utime(path, (self.clock, self.clock))


INTERVAL = 1.0


async def test_a_half_written_file_is_picked_up_once_complete(tmp_path: Path) -> None:
    async with Poller(tmp_path) as poller:
        await poller.step()
        report = tmp_path / "new.md"
        report.write_text("# Half")  # a job starts writing
        poller.touch(report)
        await poller.step()
        assert poller.calls == []
        report.write_text(NEW_REPORT)  # …and finishes
        poller.touch(report)
        await poller.step()
        assert poller.calls == []
        await poller.step()  # unchanged for one whole interval: now it is complete
        assert len(poller.calls) == 1
        await poller.step(3)
        assert len(poller.calls) == 1


async def test_a_report_written_in_long_pauses_is_loaded_once_whole(tmp_path: Path) -> None:
    report = tmp_path / "slow.md"
    parts = ["# Slow Weekly\n\n## 1. Agents\n\nAgents plan", " and act", " on their own.\n"]
    async with Poller(tmp_path) as poller:
        written = ""
        for part in parts:  # each pause is longer than the reload interval
            written += part
            report.write_text(written)
            poller.touch(report)
            await poller.step(4)
        await poller.step(2)
    assert len(poller.calls) == 1  # not once per pause: only the finished file


async def test_a_file_without_a_final_line_break_is_loaded_after_the_quiet_period(
    tmp_path: Path,
) -> None:
    report = tmp_path / "no_newline.md"
    async with Poller(tmp_path) as poller:
        report.write_text("# Report\n\n## 1. One\n\nNo line break at the end.")
        poller.touch(report)
        await poller.step(3)
        assert poller.calls == []
        await poller.step(int(quiet_period(INTERVAL) / INTERVAL) + 1)
        assert len(poller.calls) == 1


async def test_a_swapped_reports_link_is_one_reload_of_the_new_checkout(tmp_path: Path) -> None:
    first, second = tmp_path / "rev1", tmp_path / "rev2"
    first.mkdir()
    (first / "a.md").write_text(NEW_REPORT)
    shutil.copytree(first, second)
    (second / "b.md").write_text(NEW_REPORT.replace("Robotics", "Biology"))
    link = tmp_path / "current"
    link.symlink_to(first)
    live = LiveEngine(link)
    await live.load()
    assert [r.path for r in live.current.corpus.reports] == ["a.md"]  # type: ignore[union-attr]
    async with Poller(link) as poller:
        for path in second.iterdir():
            poller.touch(path)
        swap = tmp_path / "current.new"
        swap.symlink_to(second)
        swap.replace(link)  # git-sync's atomic swap
        await poller.step(4)
        assert len(poller.calls) == 1
    await live.reload()
    corpus = live.current.corpus  # type: ignore[union-attr]
    assert [r.path for r in corpus.reports] == ["a.md", "b.md"] and not corpus.skipped


async def test_the_running_app_reloads_and_lists_broken_files(
    fake_slack: FakeSlack, tmp_path: Path, reports: Path
) -> None:
    settings = app_settings(fake_slack, tmp_path / "data", reports_dir=reports, reload_seconds=0.1)
    async with run_app(settings, fake_slack) as app:
        (reports / "005_robots.md").write_text(NEW_REPORT)
        (reports / "006_broken.md").write_bytes(b"")
        await wait_for_reports(app, 6)
        body = (await app.command("humanoid robots")).json()
        assert "Robotics Weekly" in str(body["blocks"])
        listing = (await app.command("reports")).json()
        assert "006_broken.md" in str(listing["blocks"]) and "empty file" in str(listing["blocks"])
        metrics = app.deps.metrics.render().decode()
        assert "llmtrend_reloads_total 1.0" in metrics
        assert "llmtrend_index_reports 6.0" in metrics


async def wait_for_reports(app: RunningApp, count: int) -> None:
    for _ in range(200):
        engine = app.deps.live.current
        if engine is not None and len(engine.corpus.reports) == count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the app never reached {count} reports")
