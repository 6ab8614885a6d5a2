"""The `llmtrend` command: its JSON is a public interface, its errors one line and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main

HIT_KEYS = {
    "report",
    "report_title",
    "section",
    "position",
    "kind",
    "title",
    "score",
    "excerpt",
    "highlights",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "--json", "open", "source", "--top", "3")
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "open source"
    assert data["corrected"] is None
    assert len(data["hits"]) == 3
    for hit in data["hits"]:
        assert set(hit) >= HIT_KEYS
        assert isinstance(hit["section"], int)
        assert isinstance(hit["score"], float)
        for start, end in hit["highlights"]:
            assert 0 <= start < end <= len(hit["excerpt"])


def test_search_json_reports_the_correction(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "multimodel", "--json")
    assert code == 0
    assert json.loads(out)["corrected"] == "multimodal"


def test_search_text_cites_report_and_section(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "crisis", "management", "--top", "1")
    assert code == 0
    assert "§10 Crisis Management and Simulation" in out
    assert "*crisis*" in out


def test_no_hits_still_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "--json", "xqzvbnw")
    assert code == 0
    assert json.loads(out)["hits"] == []


def test_reports_json_shape(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\n## 1. One\n\nText one.\n\n## 2. Two\n\nText two.\n")
    (tmp_path / "broken.md").write_bytes(b"\x00\x01\x02binary")
    code, out, _ = run(capsys, "reports", "--json", "--reports-dir", str(tmp_path))
    assert code == 0
    data = json.loads(out)
    assert [r["id"] for r in data["reports"]] == ["a"]
    report = data["reports"][0]
    assert report["title"] == "A"
    assert [s["number"] for s in report["sections"]] == [1, 2]
    assert set(report["sections"][0]) >= {"number", "position", "kind", "title"}
    assert data["skipped"][0]["file"] == "broken.md"
    assert "binary" in data["skipped"][0]["reason"]


def test_empty_folder_answers_that_there_is_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "search", "ai", "--reports-dir", str(tmp_path))
    assert code == 0
    assert "no reports" in out.lower()


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["search", "x", "--reports-dir", "/does/not/exist"], "--reports-dir"),
        (["search", "x", "--top", "many"], "--top"),
        (["frobnicate"], "frobnicate"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], names: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert names in err


def test_bad_environment_names_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMTREND_REPORTS_DIR", "/does/not/exist")
    code, out, err = run(capsys, "search", "x")
    assert (code, out) == (2, "")
    assert err.startswith("LLMTREND_REPORTS_DIR:")
    assert "Traceback" not in err


def test_console_script_and_python_m_bot_agree() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "search", "--json", "RLHF", "--top", "2"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert {h["report"][:3] for h in hits} == {"003", "004"}


def test_trends_have_ids_and_agree_by_trend_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "trends", "--json")
    assert code == 0
    trends = json.loads(out)["trends"]
    first = trends[0]
    assert first["id"].startswith("t") and len({t["id"] for t in trends}) == len(trends)
    for key in ("first_seen", "last_seen", "timeline", "movement"):
        assert key in first
    code, out, _ = run(capsys, "agree", "--json", "--trend", first["id"])
    view = json.loads(out)
    assert view["trend_id"] == first["id"]
    assert view["agreeing"] == len(first["reports"])
    assert sorted(r["report"] for r in view["reports"] if r["covers"]) == first["reports"]
    code, _out, err = run(capsys, "agree", "--trend", "t000")
    assert code == 2 and "no trend" in err


def test_changes_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "changes", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"window", "baseline", "new", "rising", "fading", "reason"}
    assert data["reason"] and "same day" in data["reason"]  # the seeds: one first-seen day
    code, _out, err = run(capsys, "changes", "--since", "2026-01-01", "--days", "3")
    assert code == 2 and "--since and --days" in err


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`llmtrend trends | head -1`: no BrokenPipeError traceback."""
    import os

    reports = tmp_path / "reports"
    reports.mkdir()
    for i in range(400):  # more output than a pipe holds, so the write really fails
        (reports / f"r{i:03d}.md").write_text(f"# Report {i}\n\n## 1. Agents\nAgents {i}.\n")
    env = {**os.environ, "LLMTREND_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        f"{sys.executable} -m bot reports --json --reports-dir {reports} | head -1",
        shell=True,  # noqa: S602 - a fixed command line, to get a real pipe
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
