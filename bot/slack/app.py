"""Bolt wiring: the AsyncApp factory, the aiohttp server around it, and Socket Mode.

`create_app(settings, deps)` is the one place the app is built; `llmtrend serve`, `llmtrend
socket` and the tests all call it. Requests are acknowledged from the listener itself
(`process_before_response=True`): Bolt's default polls for the ack every 10 ms.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from bot.ask.followup import THREAD_MEMORY
from bot.config import Settings
from bot.deps import Deps
from bot.reports.watch import Snapshot, snapshot, watch
from bot.slack import ids
from bot.slack.client import slack_error
from bot.slack.installations import StoredOAuthStates
from bot.slack.observed import ObservedApp
from bot.workers import use_daemon_pool
from handlers import Registered, register_handlers

logger = logging.getLogger("llmtrend")

EVENTS_PATH = "/slack/events"
#: Slack's payloads are a few kilobytes; anything larger is refused before it is read whole.
MAX_BODY_BYTES = 1024 * 1024
CLAIM_RETENTION = timedelta(days=1)
#: Answers and their verdicts are kept this long (`llmtrend feedback --days` up to 90).
ANSWER_RETENTION = timedelta(days=90)
TRENDS_WAIT_SECONDS = 180.0
PURGE_EVERY_SECONDS = 3600.0

DEPS_KEY: web.AppKey[Deps] = web.AppKey("deps", Deps)
BOLT_KEY: web.AppKey[AsyncApp] = web.AppKey("bolt", AsyncApp)


class StartupError(Exception):
    """The app cannot start as configured: one line for the user, exit 2."""


@contextlib.contextmanager
def _bolt_cannot_read_slack_env() -> Iterator[None]:
    """Hide SLACK_* variables while Bolt is built: it falls back to them when an argument is
    missing (and warns about a token it will not use). Settings are the only source."""
    hidden = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("SLACK_")}
    try:
        yield
    finally:
        os.environ.update(hidden)


def create_app(settings: Settings, deps: Deps) -> tuple[AsyncApp, Registered]:
    """The Bolt app with every listener registered; secrets handed over explicitly."""
    secret = settings.slack_signing_secret
    oauth = _oauth_settings(settings, deps)
    with _bolt_cannot_read_slack_env():
        app = ObservedApp(
            name="llmtrend",
            client=deps.client,
            signing_secret=secret.get_secret_value() if secret else "",
            process_before_response=True,
            request_verification_enabled=True,
            logger=logging.getLogger("llmtrend.bolt"),
            oauth_settings=oauth,
            installation_store=oauth.installation_store if oauth else None,
        )
    app.metrics = deps.metrics
    registered = register_handlers(app, deps)
    return app, registered


def _oauth_settings(settings: Settings, deps: Deps) -> AsyncOAuthSettings | None:
    """Several workspaces: Bolt's OAuth flow on our installation and state stores (each
    request is then authorized with its own workspace's bot token)."""
    if deps.installations is None or not settings.slack_client_secret:
        return None
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(ids.BOT_SCOPES),
        install_path=ids.INSTALL_PATH,
        redirect_uri_path=ids.OAUTH_REDIRECT_PATH,
        installation_store=deps.installations,
        installation_store_bot_only=True,
        state_store=StoredOAuthStates(deps.store),
        logger=logging.getLogger("llmtrend.oauth"),
    )


def require_slack_settings(settings: Settings, *, mode: str) -> None:
    """Before anything starts: the secrets this mode needs are set (else one clear line).

    mode: "http" (token + signing secret, or client id + secret + signing secret for
    several workspaces), "socket" (token + app token), "token" (token).
    """
    if mode == "http" and settings.oauth:
        _require_oauth_settings(settings)
        return
    if settings.oauth and mode == "socket":
        raise StartupError(
            "SLACK_CLIENT_ID/SLACK_CLIENT_SECRET: Socket Mode serves one workspace; unset "
            "them and set SLACK_BOT_TOKEN, or use `llmtrend serve` for several workspaces"
        )
    if settings.slack_bot_token is None:
        raise StartupError(
            "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your "
            "Slack app's OAuth & Permissions page (README: Connect to Slack)"
        )
    if mode == "socket" and settings.slack_app_token is None:
        raise StartupError(
            "SLACK_APP_TOKEN is not set: create an app-level token (xapp-…) with the "
            "connections:write scope on your Slack app's Basic Information page "
            "(README: Connect to Slack)"
        )
    if mode == "http" and settings.slack_signing_secret is None:
        raise StartupError(
            "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from your Slack app's "
            "Basic Information page (README: Connect to Slack)"
        )


