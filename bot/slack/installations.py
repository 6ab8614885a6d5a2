"""Installations in several workspaces: slack_sdk's SQLAlchemy installation and OAuth-state
stores on the state store's own database, as the async stores Bolt's OAuth flow needs.

slack_sdk's SQLAlchemy stores are synchronous; every call runs on the state store's threads
with its time limit (`StateStore.run_blocking`), so the event loop never waits on the
database. Their tables are created by the state store's locked migrations (schema v4).
A saved installation (an install, or a reinstall) resumes the workspace's paused digests.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from logging import Logger
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator

from bot.state.store import StateStore

logger = logging.getLogger(__name__)

#: An OAuth state (the install link's nonce) is good for this long, and once.
STATE_SECONDS = 600

Installed = Callable[[str], Awaitable[object]]
#: Refresh a rotating token this long before it expires (Bolt's default too).
ROTATE_MINUTES_BEFORE = 120


class StoredInstallations(AsyncInstallationStore):
    """Installations and bot tokens per workspace, in the state store's database."""

    def __init__(
        self,
        store: StateStore,
        client_id: str,
        on_installed: Installed | None = None,
        rotator: AsyncTokenRotator | None = None,
    ) -> None:
        self._store = store
        self._sync = SQLAlchemyInstallationStore(client_id=client_id, engine=store.engine)
        self._on_installed = on_installed
        #: Refreshes a rotating bot token (Bolt does it per request; digests ask here).
        self._rotator = rotator

    @property
    def logger(self) -> Logger:
        return logger

    async def async_save(self, installation: Installation) -> None:
        await self._store.run_blocking(lambda: self._sync.save(installation))
        logger.info("installed in workspace %s", installation.team_id)
        if self._on_installed is not None and installation.team_id:
            await self._on_installed(installation.team_id)

    async def async_save_bot(self, bot: Bot) -> None:
        await self._store.run_blocking(lambda: self._sync.save_bot(bot))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        def find() -> Bot | None:
            return self._sync.find_bot(
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            )

        return await self._store.run_blocking(find)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        def find() -> Installation | None:
            return self._sync.find_installation(
                enterprise_id=enterprise_id,
                team_id=team_id,
                user_id=user_id,
                is_enterprise_install=is_enterprise_install,
            )

        return await self._store.run_blocking(find)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._store.run_blocking(
            lambda: self._sync.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        )

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        def delete() -> None:
            self._sync.delete_installation(
                enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
            )

        await self._store.run_blocking(delete)

    async def bot_token(self, team_id: str) -> str | None:
        """A workspace's bot token (None: not installed there, or uninstalled); a rotating
        token close to its expiry is refreshed first and the new one saved, as Bolt does
        for requests (a digest may be the workspace's only traffic for a day)."""
        bot = await self.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None:
            return None
        if self._rotator is not None and bot.bot_refresh_token:
            refreshed = await self._rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE
            )
            if refreshed is not None:
                await self.async_save_bot(refreshed)
                bot = refreshed
        return bot.bot_token


class StoredOAuthStates(AsyncOAuthStateStore):
    """The install link's state values: expire after STATE_SECONDS, consumed once."""

    def __init__(self, store: StateStore, expiration_seconds: int = STATE_SECONDS) -> None:
        self._store = store
        self._sync = SQLAlchemyOAuthStateStore(
            expiration_seconds=expiration_seconds, engine=store.engine
        )

    @property
    def logger(self) -> Logger:
        return logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await self._store.run_blocking(lambda: self._sync.issue(*args, **kwargs))

    async def async_consume(self, state: str) -> bool:
        return await self._store.run_blocking(lambda: self._sync.consume(state))
