"""Daily digests, exactly once: a moved clock against the fake Slack Web API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.deps import Deps, build_deps
from bot.digests.content import trend_of_the_day
from bot.digests.schedule import next_run, scheduled_at
from bot.render.digest import DIGEST_EVENT_TYPE
from tests.apprunner import app_settings
from tests.slackfake import TEAM_ID, FakeSlack

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@dataclass
class MovingClock:
    """The test's clock: tests move time instead of waiting."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


async def no_sleep(_seconds: float) -> None:
    """Pacing and loop sleeps take no time under a moved clock."""


def make_deps(fake: FakeSlack, data_dir: Path, clock: MovingClock, **settings: Any) -> Deps:
    deps = build_deps(app_settings(fake, data_dir, **settings), clock=clock, sleep=no_sleep)
    deps.live.load_now()
    return deps


@pytest.fixture
async def stack(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[Callable[..., Deps]]:
    """Build as many app instances on one state folder as a test wants; closed after."""
    made: list[Deps] = []

    def build(clock: MovingClock, **settings: Any) -> Deps:
        deps = make_deps(fake_slack, tmp_path, clock, **settings)
        made.append(deps)
        return deps

    yield build
    for deps in made:
        await deps.store.close()


def posts(fake: FakeSlack, channel: str = "C1") -> list[dict[str, Any]]:
    """Digest messages that really reached the channel."""
    return [
        m
        for m in fake.history(channel)
        if (m.get("metadata") or {}).get("event_type") == DIGEST_EVENT_TYPE
    ]


async def subscribe(deps: Deps, channel: str, at: str, tz: str, now: datetime) -> None:
    await deps.store.upsert_subscription(
        TEAM_ID, channel, time=at, tz=tz, source="command", now=now
    )


async def run_until(
    deps: Deps, clock: MovingClock, end: datetime, step: timedelta
) -> list[tuple[datetime, str]]:
    """Move the clock to `end` in steps, one digest pass per step: (when, day) posted."""
    sent: list[tuple[datetime, str]] = []
    while clock.now < end:
        clock.now += step
        for done in await deps.digests.tick(clock.now):
            if done.outcome in ("sent", "recovered"):
                sent.append((clock.now, done.day.isoformat()))
    return sent


# --- the schedule maths (pure) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "at", "expected_utc"),
    [
        (
            "America/New_York",
            date(2026, 3, 8),
            time(2, 30),
            datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
        ),  # gap
        (
            "America/New_York",
            date(2026, 11, 1),
            time(1, 30),
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        ),  # twice
        (
            "Pacific/Auckland",
            date(2026, 9, 27),
            time(2, 15),
            datetime(2026, 9, 26, 14, 0, tzinfo=UTC),
        ),
        ("Asia/Kolkata", date(2026, 11, 23), time(9, 0), datetime(2026, 11, 23, 3, 30, tzinfo=UTC)),
        ("UTC", date(2026, 11, 23), time(9, 0), datetime(2026, 11, 23, 9, 0, tzinfo=UTC)),
    ],
)
def test_scheduled_instant_across_dst(tz: str, day: date, at: time, expected_utc: datetime) -> None:
    assert scheduled_at(day, at, ZoneInfo(tz)) == expected_utc


def test_next_run_skips_weekends_when_asked() -> None:
    friday_noon = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    nxt = next_run(friday_noon, time(9, 0), ZoneInfo("UTC"), weekdays_only=True)
    assert nxt == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Monday


def test_rotation_covers_distinct_trends(stack: Callable[..., Deps]) -> None:
    deps = stack(MovingClock(datetime(2026, 11, 23, tzinfo=UTC)))
    trends = deps.live.trends
    assert trends is not None and len(trends.trends) >= 7
    week = [trend_of_the_day(trends, date(2026, 11, 23) + timedelta(days=i)) for i in range(7)]
    assert len({t.label for t in week if t}) == 7
    # every channel gets the same trend on the same date
    assert trend_of_the_day(trends, date(2026, 11, 23)) == week[0]


# --- a simulated week -----------------------------------------------------------------------

WEEKS = [
    ("UTC", "09:00", date(2026, 11, 22)),
    ("America/New_York", "01:30", date(2026, 10, 29)),  # clocks fall back Nov 1
    ("Asia/Kolkata", "09:00", date(2026, 11, 22)),
    ("Pacific/Auckland", "02:30", date(2026, 9, 24)),  # 02:30 skipped on Sep 27
]


