"""Logging set-up: human lines by default, one JSON object per line for log shippers.

Secrets never reach a log line: settings hold them as SecretStr; Slack's SDK logs whole
API responses at DEBUG (an oauth.v2.access answer holds the new tokens), so its loggers
stay at INFO whatever LLMTREND_LOG_LEVEL says; SQL errors never carry bound parameters.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


class OneLineFormatter(logging.Formatter):
    """One record, one line: a line break inside a message (a value some library logs
    from an unsigned request's query, say) is shown as \\n, so it cannot forge a line.
    A traceback, appended after the message, keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - the API's name
        return super().formatMessage(record).replace("\r", "\\r").replace("\n", "\\n")


def configure_logging(level: str, fmt: str = "text") -> None:
    """Log to stderr (stdout carries answers and JSON output) at `level`."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(JSON_FIELDS, rename_fields={"levelname": "level", "asctime": "time"})
        )
    else:
        handler.setFormatter(OneLineFormatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_BELOW_INFO:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level)))


#: Libraries whose DEBUG output can hold tokens (raw request and response bodies).
QUIET_BELOW_INFO = ("slack_sdk", "slack_bolt", "llmtrend.bolt", "llmtrend.oauth")
