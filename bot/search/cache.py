"""The built engine (and its trends) on disk, so a restart with unchanged reports is fast.

Keyed by a hash of every report file's path and bytes plus the code that builds the engine:
any change to a report, or to how text is analysed and indexed, means a rebuild. A file that
is corrupt, truncated, of another version or for another corpus is ignored (and rebuilt),
never trusted. Files are written to a temporary name and renamed, so several processes may
share the folder and a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from bot import __version__
from bot.reports.loader import MAX_FILE_BYTES, candidate_files
from bot.text.analyzer import ANALYZER_VERSION

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
MAGIC = b"LLMTREND-CACHE\n"


#: The packages that compute or define what is cached (the engine and its trends). Rendering,
#: Slack wiring and the command line are left out: changing them must not force a rebuild.
FINGERPRINTED = ("reports", "text", "search", "insights")


def fingerprinted_files() -> list[Path]:
    """Every module of the packages in FINGERPRINTED, in a stable order."""
    bot_dir = Path(__file__).resolve().parents[1]
    return [path for package in FINGERPRINTED for path in sorted((bot_dir / package).rglob("*.py"))]


@functools.cache
def code_fingerprint() -> str:
    """A hash of the code that builds what is cached: any change to it means a rebuild
    (a pickle of an older class would load, then fail when used)."""
    bot_dir = Path(__file__).resolve().parents[1]
    digest = hashlib.blake2b(digest_size=16)
    for path in fingerprinted_files():
        rel = path.relative_to(bot_dir).as_posix()
        digest.update(len(rel).to_bytes(4, "big") + rel.encode())
        data = path.read_bytes()
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def corpus_key(root: Path) -> str:
    """A hash of the reports folder's files (paths and contents) and our code."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{FORMAT_VERSION}:{ANALYZER_VERSION}:{__version__}".encode())
    digest.update(code_fingerprint().encode())
    for path in candidate_files(root):
        rel = path.relative_to(root).as_posix().encode()
        digest.update(len(rel).to_bytes(4, "big") + rel)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:  # skipped by the loader anyway: its size will do
                digest.update(b"big" + size.to_bytes(8, "big"))
                continue
            data = path.read_bytes()
        except OSError as exc:
            digest.update(f"unreadable:{exc.errno}".encode())
            continue
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class IndexCache:
    """Pickled objects in `folder`, one file per kind ("engine", "trends")."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, kind: str) -> Path:
        return self.folder / f"{kind}.cache"

    def load(self, kind: str, key: str) -> Any | None:
        """The cached object for this key, or None (missing, stale or damaged)."""
        path = self._path(kind)
        try:
            with path.open("rb") as f:
                if f.read(len(MAGIC)) != MAGIC:
                    raise ValueError("not a cache file")
                header = pickle.load(f)
                if header != {"format": FORMAT_VERSION, "key": key}:
                    logger.info("%s cache is for other reports or versions: rebuilding", kind)
                    return None
                return pickle.load(f)
        except FileNotFoundError:
            return None
        except Exception as exc:  # truncated, corrupt, unpicklable: never trust it
            logger.warning("%s cache at %s is unusable (%s): rebuilding", kind, path, exc)
            with contextlib.suppress(OSError):
                path.unlink()
            return None

    def save(self, kind: str, key: str, value: Any) -> None:
        """Write atomically: a temporary file in the same folder, then rename."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(MAGIC)
                    pickle.dump({"format": FORMAT_VERSION, "key": key}, f)
                    pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self._path(kind))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:  # a read-only or full disk costs speed, not service
            logger.warning("could not write the %s cache in %s: %s", kind, self.folder, exc)
