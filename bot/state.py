"""The app's state store: event claims, digest subscriptions and claims, first-seen reports.

Why a database at all: Slack retries events (and several replicas may run), so "answer once"
and "post one digest a day" need an atomic claim shared by every process. SQLAlchemy Core
keeps one schema for SQLite (the default: a file in the data folder, fine for several
processes on one host) and PostgreSQL (several hosts).

The engine is synchronous; every public method of `StateStore` is async and runs its
blocking work in a worker thread (`asyncio.to_thread`), so the aiohttp/Bolt loop never
waits on the database. Every key starts with the Slack team id, so serving several
workspaces later needs no migration. Timestamps are timezone-aware UTC in and out.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from time import monotonic, sleep
from typing import Any, Literal, NamedTuple, cast, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, Dialect, Engine, make_url
from sqlalchemy.exc import ArgumentError

log = logging.getLogger(__name__)

#: The environment variable a bad URL is blamed on (config reads it as `state_url`).
URL_VARIABLE = "LLMTREND_STATE_URL"
#: How long a SQLite writer waits for another process's lock before failing.
SQLITE_BUSY_TIMEOUT_MS = 5000
#: PostgreSQL advisory lock key that serialises migrations across processes ("llmt").
_MIGRATION_LOCK_KEY = 0x6C6C6D74

DigestStatus = Literal["claimed", "sent", "unknown"]
SubscriptionSource = Literal["command", "settings"]
_HHMM = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


# --- values ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subscription:
    """One channel's daily digest: when (local `time` in `tz`) and whether it is on."""

    team_id: str
    channel_id: str
    time: str
    tz: str
    enabled: bool
    paused_reason: str | None
    source: SubscriptionSource
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DigestClaim:
    """Who claimed a channel's digest for one local day, and whether it was posted."""

    team_id: str
    channel_id: str
    local_date: date
    status: DigestStatus
    claimed_at: datetime
    claimed_by: str
    sent_at: datetime | None
    message_ts: str | None


class SeenReport(NamedTuple):
    """A report version and when this app first saw it (a plain tuple for callers)."""

    report_id: str
    content_hash: str
    first_seen: datetime


