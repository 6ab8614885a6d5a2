"""The loader: reads a reports folder into a `Corpus`, one file at a time.

Parsing is pure (`bot.reports.outline.parse_report`); only this module touches files, so a
broken file can be skipped with a reason while every other report still loads.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import replace
from pathlib import Path

from bot.reports.model import Corpus, Report, SkippedFile
from bot.reports.outline import parse_report

logger = logging.getLogger(__name__)

#: Files larger than this are skipped without being read whole.
MAX_FILE_BYTES = 5 * 1024 * 1024
REPORT_SUFFIXES = (".md", ".txt")
#: Characters a report must not bring into Slack: bidi overrides and isolates (they can
#: make "gnp.exe" read as "exe.png"), zero-width space, byte-order marks inside the text,
#: NUL. Zero-width (non-)joiners stay: scripts and emoji need them.
_UNSAFE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\ufeff\x00]")


def candidate_files(root: Path) -> list[Path]:
    """Report files under root, recursively, skipping hidden files and folders."""
    found: list[Path] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() in REPORT_SUFFIXES and path.is_file():
            found.append(path)
    return found


def report_ids(root: Path, files: list[Path]) -> dict[Path, str]:
    """Report id = relative path without extension; colliding ids keep their extension.

    `a.md` and `a.txt` become `a.md` and `a.txt`; should that clash with another file's
    id (`a.md.txt` → `a.md`), every file in the clash keeps its whole relative path.
    """
    rel = {f: f.relative_to(root).as_posix() for f in files}
    stems: dict[str, list[Path]] = {}
    for f in files:
        stems.setdefault(f.relative_to(root).with_suffix("").as_posix(), []).append(f)
    ids = {p: stem if len(paths) == 1 else rel[p] for stem, paths in stems.items() for p in paths}
    owners: dict[str, list[Path]] = {}
    for p, rid in ids.items():
        owners.setdefault(rid, []).append(p)
    for paths in owners.values():
        if len(paths) > 1:
            for p in paths:
                ids[p] = rel[p]
    return ids


_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])


def _looks_binary(data: bytes) -> bool:
    """Control bytes (NUL and the like, not tabs or newlines) in more than 5% of the first
    8 KiB: a binary file, not a report. A stray NUL in a text report is stripped instead."""
    head = data[:8192]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return b"\x00" in head and controls >= 2 and controls > len(head) // 20


def read_report_text(path: Path) -> tuple[str | None, str | None, str | None]:
    """Read one file: (text, skip reason, warning). Never raises for a bad file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, f"unreadable: {exc.strerror or exc}", None
    if size > MAX_FILE_BYTES:
        return None, f"too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})", None
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, f"unreadable: {exc.strerror or exc}", None
    if _looks_binary(data):
        return None, "binary file (contains NUL bytes), not a text report", None
    warning = None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        warning = "not valid UTF-8; undecodable bytes were replaced"
    text = _UNSAFE.sub("", text)
    if not text.strip():
        return None, "empty file", warning
    return text, None, warning


def inside(path: Path, root: Path) -> bool:
    """Whether a path, links followed, stays inside the (resolved) reports folder."""
    try:
        path.resolve(strict=True).relative_to(root)
    except (OSError, ValueError, RuntimeError):
        return False
    return True


def content_hash(text: str) -> str:
    """A stable hash of a report's text (first-seen records, index cache keys)."""
    return hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()


def load_corpus(root: Path | str, previous: Corpus | None = None) -> Corpus:
    """Load every report under root; a broken file is skipped with a reason, never fatal.

    With `previous` (a reload), a file that is now broken keeps its previous version in
    service (and is listed as skipped, saying so), and an unchanged file is not re-parsed.
    A reports folder that is a link (git-sync publishes each checkout by swapping one) is
    resolved once, first, so one load reads one checkout whole.
    """
    real_root = Path(root).resolve()
    root_path = real_root
    files = candidate_files(root_path)
    ids = report_ids(root_path, files)
    before = {r.path: r for r in previous.reports} if previous else {}
    reports: list[Report] = []
    skipped: list[SkippedFile] = []
    warnings: list[SkippedFile] = []

    def skip(rel: str, reason: str) -> None:
        old = before.get(rel)
        if old is not None:
            reports.append(old)
            reason = f"{reason}; the previous version is still served"
        logger.warning("skipped report %s: %s", rel, reason)
        skipped.append(SkippedFile(rel, reason))

    for path in files:
        rel = path.relative_to(root_path).as_posix()
        if not inside(path, real_root):
            skip(rel, "a link to a file outside the reports folder; not read")
            continue
        text, reason, warning = read_report_text(path)
        if warning:
            logger.warning("report %s: %s", rel, warning)
            warnings.append(SkippedFile(rel, warning))
        if text is None:
            skip(rel, reason or "unreadable")
            continue
        digest = content_hash(text)
        old = before.get(rel)
        if old is not None and old.content_hash == digest and old.id == ids[path]:
            reports.append(old)
            continue
        try:
            report = parse_report(text, report_id=ids[path], path=rel)
        except Exception as exc:  # a parser bug must not stop the other reports
            logger.exception("report %s could not be parsed", rel)
            skip(rel, f"could not be parsed ({type(exc).__name__})")
            continue
        if not report.sections:
            skip(rel, "no text found")
            continue
        reports.append(replace(report, content_hash=digest))
    reports.sort(key=lambda r: r.id)
    return Corpus(str(root_path), tuple(reports), tuple(skipped), tuple(warnings))
