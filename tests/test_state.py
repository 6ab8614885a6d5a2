"""The state store on both backends: SQLite in tmp_path and a real PostgreSQL.

PostgreSQL tests use postgresql://postgres@127.0.0.1:5432/test unless
LLMTREND_TEST_POSTGRES_URL says otherwise; each test gets its own schema (via the URL's
`options=-csearch_path=...`), dropped afterwards, so tests never see each other's rows.
Without a reachable server those tests are skipped, except in CI with the variable set,
where a missing database must not pass silently.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

import pytest

from bot.state.connect import open_store, parse_url
from bot.state.records import AnswerRecord
from bot.state.schema import MIGRATIONS
from bot.state.store import StateStore

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TEAM = "T0001"
T = TypeVar("T")


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend (PostgreSQL: a schema of its own)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'state.db'}"
        return
    yield request.getfixturevalue("postgres_url")


@pytest.fixture
async def store(state_url: str, tmp_path: Path) -> AsyncIterator[StateStore]:
    opened = open_store(state_url, tmp_path)
    yield opened
    await opened.close()


def _together(count: int, work: Callable[[int], T]) -> list[T]:
    """Run `work(i)` in `count` threads released at the same instant (a real race)."""
    barrier = threading.Barrier(count)

    def run(index: int) -> T:
        barrier.wait(timeout=30)
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


# --- opening and migrations --------------------------------------------------------------


async def test_backend_and_schema_version(store: StateStore, state_url: str) -> None:
    assert store.backend == ("sqlite" if state_url.startswith("sqlite") else "postgresql")
    assert await store.schema_version() == len(MIGRATIONS)


async def test_migrations_run_twice(state_url: str, tmp_path: Path) -> None:
    first = open_store(state_url, tmp_path)
    assert await first.claim_event(TEAM, "Ev1", T0)
    await first.close()
    second = open_store(state_url, tmp_path)
    try:
        assert await second.schema_version() == len(MIGRATIONS)
        assert not await second.claim_event(TEAM, "Ev1", T0)
    finally:
        await second.close()


def test_two_stores_migrate_at_once(state_url: str, tmp_path: Path) -> None:
    stores = _together(4, lambda _: open_store(state_url, tmp_path))
    try:
        for opened in stores:
            assert asyncio.run(opened.schema_version()) == len(MIGRATIONS)
    finally:
        for opened in stores:
            asyncio.run(opened.close())


async def test_default_is_sqlite_in_data_dir_with_wal(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "data"
    opened = open_store(None, data_dir)
    try:
        assert opened.backend == "sqlite"
        assert await opened.claim_event(TEAM, "Ev1", T0)
    finally:
        await opened.close()
    assert (data_dir / "state.db").is_file()
    with sqlite3.connect(data_dir / "state.db") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    empty = open_store("", data_dir)
    await empty.close()


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "mysql://user@host/db",
        "postgresql+psycopg2://user@host/db",
        "postgresql://user@host",
        "sqlite://",
        "sqlite:///:memory:",
    ],
)
def test_bad_url_names_the_variable(url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="LLMTREND_STATE_URL"):
        open_store(url, tmp_path)


def test_bad_url_does_not_echo_a_password(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="LLMTREND_STATE_URL") as caught:
        open_store("mysql://user:hunter2@host/db", tmp_path)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://user@db.example:5432/app",
        "postgres://user@db.example:5432/app",
        "postgresql+psycopg://user@db.example:5432/app",
    ],
)
def test_postgresql_urls_use_psycopg3(url: str, tmp_path: Path) -> None:
    parsed = parse_url(url, tmp_path)
    assert parsed.drivername == "postgresql+psycopg"
    assert (parsed.host, parsed.port, parsed.database) == ("db.example", 5432, "app")


# --- event claims ------------------------------------------------------------------------


async def test_claim_event_once(store: StateStore) -> None:
    assert await store.claim_event(TEAM, "Ev1", T0)
    assert not await store.claim_event(TEAM, "Ev1", T0 + timedelta(seconds=5))
    assert await store.claim_event("T0002", "Ev1", T0)  # same id, other workspace
    assert await store.claim_event(TEAM, "Ev2", T0)


async def test_claim_event_concurrently_from_two_stores(state_url: str, tmp_path: Path) -> None:
    first = open_store(state_url, tmp_path)
    second = open_store(state_url, tmp_path)
    try:
        results = await asyncio.gather(
            *((first if i % 2 else second).claim_event(TEAM, "EvRace", T0) for i in range(20))
        )
        assert sum(results) == 1
    finally:
        await first.close()
        await second.close()


def test_claim_event_from_20_threads(state_url: str, tmp_path: Path) -> None:
    stores = [open_store(state_url, tmp_path), open_store(state_url, tmp_path)]
    try:
        results = _together(
            20, lambda i: asyncio.run(stores[i % 2].claim_event(TEAM, "EvThreads", T0))
        )
        assert results.count(True) == 1
        assert results.count(False) == 19
    finally:
        for opened in stores:
            asyncio.run(opened.close())


def _claim_in_process(url: str, data_dir: str, event_id: str) -> bool:
    """Open a store from scratch in a child process and claim (module level: picklable)."""

    async def run() -> bool:
        opened = open_store(url, Path(data_dir))
        try:
            return await opened.claim_event(TEAM, event_id, T0)
        finally:
            await opened.close()

    return asyncio.run(run())


def test_claim_event_from_several_processes(state_url: str, tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        results = pool.starmap(_claim_in_process, [(state_url, str(tmp_path), "EvProcesses")] * 8)
    assert results.count(True) == 1


async def test_purge_events(store: StateStore) -> None:
    assert await store.claim_event(TEAM, "old", T0 - timedelta(days=2))
    assert await store.claim_event(TEAM, "recent", T0 - timedelta(hours=1))
    assert await store.purge_events(T0 - timedelta(days=1)) == 1
    assert await store.purge_events(T0 - timedelta(days=1)) == 0
    assert await store.claim_event(TEAM, "old", T0)  # forgotten, so claimable again
    assert not await store.claim_event(TEAM, "recent", T0)


async def test_purge_compares_instants_not_wall_clocks(store: StateStore) -> None:
    plus_two = timezone(timedelta(hours=2))
    # 13:00+02:00 is 11:00 UTC: older than 11:30 UTC although its wall clock is later.
    assert await store.claim_event(TEAM, "Ev1", datetime(2025, 3, 1, 13, 0, tzinfo=plus_two))
    assert await store.purge_events(datetime(2025, 3, 1, 11, 30, tzinfo=UTC)) == 1


async def test_naive_datetimes_are_refused(store: StateStore) -> None:
    naive = datetime(2025, 3, 1, 12, 0)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="timezone-aware"):
        await store.claim_event(TEAM, "Ev1", naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        await store.purge_events(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        await store.record_reports([("r", "h")], naive)


# --- subscriptions -----------------------------------------------------------------------


async def test_subscriptions_survive_reopening(state_url: str, tmp_path: Path) -> None:
    store = open_store(state_url, tmp_path)
    try:
        created = await store.upsert_subscription(
            TEAM, "C1", time="09:00", tz="Europe/Paris", source="command", now=T0
        )
        assert created.enabled
        assert created.paused_reason is None
        assert created.created_at == created.updated_at == T0
        assert created.created_at.tzinfo is UTC
        await store.upsert_subscription(
            TEAM, "C2", time="17:30", tz="America/New_York", source="settings", now=T0
        )
        later = T0 + timedelta(hours=1)
        changed = await store.upsert_subscription(
            TEAM, "C1", time="08:15", tz="Asia/Tokyo", source="settings", now=later
        )
        assert (changed.time, changed.tz, changed.source) == ("08:15", "Asia/Tokyo", "settings")
        assert changed.created_at == T0
        assert changed.updated_at == later
        assert await store.set_subscription_enabled(
            TEAM, "C2", False, "channel_not_found", now=later
        )
        assert not await store.set_subscription_enabled(TEAM, "C404", False, "x")
    finally:
        await store.close()

    store = open_store(state_url, tmp_path)
    try:
        assert await store.get_subscription(TEAM, "C1") == changed
        paused = await store.get_subscription(TEAM, "C2")
        assert paused is not None
        assert not paused.enabled
        assert paused.paused_reason == "channel_not_found"
        assert paused.updated_at == later
        assert await store.get_subscription(TEAM, "C404") is None
        assert [s.channel_id for s in await store.list_subscriptions()] == ["C1"]
        everything = await store.list_subscriptions(enabled_only=False)
        assert [s.channel_id for s in everything] == ["C1", "C2"]
        assert await store.list_subscriptions(enabled_only=False, team_id="T9") == []

        assert await store.set_subscription_enabled(TEAM, "C2", True, "ignored")
        resumed = await store.get_subscription(TEAM, "C2")
        assert resumed is not None
        assert resumed.enabled
        assert resumed.paused_reason is None
        assert len(await store.list_subscriptions()) == 2
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("time", "tz", "source", "problem"),
    [
        ("9:00", "Europe/Paris", "command", "HH:MM"),
        ("24:00", "Europe/Paris", "command", "HH:MM"),
        ("09:00", "Mars/Olympus", "command", "time zone"),
        ("09:00", "", "command", "time zone"),
        ("09:00", "UTC", "email", "source"),
    ],
)
async def test_subscription_values_are_checked(
    store: StateStore, time: str, tz: str, source: str, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        await store.upsert_subscription(
            TEAM,
            "C1",
            time=time,
            tz=tz,
            source=source,  # type: ignore[arg-type]
            now=T0,
        )
    assert await store.get_subscription(TEAM, "C1") is None


# --- digest claims -----------------------------------------------------------------------


async def test_digest_claimed_once_across_two_stores(state_url: str, tmp_path: Path) -> None:
    day = date(2025, 3, 1)
    first = open_store(state_url, tmp_path)
    second = open_store(state_url, tmp_path)
    try:
        results = await asyncio.gather(
            *(
                (first if i % 2 else second).claim_digest(TEAM, "C1", day, f"replica-{i}", T0)
                for i in range(10)
            )
        )
        assert sum(results) == 1
        claim = await second.get_digest_claim(TEAM, "C1", day)
        assert claim is not None
        assert claim.status == "claimed"
        assert claim.claimed_by == f"replica-{results.index(True)}"
        assert claim.claimed_at == T0
        assert claim.sent_at is None
        assert claim.message_ts is None
        assert not await first.claim_digest(TEAM, "C1", day, "late", T0)
        assert await first.claim_digest(TEAM, "C1", day + timedelta(days=1), "next", T0)
        assert await first.claim_digest(TEAM, "C2", day, "other-channel", T0)
    finally:
        await first.close()
        await second.close()


def test_digest_claim_from_threads(state_url: str, tmp_path: Path) -> None:
    stores = [open_store(state_url, tmp_path), open_store(state_url, tmp_path)]
    day = date(2025, 3, 1)
    try:
        results = _together(
            12,
            lambda i: asyncio.run(stores[i % 2].claim_digest(TEAM, "C1", day, f"r{i}", T0)),
        )
        assert results.count(True) == 1
    finally:
        for opened in stores:
            asyncio.run(opened.close())


async def test_digest_status_and_last_digest(store: StateStore) -> None:
    d1, d2, d3 = date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3)
    assert await store.last_digest(TEAM, "C1") is None
    assert not await store.mark_digest_sent(TEAM, "C1", d1, "1.1", T0)  # nothing claimed

    assert await store.claim_digest(TEAM, "C1", d1, "a", T0)
    assert await store.mark_digest_sent(TEAM, "C1", d1, "1700000000.000100", T0)
    assert not await store.mark_digest_unknown(TEAM, "C1", d1)  # sent stays sent
    sent = await store.get_digest_claim(TEAM, "C1", d1)
    assert sent is not None
    assert (sent.status, sent.message_ts, sent.sent_at) == ("sent", "1700000000.000100", T0)

    later = T0 + timedelta(days=1)
    assert await store.claim_digest(TEAM, "C1", d2, "a", later)
    assert await store.mark_digest_unknown(TEAM, "C1", d2)
    unknown = await store.get_digest_claim(TEAM, "C1", d2)
    assert unknown is not None
    assert unknown.status == "unknown"
    assert await store.claim_digest(TEAM, "C1", d3, "a", later)  # still only "claimed"

    last = await store.last_digest(TEAM, "C1")
    assert last is not None
    assert last.local_date == d1

    # A reconcile that finds the uncertain post in the channel records it as sent.
    assert await store.mark_digest_sent(TEAM, "C1", d2, "1700086400.000200", later)
    last = await store.last_digest(TEAM, "C1")
    assert last is not None
    assert (last.local_date, last.message_ts, last.sent_at) == (d2, "1700086400.000200", later)
    assert await store.last_digest(TEAM, "C2") is None


# --- first-seen reports ------------------------------------------------------------------


async def test_record_reports(store: StateStore) -> None:
    assert not await store.has_any_reports()
    assert await store.reports_first_seen_since(T0 - timedelta(days=365)) == []

    first = [("a.md", "h1"), ("b.md", "h1"), ("a.md", "h1")]
    assert await store.record_reports(first, T0) == [("a.md", "h1"), ("b.md", "h1")]
    assert await store.has_any_reports()

    later = T0 + timedelta(hours=6)
    second = [("a.md", "h1"), ("a.md", "h2"), ("c.md", "h9"), ("b.md", "h1")]
    assert await store.record_reports(second, later) == [("a.md", "h2"), ("c.md", "h9")]
    assert await store.record_reports(second, later) == []
    assert await store.record_reports([], later) == []

    since = await store.reports_first_seen_since(T0 + timedelta(hours=1))
    assert since == [("a.md", "h2", later), ("c.md", "h9", later)]
    assert since[0].first_seen.tzinfo is UTC
    everything = await store.reports_first_seen_since(T0)
    assert [(r.report_id, r.content_hash) for r in everything] == [
        ("a.md", "h1"),
        ("b.md", "h1"),
        ("a.md", "h2"),
        ("c.md", "h9"),
    ]


async def test_record_reports_concurrently(state_url: str, tmp_path: Path) -> None:
    first = open_store(state_url, tmp_path)
    second = open_store(state_url, tmp_path)
    items = [(f"r{i}.md", "h") for i in range(30)]
    try:
        results = await asyncio.gather(
            first.record_reports(items, T0), second.record_reports(items, T0)
        )
        assert sorted(results[0] + results[1]) == sorted(items)
    finally:
        await first.close()
        await second.close()


# - answers, feedback and threads (issue 13) -


def _answer(answer_id: str, query: str, hits: int, at: datetime) -> AnswerRecord:
    return AnswerRecord(TEAM, answer_id, "U1", "search", query, ("004 §10",), hits, at)


async def test_one_verdict_per_user_per_answer(store: StateStore) -> None:
    await store.record_answer(_answer("a1", "crisis management", 3, T0))
    await store.record_feedback(TEAM, "a1", "U1", "up", T0)
    await store.record_feedback(TEAM, "a1", "U1", "down", T0 + timedelta(seconds=5))  # changed
    await store.record_feedback(TEAM, "a1", "U2", "down", T0)
    answers, _ = await store.feedback_since(T0 - timedelta(days=1))
    [rated] = answers
    assert (rated.answer.query, rated.up, rated.down) == ("crisis management", 0, 2)
    assert rated.answer.citations == ("004 §10",)


async def test_old_answers_and_verdicts_are_purged(store: StateStore) -> None:
    await store.record_answer(_answer("a1", "old", 1, T0 - timedelta(days=100)))
    await store.record_feedback(TEAM, "a1", "U1", "up", T0 - timedelta(days=100))
    await store.record_answer(_answer("a2", "new", 1, T0))
    assert await store.purge_answers(T0 - timedelta(days=90)) == 2
    answers, _ = await store.feedback_since(T0 - timedelta(days=365))
    assert answers == []  # a2 was never rated


async def test_questions_that_found_nothing_are_counted(store: StateStore) -> None:
    await store.record_answer(_answer("a1", "quantum gravity", 0, T0))
    await store.record_answer(_answer("a2", "quantum gravity", 0, T0))
    await store.record_answer(_answer("a3", "multimodal", 4, T0))
    await store.record_answer(_answer("a4", "old miss", 0, T0 - timedelta(days=40)))
    _, no_hits = await store.feedback_since(T0 - timedelta(days=30))
    assert [(n.query, n.count) for n in no_hits] == [("quantum gravity", 2)]


async def test_threads_are_remembered_with_their_last_question(store: StateStore) -> None:
    await store.remember_thread(TEAM, "C1", "10.1", "first", T0)
    await store.remember_thread(TEAM, "C1", "10.1", "second", T0 + timedelta(minutes=1))
    assert await store.thread_query(TEAM, "C1", "10.1", T0) == "second"
    assert await store.thread_query(TEAM, "C1", "99.9", T0) is None
    assert await store.thread_query("T0002", "C1", "10.1", T0) is None  # other workspace
    later = T0 + timedelta(days=8)
    assert await store.thread_query(TEAM, "C1", "10.1", later - timedelta(days=7)) is None
    assert await store.purge_threads(later) == 1
