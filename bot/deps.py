"""Everything a listener needs, built once from the settings (the composition root's half)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.digests.runner import DigestRunner, Sleep
from bot.metrics import Metrics
from bot.reports.model import Corpus
from bot.search.cache import IndexCache
from bot.search.live import FirstSeen, LiveEngine
from bot.slack.client import digest_client, web_client
from bot.slack.installations import StoredInstallations
from bot.slack.tasks import TaskTracker
from bot.state.connect import open_store
from bot.state.store import StateStore

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock (tests inject their own)."""
    return datetime.now(UTC)


def first_seen_recorder(store: StateStore, clock: Clock) -> FirstSeen:
    """What the live engine calls at each load: record the reports, get their first days."""

    def record(corpus: Corpus) -> dict[str, date]:
        items = [(r.id, r.content_hash) for r in corpus.reports]
        first = store.record_first_seen(items, clock())
        return {rid: moment.date() for rid, moment in first.items()}

    return record


@dataclass
class Deps:
    """The app's collaborators: injected, so tests can swap the clock, client and store."""

    settings: Settings
    live: LiveEngine
    store: StateStore
    client: AsyncWebClient
    digests: DigestRunner
    metrics: Metrics
    clock: Clock = utc_now
    tasks: TaskTracker = field(default_factory=TaskTracker)
    #: The workspace the bot token belongs to (from auth.test at start-up).
    team_id: str | None = None
    #: Several workspaces (OAuth): their installations and bot tokens.
    installations: StoredInstallations | None = None


def build_deps(settings: Settings, *, clock: Clock = utc_now, sleep: Sleep = asyncio.sleep) -> Deps:
    """Open the state store and build the Web API client (nothing connects yet)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    metrics = Metrics()
    store = open_store(
        settings.state_url.get_secret_value() if settings.state_url else None, settings.data_dir
    )
    live = LiveEngine(
        settings.reports_dir,
        metrics,
        IndexCache(settings.data_dir / "cache"),
        first_seen=first_seen_recorder(store, clock),
        today=lambda: clock().date(),
    )
    digests = DigestRunner(
        settings,
        store,
        live,
        digest_client(token, settings.slack_api_url),
        clock,
        sleep=sleep,
        metrics=metrics,
    )
    installations = None
    if settings.oauth and settings.slack_client_id and settings.slack_client_secret:
        rotator = AsyncTokenRotator(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            client=web_client(None, settings.slack_api_url),
        )
        installations = StoredInstallations(
            store, settings.slack_client_id, on_installed=digests.resume_team, rotator=rotator
        )
        digests.token_for = installations.bot_token
    return Deps(
        settings=settings,
        live=live,
        store=store,
        client=web_client(token, settings.slack_api_url),
        digests=digests,
        metrics=metrics,
        clock=clock,
        installations=installations,
    )
