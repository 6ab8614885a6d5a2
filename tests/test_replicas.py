"""Two `llmtrend serve` processes on one PostgreSQL database: one reply, one digest.

Skipped (with how to enable them) where no PostgreSQL is reachable; in CI they run.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

from bot.state.connect import open_store
from tests.apprunner import SECRET, serve_process
from tests.slackfake import TEAM_ID, FakeSlack, app_mention_event, event_body, post_signed
from tests.test_operations import MENTION, serve_env


async def test_two_replicas_answer_each_event_once_and_post_one_digest(
    fake_slack: FakeSlack, tmp_path: Path, postgres_url: str
) -> None:
    # a channel whose digest is due right now, subscribed before its time
    store = open_store(postgres_url, tmp_path)
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    await store.upsert_subscription(
        TEAM_ID,
        "CDIGEST",
        time=f"{due:%H:%M}",
        tz="UTC",
        source="command",
        now=due - timedelta(hours=1),
    )
    env = serve_env(fake_slack, tmp_path / "a", LLMTREND_STATE_URL=postgres_url)
    env_b = {**env, "LLMTREND_DATA_DIR": str(tmp_path / "b")}
    async with AsyncExitStack() as stack:
        # both start at once: both digest loops race for the same due digest
        a, b = await asyncio.gather(
            stack.enter_async_context(serve_process(env, tmp_path / "a.log")),
            stack.enter_async_context(serve_process(env_b, tmp_path / "b.log")),
        )
        session = await stack.enter_async_context(aiohttp.ClientSession())
        # the same event to both replicas at once, as a load balancer may deliver a retry
        body = event_body(
            app_mention_event(f"{MENTION} open source", ts="42.1"), event_id="EvREPLICA1"
        )
        answers = await asyncio.gather(
            post_signed(session, a.events_url, body, SECRET),
            post_signed(session, b.events_url, body, SECRET, retry_num=1),
        )
        assert [x.status for x in answers] == [200, 200]
        await fake_slack.wait_for("chat.postMessage")
        for _ in range(100):  # both replicas' digest loops run their first pass at start
            if any(
                c.args.get("channel") == "CDIGEST" for c in fake_slack.calls_to("chat.postMessage")
            ):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(2.0)  # time for a second (wrong) post to show up
    replies = [
        c for c in fake_slack.calls_to("chat.postMessage") if c.args.get("thread_ts") == "42.1"
    ]
    digests = [
        c for c in fake_slack.calls_to("chat.postMessage") if c.args.get("channel") == "CDIGEST"
    ]
    assert len(replies) == 1, "one reply per event across replicas"
    assert len(digests) == 1, "one digest per channel per day across replicas"
    claim = await store.get_digest_claim(TEAM_ID, "CDIGEST", now.date())
    assert claim is not None and claim.status == "sent"
    await store.close()
    print(f"\nreplica A log:\n{a.logs()[-1500:]}\nreplica B log:\n{b.logs()[-1500:]}")
