"""Every report has a date: front matter, then file name, then title, then first seen."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.deps import first_seen_recorder
from bot.reports.dates import date_in_path, date_in_text, resolve_dates
from bot.reports.loader import load_corpus
from bot.reports.outline import parse_report
from bot.search.engine import SearchEngine
from bot.search.live import LiveEngine
from bot.state.connect import open_store
from bot.state.store import StateStore

BODY = "## 1. Agents\nAgents plan.\n\n## 2. Models\nModels grow.\n"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("2026-06-01.md", date(2026, 6, 1)),
        ("2026_06_01.md", date(2026, 6, 1)),
        ("20260601.md", date(2026, 6, 1)),
        ("daily_report_2025-12-20.md", date(2025, 12, 20)),
        ("2026-06-01-monday-digest.md", date(2026, 6, 1)),
        ("news/2026/06/01/digest.md", date(2026, 6, 1)),
        ("archive/2025-01-01/2026-06-01.md", date(2026, 6, 1)),
        ("report-v120260601.md", None),  # no digit boundary
        ("1989-06-01.md", None),  # out of range
        ("2026-13-01.md", None),  # no month 13
        ("2026-02-30.md", None),  # no such day
        ("2026-06_01.md", None),  # mixed separators
        ("week-03.md", None),
        ("build-20261.md", None),
    ],
)
def test_dates_in_file_names(path: str, expected: date | None) -> None:
    assert date_in_path(path) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("AI Updates Daily Briefing - 2025-12-20", date(2025, 12, 20)),
        ("Weekly digest 2026-02-19 ~ 2026-02-28", date(2026, 2, 28)),
        ("Trends from 2026-02-19 to 2026-02-28", date(2026, 2, 28)),
        ("Latest Updates (May 19, 2025)", date(2025, 5, 19)),
        ("LLM news, 3rd of March 2026", date(2026, 3, 3)),
        ("State of AI 2026", None),  # a year is not a date
        ("Compare 2026-01-01 and 2026-03-01 releases", None),  # two dates, no range
        ("GPT-5.5 and Qwen3", None),
    ],
)
def test_dates_in_titles(title: str, expected: date | None) -> None:
    assert date_in_text(title) == expected


def test_precedence_front_matter_then_file_name_then_title() -> None:
    front = "---\ndate: 2026-01-05T09:00:00Z\ntitle: Digest 2026-03-03\n---\n" + BODY
    report = parse_report(front, "x", path="2026-02-02.md")
    assert (report.date, report.date_source) == (date(2026, 1, 5), "front-matter")
    report = parse_report("# Digest 2026-03-03\n" + BODY, "x", path="2026-02-02.md")
    assert (report.date, report.date_source) == (date(2026, 2, 2), "filename")
    report = parse_report("# Digest 2026-03-03\n" + BODY, "x", path="digest.md")
    assert (report.date, report.date_source) == (date(2026, 3, 3), "title")
    report = parse_report("# Digest\n" + BODY, "x", path="digest.md")
    assert (report.date, report.date_source) == (None, None)


def test_undated_reports_take_their_first_seen_day() -> None:
    report = parse_report("# Digest\n" + BODY, "x", path="digest.md")
    dated = parse_report(BODY, "y", path="2026-02-02.md")
    dates = resolve_dates([report, dated], {"x": date(2026, 4, 1)}, today=date(2026, 5, 5))
    assert (dates["x"].day, dates["x"].source) == (date(2026, 4, 1), "first-seen")
    assert (dates["y"].day, dates["y"].source) == (date(2026, 2, 2), "filename")
    fresh = resolve_dates([report], {}, today=date(2026, 5, 5))
    assert fresh["x"].day == date(2026, 5, 5)


def _live(folder: Path, store: StateStore, now: datetime) -> SearchEngine:
    live = LiveEngine(folder, first_seen=first_seen_recorder(store, lambda: now))
    return live.load_now()


def test_a_mixed_folder_and_its_first_load(tmp_path: Path) -> None:
    """The first load dates undated reports that day (never 1970); later ones their day."""
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "2026-06-01.md").write_text("# Daily\n" + BODY)
    (reports / "weekly.md").write_text("---\ndate: 2026-05-30\n---\n" + BODY)
    (reports / "titled.md").write_text("# Briefing - 2026-05-31\n" + BODY)
    (reports / "plain.md").write_text("# Plain report\n" + BODY)
    store = open_store(None, tmp_path / "data")
    try:
        first = _live(reports, store, datetime(2026, 6, 2, 8, tzinfo=UTC))
        got = {rid: (d.day.isoformat(), d.source) for rid, d in first.dates.items()}
        assert got == {
            "2026-06-01": ("2026-06-01", "filename"),
            "weekly": ("2026-05-30", "front-matter"),
            "titled": ("2026-05-31", "title"),
            "plain": ("2026-06-02", "first-seen"),
        }
        (reports / "later.md").write_text("# Later report\n" + BODY)
        (reports / "plain.md").write_text("# Plain report, edited\n" + BODY)
        again = _live(reports, store, datetime(2026, 6, 9, 8, tzinfo=UTC))
        assert again.dates["later"].day == date(2026, 6, 9)
        assert again.dates["plain"].day == date(2026, 6, 2), "an edit keeps the first day"
    finally:
        store.dispose()


async def test_the_first_load_is_dated_but_never_announced(tmp_path: Path) -> None:
    store = open_store(None, tmp_path)
    try:
        t0, t1 = datetime(2026, 6, 2, tzinfo=UTC), datetime(2026, 6, 3, tzinfo=UTC)
        first = store.record_first_seen([("a", "h1"), ("b", "h1")], t0)
        assert first == {"a": t0, "b": t0}
        later = store.record_first_seen([("a", "h1"), ("b", "h2"), ("c", "h1")], t1)
        assert later == {"a": t0, "b": t0, "c": t1}
        new = await store.reports_first_seen_since(t0)
        assert [(r.report_id, r.content_hash) for r in new] == [("b", "h2"), ("c", "h1")]
    finally:
        await store.close()


async def test_migration_gives_1970_rows_a_real_day(tmp_path: Path) -> None:
    """A version-1 database stored the first load as 1970-01-01: now it is a real day."""
    db = tmp_path / "state.db"
    con = sqlite3.connect(db)
    con.executescript(
        """
        CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at DATETIME NOT NULL);
        INSERT INTO schema_version VALUES (1, '2026-01-01 00:00:00.000000');
        CREATE TABLE event_claims (team_id VARCHAR(32), event_id VARCHAR(255),
            claimed_at DATETIME NOT NULL, PRIMARY KEY (team_id, event_id));
        CREATE TABLE report_first_seen (report_id VARCHAR(512), content_hash VARCHAR(128),
            first_seen DATETIME NOT NULL, PRIMARY KEY (report_id, content_hash));
        INSERT INTO report_first_seen VALUES ('old', 'h', '1970-01-01 00:00:00.000000');
        INSERT INTO report_first_seen VALUES ('new', 'h', '2026-02-01 10:00:00.000000');
        """
    )
    con.commit()
    con.close()
    store = open_store(f"sqlite:///{db}", tmp_path)
    try:
        assert await store.schema_version() >= 2
        seen = store.record_first_seen([("old", "h"), ("new", "h")], datetime.now(UTC))
        assert seen["old"].year >= 2026
        assert seen["new"] == datetime(2026, 2, 1, 10, tzinfo=UTC)
        announced = await store.reports_first_seen_since(datetime(2000, 1, 1, tzinfo=UTC))
        assert [r.report_id for r in announced] == ["new"]
    finally:
        await store.close()


def test_reports_json_has_dates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from bot.cli.main import main

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "daily_report_2025-12-20.md").write_text("# Daily\n" + BODY)
    (reports / "undated.md").write_text("# Undated\n" + BODY)
    monkeypatch.setenv("LLMTREND_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LLMTREND_REPORTS_DIR", str(reports))
    assert main(["reports", "--json"]) == 0
    got = {
        r["id"]: (r["date"], r["date_source"])
        for r in json.loads(capsys.readouterr().out)["reports"]
    }
    assert got["daily_report_2025-12-20"] == ("2025-12-20", "filename")
    assert got["undated"][1] == "first-seen"
    assert got["undated"][0] == datetime.now(UTC).date().isoformat()
    assert load_corpus(reports).reports[0].date == date(2025, 12, 20)
