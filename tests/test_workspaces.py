"""Several workspaces through Slack's OAuth flow (issue 15), end to end over real HTTP
against the fake Slack (which answers oauth.v2.access as Slack does and records the token
each call carries)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.deps import Deps, build_deps
from tests.apprunner import RunningApp, app_settings, run_app
from tests.slackfake import (
    BOT_USER_ID,
    FakeSlack,
    app_mention_event,
    event_body,
    slash_command_body,
)

CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "0123456789abcdef0123456789abcdef"
NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


def oauth_settings(fake: FakeSlack, data: Path, **extra: object):  # type: ignore[no-untyped-def]
    return app_settings(
        fake,
        data,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        **extra,
    )


@pytest.fixture
async def oauth_app(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[RunningApp]:
    settings = oauth_settings(fake_slack, tmp_path / "data")
    async with run_app(settings, fake_slack) as app:
        yield app


async def install(app: RunningApp, team: str) -> str:
    """The "Add to Slack" page, then Slack's redirect back with a code: the success page."""
    async with app.session.get(f"{app.url}/slack/install", allow_redirects=False) as resp:
        assert resp.status == 200
        page = await resp.text()
        cookie = resp.headers.get("Set-Cookie", "").split(";")[0]
    match = re.search(r"state=([A-Za-z0-9_\-]+)", page)
    assert match, page
    state = match.group(1)
    code = f"code-{team}"
    app.fake.add_install_code(code, team)
    url = f"{app.url}/slack/oauth_redirect?code={code}&state={state}"
    async with app.session.get(url, headers={"Cookie": cookie}) as resp:
        assert resp.status == 200, await resp.text()
    return state


