"""The built engine (and its trends) on disk, so a restart with unchanged reports is fast.

Keyed by a hash of every report file's path and bytes plus the code that builds the engine:
any change to a report, or to how text is analysed and indexed, means a rebuild. A file that
is corrupt, truncated, of another version or for another corpus is ignored (and rebuilt),
never trusted. Files are written to a temporary name and renamed, so several processes may
share the folder and a reader never sees half a file.

Nothing in a cache file can run code (whoever can write the folder must not be able to
take over the app): there is no pickle, only JSON and numbers. A file is, in order:

- MAGIC;
- the header: a block (8-byte big-endian length, 4-byte CRC-32, then that many bytes) of
  JSON `{"format": FORMAT_VERSION, "key": ..., "kind": ...}`, compared before anything else
  is read, so a file for other reports or another version is never decoded;
- the manifest: a block of JSON `{"type", "meta", "arrays": [[name, dtype, length, crc32],
  ...]}` (see `bot.search.cache_format`, which turns objects into meta and arrays and back);
- each array of the manifest, in its order, as `numpy.save` writes it, read back with
  `numpy.load(allow_pickle=False)` and checked against its dtype, length and CRC-32;
- nothing else.

The folder is created 0700 and the files are 0600 (tempfile.mkstemp's mode).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import struct
import tempfile
import zlib
from pathlib import Path
from typing import IO, Any

import numpy as np

from bot import __version__
from bot.reports.loader import MAX_FILE_BYTES, candidate_files
from bot.search.cache_format import FormatError, Payload, decode, encode
from bot.text.analyzer import ANALYZER_VERSION

logger = logging.getLogger(__name__)

FORMAT_VERSION = 3
MAGIC = b"LLMTREND-CACHE\n"
#: A block starts with its length and CRC-32; a header is never longer than this.
_BLOCK = struct.Struct(">QI")
_HEADER_MAX = 4096
#: The only array types a cache holds (numbers; never objects), little-endian as written.
_DTYPES = frozenset({"|b1", "|i1", "|u1", "<i4", "<i8", "<f8"})
#: What followed MAGIC in format 1: a pickle (protocol 2+ starts with this opcode).
_PICKLE_PROTO = b"\x80"


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
    (what an older class stored may not be what the current one needs)."""
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
    """Cached objects in `folder`, one file per kind ("engine", "trends", "stream")."""

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
                    raise FormatError("not a cache file")
                if f.peek(1)[:1] == _PICKLE_PROTO:
                    logger.info("%s cache is of an older format (not read): rebuilding", kind)
                    return None
                header = json.loads(_read_block(f, _HEADER_MAX))
                if header != _header(kind, key):
                    logger.info("%s cache is for other reports or versions: rebuilding", kind)
                    return None
                return decode(_read_payload(f, os.fstat(f.fileno()).st_size))
        except FileNotFoundError:
            return None
        except Exception as exc:  # truncated, corrupt, tampered with: never trust it
            logger.warning("%s cache at %s is unusable (%s): rebuilding", kind, path, exc)
            with contextlib.suppress(OSError):
                path.unlink()
            return None

    def save(self, kind: str, key: str, value: object) -> None:
        """Write atomically: a temporary file in the same folder, fsynced, then renamed.

        TypeError for an object that is not cacheable (a bug); data that cannot be encoded
        or a disk that cannot be written only logs: a cache costs speed, never service."""
        try:
            self._make_folder()
            payload = encode(value)
            fd, tmp = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(MAGIC)
                    _write_block(f, json.dumps(_header(kind, key)).encode())
                    _write_payload(f, payload)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self._path(kind))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except (OSError, ValueError, OverflowError) as exc:  # read-only, full, odd data
            logger.warning("could not write the %s cache in %s: %s", kind, self.folder, exc)

    def _make_folder(self) -> None:
        """The folder, readable and writable by this user only (tightened if it is ours)."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = self.folder.stat()
        if info.st_mode & 0o077 and info.st_uid == os.getuid():
            os.chmod(self.folder, 0o700)


def _header(kind: str, key: str) -> dict[str, object]:
    return {"format": FORMAT_VERSION, "key": key, "kind": kind}


def _write_block(f: IO[bytes], data: bytes) -> None:
    f.write(_BLOCK.pack(len(data), zlib.crc32(data)))
    f.write(data)


def _read_block(f: IO[bytes], limit: int) -> bytes:
    """A block's bytes, checked: its length (at most limit) and CRC-32."""
    head = f.read(_BLOCK.size)
    if len(head) != _BLOCK.size:
        raise FormatError("truncated")
    size, crc = _BLOCK.unpack(head)
    if size > limit:
        raise FormatError("a block is longer than the file")
    data = f.read(size)
    if len(data) != size or zlib.crc32(data) != crc:
        raise FormatError("truncated or damaged")
    return data


def _crc(arr: np.ndarray[Any, Any]) -> int:
    return zlib.crc32(np.ascontiguousarray(arr).data)


def _write_payload(f: IO[bytes], payload: Payload) -> None:
    """The manifest (type, meta, and every array's name, dtype, length, CRC), then the arrays."""
    names = sorted(payload.arrays)
    arrays = [np.ascontiguousarray(payload.arrays[name]) for name in names]
    listed = [[n, a.dtype.str, len(a), _crc(a)] for n, a in zip(names, arrays, strict=True)]
    manifest = {"type": payload.type, "meta": payload.meta, "arrays": listed}
    _write_block(f, json.dumps(manifest, allow_nan=False).encode())
    for arr in arrays:
        np.save(f, arr, allow_pickle=False)


def _read_payload(f: IO[bytes], file_size: int) -> Payload:
    """The manifest and the arrays it lists, each checked; then the end of the file."""
    manifest = json.loads(_read_block(f, file_size))
    if not isinstance(manifest, dict) or set(manifest) != {"type", "meta", "arrays"}:
        raise FormatError("not a manifest")
    kind, meta, listed = manifest["type"], manifest["meta"], manifest["arrays"]
    if not (isinstance(kind, str) and isinstance(meta, dict) and isinstance(listed, list)):
        raise FormatError("not a manifest")
    arrays: dict[str, np.ndarray[Any, Any]] = {}
    for entry in listed:
        if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[0], str)):
            raise FormatError("not a manifest")
        name, dtype, length, crc = entry
        if dtype not in _DTYPES:
            raise FormatError(f"array {name!r} is of an unexpected type {dtype!r}")
        arr = np.load(f, allow_pickle=False)
        if not isinstance(arr, np.ndarray) or arr.dtype.str != dtype or arr.shape != (length,):
            raise FormatError(f"array {name!r} is not as listed")
        if _crc(arr) != crc:
            raise FormatError(f"array {name!r} is damaged")
        arrays[name] = arr
    if f.read(1):
        raise FormatError("trailing bytes")
    return Payload(kind, meta, arrays)
