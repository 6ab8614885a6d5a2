"""What a benchmark ran on: CPU model, cores, RAM, Python, and the measured checkout's
commit (marked when it has uncommitted changes). Every bench report heads its section
with it."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _first(path: str, prefix: str) -> str | None:
    """The value of the first `prefix: value` line of a /proc file, if any."""
    with contextlib.suppress(OSError), open(path) as f:
        for line in f:
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    return None


def _commit(checkout: Path) -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=checkout, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=checkout,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return (commit + (" (with uncommitted changes)" if dirty else "")) if commit else "unknown"


def machine(checkout: Path = ROOT) -> dict[str, str]:
    """CPU model, cores, RAM, Python, and `checkout`'s commit."""
    mem = _first("/proc/meminfo", "MemTotal")
    ram = f"{int(mem.split()[0]) / 2**20:.1f} GiB" if mem else "unknown"
    return {
        "cpu": _first("/proc/cpuinfo", "model name") or "unknown",
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "commit": _commit(checkout),
    }