async def test_two_workspaces_each_answered_with_their_own_token(
    oauth_app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await install(oauth_app, "TA")
    await install(oauth_app, "TB")
    for team in ("TA", "TB"):
        command = await oauth_app.post(slash_command_body("multimodal", team_id=team))
        assert command.status == 200 and "multimodal" in command.text.lower()
        mention = app_mention_event(f"<@{BOT_USER_ID}> multimodal", ts=f"1.{len(team)}{team}")
        await oauth_app.post(event_body(mention, team_id=team))
    await oauth_app.settle()
    tokens = [c.token for c in oauth_app.fake.calls_to("chat.postMessage")]
    assert tokens == [oauth_app.fake.token_of("TA"), oauth_app.fake.token_of("TB")]
    logged = caplog.text
    assert "installed in workspace TA" in logged and "installed in workspace TB" in logged
    assert "xoxb-" not in logged  # tokens never reach a log line


async def test_a_bad_or_replayed_state_is_refused_with_a_page(oauth_app: RunningApp) -> None:
    state = await install(oauth_app, "TA")
    oauth_app.fake.add_install_code("again", "TC")
    replay = f"{oauth_app.url}/slack/oauth_redirect?code=again&state={state}"
    async with oauth_app.session.get(replay) as resp:
        assert resp.status >= 400
        assert "<html" in (await resp.text()).lower()
    forged = f"{oauth_app.url}/slack/oauth_redirect?code=again&state=forged"
    async with oauth_app.session.get(forged) as resp:
        assert resp.status >= 400
    assert await oauth_app.deps.installations.bot_token("TC") is None  # type: ignore[union-attr]


async def test_digests_go_out_with_their_workspaces_token_and_stop_at_uninstall(
    oauth_app: RunningApp,
) -> None:
    await install(oauth_app, "TA")
    await install(oauth_app, "TB")
    deps = oauth_app.deps
    for team in ("TA", "TB"):
        await deps.store.upsert_subscription(
            team, f"C{team}", time="09:00", tz="UTC", source="command", now=NOW.replace(hour=8)
        )
    posted = await deps.digests.tick(NOW)
    assert {p.channel for p in posted if p.outcome == "sent"} == {"CTA", "CTB"}
    digests = {c.args["channel"]: c.token for c in oauth_app.fake.calls_to("chat.postMessage")}
    assert digests == {"CTA": oauth_app.fake.token_of("TA"), "CTB": oauth_app.fake.token_of("TB")}
    uninstall = {"type": "app_uninstalled", "event_ts": "2.2"}
    assert (await oauth_app.post(event_body(uninstall, team_id="TA"))).status == 200
    await oauth_app.settle()
    assert await deps.installations.bot_token("TA") is None  # type: ignore[union-attr]
    assert await deps.installations.bot_token("TB")  # type: ignore[union-attr]
    [a] = await deps.store.list_subscriptions(enabled_only=False, team_id="TA")
    [b] = await deps.store.list_subscriptions(enabled_only=False, team_id="TB")
    assert not a.enabled and b.enabled
    await install(oauth_app, "TA")  # installed again: its digests resume
    [a] = await deps.store.list_subscriptions(enabled_only=False, team_id="TA")
    assert a.enabled


async def test_two_replicas_on_postgres_see_the_same_installations(
    fake_slack: FakeSlack, tmp_path: Path, postgres_url: str
) -> None:
    first = oauth_settings(fake_slack, tmp_path / "one", state_url=postgres_url)
    second = oauth_settings(fake_slack, tmp_path / "two", state_url=postgres_url)
    other: Deps = build_deps(second)
    try:
        async with run_app(first, fake_slack) as app:
            await install(app, "TA")
        assert other.installations is not None
        assert await other.installations.bot_token("TA") == fake_slack.token_of("TA")
    finally:
        await other.store.close()


def test_serve_needs_one_mode_not_both_nor_neither(tmp_path: Path) -> None:
    from bot.config import Settings
    from bot.slack.app import StartupError, require_slack_settings

    both = Settings(
        data_dir=tmp_path,
        slack_bot_token="xoxb-1",
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_signing_secret="s",
    )
    with pytest.raises(StartupError, match="SLACK_BOT_TOKEN and SLACK_CLIENT_ID"):
        require_slack_settings(both, mode="http")
    neither = Settings(data_dir=tmp_path, slack_signing_secret="s")
    with pytest.raises(StartupError, match="SLACK_BOT_TOKEN"):
        require_slack_settings(neither, mode="http")
    bad = Settings(data_dir=tmp_path, slack_client_id="x", slack_client_secret=CLIENT_SECRET)
    with pytest.raises(StartupError, match="SLACK_CLIENT_ID"):
        require_slack_settings(bad, mode="http")
    socket = Settings(data_dir=tmp_path, slack_client_id=CLIENT_ID, slack_client_secret="y")
    with pytest.raises(StartupError, match="Socket Mode serves one workspace"):
        require_slack_settings(socket, mode="socket")


async def test_send_now_needs_a_team_with_several_workspaces(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    from tests.apprunner import run_cli

    env = {
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "LLMTREND_DATA_DIR": str(tmp_path / "data"),
    }
    code, _out, err = await run_cli("digest", "--send-now", "C1", env=env)
    assert code == 2 and "--team" in err
    code, _out, err = await run_cli("digest", "--send-now", "C1", "--team", "TZ", env=env)
    assert code == 2 and "not installed" in err


async def test_a_rotating_bot_token_is_refreshed_before_it_expires(oauth_app: RunningApp) -> None:
    oauth_app.fake.rotation = True  # the app has token rotation on: 60-second tokens
    await install(oauth_app, "TA")
    mention = app_mention_event(f"<@{BOT_USER_ID}> multimodal", ts="9.1")
    await oauth_app.post(event_body(mention, team_id="TA"))
    await oauth_app.settle()
    refreshed = [c for c in oauth_app.fake.calls_to("oauth.v2.access") if c.args.get("grant_type")]
    assert refreshed and refreshed[0].args["grant_type"] == "refresh_token"
    [reply] = oauth_app.fake.calls_to("chat.postMessage")
    assert reply.token is not None and "-rotated-" in reply.token  # the fresh token


async def test_a_digest_refreshes_a_rotating_token_first(oauth_app: RunningApp) -> None:
    oauth_app.fake.rotation = True
    await install(oauth_app, "TA")
    deps = oauth_app.deps
    await deps.store.upsert_subscription(
        "TA", "CTA", time="09:00", tz="UTC", source="command", now=NOW.replace(hour=8)
    )
    await deps.digests.tick(NOW)  # the workspace's only traffic today: no request refreshed it
    [post] = oauth_app.fake.calls_to("chat.postMessage")
    assert post.token is not None and "-rotated-" in post.token