#: Slack's client ids are two numbers joined by a dot; client secrets are 32 hex digits.
_CLIENT_ID = re.compile(r"\d+\.\d+")
_CLIENT_SECRET = re.compile(r"[0-9a-f]{32}")


def _require_oauth_settings(settings: Settings) -> None:
    """Several workspaces: client id and secret of the right shape, a signing secret, and
    no single-workspace token beside them (which workspace would it be?)."""
    if settings.slack_bot_token is not None:
        raise StartupError(
            "SLACK_BOT_TOKEN and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are both set: set the bot "
            "token for one workspace, or the client id and secret for several, not both"
        )
    if settings.slack_client_id is None or settings.slack_client_secret is None:
        missing = "SLACK_CLIENT_SECRET" if settings.slack_client_id else "SLACK_CLIENT_ID"
        raise StartupError(
            f"{missing} is not set: several workspaces need both the client id and secret "
            "(Basic Information → App Credentials; README: Several workspaces)"
        )
    if not _CLIENT_ID.fullmatch(settings.slack_client_id.strip()):
        raise StartupError("SLACK_CLIENT_ID does not look like a Slack client id (1234.5678)")
    if not _CLIENT_SECRET.fullmatch(settings.slack_client_secret.get_secret_value().strip()):
        raise StartupError("SLACK_CLIENT_SECRET does not look like a Slack client secret")
    if settings.slack_signing_secret is None:
        raise StartupError(
            "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from your Slack app's "
            "Basic Information page (README: Connect to Slack)"
        )


async def check_token(deps: Deps) -> dict[str, str]:
    """auth.test at start-up: a rejected token stops us with one clear line."""
    try:
        response = await deps.client.auth_test()
    except SlackApiError as exc:
        error = slack_error(exc)
        raise StartupError(
            f"SLACK_BOT_TOKEN was rejected by Slack ({error}): copy the Bot User OAuth Token "
            "from your Slack app's OAuth & Permissions page (README: Connect to Slack)"
        ) from None
    except Exception as exc:
        raise StartupError(
            f"SLACK_API_URL {deps.settings.slack_api_url} could not be reached "
            f"({type(exc).__name__})"
        ) from None
    return {"team": str(response.get("team_id", "")), "bot_user": str(response.get("user_id", ""))}


async def _purge_claims(deps: Deps) -> None:
    """Every hour: drop event claims older than a day (Slack retries within minutes),
    threads not answered in for THREAD_MEMORY (their follow-ups have ended), and answers
    with their feedback older than ANSWER_RETENTION."""
    while True:
        try:
            removed = await deps.store.purge_events(deps.clock() - CLAIM_RETENTION)
            if removed:
                logger.info("purged %d old event claims", removed)
            forgotten = await deps.store.purge_threads(deps.clock() - THREAD_MEMORY)
            if forgotten:
                logger.info("forgot %d threads no longer followed", forgotten)
            await deps.store.purge_answers(deps.clock() - ANSWER_RETENTION)
        except Exception:
            logger.exception("purging event claims failed")
        await asyncio.sleep(PURGE_EVERY_SECONDS)


async def load_and_record(deps: Deps, retry_seconds: float = 10.0) -> None:
    """Load the index (then trends); the load records when each report was first seen.

    A load that fails (the reports folder unmounted, say) is logged and tried again, so the
    app becomes ready once the folder is back instead of answering "loading" forever.
    """
    while True:
        try:
            await deps.live.load()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("loading the reports failed; trying again in %.0f s", retry_seconds)
            await asyncio.sleep(retry_seconds)


async def reload_and_record(deps: Deps) -> None:
    """A changed folder: rebuild and swap; new reports (recorded by the load) feed digests."""
    try:
        await deps.live.reload()
    except Exception:
        deps.metrics.reload_failures.inc()
        raise