# --- schema ------------------------------------------------------------------------------


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Aware UTC datetimes on both backends: timestamptz on PostgreSQL, UTC text on SQLite.

    SQLite has no time-zone type, so values are normalised to UTC before they are stored
    (keeping text comparisons correct) and tagged UTC again when read. Naive values are
    refused: they are always a bug here.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store UTC; SQLite gets the naive UTC wall time."""
        if value is None:
            return None
        value = _aware(value, "timestamp")
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        """Hand back aware UTC whatever the driver returned."""
        if value is None:
            return None
        moment = cast(datetime, value)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


def _define_v1(metadata: sa.MetaData) -> dict[str, sa.Table]:
    """The tables as migration 1 creates them.

    Queries use these same definitions while the schema is at version 1. A later change must
    be a new migration step, and the query side then needs its own (current) definitions:
    never edit this function, or fresh databases would differ from migrated ones.
    """
    tables = [
        sa.Table(
            "event_claims",
            metadata,
            sa.Column("team_id", sa.String(32), primary_key=True),
            sa.Column("event_id", sa.String(255), primary_key=True),
            sa.Column("claimed_at", UTCDateTime(), nullable=False),
            sa.Index("ix_event_claims_claimed_at", "claimed_at"),
        ),
        sa.Table(
            "subscriptions",
            metadata,
            sa.Column("team_id", sa.String(32), primary_key=True),
            sa.Column("channel_id", sa.String(32), primary_key=True),
            sa.Column("time", sa.String(5), nullable=False),
            sa.Column("tz", sa.String(64), nullable=False),
            sa.Column("enabled", sa.Boolean(), nullable=False),
            sa.Column("paused_reason", sa.Text(), nullable=True),
            sa.Column("source", sa.String(16), nullable=False),
            sa.Column("created_at", UTCDateTime(), nullable=False),
            sa.Column("updated_at", UTCDateTime(), nullable=False),
            sa.CheckConstraint("source IN ('command', 'settings')", name="ck_subscriptions_source"),
        ),
        sa.Table(
            "digest_claims",
            metadata,
            sa.Column("team_id", sa.String(32), primary_key=True),
            sa.Column("channel_id", sa.String(32), primary_key=True),
            sa.Column("local_date", sa.Date(), primary_key=True),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("claimed_at", UTCDateTime(), nullable=False),
            sa.Column("claimed_by", sa.String(128), nullable=False),
            sa.Column("sent_at", UTCDateTime(), nullable=True),
            sa.Column("message_ts", sa.String(32), nullable=True),
            sa.CheckConstraint(
                "status IN ('claimed', 'sent', 'unknown')", name="ck_digest_claims_status"
            ),
        ),
        sa.Table(
            "report_first_seen",
            metadata,
            sa.Column("report_id", sa.String(512), primary_key=True),
            sa.Column("content_hash", sa.String(128), primary_key=True),
            sa.Column("first_seen", UTCDateTime(), nullable=False),
            sa.Index("ix_report_first_seen_first_seen", "first_seen"),
        ),
    ]
    return {table.name: table for table in tables}


_SCHEMA_VERSION = sa.Table(
    "schema_version",
    sa.MetaData(),
    sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("applied_at", UTCDateTime(), nullable=False),
)

_V1 = _define_v1(sa.MetaData())
_EVENTS = _V1["event_claims"]
_SUBS = _V1["subscriptions"]
_DIGESTS = _V1["digest_claims"]
_REPORTS = _V1["report_first_seen"]


def _migrate_1(conn: Connection) -> None:
    """Create the first tables."""
    metadata = sa.MetaData()
    _define_v1(metadata)
    metadata.create_all(conn)


#: Ordered migration steps: step i brings the schema to version i + 1. Append only.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_migrate_1,)


# --- opening -----------------------------------------------------------------------------


def _bad_url(reason: str) -> ValueError:
    return ValueError(f"{URL_VARIABLE}: {reason}")


def _parse_url(url: str | None, data_dir: Path) -> URL:
    """Turn the setting into an engine URL; every refusal names the variable."""
    text = (url or "").strip()
    if not text:
        data_dir.mkdir(parents=True, exist_ok=True)
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
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        return parsed.set(drivername="sqlite", database=str(Path(database).expanduser()))
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        if not parsed.database:
            raise _bad_url("postgresql URL needs a database name (postgresql://user@host/db)")
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


def _create_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        sa.event.listen(engine, "connect", _sqlite_on_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def open_store(url: str | None, data_dir: Path) -> StateStore:
    """Open (and create or migrate) the state store named by LLMTREND_STATE_URL.

    `None` or "" means a SQLite file `data_dir / "state.db"`. This blocks briefly (connect
    and migrate): call it at start-up, or through `asyncio.to_thread` from a running loop.
    """
    engine = _create_engine(_parse_url(url, data_dir))
    try:
        _migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return StateStore(engine)


def _current_version(conn: Connection) -> int:
    found = conn.execute(sa.select(sa.func.max(_SCHEMA_VERSION.c.version))).scalar_one()
    return int(found or 0)


def _migrate(engine: Engine) -> int:
    """Apply the missing migration steps in one transaction; returns the schema version.

    Two processes starting at once are serialised: PostgreSQL by a transaction-scoped
    advisory lock, SQLite by BEGIN IMMEDIATE. Whoever waits then sees the new version and
    does nothing, so running this again is harmless. DDL is transactional on both backends,
    so a failed step leaves the previous version intact.
    """
    with engine.connect() as conn:
        conn.execution_options(llmtrend_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK_KEY)))
            _SCHEMA_VERSION.create(conn, checkfirst=True)
            version = _current_version(conn)
            latest = len(MIGRATIONS)
            if version > latest:
                log.warning(
                    "state schema is at version %d, newer than this code's %d; "
                    "continuing (migrations are additive)",
                    version,
                    latest,
                )
            for number in range(version + 1, latest + 1):
                log.info("state schema: applying migration %d", number)
                MIGRATIONS[number - 1](conn)
                conn.execute(
                    sa.insert(_SCHEMA_VERSION).values(version=number, applied_at=datetime.now(UTC))
                )
            return max(version, latest)


# --- helpers -----------------------------------------------------------------------------


def _aware(value: datetime, name: str) -> datetime:
    """Refuse naive datetimes (ambiguous across hosts) and normalise to UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")
    return value.astimezone(UTC)


