"""The package layout holds: the core imports nothing from Slack, the cache key covers the core."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.search.cache import fingerprinted_files

BOT = Path(__file__).resolve().parents[1] / "bot"

#: Packages and modules that must work without Slack (and are tested without it).
CORE = [
    "reports",
    "text",
    "search",
    "insights",
    "state",
    "digests/content.py",
    "digests/schedule.py",
    "digests/commands.py",
    "ask",
    "render",
]
SLACK = ("slack_bolt", "slack_sdk", "bot.slack.app", "bot.slack.client", "bot.slack.observed")


def _module_file(name: str) -> Path | None:
    """bot.x.y → bot/x/y.py or bot/x/y/__init__.py (None for anything outside bot)."""
    if not name.startswith("bot"):
        return None
    base = BOT.parent / Path(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _imports(path: Path) -> set[str]:
    """Every module the file imports, at any depth of the file (lazy imports count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _reachable(path: Path) -> set[str]:
    """The modules a file imports, following imports inside bot/ transitively."""
    seen: set[Path] = set()
    names: set[str] = set()
    todo = [path]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for name in _imports(current):
            names.add(name)
            target = _module_file(name)
            if target is not None:
                todo.append(target)
    return names


def _core_files() -> list[Path]:
    files: list[Path] = []
    for entry in CORE:
        target = BOT / entry
        files.extend(sorted(target.rglob("*.py")) if target.is_dir() else [target])
    return files


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(BOT)))
def test_core_imports_nothing_from_slack(path: Path) -> None:
    slack = sorted(n for n in _reachable(path) if n.startswith(SLACK))
    assert slack == [], f"{path.relative_to(BOT)} reaches {slack}"


def test_every_subpackage_says_what_it_holds() -> None:
    for init in sorted(BOT.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc and len(doc) > 80, f"{init.relative_to(BOT)} needs a docstring"


def test_cache_key_covers_the_core_and_nothing_else() -> None:
    covered = {p.relative_to(BOT).parts[0] for p in fingerprinted_files()}
    assert covered == {"reports", "text", "search", "insights"}
    names = {p.relative_to(BOT).as_posix() for p in fingerprinted_files()}
    assert {"reports/scan.py", "text/analyzer.py", "search/index.py", "insights/trends.py"} <= names
    # What the cached engine and trends are built from must all be covered.
    engine = BOT / "search" / "live.py"
    for name in _reachable(engine):
        target = _module_file(name)
        if target is None or target.name == "__init__.py" and target.parent == BOT:
            continue
        package = target.relative_to(BOT).parts[0]
        if package in ("metrics.py", "config.py", "workers.py"):  # count, configure, run
            continue
        assert target in fingerprinted_files(), f"{target.relative_to(BOT)} builds the cache"