async def _watch_reports(deps: Deps, before_load: Snapshot) -> None:
    """Hot reload: once the first load is done, follow the folder's changes since then."""
    await deps.live.ready.wait()
    await watch(
        deps.settings.reports_dir,
        deps.settings.reload_seconds,
        lambda: reload_and_record(deps),
        initial=before_load,
    )


async def _run_digests(deps: Deps) -> None:
    """Subscribe the settings' channels, then post digests as they fall due (once the
    reports, and if they come in reasonable time their trends, are loaded)."""
    await deps.live.ready.wait()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(deps.live.trends_ready.wait(), timeout=TRENDS_WAIT_SECONDS)
    if deps.team_id or deps.installations is not None:
        await deps.digests.subscribe_from_settings(deps.team_id)
    await deps.digests.run()


@contextlib.asynccontextmanager
async def running(deps: Deps, *, digests: bool = True) -> AsyncIterator[None]:
    """Background life of the app: load the index, purge claims, post digests; on exit,
    stop them and drain the tasks in flight (a digest cut short is recovered later).

    Worker threads are daemons (`bot.workers.DaemonPool`): a long computation or a call
    stuck in a driver never holds up the exit."""
    use_daemon_pool()
    # the folder as it is before loading: a report added during the load is not missed
    before_load = await asyncio.to_thread(snapshot, deps.settings.reports_dir)
    background = [
        asyncio.create_task(load_and_record(deps), name="load-index"),
        asyncio.create_task(_purge_claims(deps), name="purge-claims"),
    ]
    if deps.settings.reload_seconds > 0:
        background.append(asyncio.create_task(_watch_reports(deps, before_load), name="reload"))
    if digests:
        background.append(asyncio.create_task(_run_digests(deps), name="digests"))
    try:
        yield
    finally:
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await deps.tasks.drain(seconds=10.0)
        await deps.store.close()


def create_web_app(deps: Deps, bolt: AsyncApp, *, digests: bool = True) -> web.Application:
    """aiohttp: Slack's requests on /slack/events, /healthz (ready) and /livez (alive)."""
    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app[DEPS_KEY] = deps
    web_app[BOLT_KEY] = bolt
    web_app.router.add_post(EVENTS_PATH, _slack_events)
    if bolt.oauth_flow is not None:
        web_app.router.add_get(ids.INSTALL_PATH, _oauth)
        web_app.router.add_get(ids.OAUTH_REDIRECT_PATH, _oauth)
    web_app.router.add_get("/healthz", _healthz)
    web_app.router.add_get("/livez", _livez)

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        async with running(deps, digests=digests):
            yield

    web_app.cleanup_ctx.append(lifecycle)
    return web_app


async def _slack_events(request: web.Request) -> web.Response:
    """Verify Slack's signature on the raw body first, then hand the request to Bolt.

    Nothing of an unsigned request is parsed, labelled or logged: it costs one HMAC over
    a body of at most MAX_BODY_BYTES, and gets the same 401 Bolt would give.
    """
    deps = request.app[DEPS_KEY]
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        deps.metrics.requests.labels(kind="unverified", outcome="too_large").inc()
        logger.info("refused a request body over %d bytes", MAX_BODY_BYTES)
        return web.json_response({"error": "request too large"}, status=413)
    if not _signed(deps, request, body):
        deps.metrics.requests.labels(kind="unverified", outcome="rejected").inc()
        logger.info("rejected a request without a valid Slack signature")
        return web.json_response({"error": "invalid request"}, status=401)
    bolt = request.app[BOLT_KEY]
    bolt_response = await bolt.async_dispatch(await to_bolt_request(request))
    return await to_aiohttp_response(bolt_response)


async def _oauth(request: web.Request) -> web.Response:
    """The "Add to Slack" page and Slack's redirect back: Bolt's OAuth flow (a bad, old or
    replayed state gets Bolt's error page, and nothing is installed)."""
    flow = request.app[BOLT_KEY].oauth_flow
    if flow is None:
        raise web.HTTPNotFound()
    bolt_request = AsyncBoltRequest(
        body="",
        query=request.query_string,
        headers=request.headers,  # type: ignore[arg-type]
    )
    if request.path == flow.install_path:
        bolt_response = await flow.handle_installation(bolt_request)
    else:
        bolt_response = await flow.handle_callback(bolt_request)
    return await to_aiohttp_response(bolt_response)


