"""The app's state store: event claims, digest subscriptions and claims, first-seen reports.

Why a database at all: Slack retries events (and several replicas may run), so "answer once"
and "post one digest a day" need an atomic claim shared by every process. SQLAlchemy Core
keeps one schema for SQLite (the default: a file in the data folder, fine for several
processes on one host) and PostgreSQL (several hosts).

The engine is synchronous; every public method of `StateStore` is async and runs its
blocking work in the store's own daemon threads, so the aiohttp/Bolt loop never waits on
the database, a stuck database never takes the threads answers are computed in, and every
call gives up after OPERATION_TIMEOUT_S (`StoreUnavailable`: the user is told, /healthz
fails). A SQLite file deleted or replaced under a running app is noticed before each call:
the store refuses to work on (never a silent fresh store forgetting today's claims). Every
key starts with the Slack team id, so serving several workspaces later needs no migration.
Timestamps are timezone-aware UTC in and out.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from bot.state.records import (
    AnswerFeedback,
    AnswerRecord,
    DigestClaim,
    NoHit,
    SeenReport,
    Subscription,
    SubscriptionSource,
    Verdict,
)
from bot.state.schema import (
    ANSWERS,
    DIGESTS,
    EVENTS,
    FEEDBACK,
    REPORTS,
    SUBSCRIPTIONS,
    THREADS,
    aware_utc,
    current_version,
)
from bot.workers import DaemonPool

logger = logging.getLogger(__name__)

T = TypeVar("T")
#: Rows per INSERT when recording reports (3 bound values each; SQLite allows 32,766).
_RECORD_BATCH = 1000
_HHMM = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")
#: A store call that has not answered by then is given up on (its thread is left behind).
OPERATION_TIMEOUT_S = 6.0
#: /healthz waits this long for the store's `SELECT 1`.
PING_TIMEOUT_S = 3.0
#: Threads for database calls (more than the pool's connections: some wait for one).
STORE_THREADS = 16


class StoreUnavailable(Exception):
    """The state store did not answer in time, or its file is gone: nothing was done."""


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


def _as_utc(value: Any) -> datetime:
    """An aggregate's datetime: SQLite hands back text or a naive value, PostgreSQL aware."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise TypeError(f"not a timestamp: {value!r}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _changed_one(statement: sa.Update | sa.Delete) -> Callable[[Connection], bool]:
    """Work that runs one UPDATE/DELETE: True if it changed exactly one row."""
    return lambda conn: conn.execute(statement).rowcount == 1


def _digest_key(team_id: str, channel_id: str, local_date: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        DIGESTS.c.team_id == team_id,
        DIGESTS.c.channel_id == channel_id,
        DIGESTS.c.local_date == local_date,
    )