def _subscription(row: sa.Row[Any]) -> Subscription:
    return Subscription(
        team_id=row.team_id,
        channel_id=row.channel_id,
        time=row.time,
        tz=row.tz,
        enabled=bool(row.enabled),
        paused_reason=row.paused_reason,
        source=row.source,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _digest(row: sa.Row[Any]) -> DigestClaim:
    return DigestClaim(
        team_id=row.team_id,
        channel_id=row.channel_id,
        local_date=row.local_date,
        status=row.status,
        claimed_at=row.claimed_at,
        claimed_by=row.claimed_by,
        sent_at=row.sent_at,
        message_ts=row.message_ts,
    )


def _digest_key(team_id: str, channel_id: str, local_date: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        _DIGESTS.c.team_id == team_id,
        _DIGESTS.c.channel_id == channel_id,
        _DIGESTS.c.local_date == local_date,
    )


# --- the store ---------------------------------------------------------------------------


class StateStore:
    """The async interface the app uses; one instance per process, shared by all handlers.

    Methods are safe to call concurrently: each runs in its own worker thread with its own
    pooled connection and transaction. Get one from `open_store`.
    """

    def __init__(self, engine: Engine) -> None:
        """Wrap an engine whose schema `open_store` has already migrated."""
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql', for start-up logs and health output."""
        return self._engine.dialect.name

    # - plumbing -

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite); commits unless it raises.

        `preserve_rowcount` because claims are decided by rowcount, which SQLAlchemy
        otherwise only guarantees for UPDATE/DELETE (psycopg INSERTs report -1).
        """
        with self._engine.connect() as conn:
            conn.execution_options(llmtrend_write=True, preserve_rowcount=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def _insert(self, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
        """The dialect's INSERT, which has ON CONFLICT on both backends."""
        return postgresql.insert(table) if self._postgres else sqlite.insert(table)

    def _update(self, statement: sa.Update | sa.Delete) -> bool:
        """Run one UPDATE/DELETE in a write transaction: True if it changed exactly a row."""
        with self._write() as conn:
            return conn.execute(statement).rowcount == 1

    def _insert_new(self, table: sa.Table, values: dict[str, Any]) -> bool:
        """Atomic insert-or-ignore: True only if this call created the row."""
        statement = self._insert(table).values(**values).on_conflict_do_nothing()
        with self._write() as conn:
            return conn.execute(statement).rowcount == 1

    async def close(self) -> None:
        """Close pooled connections (the store is unusable afterwards)."""
        await asyncio.to_thread(self._engine.dispose)

    async def schema_version(self) -> int:
        """The schema version recorded in the database (for health checks and tests)."""

        def run() -> int:
            with self._read() as conn:
                return _current_version(conn)

        return await asyncio.to_thread(run)

    # - event claims -

    async def claim_event(self, team_id: str, event_id: str, now: datetime) -> bool:
        """True for the first claimer of a Slack event, False for retries and other replicas.

        Slack redelivers an event it thinks went unanswered, possibly while the first
        delivery is still being handled; the atomic insert makes exactly one caller win.
        """
        values = {"team_id": team_id, "event_id": event_id, "claimed_at": _aware(now, "now")}
        return await asyncio.to_thread(self._insert_new, _EVENTS, values)

    async def purge_events(self, before: datetime) -> int:
        """Forget claims older than `before` (Slack stops retrying within the hour)."""
        statement = sa.delete(_EVENTS).where(_EVENTS.c.claimed_at < _aware(before, "before"))

        def run() -> int:
            with self._write() as conn:
                return conn.execute(statement).rowcount

        return await asyncio.to_thread(run)

    # - subscriptions -

    async def upsert_subscription(
        self,
        team_id: str,
        channel_id: str,
        *,
        time: str,
        tz: str,
        source: SubscriptionSource,
        now: datetime,
        enabled: bool = True,
        paused_reason: str | None = None,
    ) -> Subscription:
        """Create or replace a channel's digest schedule; keeps the original `created_at`.

        Raises ValueError for a time that is not "HH:MM", an unknown IANA zone or source,
        so a typo is reported to the user instead of silently never firing.
        """
        if not _HHMM.fullmatch(time):
            raise ValueError(f"time must be HH:MM (24-hour), got {time!r}")
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {tz!r}; use an IANA name such as Europe/Paris"
            ) from None
        if source not in get_args(SubscriptionSource):
            raise ValueError(f"source must be 'command' or 'settings', got {source!r}")
        now = _aware(now, "now")
        values: dict[str, Any] = {
            "time": time,
            "tz": tz,
            "enabled": enabled,
            "paused_reason": None if enabled else paused_reason,
            "source": source,
            "updated_at": now,
        }
        statement = (
            self._insert(_SUBS)
            .values(team_id=team_id, channel_id=channel_id, created_at=now, **values)
            .on_conflict_do_update(index_elements=["team_id", "channel_id"], set_=values)
        )

        def run() -> Subscription:
            with self._write() as conn:
                conn.execute(statement)
                row = conn.execute(
                    sa.select(_SUBS).where(
                        _SUBS.c.team_id == team_id, _SUBS.c.channel_id == channel_id
                    )
                ).one()
                return _subscription(row)

        return await asyncio.to_thread(run)

    async def get_subscription(self, team_id: str, channel_id: str) -> Subscription | None:
        """The channel's schedule, or None if it never subscribed."""
        statement = sa.select(_SUBS).where(
            _SUBS.c.team_id == team_id, _SUBS.c.channel_id == channel_id
        )

        def run() -> Subscription | None:
            with self._read() as conn:
                row = conn.execute(statement).one_or_none()
                return None if row is None else _subscription(row)

        return await asyncio.to_thread(run)

    async def list_subscriptions(
        self, enabled_only: bool = True, team_id: str | None = None
    ) -> list[Subscription]:
        """Schedules for the digest loop (enabled ones by default), in a stable order."""
        statement = sa.select(_SUBS).order_by(_SUBS.c.team_id, _SUBS.c.channel_id)
        if enabled_only:
            statement = statement.where(_SUBS.c.enabled.is_(True))
        if team_id is not None:
            statement = statement.where(_SUBS.c.team_id == team_id)

        def run() -> list[Subscription]:
            with self._read() as conn:
                return [_subscription(row) for row in conn.execute(statement)]

        return await asyncio.to_thread(run)

    async def set_subscription_enabled(
        self,
        team_id: str,
        channel_id: str,
        enabled: bool,
        paused_reason: str | None = None,
        *,
        now: datetime | None = None,
    ) -> bool:
        """Pause (with a reason, e.g. "channel_not_found") or resume; False if none exists.

        Resuming clears the reason, so a stale one never shows next to a working digest.
        """
        moment = datetime.now(UTC) if now is None else _aware(now, "now")
        statement = (
            sa.update(_SUBS)
            .where(_SUBS.c.team_id == team_id, _SUBS.c.channel_id == channel_id)
            .values(
                enabled=enabled,
                paused_reason=None if enabled else paused_reason,
                updated_at=moment,
            )
        )

        return await asyncio.to_thread(self._update, statement)

    # - digest claims -

    async def claim_digest(
        self, team_id: str, channel_id: str, local_date: date, instance: str, now: datetime
    ) -> bool:
        """True for the one process that may post this channel's digest for `local_date`.

        A crashed claimer leaves the claim at "claimed"; recovery is the caller's choice
        (it can read `get_digest_claim`), never a second automatic post.
        """
        values = {
            "team_id": team_id,
            "channel_id": channel_id,
            "local_date": local_date,
            "status": "claimed",
            "claimed_at": _aware(now, "now"),
            "claimed_by": instance,
        }
        return await asyncio.to_thread(self._insert_new, _DIGESTS, values)

    async def mark_digest_sent(
        self, team_id: str, channel_id: str, local_date: date, ts: str, now: datetime
    ) -> bool:
        """Record the posted message (from "claimed" or "unknown"); False if no such claim."""
        statement = (
            sa.update(_DIGESTS)
            .where(
                _digest_key(team_id, channel_id, local_date),
                _DIGESTS.c.status.in_(("claimed", "unknown")),
            )
            .values(status="sent", sent_at=_aware(now, "now"), message_ts=ts)
        )

        return await asyncio.to_thread(self._update, statement)

    async def mark_digest_unknown(
        self, team_id: str, channel_id: str, local_date: date, now: datetime | None = None
    ) -> bool:
        """The post may or may not have reached Slack (e.g. a timeout): never retry blindly.

        Only a "claimed" digest moves to "unknown"; a "sent" one stays sent. With `now`,
        the wait before recovery looks in the history starts from this moment.
        """
        values: dict[str, Any] = {"status": "unknown"}
        if now is not None:
            values["claimed_at"] = _aware(now, "now")
        statement = (
            sa.update(_DIGESTS)
            .where(_digest_key(team_id, channel_id, local_date), _DIGESTS.c.status == "claimed")
            .values(**values)
        )

        return await asyncio.to_thread(self._update, statement)

    async def take_over_digest(
        self,
        team_id: str,
        channel_id: str,
        local_date: date,
        instance: str,
        stale_before: datetime,
        now: datetime,
    ) -> bool:
        """Atomically become the owner of a digest whose outcome is not known.

        A claim still "claimed" since before `stale_before` (its process crashed) or marked
        "unknown" (a post whose answer was lost) may be recovered by exactly one process:
        the one whose compare-and-set wins here. It must then look before posting again.
        """
        statement = (
            sa.update(_DIGESTS)
            .where(
                _digest_key(team_id, channel_id, local_date),
                _DIGESTS.c.status.in_(("claimed", "unknown")),
                _DIGESTS.c.claimed_at < _aware(stale_before, "stale_before"),
            )
            .values(status="claimed", claimed_by=instance, claimed_at=_aware(now, "now"))
        )
        return await asyncio.to_thread(self._update, statement)

    async def release_digest(
        self, team_id: str, channel_id: str, local_date: date, instance: str
    ) -> bool:
        """Drop our claim when the post certainly did not happen (the channel refused it)."""
        statement = sa.delete(_DIGESTS).where(
            _digest_key(team_id, channel_id, local_date),
            _DIGESTS.c.status == "claimed",
            _DIGESTS.c.claimed_by == instance,
        )
        return await asyncio.to_thread(self._update, statement)

    async def record_digest_sent(
        self,
        team_id: str,
        channel_id: str,
        local_date: date,
        instance: str,
        ts: str,
        now: datetime,
    ) -> None:
        """Count a digest posted on demand (`--send-now`) as that day's, whatever was there."""
        moment = _aware(now, "now")
        values = {
            "team_id": team_id,
            "channel_id": channel_id,
            "local_date": local_date,
            "status": "sent",
            "claimed_at": moment,
            "claimed_by": instance,
            "sent_at": moment,
            "message_ts": ts,
        }
        statement = (
            self._insert(_DIGESTS)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["team_id", "channel_id", "local_date"],
                set_={"status": "sent", "sent_at": moment, "message_ts": ts},
            )
        )

        def run() -> None:
            with self._write() as conn:
                conn.execute(statement)

        await asyncio.to_thread(run)

    async def get_digest_claim(
        self, team_id: str, channel_id: str, local_date: date
    ) -> DigestClaim | None:
        """The claim for one channel and local day, or None."""
        statement = sa.select(_DIGESTS).where(_digest_key(team_id, channel_id, local_date))

        def run() -> DigestClaim | None:
            with self._read() as conn:
                row = conn.execute(statement).one_or_none()
                return None if row is None else _digest(row)

        return await asyncio.to_thread(run)

    async def last_digest(self, team_id: str, channel_id: str) -> DigestClaim | None:
        """The most recent digest actually sent to the channel ("what's new since then")."""
        statement = (
            sa.select(_DIGESTS)
            .where(
                _DIGESTS.c.team_id == team_id,
                _DIGESTS.c.channel_id == channel_id,
                _DIGESTS.c.status == "sent",
            )
            .order_by(_DIGESTS.c.local_date.desc(), _DIGESTS.c.sent_at.desc())
            .limit(1)
        )

        def run() -> DigestClaim | None:
            with self._read() as conn:
                row = conn.execute(statement).first()
                return None if row is None else _digest(row)

        return await asyncio.to_thread(run)

    # - first-seen reports -

    async def record_reports(
        self, items: list[tuple[str, str]], now: datetime
    ) -> list[tuple[str, str]]:
        """Remember (report_id, content_hash) pairs; returns those never seen before.

        In input order, without duplicates. When two processes record the same pair at
        once, only one of them gets it back as new.
        """
        moment = _aware(now, "now")
        unique = list(dict.fromkeys(items))

        def run() -> list[tuple[str, str]]:
            new: list[tuple[str, str]] = []
            with self._write() as conn:
                for report_id, content_hash in unique:
                    statement = (
                        self._insert(_REPORTS)
                        .values(report_id=report_id, content_hash=content_hash, first_seen=moment)
                        .on_conflict_do_nothing()
                    )
                    if conn.execute(statement).rowcount == 1:
                        new.append((report_id, content_hash))
            return new

        return await asyncio.to_thread(run)

    async def reports_first_seen_since(self, t: datetime) -> list[SeenReport]:
        """Report versions first seen at or after `t`, oldest first."""
        statement = (
            sa.select(_REPORTS)
            .where(_REPORTS.c.first_seen >= _aware(t, "t"))
            .order_by(_REPORTS.c.first_seen, _REPORTS.c.report_id, _REPORTS.c.content_hash)
        )

        def run() -> list[SeenReport]:
            with self._read() as conn:
                return [
                    SeenReport(row.report_id, row.content_hash, row.first_seen)
                    for row in conn.execute(statement)
                ]

        return await asyncio.to_thread(run)

    async def has_any_reports(self) -> bool:
        """False before the first corpus load, which seeds silently instead of announcing."""
        statement = sa.select(_REPORTS.c.report_id).limit(1)

        def run() -> bool:
            with self._read() as conn:
                return conn.execute(statement).first() is not None

        return await asyncio.to_thread(run)
