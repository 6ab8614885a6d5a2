"""`llmtrend SUBCOMMAND …`: the command line. Exit 0 when it ran, 2 for bad usage/settings.

Options and query words may come in any order after the subcommand
(`llmtrend search --json open source --top 3`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from bot import __version__
from bot.cli.json_output import reports_json, search_json
from bot.cli.text_output import (
    ansi_mark,
    feedback_text,
    plain_mark,
    reports_text,
    search_text,
    show_text_plain,
)
from bot.config import Settings, SettingsError, load_settings
from bot.logs import configure_logging
from bot.render import strings
from bot.search.engine import SearchEngine
from bot.search.live import LiveEngine

if TYPE_CHECKING:
    from bot.state.store import StateStore

logger = logging.getLogger("llmtrend")


class UsageError(Exception):
    """Bad usage: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line instead of exiting itself."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reports-dir", metavar="DIR", help="folder of report files")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _search_parser() -> _Parser:
    p = _Parser(prog="llmtrend search", description="Search the reports.")
    p.add_argument("query", nargs="*", help="query words")
    p.add_argument("--top", type=int, default=5, metavar="K", help="how many hits (default 5)")
    _common(p)
    return p


def _chat_parser() -> _Parser:
    p = _Parser(prog="llmtrend chat", description="A local console: try the bot without Slack.")
    _common(p)
    return p


def _serve_parser() -> _Parser:
    p = _Parser(prog="llmtrend serve", description="Serve Slack over HTTP (Events API).")
    p.add_argument("--host", default="0.0.0.0", help="address to bind (default 0.0.0.0)")
    p.add_argument("--port", type=int, default=None, help="port (default: $PORT or 3000)")
    _common(p)
    return p


def _socket_parser() -> _Parser:
    p = _Parser(prog="llmtrend socket", description="Connect to Slack in Socket Mode.")
    p.add_argument("--port", type=int, default=None, help="health port (default: $PORT)")
    _common(p)
    return p


def _trends_parser() -> _Parser:
    p = _Parser(prog="llmtrend trends", description="The topics that recur across reports.")
    _common(p)
    return p


def _agree_parser() -> _Parser:
    p = _Parser(prog="llmtrend agree", description="Which reports cover a topic.")
    p.add_argument("topic", nargs="*", help="topic words")
    p.add_argument("--trend", metavar="ID", help="a trend's id (llmtrend trends --json)")
    _common(p)
    return p


def _digest_parser() -> _Parser:
    p = _Parser(prog="llmtrend digest", description="Preview or post a daily digest.")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--dry-run", action="store_true", help="print the digest, post nothing")
    what.add_argument("--send-now", metavar="CHANNEL", help="post one now (counts as today's)")
    p.add_argument("--date", type=_iso_date, help="the digest of this day (YYYY-MM-DD)")
    p.add_argument("--channel", help="as this channel would get it (since its last digest)")
    p.add_argument("--team", help="the workspace (T0123) when several are installed (OAuth)")
    _common(p)
    return p


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def _changes_parser() -> _Parser:
    p = _Parser(
        prog="llmtrend changes",
        description="What is new, rising or fading in the recent reports against the earlier.",
    )
    p.add_argument("--since", type=_iso_date, help="the window starts this day (YYYY-MM-DD)")
    p.add_argument("--until", type=_iso_date, help="…and ends this day (default: the newest)")
    p.add_argument("--days", type=int, metavar="N", help="the N days ending on the newest report")
    p.add_argument("--top", type=int, default=10, metavar="K", help="topics of each kind (10)")
    _common(p)
    return p


def _show_parser() -> _Parser:
    p = _Parser(prog="llmtrend show", description="Print one whole section of a report.")
    p.add_argument("reference", nargs="+", help="REPORT N: a report id or title start, and §N")
    _common(p)
    return p


def _feedback_parser() -> _Parser:
    p = _Parser(
        prog="llmtrend feedback",
        description="How answers were rated in Slack, and the questions that found nothing.",
    )
    p.add_argument("--days", type=int, default=30, metavar="N", help="the last N days (30)")
    _common(p)
    return p


def _reports_parser() -> _Parser:
    p = _Parser(prog="llmtrend reports", description="List the loaded reports.")
    _common(p)
    return p


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(reports_dir=args.reports_dir)


