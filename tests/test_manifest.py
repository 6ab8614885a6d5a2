"""The manifests are the contract: what the app registers and what Slack sends must agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Settings
from bot.deps import build_deps
from bot.slack.app import EVENTS_PATH, create_app
from handlers import Registered

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
MANIFESTS = ["manifest.yml", "manifest.http.yml"]

#: The bot scope each registered surface needs.
EVENT_SCOPES: dict[str, str | None] = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "app_home_opened": None,
    "app_uninstalled": None,
    "tokens_revoked": None,
}


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory) -> Registered:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data"), slack_signing_secret="s", slack_bot_token="xoxb-t"
    )
    _app, registered = create_app(settings, build_deps(settings))
    return registered


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((DEPLOY / name).read_text())
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("name", MANIFESTS)
def test_commands_match(name: str, registered: Registered) -> None:
    manifest = load(name)
    declared = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert sorted(declared) == sorted(registered.commands)


@pytest.mark.parametrize("name", MANIFESTS)
def test_events_match(name: str, registered: Registered) -> None:
    events = load(name)["settings"]["event_subscriptions"]["bot_events"]
    assert sorted(events) == sorted(registered.events)


@pytest.mark.parametrize("name", MANIFESTS)
def test_scopes_cover_what_the_app_uses(name: str, registered: Registered) -> None:
    manifest = load(name)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write"} <= scopes
    # digest recovery reads the channel's history; `digest on` checks membership
    assert {"channels:history", "groups:history", "channels:read", "groups:read"} <= scopes
    for event in registered.events:
        needed = EVENT_SCOPES[event]
        assert needed is None or needed in scopes, event
    assert manifest["settings"]["interactivity"]["is_enabled"] is bool(registered.actions)


@pytest.mark.parametrize("name", MANIFESTS)
def test_people_can_message_the_bot_and_see_the_home_tab(name: str) -> None:
    home = load(name)["features"]["app_home"]
    assert home["home_tab_enabled"] is True
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False


@pytest.mark.parametrize("name", MANIFESTS)
def test_the_agent_view_and_its_scope_are_declared(name: str) -> None:
    manifest = load(name)
    agent = manifest["features"]["agent_view"]
    assert agent["agent_description"].strip()
    assert 1 <= len(agent["suggested_prompts"]) <= 4
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # suggested prompts need assistant:write; the admins' Home summary needs users.info
    assert {"assistant:write", "users:read", "mpim:history", "mpim:read"} <= scopes
    assert not {"im:read", "im:write"} & scopes  # nothing uses them


@pytest.mark.parametrize("name", MANIFESTS)
def test_the_install_flow_asks_for_the_manifests_scopes(name: str) -> None:
    from bot.slack.ids import BOT_SCOPES

    assert sorted(load(name)["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)


def test_the_http_manifest_names_the_oauth_redirect() -> None:
    [url] = load("manifest.http.yml")["oauth_config"]["redirect_urls"]
    assert url.endswith("/slack/oauth_redirect")


@pytest.mark.parametrize("name", MANIFESTS)
def test_follow_ups_in_threads_get_the_message_events(name: str) -> None:
    events = set(load(name)["settings"]["event_subscriptions"]["bot_events"])
    assert {"message.channels", "message.groups", "message.mpim", "message.im"} <= events


def test_socket_manifest_uses_socket_mode() -> None:
    assert load("manifest.yml")["settings"]["socket_mode_enabled"] is True


def test_http_manifest_request_urls_end_in_the_events_path() -> None:
    manifest = load("manifest.http.yml")
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    ]
    assert all(url.startswith("https://") and url.endswith(EVENTS_PATH) for url in urls)


def test_help_lists_every_command_the_usage_hint_names() -> None:
    """The manifest's usage hint and /llmtrend help agree on the commands."""
    from bot.render import strings

    for path in MANIFESTS:
        hint = load(path)["features"]["slash_commands"][0]["usage_hint"]
        for command in (c.strip().split()[0] for c in hint.split("|")):
            if command == "multimodal":  # the search example
                continue
            assert f"/llmtrend {command}" in strings.HELP_USAGE, command