@pytest.mark.parametrize(("tz", "at", "start"), WEEKS)
async def test_one_post_per_local_day_over_a_week_with_a_restart(
    stack: Callable[..., Deps], fake_slack: FakeSlack, tz: str, at: str, start: date
) -> None:
    zone = ZoneInfo(tz)
    local_start = datetime.combine(start, time(0, 0), tzinfo=zone)
    clock = MovingClock(local_start.astimezone(UTC))
    first = stack(clock)
    await subscribe(first, "C1", at, tz, clock.now)
    step = timedelta(minutes=10)
    middle = clock.now + timedelta(days=3, hours=5)
    sent = await run_until(first, clock, middle, step)
    await first.store.close()
    second = stack(clock)  # a restart: a new process on the same state
    sent += await run_until(second, clock, local_start.astimezone(UTC) + timedelta(days=7), step)

    days = [m["metadata"]["event_payload"]["date"] for m in posts(fake_slack)]
    expected = [(local_start.date() + timedelta(days=i)).isoformat() for i in range(7)]
    assert days == expected  # one a day, every day of the week, none twice
    assert [day for _, day in sent] == expected
    hh, mm = map(int, at.split(":"))
    for when, day in sent:  # each at the first check at or after its (DST-aware) time
        due = scheduled_at(date.fromisoformat(day), time(hh, mm), zone)
        assert due <= when < due + step