def _store(settings: Settings) -> StateStore:
    """The state store the settings name; a bad one is a settings error (exit 2)."""
    from bot.state.connect import open_store

    try:
        return open_store(
            settings.state_url.get_secret_value() if settings.state_url else None,
            settings.data_dir,
        )
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


def _live(settings: Settings) -> LiveEngine:
    """The reports loaded, indexed and dated, as the app would (first-seen days recorded in
    the state store, so a report with no date of its own keeps the day it first appeared)."""
    from bot.deps import first_seen_recorder, utc_now

    store = _store(settings)
    try:
        live = LiveEngine(settings.reports_dir, first_seen=first_seen_recorder(store, utc_now))
        started = time.perf_counter()
        live.load_now()
        logger.debug("loaded and indexed in %.3f s", time.perf_counter() - started)
        return live
    finally:
        store.dispose()


def _quiet(settings: Settings) -> None:
    """A one-shot command prints its answer; only warnings (skipped files) interrupt it,
    unless LLMTREND_LOG_LEVEL asks for more."""
    level = "WARNING" if settings.log_level == "INFO" else settings.log_level
    configure_logging(level, settings.log_format)


def _live_for(args: argparse.Namespace) -> LiveEngine:
    """Settings, logging, then the reports loaded, indexed, dated and their insights."""
    settings = _settings(args)
    _quiet(settings)
    return _live(settings)


def _engine(args: argparse.Namespace) -> SearchEngine:
    """Settings, logging, then the reports loaded, indexed and dated."""
    engine = _live_for(args).current
    if engine is None:
        raise RuntimeError("the reports were not loaded")
    return engine


def _emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(text)


