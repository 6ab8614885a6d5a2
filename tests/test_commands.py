"""Parsing what people type: the slash command, mentions and DMs understand the same words."""

from __future__ import annotations

import pytest

from bot.ask.parse import Request, parse_command, parse_message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Request("help")),
        (None, Request("help")),
        ("  help ", Request("help")),
        ("reports", Request("reports")),
        ("reports from 2024", Request("search", "reports from 2024")),
        ("multimodal", Request("search", "multimodal")),
        ("search open   source", Request("search", "open source")),
    ],
)
def test_parse_command(text: str | None, expected: Request) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@UBOT123> what about open source?", Request("search", "what about open source?")),
        ("<@UBOT123|llmtrend> help", Request("help")),
        ("<@UBOT123>", Request("help")),
        ("@llmtrend crisis management", Request("search", "crisis management")),
        ("<@UBOT123> /llmtrend reports", Request("reports")),
        ("hey <@UBOT123> RLHF", Request("search", "hey RLHF")),
    ],
)
def test_parse_message(text: str, expected: Request) -> None:
    assert parse_message(text) == expected
