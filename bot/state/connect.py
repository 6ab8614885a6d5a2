"""Opening the store: LLMTREND_STATE_URL → a SQLAlchemy engine (SQLite tuned, or PostgreSQL).

Every refusal names the variable, so a bad setting is one clear line at start-up.
"""

from __future__ import annotations

import contextlib
import importlib.util
import sqlite3
from pathlib import Path
from time import monotonic, sleep
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError

from bot.state.schema import migrate
from bot.state.store import StateStore

#: The environment variable a bad URL is blamed on (config reads it as `state_url`).
URL_VARIABLE = "LLMTREND_STATE_URL"
#: …and the one a bad default SQLite store is (the file lives in the data folder).
DATA_DIR_VARIABLE = "LLMTREND_DATA_DIR"
#: How long to wait for a PostgreSQL connection, and for a pooled one (seconds).
CONNECT_TIMEOUT_S = 5
#: How long a SQLite writer waits for another process's lock before failing.
SQLITE_BUSY_TIMEOUT_MS = 5000
#: PostgreSQL: a statement (or a lock wait) longer than this is cancelled by the server,
#: and a connection whose sent data goes unacknowledged this long is dropped (a database
#: behind a black hole), so no call hangs for good.
STATEMENT_TIMEOUT_MS = 5000
_POSTGRES_CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": CONNECT_TIMEOUT_S,
    "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS} "
    f"-c lock_timeout={STATEMENT_TIMEOUT_MS}",
    "tcp_user_timeout": STATEMENT_TIMEOUT_MS,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 2,
}


def _bad_url(reason: str) -> ValueError:
    return ValueError(f"{URL_VARIABLE}: {reason}")


def parse_url(url: str | None, data_dir: Path) -> URL:
    """Turn the setting into an engine URL; every refusal names the variable."""
    text = (url or "").strip()
    if not text:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # state and cache: ours alone
        return URL.create("sqlite", database=str(data_dir / "state.db"))
    try:
        parsed = make_url(text)
    except ArgumentError:
        # Do not echo the value: it may hold a password.
        raise _bad_url(
            "not a database URL; use sqlite:///path/to/state.db or "
            "postgresql://user@host:5432/dbname"
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise _bad_url("sqlite needs a file path (sqlite:///path/to/state.db), not memory")
        Path(database).expanduser().parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return parsed.set(drivername="sqlite", database=str(Path(database).expanduser()))
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        if not parsed.database:
            raise _bad_url("postgresql URL needs a database name (postgresql://user@host/db)")
        if importlib.util.find_spec("psycopg") is None:
            raise _bad_url("PostgreSQL needs the psycopg driver: pip install 'llmtrend[postgres]'")
        return parsed.set(drivername="postgresql+psycopg")
    raise _bad_url(
        f"unsupported database {parsed.drivername!r}; use sqlite:///path/to/state.db "
        "or postgresql://user@host:5432/dbname (psycopg 3)"
    )


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers and a writer share the file; busy_timeout waits for other processes.

    The driver's own transaction handling is switched off so `_sqlite_begin` decides how
    each transaction starts (the SQLAlchemy-documented pysqlite recipe).
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        _sqlite_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_wal(cursor: Any) -> None:
    """Switch the file to WAL once, retrying while another process does the same.

    Changing the journal mode needs an exclusive lock and SQLite does not always call the
    busy handler for it, so several processes creating the file at once can see "database
    is locked" at once; WAL persists in the file, so later connections skip the write.
    """
    deadline = monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or monotonic() > deadline:
                raise
            sleep(0.05)


def _sqlite_begin(conn: Connection) -> None:
    """Writers take the write lock up front (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes can fail with SQLITE_BUSY without
    waiting if another process wrote in between; taking the lock first lets busy_timeout
    queue writers instead.
    """
    immediate = conn.get_execution_options().get("llmtrend_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = sa.create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, hide_parameters=True
        )
        sa.event.listen(engine, "connect", _sqlite_on_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(
        url,
        hide_parameters=True,  # an error's text never holds a bot token being saved
        pool_pre_ping=True,
        pool_timeout=CONNECT_TIMEOUT_S,
        connect_args=_postgres_connect_args(url),
    )


def _postgres_connect_args(url: URL) -> dict[str, Any]:
    """Our timeouts, under what the URL itself says: its own `options` (a search_path, say)
    come first, and a timeout it sets wins over ours."""
    args = {k: v for k, v in _POSTGRES_CONNECT_ARGS.items() if k not in url.query}
    own = url.query.get("options")
    if own:
        own_text = " ".join(own) if isinstance(own, tuple) else own
        args["options"] = f"{own_text} {_POSTGRES_CONNECT_ARGS['options']}"
    return args


def open_store(url: str | None, data_dir: Path) -> StateStore:
    """Open (and create or migrate) the state store named by LLMTREND_STATE_URL.

    `None` or "" means a SQLite file `data_dir / "state.db"`. This blocks briefly (connect
    and migrate): call it at start-up, or through `asyncio.to_thread` from a running loop.
    """
    variable = URL_VARIABLE if (url or "").strip() else DATA_DIR_VARIABLE
    try:
        parsed = parse_url(url, data_dir)
        engine = create_engine(parsed)
    except OSError as exc:  # the data folder is a file, read-only, or not ours
        raise ValueError(
            f"{DATA_DIR_VARIABLE}: {data_dir} cannot hold the state store "
            f"({exc.strerror or type(exc).__name__})"
        ) from None
    try:
        migrate(engine)
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise ValueError(f"{variable}: the state store could not be opened ({_why(exc)})") from None
    except BaseException:
        engine.dispose()
        raise
    sqlite_file = Path(parsed.database or "") if parsed.get_backend_name() == "sqlite" else None
    if sqlite_file is not None:
        with contextlib.suppress(OSError):  # not ours to change (a shared file): leave it
            sqlite_file.chmod(0o600)  # SQLite gives its -wal and -shm files the same mode
    return StateStore(engine, sqlite_file)


def _why(exc: sa.exc.SQLAlchemyError) -> str:
    """The driver's own reason in one short line, without any URL (it may hold a password)."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [""])[0]
    words = [w for w in first.split() if "://" not in w and "@" not in w]
    return f"{type(orig).__name__}: {' '.join(words)[:200]}"