def cmd_search(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise UsageError("llmtrend search: --top must be at least 1")
    answer = _engine(args).search(" ".join(args.query), top=args.top)
    mark = ansi_mark if sys.stdout.isatty() else plain_mark
    _emit(args, search_json(answer), search_text(answer, mark))
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    engine = _engine(args)
    _emit(args, reports_json(engine), reports_text(engine))
    return 0


def cmd_trends(args: argparse.Namespace) -> int:
    from bot.cli.json_output import trends_json
    from bot.cli.text_output import trends_text
    from bot.insights.trend_time import trend_times

    live = _live_for(args)
    if live.current is None or live.trends is None:
        raise RuntimeError("the reports were not loaded")
    times = trend_times(live.trends, live.current.dates)
    _emit(args, trends_json(live.trends, times), trends_text(live.trends, times))
    return 0


def cmd_agree(args: argparse.Namespace) -> int:
    from bot.cli.json_output import agree_json
    from bot.cli.text_output import agree_text
    from bot.insights.agreement import agree, agree_with_trend

    live = _live_for(args)
    engine = live.current
    if engine is None:
        raise RuntimeError("the reports were not loaded")
    if args.trend:
        trend = live.trends.find(args.trend) if live.trends else None
        if trend is None:
            raise UsageError(
                f"llmtrend agree: no trend {args.trend!r} (llmtrend trends --json lists them)"
            )
        view = agree_with_trend(engine, trend)
    else:
        view = agree(engine, " ".join(args.topic))
    _emit(args, agree_json(view), agree_text(view))
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    from bot.cli.json_output import changes_json
    from bot.cli.terminal import message_to_text
    from bot.insights.changes import WindowError, what_changed
    from bot.render.changes import changes_message

    if args.since is not None and args.days is not None:
        raise UsageError("llmtrend changes: --since and --days cannot be used together")
    if args.days is not None and args.days < 1:
        raise UsageError("llmtrend changes: --days must be at least 1")
    if args.top < 1:
        raise UsageError("llmtrend changes: --top must be at least 1")
    live = _live_for(args)
    if live.stream is None:
        raise RuntimeError("the reports were not indexed")
    try:
        changes = what_changed(
            live.stream, since=args.since, until=args.until, days=args.days, top=args.top
        )
    except WindowError as exc:
        raise UsageError(f"llmtrend changes: {exc}") from None
    text = message_to_text(changes_message(changes, live.current))
    _emit(args, changes_json(changes), text)
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    from bot.cli import digest as digest_cli

    settings = _settings(args)
    configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    return digest_cli.run(args, settings)


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.cli.console import main_console

    settings = _settings(args)
    _quiet(settings)  # the console is a conversation: only warnings interrupt it
    return main_console(_live(settings))


def _run_server(args: argparse.Namespace, socket_mode: bool) -> int:
    import asyncio

    from bot.deps import build_deps
    from bot.slack.app import StartupError, require_slack_settings, serve_http, serve_socket

    settings = load_settings(reports_dir=args.reports_dir, port=args.port)
    try:
        require_slack_settings(settings, mode="socket" if socket_mode else "http")
    except StartupError as exc:
        raise SettingsError(str(exc)) from None
    configure_logging(settings.log_level, settings.log_format)
    try:
        deps = build_deps(settings)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    try:
        if socket_mode:
            asyncio.run(serve_socket(settings, deps, settings.port))
        else:
            asyncio.run(serve_http(settings, deps, args.host, settings.port))
    except StartupError as exc:
        raise SettingsError(str(exc)) from None
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from bot.cli.json_output import show_json
    from bot.render.section_view import section_url
    from bot.search.lookup import find_section

    settings = _settings(args)
    _quiet(settings)
    engine = _live(settings).current
    if engine is None:
        raise RuntimeError("the reports were not loaded")
    found = find_section(engine, " ".join(args.reference))
    url = section_url(found, settings.source_links)
    if found.section is None:
        names = tuple(r.title or r.id for r in found.candidates)
        message = strings.show_not_found(found.error or "empty", found.asked, names)
        if args.json:
            print(json.dumps({**show_json(found, url), "message": message}, ensure_ascii=False))
            return 1
        raise UsageError(f"llmtrend show: {message}")
    _emit(args, show_json(found, url), show_text_plain(found, url))
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from bot.cli.json_output import feedback_json
    from bot.state.records import FeedbackSummary

    if args.days < 1:
        raise UsageError("llmtrend feedback: --days must be at least 1")
    settings = _settings(args)
    _quiet(settings)
    store = _store(settings)
    since = datetime.now(UTC) - timedelta(days=args.days)

    async def read() -> FeedbackSummary:
        try:
            answers, no_hits = await store.feedback_since(since)
        finally:
            await store.close()
        return FeedbackSummary(since, args.days, tuple(answers), tuple(no_hits))

    summary = asyncio.run(read())
    _emit(args, feedback_json(summary), feedback_text(summary))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    return _run_server(args, socket_mode=False)


def cmd_socket(args: argparse.Namespace) -> int:
    return _run_server(args, socket_mode=True)


Command = tuple[Callable[[], _Parser], Callable[[argparse.Namespace], int], str]

COMMANDS: dict[str, Command] = {
    "search": (_search_parser, cmd_search, "search the reports: llmtrend search multimodal"),
    "reports": (_reports_parser, cmd_reports, "list the loaded reports and skipped files"),
    "trends": (_trends_parser, cmd_trends, "the topics that recur across reports"),
    "agree": (_agree_parser, cmd_agree, "which reports cover a topic: llmtrend agree open source"),
    "changes": (_changes_parser, cmd_changes, "what is new, rising or fading lately"),
    "show": (_show_parser, cmd_show, "one whole section: llmtrend show 004 3"),
    "feedback": (_feedback_parser, cmd_feedback, "how answers were rated, what found nothing"),
    "digest": (_digest_parser, cmd_digest, "preview (--dry-run) or post (--send-now) a digest"),
    "chat": (_chat_parser, cmd_chat, "a local console: try the bot with no Slack account"),
    "serve": (_serve_parser, cmd_serve, "serve Slack over HTTP (POST /slack/events)"),
    "socket": (_socket_parser, cmd_socket, "connect to Slack in Socket Mode"),
}


def usage() -> str:
    """The top-level help."""
    lines = [f"llmtrend {__version__} — ask a folder of trend reports questions", "", "Commands:"]
    lines += [f"  {name:<9} {help_}" for name, (_p, _f, help_) in COMMANDS.items()]
    lines += ["", "Every command takes --reports-dir DIR and --json. llmtrend COMMAND --help"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `llmtrend` script and `python -m bot`."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if not args or args[0] in ("-h", "--help", "help"):
            print(usage())
            return 0
        if args[0] == "--version":
            print(__version__)
            return 0
        entry = COMMANDS.get(args[0])
        if entry is None:
            raise UsageError(f"llmtrend: unknown command {args[0]!r} (try: llmtrend --help)")
        make_parser, run, _help = entry
        return run(make_parser().parse_intermixed_args(args[1:]))
    except (UsageError, SettingsError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `llmtrend trends | head -1`: the reader left; leave quietly
        _quiet_stdout()
        return 0


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
