"""A state store that stops answering, or vanishes, is said out loud (issue 14): users are
told something went wrong, /healthz fails, nothing hangs and nothing is silently forgotten.

The stuck PostgreSQL is the real server behind a loopback proxy that, on a switch, holds
every packet (a black hole: connections stay open, nothing comes back)."""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.render import strings
from bot.state.store import StateStore, StoreUnavailable
from tests.apprunner import RunningApp, app_settings, run_app
from tests.slackfake import BOT_USER_ID, FakeSlack

MENTION = f"<@{BOT_USER_ID}>"


class BlackHoleProxy:
    """TCP on loopback to PostgreSQL, in threads of its own (the store connects from
    blocking code); `hold()` keeps whatever arrives from then on."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.holding = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = [self._listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def hold(self) -> None:
        self.holding.set()

    def close(self) -> None:
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self._listener.accept()
                self._sockets.append(client)
                if self.holding.is_set():
                    continue  # accepted, never answered
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
                self._sockets.append(upstream)
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if self.holding.is_set():
                    return  # held for good: nothing more is forwarded
                sink.sendall(data)


def _proxied(url: str, port: int) -> str:
    return url.replace("127.0.0.1:5432", f"127.0.0.1:{port}", 1)


@pytest.fixture
async def stuck_app(
    fake_slack: FakeSlack, tmp_path: Path, postgres_url: str
) -> AsyncIterator[tuple[RunningApp, BlackHoleProxy]]:
    proxy = BlackHoleProxy(5432)
    try:
        settings = app_settings(fake_slack, tmp_path, state_url=_proxied(postgres_url, proxy.port))
        async with run_app(settings, fake_slack) as app:
            await app.settle()
            yield app, proxy
    finally:
        proxy.close()


async def test_a_blackholed_postgres_is_told_not_hung(
    stuck_app: tuple[RunningApp, BlackHoleProxy],
) -> None:
    app, proxy = stuck_app
    async with app.session.get(f"{app.url}/healthz") as resp:
        assert resp.status == 200
    proxy.hold()
    # a mention: claimed in the store first, so the store's silence is said in the thread
    reply = await app.mention(f"{MENTION} multimodal", ts="7.1")
    assert reply.status == 200
    [told] = await app.fake.wait_for("chat.postMessage", timeout=20)
    assert told.args["thread_ts"] == "7.1" and strings.ERROR in told.args["text"]
    # /healthz says the store is stuck (and answers: it does not hang too)
    async with app.session.get(f"{app.url}/healthz") as resp:
        assert resp.status == 503
        assert "state store" in (await resp.json())["status"]
    # `digest on` writes to the store: acked in time, then told through response_url
    ack = await app.command("digest on", response_url=app.fake.response_url("digest"))
    assert ack.status == 200 and strings.WORKING in ack.text
    await app.fake.wait_for("response_url", timeout=20)
    [late] = app.fake.responses_to("digest")
    assert strings.ERROR in late.args["text"]


async def test_a_deleted_sqlite_file_fails_health_and_refuses_writes(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    db = app.deps.settings.data_dir / "state.db"
    assert db.exists()
    for path in db.parent.glob("state.db*"):
        path.unlink()
    async with app.session.get(f"{app.url}/healthz") as resp:
        assert resp.status == 503
    with pytest.raises(StoreUnavailable):
        await app.deps.store.claim_event("T1", "Ev-after-delete", app.deps.clock())
    reply = await app.mention(f"{MENTION} multimodal", ts="8.1")
    assert reply.status == 200
    [told] = await app.fake.wait_for("chat.postMessage", timeout=10)
    assert strings.ERROR in told.args["text"]  # not an answer from a fresh, empty store
    assert not db.exists()  # no new file that forgets today's claims
    assert "deleted or replaced" in caplog.text


async def test_a_replaced_sqlite_file_is_refused_too(tmp_path: Path) -> None:
    from bot.state.connect import open_store

    store: StateStore = open_store(None, tmp_path)
    try:
        assert await store.claim_event("T1", "Ev1", _now())
        (tmp_path / "state.db").rename(tmp_path / "old.db")
        (tmp_path / "state.db").write_bytes((tmp_path / "old.db").read_bytes())
        with pytest.raises(StoreUnavailable):
            await store.claim_event("T1", "Ev2", _now())
    finally:
        with contextlib.suppress(StoreUnavailable):
            await store.close()


def test_the_data_folder_and_state_file_are_private(tmp_path: Path) -> None:
    from bot.state.connect import open_store

    data = tmp_path / "data"
    open_store(None, data).dispose()
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(data / "state.db").st_mode) == 0o600


def _now() -> datetime:
    return datetime.now(UTC)