class StateStore:
    """The async interface the app uses; one instance per process, shared by all handlers.

    Methods are safe to call concurrently: each runs in its own worker thread with its own
    pooled connection and transaction. Get one from `open_store`.
    """

    def __init__(self, engine: Engine, sqlite_file: Path | None = None) -> None:
        """Wrap an engine whose schema `open_store` has already migrated.

        `sqlite_file`: the SQLite database, whose identity (device, inode) is checked
        before every call.
        """
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        self._file = sqlite_file
        self._identity = _identity(sqlite_file) if sqlite_file else None
        self._pool = DaemonPool(STORE_THREADS, "llmtrend-store")
        self._ping: asyncio.Future[None] | None = None
        self._gone_logged = False

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (slack_sdk's installation store shares the database)."""
        return self._engine

    async def run_blocking(self, work: Callable[[], T]) -> T:
        """Other blocking database work on the store's threads, with its time limit."""
        self._check_file()
        return await self._run(work)

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql', for start-up logs and health output."""
        return self._engine.dialect.name

    # - plumbing -

    def _check_file(self) -> None:
        """Refuse to work once the SQLite file was deleted or replaced under us."""
        if self._file is None:
            return
        if _identity(self._file) != self._identity:
            if not self._gone_logged:
                self._gone_logged = True
                logger.error(
                    "the state store %s was deleted or replaced while running: refusing "
                    "reads and writes until restarted (/healthz fails meanwhile)",
                    self._file,
                )
            raise StoreUnavailable(f"the state store file {self._file} is gone")

    def _threads(self) -> DaemonPool:
        """The store's threads (new ones if used again after close: SQLAlchemy reconnects)."""
        if self._pool.closed:
            self._pool = DaemonPool(STORE_THREADS, "llmtrend-store")
        return self._pool

    async def _run(self, work: Callable[[], T], limit_s: float = OPERATION_TIMEOUT_S) -> T:
        """work() on the store's threads, given up on after `limit_s`."""
        future = asyncio.get_running_loop().run_in_executor(self._threads(), work)
        try:
            return await asyncio.wait_for(future, limit_s)
        except TimeoutError:
            raise StoreUnavailable(
                f"the state store did not answer within {limit_s:.0f} s"
            ) from None

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite); commits unless it raises.

        `preserve_rowcount` because claims are decided by rowcount, which SQLAlchemy
        otherwise only guarantees for UPDATE/DELETE (psycopg INSERTs report -1).
        """
        self._check_file()
        with self._engine.connect() as conn:
            conn.execution_options(llmtrend_write=True, preserve_rowcount=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        self._check_file()
        with self._engine.connect() as conn, conn.begin():
            yield conn

    async def _reading(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in a read transaction on a store thread: the event loop never waits."""

        def run() -> T:
            with self._read() as conn:
                return work(conn)

        return await self._run(run)

    async def _writing(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in a write transaction on a store thread: the event loop never waits."""

        def run() -> T:
            with self._write() as conn:
                return work(conn)

        return await self._run(run)

    def _insert(self, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
        """The dialect's INSERT, which has ON CONFLICT on both backends."""
        return postgresql.insert(table) if self._postgres else sqlite.insert(table)

    def _inserted(self, table: sa.Table, values: dict[str, Any]) -> Callable[[Connection], bool]:
        """Atomic insert-or-ignore: the work returns True only if it created the row."""
        statement = self._insert(table).values(**values).on_conflict_do_nothing()
        return lambda conn: conn.execute(statement).rowcount == 1

    async def ping(self) -> None:
        """`SELECT 1` within PING_TIMEOUT_S, else StoreUnavailable (for /healthz).

        One ping at a time: while one is stuck, later calls fail at once instead of
        leaving a thread each behind.
        """
        if self._ping is not None and not self._ping.done():
            raise StoreUnavailable("the state store has not answered the last health check")

        def run() -> None:
            with self._read() as conn:
                conn.execute(sa.text("SELECT 1"))

        self._ping = asyncio.get_running_loop().run_in_executor(self._threads(), run)
        try:
            await asyncio.wait_for(asyncio.shield(self._ping), PING_TIMEOUT_S)
        except TimeoutError:
            raise StoreUnavailable("the state store did not answer the health check") from None

    async def close(self) -> None:
        """Close pooled connections (the store is unusable afterwards); a stuck database
        is left behind after a few seconds rather than holding up shutdown."""
        try:
            await self._run(self._engine.dispose, limit_s=PING_TIMEOUT_S)
        except StoreUnavailable:
            logger.warning("the state store did not close in time; leaving it")
        self._pool.shutdown(wait=False)

    def dispose(self) -> None:
        """`close` for callers with no event loop (the command line)."""
        self._engine.dispose()

    async def schema_version(self) -> int:
        """The schema version recorded in the database (for health checks and tests)."""

        def run(conn: Connection) -> int:
            return current_version(conn)

        return await self._reading(run)

    # - event claims -

    async def claim_event(self, team_id: str, event_id: str, now: datetime) -> bool:
        """True for the first claimer of a Slack event, False for retries and other replicas.

        Slack redelivers an event it thinks went unanswered, possibly while the first
        delivery is still being handled; the atomic insert makes exactly one caller win.
        """
        values = {"team_id": team_id, "event_id": event_id, "claimed_at": aware_utc(now, "now")}
        return await self._writing(self._inserted(EVENTS, values))

    async def purge_events(self, before: datetime) -> int:
        """Forget claims older than `before` (Slack stops retrying within the hour)."""
        statement = sa.delete(EVENTS).where(EVENTS.c.claimed_at < aware_utc(before, "before"))

        def run(conn: Connection) -> int:
            return conn.execute(statement).rowcount

        return await self._writing(run)

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
        now = aware_utc(now, "now")
        values: dict[str, Any] = {
            "time": time,
            "tz": tz,
            "enabled": enabled,
            "paused_reason": None if enabled else paused_reason,
            "source": source,
            "updated_at": now,
        }
        statement = (
            self._insert(SUBSCRIPTIONS)
            .values(team_id=team_id, channel_id=channel_id, created_at=now, **values)
            .on_conflict_do_update(index_elements=["team_id", "channel_id"], set_=values)
        )

        def run(conn: Connection) -> Subscription:
            conn.execute(statement)
            row = conn.execute(
                sa.select(SUBSCRIPTIONS).where(
                    SUBSCRIPTIONS.c.team_id == team_id, SUBSCRIPTIONS.c.channel_id == channel_id
                )
            ).one()
            return _subscription(row)

        return await self._writing(run)

    async def get_subscription(self, team_id: str, channel_id: str) -> Subscription | None:
        """The channel's schedule, or None if it never subscribed."""
        statement = sa.select(SUBSCRIPTIONS).where(
            SUBSCRIPTIONS.c.team_id == team_id, SUBSCRIPTIONS.c.channel_id == channel_id
        )

        def run(conn: Connection) -> Subscription | None:
            row = conn.execute(statement).one_or_none()
            return None if row is None else _subscription(row)

        return await self._reading(run)

    async def list_subscriptions(
        self, enabled_only: bool = True, team_id: str | None = None
    ) -> list[Subscription]:
        """Schedules for the digest loop (enabled ones by default), in a stable order."""
        statement = sa.select(SUBSCRIPTIONS).order_by(
            SUBSCRIPTIONS.c.team_id, SUBSCRIPTIONS.c.channel_id
        )
        if enabled_only:
            statement = statement.where(SUBSCRIPTIONS.c.enabled.is_(True))
        if team_id is not None:
            statement = statement.where(SUBSCRIPTIONS.c.team_id == team_id)

        def run(conn: Connection) -> list[Subscription]:
            return [_subscription(row) for row in conn.execute(statement)]

        return await self._reading(run)

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
        moment = datetime.now(UTC) if now is None else aware_utc(now, "now")
        statement = (
            sa.update(SUBSCRIPTIONS)
            .where(SUBSCRIPTIONS.c.team_id == team_id, SUBSCRIPTIONS.c.channel_id == channel_id)
            .values(
                enabled=enabled,
                paused_reason=None if enabled else paused_reason,
                updated_at=moment,
            )
        )

        return await self._writing(_changed_one(statement))

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
            "claimed_at": aware_utc(now, "now"),
            "claimed_by": instance,
        }
        return await self._writing(self._inserted(DIGESTS, values))

    async def mark_digest_sent(
        self, team_id: str, channel_id: str, local_date: date, ts: str, now: datetime
    ) -> bool:
        """Record the posted message (from "claimed" or "unknown"); False if no such claim."""
        statement = (
            sa.update(DIGESTS)
            .where(
                _digest_key(team_id, channel_id, local_date),
                DIGESTS.c.status.in_(("claimed", "unknown")),
            )
            .values(status="sent", sent_at=aware_utc(now, "now"), message_ts=ts)
        )

        return await self._writing(_changed_one(statement))

    async def mark_digest_unknown(
        self, team_id: str, channel_id: str, local_date: date, now: datetime | None = None
    ) -> bool:
        """The post may or may not have reached Slack (e.g. a timeout): never retry blindly.

        Only a "claimed" digest moves to "unknown"; a "sent" one stays sent. With `now`,
        the wait before recovery looks in the history starts from this moment.
        """
        values: dict[str, Any] = {"status": "unknown"}
        if now is not None:
            values["claimed_at"] = aware_utc(now, "now")
        statement = (
            sa.update(DIGESTS)
            .where(_digest_key(team_id, channel_id, local_date), DIGESTS.c.status == "claimed")
            .values(**values)
        )

        return await self._writing(_changed_one(statement))

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
            sa.update(DIGESTS)
            .where(
                _digest_key(team_id, channel_id, local_date),
                DIGESTS.c.status.in_(("claimed", "unknown")),
                DIGESTS.c.claimed_at < aware_utc(stale_before, "stale_before"),
            )
            .values(status="claimed", claimed_by=instance, claimed_at=aware_utc(now, "now"))
        )
        return await self._writing(_changed_one(statement))

    async def release_digest(
        self, team_id: str, channel_id: str, local_date: date, instance: str
    ) -> bool:
        """Drop our claim when the post certainly did not happen (the channel refused it)."""
        statement = sa.delete(DIGESTS).where(
            _digest_key(team_id, channel_id, local_date),
            DIGESTS.c.status == "claimed",
            DIGESTS.c.claimed_by == instance,
        )
        return await self._writing(_changed_one(statement))

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
        moment = aware_utc(now, "now")
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
            self._insert(DIGESTS)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["team_id", "channel_id", "local_date"],
                set_={"status": "sent", "sent_at": moment, "message_ts": ts},
            )
        )

        def run(conn: Connection) -> None:
            conn.execute(statement)

        await self._writing(run)

    async def get_digest_claim(
        self, team_id: str, channel_id: str, local_date: date
    ) -> DigestClaim | None:
        """The claim for one channel and local day, or None."""
        statement = sa.select(DIGESTS).where(_digest_key(team_id, channel_id, local_date))

        def run(conn: Connection) -> DigestClaim | None:
            row = conn.execute(statement).one_or_none()
            return None if row is None else _digest(row)

        return await self._reading(run)

    async def last_digest(self, team_id: str, channel_id: str) -> DigestClaim | None:
        """The most recent digest actually sent to the channel ("what's new since then")."""
        statement = (
            sa.select(DIGESTS)
            .where(
                DIGESTS.c.team_id == team_id,
                DIGESTS.c.channel_id == channel_id,
                DIGESTS.c.status == "sent",
            )
            .order_by(DIGESTS.c.local_date.desc(), DIGESTS.c.sent_at.desc())
            .limit(1)
        )

        def run(conn: Connection) -> DigestClaim | None:
            row = conn.execute(statement).first()
            return None if row is None else _digest(row)

        return await self._reading(run)

    # - first-seen reports -

    def _record_statements(
        self, unique: list[tuple[str, str]], moment: datetime, initial: bool
    ) -> list[Any]:
        """Multi-row INSERT … ON CONFLICT DO NOTHING RETURNING, in batches.

        Only rows a statement created come back, so of two processes recording at once
        exactly one sees each pair as new; batches keep within SQLite's parameter limit.
        """
        key = (REPORTS.c.report_id, REPORTS.c.content_hash)
        return [
            self._insert(REPORTS)
            .values(
                [
                    {"report_id": rid, "content_hash": h, "first_seen": moment, "initial": initial}
                    for rid, h in unique[i : i + _RECORD_BATCH]
                ]
            )
            .on_conflict_do_nothing()
            .returning(*key)
            for i in range(0, len(unique), _RECORD_BATCH)
        ]

    async def record_reports(
        self, items: list[tuple[str, str]], now: datetime, *, initial: bool = False
    ) -> list[tuple[str, str]]:
        """Remember (report_id, content_hash) pairs; returns those never seen before.

        In input order, without duplicates. When two processes record the same pair at
        once, only one of them gets it back as new. `initial` rows are never "new" in a
        digest (the folder as it was when the app was installed).
        """
        unique = list(dict.fromkeys(items))
        statements = self._record_statements(unique, aware_utc(now, "now"), initial)

        def run(conn: Connection) -> list[tuple[str, str]]:
            created = {tuple(row) for statement in statements for row in conn.execute(statement)}
            return [pair for pair in unique if pair in created]

        return await self._writing(run)

    def record_first_seen(self, items: list[tuple[str, str]], now: datetime) -> dict[str, datetime]:
        """Record a loaded folder's reports and return when each report id was first seen.

        Blocking (the loader calls it from a worker thread, with its own time limit). The
        very first load of an installation is recorded as `initial`, so its reports are
        dated that day but never announced as new. A report id's first-seen moment is its
        earliest version's.
        """
        unique = list(dict.fromkeys(items))
        moment = aware_utc(now, "now")
        ids = sorted({rid for rid, _h in unique})
        with self._write() as conn:
            initial = conn.execute(sa.select(REPORTS.c.report_id).limit(1)).first() is None
            for statement in self._record_statements(unique, moment, initial):
                conn.execute(statement)
            first: dict[str, datetime] = {}
            for i in range(0, len(ids), _RECORD_BATCH):
                batch = ids[i : i + _RECORD_BATCH]
                rows = conn.execute(
                    sa.select(REPORTS.c.report_id, sa.func.min(REPORTS.c.first_seen))
                    .where(REPORTS.c.report_id.in_(batch))
                    .group_by(REPORTS.c.report_id)
                )
                first.update({rid: _as_utc(seen) for rid, seen in rows})
        return first

    async def reports_first_seen_since(self, t: datetime) -> list[SeenReport]:
        """Report versions first seen at or after `t`, oldest first; never the first load's."""
        statement = (
            sa.select(REPORTS)
            .where(REPORTS.c.first_seen >= aware_utc(t, "t"), REPORTS.c.initial.is_(False))
            .order_by(REPORTS.c.first_seen, REPORTS.c.report_id, REPORTS.c.content_hash)
        )

        def run(conn: Connection) -> list[SeenReport]:
            return [
                SeenReport(row.report_id, row.content_hash, row.first_seen)
                for row in conn.execute(statement)
            ]

        return await self._reading(run)

    async def has_any_reports(self) -> bool:
        """False before the first corpus load, which seeds silently instead of announcing."""
        statement = sa.select(REPORTS.c.report_id).limit(1)

        def run(conn: Connection) -> bool:
            return conn.execute(statement).first() is not None

        return await self._reading(run)

    # - answers and feedback -

    async def record_answer(self, record: AnswerRecord) -> None:
        """Keep an answer's question and citations, so its feedback says what it was about."""
        values = {
            "team_id": record.team_id,
            "answer_id": record.answer_id,
            "user_id": record.user_id,
            "kind": record.kind,
            "query": record.query[:2000],
            "citations": json.dumps(list(record.citations)),
            "hits": record.hits,
            "created_at": aware_utc(record.created_at, "created_at"),
        }
        await self._writing(self._inserted(ANSWERS, values))

    async def record_feedback(
        self, team_id: str, answer_id: str, user_id: str, verdict: Verdict, now: datetime
    ) -> None:
        """One verdict per user per answer: a second click replaces the first."""
        if verdict not in ("up", "down"):
            raise ValueError(f"verdict must be 'up' or 'down', not {verdict!r}")
        values = {
            "team_id": team_id,
            "answer_id": answer_id,
            "user_id": user_id,
            "verdict": verdict,
            "at": aware_utc(now, "now"),
        }
        statement = (
            self._insert(FEEDBACK)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["team_id", "answer_id", "user_id"],
                set_={"verdict": verdict, "at": values["at"]},
            )
        )

        def run(conn: Connection) -> None:
            conn.execute(statement)

        await self._writing(run)

    async def feedback_since(
        self, since: datetime, team_id: str | None = None
    ) -> tuple[list[AnswerFeedback], list[NoHit]]:
        """Answers since `since` with their verdicts (rated ones first), and the questions
        that found nothing, most asked first."""
        up = sa.func.sum(sa.case((FEEDBACK.c.verdict == "up", 1), else_=0))
        down = sa.func.sum(sa.case((FEEDBACK.c.verdict == "down", 1), else_=0))
        moment = aware_utc(since, "since")
        rated = (
            sa.select(ANSWERS, up.label("up"), down.label("down"))
            .join(
                FEEDBACK,
                sa.and_(
                    FEEDBACK.c.team_id == ANSWERS.c.team_id,
                    FEEDBACK.c.answer_id == ANSWERS.c.answer_id,
                ),
            )
            .where(ANSWERS.c.created_at >= moment)
            .group_by(*ANSWERS.c)
            .order_by(ANSWERS.c.created_at, ANSWERS.c.answer_id)
        )
        asked = sa.func.count().label("asked")
        missing = (
            sa.select(ANSWERS.c.query, asked)
            .where(ANSWERS.c.created_at >= moment, ANSWERS.c.hits == 0)
            .group_by(ANSWERS.c.query)
            .order_by(asked.desc(), ANSWERS.c.query)
        )
        if team_id is not None:
            rated = rated.where(ANSWERS.c.team_id == team_id)
            missing = missing.where(ANSWERS.c.team_id == team_id)

        def run(conn: Connection) -> tuple[list[AnswerFeedback], list[NoHit]]:
            answers = [
                AnswerFeedback(_answer(row), int(row.up or 0), int(row.down or 0))
                for row in conn.execute(rated)
            ]
            no_hits = [NoHit(row.query, int(row.asked)) for row in conn.execute(missing)]
            return answers, no_hits

        return await self._reading(run)

    # - threads the bot answered in -

    async def remember_thread(
        self, team_id: str, channel_id: str, thread_ts: str, query: str, now: datetime
    ) -> None:
        """The bot answered in this thread; `query` is what it answered (for follow-ups)."""
        values = {
            "team_id": team_id,
            "channel_id": channel_id,
            "thread_ts": thread_ts,
            "last_query": query[:2000],
            "updated_at": aware_utc(now, "now"),
        }
        statement = (
            self._insert(THREADS)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["team_id", "channel_id", "thread_ts"],
                set_={"last_query": values["last_query"], "updated_at": values["updated_at"]},
            )
        )

        def run(conn: Connection) -> None:
            conn.execute(statement)

        await self._writing(run)

    async def thread_query(
        self, team_id: str, channel_id: str, thread_ts: str, since: datetime
    ) -> str | None:
        """The last question answered in a thread the bot answered in since `since`."""
        statement = sa.select(THREADS.c.last_query).where(
            THREADS.c.team_id == team_id,
            THREADS.c.channel_id == channel_id,
            THREADS.c.thread_ts == thread_ts,
            THREADS.c.updated_at >= aware_utc(since, "since"),
        )

        def run(conn: Connection) -> str | None:
            found = conn.execute(statement).scalar_one_or_none()
            return None if found is None else str(found)

        return await self._reading(run)

    async def purge_answers(self, before: datetime) -> int:
        """Forget answers and verdicts older than `before` (feedback looks back 30 days)."""
        moment = aware_utc(before, "before")
        answers = sa.delete(ANSWERS).where(ANSWERS.c.created_at < moment)
        verdicts = sa.delete(FEEDBACK).where(FEEDBACK.c.at < moment)

        def run(conn: Connection) -> int:
            return int(conn.execute(answers).rowcount) + int(conn.execute(verdicts).rowcount)

        return await self._writing(run)

    async def purge_threads(self, before: datetime) -> int:
        """Forget threads not answered in since `before` (follow-ups there end)."""
        statement = sa.delete(THREADS).where(THREADS.c.updated_at < aware_utc(before, "before"))

        def run(conn: Connection) -> int:
            return conn.execute(statement).rowcount

        return await self._writing(run)


def _answer(row: sa.Row[Any]) -> AnswerRecord:
    try:
        citations = tuple(str(c) for c in json.loads(row.citations))
    except (ValueError, TypeError):
        citations = ()
    return AnswerRecord(
        team_id=row.team_id,
        answer_id=row.answer_id,
        user_id=row.user_id,
        kind=row.kind,
        query=row.query,
        citations=citations,
        hits=int(row.hits),
        created_at=row.created_at,
    )


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of a file, None if it is missing."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)