def _signed(deps: Deps, request: web.Request, body: bytes) -> bool:
    """Slack's v0 signature over the raw body, with a fresh timestamp (5 minutes)."""
    secret = deps.settings.slack_signing_secret
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if secret is None or not timestamp.isdigit() or not signature:
        return False
    verifier = SignatureVerifier(secret.get_secret_value())
    try:
        return verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
    except (UnicodeDecodeError, ValueError):  # Slack signs UTF-8 text: this is not Slack
        return False


async def _healthz(request: web.Request) -> web.Response:
    """200 once the index is loaded and the state store answers; 503 while loading (load
    balancers wait) or while the store is stuck or gone (claims and digests would fail)."""
    deps = request.app[DEPS_KEY]
    engine = deps.live.current
    if engine is None:
        return web.json_response({"status": "loading"}, status=503)
    try:
        await deps.store.ping()
    except Exception as exc:
        logger.warning("health check: the state store is unavailable (%s)", type(exc).__name__)
        return web.json_response({"status": "state store unavailable"}, status=503)
    return web.json_response(
        {"status": "ok", "reports": len(engine.corpus.reports), "sections": len(engine.index)}
    )


async def _livez(_request: web.Request) -> web.Response:
    """The process is alive (not necessarily ready)."""
    return web.json_response({"status": "alive"})


@contextlib.asynccontextmanager
async def metrics_server(deps: Deps) -> AsyncIterator[None]:
    """GET /metrics on LLMTREND_METRICS_HOST:LLMTREND_METRICS_PORT (its own port, not the
    public Slack one; this host only unless the setting says otherwise)."""
    port = deps.settings.metrics_port
    host = deps.settings.metrics_host
    if not port:
        yield
        return

    async def metrics(_request: web.Request) -> web.Response:
        return web.Response(body=deps.metrics.render(), content_type="text/plain")

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    logger.info("metrics on http://%s:%d/metrics", host, port)
    try:
        yield
    finally:
        await runner.cleanup()


async def serve_http(settings: Settings, deps: Deps, host: str, port: int) -> None:
    """`llmtrend serve`: bind at once, then answer Slack until SIGINT/SIGTERM (one
    workspace: its token checked with auth.test first; several: installed through
    /slack/install, each answered with its own token)."""
    if deps.installations is None:
        deps.team_id = (await check_token(deps))["team"]
    bolt, _ = create_app(settings, deps)
    runner = web.AppRunner(
        create_web_app(deps, bolt), handle_signals=False, access_log=None, shutdown_timeout=10.0
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    logger.info("listening on http://%s:%d%s", host, port, EVENTS_PATH)
    async with metrics_server(deps):
        try:
            await _wait_for_stop()
            logger.info("stopping: finishing requests and tasks in flight")
        finally:
            await runner.cleanup()
    logger.info("stopped")


async def _wait_for_stop() -> None:
    """Sleep until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def serve_socket(settings: Settings, deps: Deps, port: int) -> None:
    """`llmtrend socket`: Socket Mode, with /healthz on PORT (503 while disconnected)."""
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    deps.team_id = (await check_token(deps))["team"]
    bolt, _ = create_app(settings, deps)
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
    handler = AsyncSocketModeHandler(bolt, app_token)

    async def healthz(_request: web.Request) -> web.Response:
        connected = await handler.client.is_connected()
        ready = deps.live.current is not None
        try:
            await deps.store.ping()
            store = True
        except Exception:
            store = False
        status = 200 if connected and ready and store else 503
        body = {"connected": connected, "ready": ready, "state_store": store}
        return web.json_response(body, status=status)

    health = web.Application()
    health.router.add_get("/healthz", healthz)
    health.router.add_get("/livez", _livez)
    runner = web.AppRunner(health, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "0.0.0.0", port).start()  # noqa: S104 - health for the pod
    async with running(deps), metrics_server(deps):
        await handler.connect_async()  # type: ignore[no-untyped-call]
        logger.info("connected to Slack in Socket Mode; health on :%d/healthz", port)
        try:
            await _wait_for_stop()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]
            await runner.cleanup()