async def test_a_process_down_at_the_scheduled_time_catches_up_once(
    stack: Callable[..., Deps], fake_slack: FakeSlack
) -> None:
    clock = MovingClock(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    deps = stack(clock)
    await subscribe(deps, "C1", "09:00", "UTC", clock.now)
    clock.now = datetime(2026, 11, 23, 15, 42, tzinfo=UTC)  # it was down at 09:00
    await deps.digests.tick(clock.now)
    await deps.digests.tick(clock.now + timedelta(minutes=1))
    assert len(posts(fake_slack)) == 1


async def test_subscribing_after_todays_time_first_posts_tomorrow(
    stack: Callable[..., Deps], fake_slack: FakeSlack
) -> None:
    clock = MovingClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    deps = stack(clock)
    await subscribe(deps, "C1", "09:00", "UTC", clock.now)
    await run_until(deps, clock, datetime(2026, 11, 23, 23, 50, tzinfo=UTC), timedelta(hours=1))
    assert posts(fake_slack) == []
    await run_until(deps, clock, datetime(2026, 11, 24, 9, 30, tzinfo=UTC), timedelta(minutes=20))
    assert len(posts(fake_slack)) == 1


async def test_weekdays_only_skips_the_weekend(
    stack: Callable[..., Deps], fake_slack: FakeSlack
) -> None:
    clock = MovingClock(datetime(2026, 11, 27, 0, 0, tzinfo=UTC))  # a Friday
    deps = stack(clock, digest_weekdays_only=True)
    await subscribe(deps, "C1", "09:00", "UTC", clock.now)
    await run_until(deps, clock, datetime(2026, 12, 1, 0, 0, tzinfo=UTC), timedelta(minutes=30))
    days = [m["metadata"]["event_payload"]["date"] for m in posts(fake_slack)]
    assert days == ["2026-11-27", "2026-11-30"]


# --- exactly once under failure ---------------------------------------------------------------

DUE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def due_subscription(
    stack: Callable[..., Deps], channels: tuple[str, ...] = ("C1",)
) -> tuple[Deps, MovingClock]:
    clock = MovingClock(DUE - timedelta(hours=3))
    deps = stack(clock)
    for channel in channels:
        await subscribe(deps, channel, "09:00", "UTC", clock.now)
    clock.now = DUE + timedelta(seconds=5)
    return deps, clock


async def test_a_crash_right_after_the_claim_recovers_without_a_double_post(
    stack: Callable[..., Deps], fake_slack: FakeSlack
) -> None:
    deps, clock = await due_subscription(stack)
    assert await deps.store.claim_digest(TEAM_ID, "C1", DUE.date(), "crashed", clock.now)
    await deps.digests.tick(clock.now)  # the claim is fresh: its owner may still be posting
    assert posts(fake_slack) == []
    await run_until(deps, clock, clock.now + timedelta(minutes=10), timedelta(minutes=1))
    assert len(posts(fake_slack)) == 1
    claim = await deps.store.get_digest_claim(TEAM_ID, "C1", DUE.date())
    assert claim is not None and claim.status == "sent"


async def test_a_crash_after_the_post_is_recovered_from_the_history(
    stack: Callable[..., Deps], fake_slack: FakeSlack
) -> None:
    deps, clock = await due_subscription(stack)
    assert await deps.store.claim_digest(TEAM_ID, "C1", DUE.date(), "crashed", clock.now)
    # the crashed process had posted, then died before recording it
    fake_slack.add_message(
        "C1",
        "digest",
        metadata={
            "event_type": DIGEST_EVENT_TYPE,
            "event_payload": {"date": DUE.date().isoformat()},
        },
        bot=True,
    )
    await run_until(deps, clock, clock.now + timedelta(minutes=10), timedelta(minutes=1))
    assert len(posts(fake_slack)) == 1
    assert fake_slack.calls_to("chat.postMessage") == []
    claim = await deps.store.get_digest_claim(TEAM_ID, "C1", DUE.date())
    assert claim is not None and claim.status == "sent"


@pytest.mark.parametrize("how", ["close", "503"])
async def test_a_post_whose_answer_was_lost_is_not_posted_twice(
    stack: Callable[..., Deps], fake_slack: FakeSlack, how: str
) -> None:
    deps, clock = await due_subscription(stack)
    fake_slack.drop_next("chat.postMessage", how=how)  # posted, but the answer never came
    await deps.digests.tick(clock.now)
    claim = await deps.store.get_digest_claim(TEAM_ID, "C1", DUE.date())
    assert claim is not None and claim.status == "unknown"
    await run_until(deps, clock, clock.now + timedelta(minutes=5), timedelta(seconds=30))
    assert len(posts(fake_slack)) == 1
    claim = await deps.store.get_digest_claim(TEAM_ID, "C1", DUE.date())
    assert claim is not None and claim.status == "sent"


async def test_a_failed_history_read_during_recovery_is_retried_soon(
    stack: Callable[..., Deps], fake_slack: FakeSlack
) -> None:
    deps, clock = await due_subscription(stack)
    fake_slack.drop_next("chat.postMessage", how="503")  # posted, the answer lost
    await deps.digests.tick(clock.now)
    fake_slack.fail_next("conversations.history", status=500, times=2)  # the looks fail
    await run_until(deps, clock, clock.now + timedelta(seconds=80), timedelta(seconds=20))
    assert len(fake_slack.calls_to("conversations.history")) == 2
    claim = await deps.store.get_digest_claim(TEAM_ID, "C1", DUE.date())
    assert claim is not None and claim.status == "unknown"  # not a claim left for 5 minutes
    await run_until(deps, clock, clock.now + timedelta(seconds=60), timedelta(seconds=20))
    claim = await deps.store.get_digest_claim(TEAM_ID, "C1", DUE.date())
    assert claim is not None and claim.status == "sent"  # found in the history, not 5 min on
    assert len(posts(fake_slack)) == 1


async def test_a_server_error_is_retried_and_posts_once(
    stack: Callable[..., Deps], fake_slack: FakeSlack
) -> None:
    deps, clock = await due_subscription(stack)
    fake_slack.fail_next("chat.postMessage", status=500)
    await run_until(deps, clock, clock.now + timedelta(minutes=5), timedelta(seconds=30))
    assert len(posts(fake_slack)) == 1


async def test_rate_limited_then_success_posts_once(
    stack: Callable[..., Deps], fake_slack: FakeSlack
) -> None:
    deps, clock = await due_subscription(stack)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    await deps.digests.tick(clock.now)
    assert len(posts(fake_slack)) == 1
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [429, 200]


async def test_not_in_channel_pauses_without_looping_and_others_still_post(
    stack: Callable[..., Deps], fake_slack: FakeSlack
) -> None:
    deps, clock = await due_subscription(stack, ("C1", "C2"))
    fake_slack.fail_next("chat.postMessage", status=200, error="not_in_channel")
    await run_until(deps, clock, clock.now + timedelta(hours=2), timedelta(minutes=5))
    calls = fake_slack.calls_to("chat.postMessage")
    assert [c.args["channel"] for c in calls] == ["C1", "C2"]  # C1 tried once, never again
    assert len(posts(fake_slack, "C2")) == 1
    sub = await deps.store.get_subscription(TEAM_ID, "C1")
    assert sub is not None and not sub.enabled and "invite" in (sub.paused_reason or "")


async def test_two_instances_on_one_state_file_post_once(
    stack: Callable[..., Deps], fake_slack: FakeSlack
) -> None:
    deps, clock = await due_subscription(stack, ("C1", "C2", "C3"))
    other = stack(clock)
    await asyncio.gather(deps.digests.tick(clock.now), other.digests.tick(clock.now))
    await asyncio.gather(
        deps.digests.tick(clock.now + timedelta(minutes=1)),
        other.digests.tick(clock.now + timedelta(minutes=1)),
    )
    for channel in ("C1", "C2", "C3"):
        assert len(posts(fake_slack, channel)) == 1


async def test_settings_channels_subscribe_and_a_switched_off_channel_stays_off(
    stack: Callable[..., Deps], fake_slack: FakeSlack
) -> None:
    clock = MovingClock(DUE - timedelta(hours=1))
    deps = stack(clock, digest_channels="C1,C2", digest_time="09:00")
    await deps.store.upsert_subscription(
        TEAM_ID,
        "C2",
        time="09:00",
        tz="UTC",
        source="command",
        now=clock.now,
        enabled=False,
        paused_reason="switched off with /llmtrend digest off",
    )
    await deps.digests.subscribe_from_settings(TEAM_ID)
    await deps.digests.subscribe_from_settings(TEAM_ID)  # every start-up: idempotent
    subs = {s.channel_id: s for s in await deps.store.list_subscriptions(enabled_only=False)}
    assert subs["C1"].enabled and subs["C1"].source == "settings"
    assert not subs["C2"].enabled
    await run_until(deps, clock, DUE + timedelta(minutes=30), timedelta(minutes=10))
    assert len(posts(fake_slack, "C1")) == 1 and posts(fake_slack, "C2") == []


async def test_first_load_is_not_announced_and_new_reports_are(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    import shutil

    from bot.slack.app import load_and_record

    reports = tmp_path / "reports"
    shutil.copytree(SEEDS, reports)
    clock = MovingClock(DUE - timedelta(days=2))
    deps = build_deps(
        app_settings(fake_slack, tmp_path / "data", reports_dir=reports),
        clock=clock,
        sleep=no_sleep,
    )
    try:
        await load_and_record(deps)
        await subscribe(deps, "C1", "09:00", "UTC", clock.now)
        clock.now = DUE - timedelta(days=1) + timedelta(minutes=5)
        await deps.digests.tick(clock.now)
        first = posts(fake_slack)[-1]
        assert "New since the last digest" not in str(first["blocks"])
        (reports / "005_new.md").write_text(  # noqa: ASYNC240 - a test writing a report
            "# Weekly Robotics Report\n\n## 1. Humanoid Robots\n\nHumanoid robots walk.\n"
        )
        clock.now = DUE - timedelta(hours=2)
        await load_and_record(deps)
        clock.now = DUE + timedelta(minutes=1)
        await deps.digests.tick(clock.now)
        second = posts(fake_slack)[-1]
        assert "Weekly Robotics Report" in str(second["blocks"])
    finally:
        await deps.store.close()


def test_dry_run_json_shape(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from bot.cli.main import main

    monkeypatch.setenv("LLMTREND_DATA_DIR", str(tmp_path))
    labels = []
    for day in range(23, 30):
        assert main(["digest", "--dry-run", "--json", "--date", f"2026-11-{day}"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert set(data) >= {"date", "trend_of_the_day", "new_reports", "text", "blocks"}
        assert data["date"] == f"2026-11-{day}"
        assert set(data["trend_of_the_day"]) >= {"label", "reports"}
        assert data["text"] and data["blocks"]
        labels.append(data["trend_of_the_day"]["label"])
    assert len(set(labels)) == 7


def test_send_now_without_a_token_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli.main import main

    monkeypatch.setenv("LLMTREND_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    assert main(["digest", "--send-now", "C1"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("SLACK_BOT_TOKEN is not set")
    assert main(["digest", "--dry-run", "--date", "23/11/2026"]) == 2
    assert "not a date" in capsys.readouterr().err


async def test_a_refused_post_pauses_instead_of_retrying_all_day(
    stack: Callable[..., Deps], fake_slack: FakeSlack
) -> None:
    deps, clock = await due_subscription(stack)
    fake_slack.fail_next("chat.postMessage", status=200, error="invalid_blocks")
    await run_until(deps, clock, clock.now + timedelta(hours=1), timedelta(minutes=1))
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    sub = await deps.store.get_subscription(TEAM_ID, "C1")
    assert sub is not None and not sub.enabled and "invalid_blocks" in (sub.paused_reason or "")


def test_a_digest_of_thousands_of_new_reports_fits_slack() -> None:
    from bot.digests.content import build_digest
    from bot.insights.trends import find_trends
    from bot.render.digest import digest_message
    from tests.helpers import assert_within_limits, make_engine

    reports = {
        f"2025/{i:05d}": [("Agents & <tools> " * 20, "Agents act with tools."), ("Chips", "chips")]
        for i in range(1500)
    }
    engine = make_engine(reports)
    digest = build_digest(engine, find_trends(engine.index), date(2026, 11, 23), list(reports))
    message = digest_message(digest)
    assert_within_limits(message)
    assert "1495 more new reports" in str(message["blocks"])
    assert "<tools>" not in str(message["blocks"])
