"""The corpus loader: folders in, reports out; a bad file is skipped with a reason."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.reports.loader import MAX_FILE_BYTES, load_corpus

REPORT = "# Weekly Report\n\n## 1. Agents\n\nAgents ship.\n\n## 2. Small Models\n\nSmall wins.\n"


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_recursive_folders_give_path_ids(tmp_path: Path) -> None:
    write(tmp_path, "2025/week-03.md", REPORT)
    write(tmp_path, "2025/q1/summary.txt", REPORT)
    write(tmp_path, "top.md", REPORT)
    corpus = load_corpus(tmp_path)
    assert [r.id for r in corpus.reports] == ["2025/q1/summary", "2025/week-03", "top"]
    report = {r.id: r for r in corpus.reports}["2025/week-03"]
    assert report.path == "2025/week-03.md"
    assert report.title == "Weekly Report"
    assert [s.number for s in report.sections] == [1, 2]
    assert {s.report_id for s in report.sections} == {"2025/week-03"}
    assert report.content_hash
    assert corpus.skipped == ()


def test_hidden_files_and_folders_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "visible.md", REPORT)
    write(tmp_path, ".hidden.md", REPORT)
    write(tmp_path, ".git/notes.md", REPORT)
    write(tmp_path, "sub/.cache/old.md", REPORT)
    corpus = load_corpus(tmp_path)
    assert [r.id for r in corpus.reports] == ["visible"]
    assert corpus.skipped == ()


def test_other_suffixes_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, "report.md", REPORT)
    write(tmp_path, "upper.MD", REPORT)
    write(tmp_path, "notes.json", "{}")
    write(tmp_path, "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    corpus = load_corpus(tmp_path)
    assert [r.id for r in corpus.reports] == ["report", "upper"]


def test_same_stem_keeps_extensions(tmp_path: Path) -> None:
    write(tmp_path, "a.md", REPORT)
    write(tmp_path, "a.txt", REPORT.replace("Weekly", "Plain"))
    write(tmp_path, "b.md", REPORT)
    corpus = load_corpus(tmp_path)
    assert [r.id for r in corpus.reports] == ["a.md", "a.txt", "b"]
    a_txt = {r.id: r for r in corpus.reports}["a.txt"]
    assert a_txt.title == "Plain Report"


def test_bad_files_are_skipped_with_reasons_while_others_load(tmp_path: Path) -> None:
    write(tmp_path, "good.md", REPORT)
    write(tmp_path, "empty.md", "")
    write(tmp_path, "blank.md", "  \n\n\t\n")
    write(tmp_path, "binary.md", b"# Title\n\x00\x01\x02binary")
    big = tmp_path / "huge.md"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    corpus = load_corpus(tmp_path)
    assert [r.id for r in corpus.reports] == ["good"]
    reasons = {s.file: s.reason for s in corpus.skipped}
    assert set(reasons) == {"empty.md", "blank.md", "binary.md", "huge.md"}
    assert "empty" in reasons["empty.md"]
    assert "empty" in reasons["blank.md"]
    assert "binary" in reasons["binary.md"]
    assert "too large" in reasons["huge.md"]


def test_file_with_no_text_after_parsing_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, "good.md", REPORT)
    write(tmp_path, "rules.md", "---\n\n***\n\n**\n")
    corpus = load_corpus(tmp_path)
    assert [r.id for r in corpus.reports] == ["good"]
    assert [(s.file, s.reason) for s in corpus.skipped] == [("rules.md", "no text found")]


def test_non_utf8_file_loads_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path, "latin.md", "# Café Report\n\n## 1. Überblick\n\nDéjà vu.\n".encode("latin-1"))
    with caplog.at_level(logging.WARNING, logger="bot.reports.model"):
        corpus = load_corpus(tmp_path)
    assert [r.id for r in corpus.reports] == ["latin"]
    report = corpus.reports[0]
    assert report.title is not None
    assert "\ufffd" in report.title
    assert [s.number for s in report.sections] == [1]
    assert [w.file for w in corpus.warnings] == ["latin.md"]
    assert "UTF-8" in corpus.warnings[0].reason
    assert corpus.skipped == ()
    assert any("latin.md" in rec.getMessage() for rec in caplog.records)


def test_bom_is_stripped(tmp_path: Path) -> None:
    write(tmp_path, "bom.md", "\ufeff# BOM Report\r\n\r\n## 1. Alpha\r\n\r\nText.\r\n".encode())
    corpus = load_corpus(tmp_path)
    report = corpus.reports[0]
    assert report.title == "BOM Report"
    assert [(s.number, s.title, s.text) for s in report.sections] == [(1, "Alpha", "Text.")]
    assert corpus.warnings == ()


def test_empty_folder_gives_zero_reports(tmp_path: Path) -> None:
    corpus = load_corpus(tmp_path)
    assert corpus.reports == ()
    assert corpus.skipped == ()
    assert corpus.sections == []
    assert corpus.root == str(tmp_path)


def test_sections_are_ordered_by_report_then_position(tmp_path: Path) -> None:
    write(tmp_path, "b.md", REPORT)
    write(tmp_path, "a.md", REPORT)
    corpus = load_corpus(str(tmp_path))
    assert [(s.report_id, s.position) for s in corpus.sections] == [
        ("a", 1),
        ("a", 2),
        ("b", 1),
        ("b", 2),
    ]


def test_ids_stay_unique_when_an_extension_kept_id_clashes_with_a_stem(tmp_path: Path) -> None:
    for name in ("a.md", "a.txt", "a.md.txt"):
        (tmp_path / name).write_text(f"# {name}\n\n## 1. One\n\nText of {name}.\n")
    ids = sorted(r.id for r in load_corpus(tmp_path).reports)
    assert len(ids) == len(set(ids)) == 3


def test_a_link_out_of_the_folder_is_not_read(tmp_path: Path) -> None:
    """A symlink to a file outside the reports folder (a .env with a token) is skipped."""
    secret = tmp_path / "outside" / ".env"
    secret.parent.mkdir()
    secret.write_text("SLACK_BOT_TOKEN=xoxb-secret-token\n# Report\n## 1. Leak\nxoxb\n")
    folder = tmp_path / "reports"
    write(folder, "real.md", REPORT)
    (folder / "leak.md").symlink_to(secret)
    (folder / "inside.md").symlink_to(folder / "real.md")  # a link that stays inside: read
    corpus = load_corpus(folder)
    assert [r.id for r in corpus.reports] == ["inside", "real"]
    assert [(s.file, "outside" in s.reason) for s in corpus.skipped] == [("leak.md", True)]
    assert all("xoxb" not in s.text for r in corpus.reports for s in r.sections)


def test_bidi_controls_zero_width_spaces_and_nul_are_stripped(tmp_path: Path) -> None:
    text = (
        "# Quarterly \u202egnp.exe\u202c report\n\n"
        "## 1. Zero\u200bwidth\nA\x00B and 👩\u200d💻 stay.\n"
    )
    write(tmp_path, "r.md", text.encode())
    report = load_corpus(tmp_path).reports[0]
    assert report.title == "Quarterly gnp.exe report"
    assert report.sections[0].title == "Zerowidth"
    assert "AB" in report.sections[0].text and "👩\u200d💻" in report.sections[0].text
