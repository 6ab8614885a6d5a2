"""The schema: tables, the aware-UTC column type, and append-only migrations under a lock.

Two processes starting at once are serialised (PostgreSQL by an advisory lock, SQLite by
BEGIN IMMEDIATE), so migrations are safe with several replicas.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Engine

log = logging.getLogger(__name__)

#: PostgreSQL advisory lock key that serialises migrations across processes ("llmt").
_MIGRATION_LOCK_KEY = 0x6C6C6D74


def aware_utc(value: datetime, name: str) -> datetime:
    """Refuse naive datetimes (ambiguous across hosts) and normalise to UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")
    return value.astimezone(UTC)


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
        value = aware_utc(value, "timestamp")
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
EVENTS = _V1["event_claims"]
SUBSCRIPTIONS = _V1["subscriptions"]
DIGESTS = _V1["digest_claims"]

#: report_first_seen as migration 2 leaves it: `initial` marks the rows of the very first
#: load (the folder as it was at install time), which a digest never announces as new.
REPORTS = sa.Table(
    "report_first_seen",
    sa.MetaData(),
    sa.Column("report_id", sa.String(512), primary_key=True),
    sa.Column("content_hash", sa.String(128), primary_key=True),
    sa.Column("first_seen", UTCDateTime(), nullable=False),
    sa.Column("initial", sa.Boolean(), nullable=False, server_default=sa.false()),
)

#: What migration 1 wrote for the first load's reports before `initial` existed.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _migrate_1(conn: Connection) -> None:
    """Create the first tables."""
    metadata = sa.MetaData()
    _define_v1(metadata)
    metadata.create_all(conn)


def _migrate_2(conn: Connection) -> None:
    """Mark the first load's reports `initial`, and give them a real first-seen day.

    Version 1 stored the first load as 1970-01-01 so digests would not call it new; that
    date then showed in the Home tab. The day of this migration is the closest real day.
    """
    default = "false" if conn.dialect.name == "postgresql" else "0"
    conn.exec_driver_sql(
        f"ALTER TABLE report_first_seen ADD COLUMN initial BOOLEAN NOT NULL DEFAULT {default}"
    )
    conn.execute(
        sa.update(REPORTS)
        .where(REPORTS.c.first_seen <= _EPOCH)
        .values(initial=True, first_seen=datetime.now(UTC))
    )


def _define_v3(metadata: sa.MetaData) -> dict[str, sa.Table]:
    """The tables migration 3 adds (never edit: a later change is a new migration).

    answers: each answer sent, with its query and citations (the feedback's subject);
    feedback: one verdict per user per answer (a second click replaces it);
    threads: the threads the bot answered in, with the last question (for follow-ups).
    """
    tables = [
        sa.Table(
            "answers",
            metadata,
            sa.Column("team_id", sa.String(32), primary_key=True),
            sa.Column("answer_id", sa.String(32), primary_key=True),
            sa.Column("user_id", sa.String(32), nullable=False),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("query", sa.Text(), nullable=False),
            sa.Column("citations", sa.Text(), nullable=False),  # a JSON list
            sa.Column("hits", sa.Integer(), nullable=False),
            sa.Column("created_at", UTCDateTime(), nullable=False),
            sa.Index("ix_answers_created_at", "created_at"),
        ),
        sa.Table(
            "feedback",
            metadata,
            sa.Column("team_id", sa.String(32), primary_key=True),
            sa.Column("answer_id", sa.String(32), primary_key=True),
            sa.Column("user_id", sa.String(32), primary_key=True),
            sa.Column("verdict", sa.String(8), nullable=False),
            sa.Column("at", UTCDateTime(), nullable=False),
            sa.CheckConstraint("verdict IN ('up', 'down')", name="ck_feedback_verdict"),
        ),
        sa.Table(
            "threads",
            metadata,
            sa.Column("team_id", sa.String(32), primary_key=True),
            sa.Column("channel_id", sa.String(32), primary_key=True),
            sa.Column("thread_ts", sa.String(32), primary_key=True),
            sa.Column("last_query", sa.Text(), nullable=False),
            sa.Column("updated_at", UTCDateTime(), nullable=False),
            sa.Index("ix_threads_updated_at", "updated_at"),
        ),
    ]
    return {table.name: table for table in tables}


_V3 = _define_v3(sa.MetaData())
ANSWERS = _V3["answers"]
FEEDBACK = _V3["feedback"]
THREADS = _V3["threads"]


def _migrate_3(conn: Connection) -> None:
    """Answers, their feedback, and the threads the bot answered in."""
    metadata = sa.MetaData()
    _define_v3(metadata)
    metadata.create_all(conn)


def _define_v4(metadata: sa.MetaData) -> None:
    """The tables slack_sdk's SQLAlchemy installation and OAuth-state stores read and write
    (their shape as of slack_sdk 3.x, frozen here as a migration: the store's own lock
    creates them once, whatever replica starts first). Naive timestamps, as slack_sdk uses."""
    sa.Table(
        "slack_installations",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("enterprise_name", sa.String(200)),
        sa.Column("enterprise_url", sa.String(200)),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        sa.Column("bot_token", sa.String(200)),
        sa.Column("bot_id", sa.String(32)),
        sa.Column("bot_user_id", sa.String(32)),
        sa.Column("bot_scopes", sa.String(1000)),
        sa.Column("bot_refresh_token", sa.String(200)),
        sa.Column("bot_token_expires_at", sa.DateTime),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("user_token", sa.String(200)),
        sa.Column("user_scopes", sa.String(1000)),
        sa.Column("user_refresh_token", sa.String(200)),
        sa.Column("user_token_expires_at", sa.DateTime),
        sa.Column("incoming_webhook_url", sa.String(200)),
        sa.Column("incoming_webhook_channel", sa.String(200)),
        sa.Column("incoming_webhook_channel_id", sa.String(200)),
        sa.Column("incoming_webhook_configuration_url", sa.String(200)),
        sa.Column("is_enterprise_install", sa.Boolean, default=False, nullable=False),
        sa.Column("token_type", sa.String(32)),
        sa.Column("installed_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Index(
            "slack_installations_idx",
            "client_id",
            "enterprise_id",
            "team_id",
            "user_id",
            "installed_at",
        ),
    )
    sa.Table(
        "slack_bots",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("enterprise_name", sa.String(200)),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        sa.Column("bot_token", sa.String(200)),
        sa.Column("bot_id", sa.String(32)),
        sa.Column("bot_user_id", sa.String(32)),
        sa.Column("bot_scopes", sa.String(1000)),
        sa.Column("bot_refresh_token", sa.String(200)),
        sa.Column("bot_token_expires_at", sa.DateTime),
        sa.Column("is_enterprise_install", sa.Boolean, default=False, nullable=False),
        sa.Column("installed_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
    )
    sa.Table(
        "slack_oauth_states",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("state", sa.String(200), nullable=False),
        sa.Column("expire_at", sa.DateTime, nullable=False),
    )


def _migrate_4(conn: Connection) -> None:
    """Installations for several workspaces (Slack's OAuth flow), beside our own state."""
    metadata = sa.MetaData()
    _define_v4(metadata)
    metadata.create_all(conn)


#: Ordered migration steps: step i brings the schema to version i + 1. Append only.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _migrate_1,
    _migrate_2,
    _migrate_3,
    _migrate_4,
)


def current_version(conn: Connection) -> int:
    found = conn.execute(sa.select(sa.func.max(_SCHEMA_VERSION.c.version))).scalar_one()
    return int(found or 0)


def migrate(engine: Engine) -> int:
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
            version = current_version(conn)
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
