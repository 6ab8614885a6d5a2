"""Follow-ups in a thread are read against the thread's last question (issue 13)."""

from __future__ import annotations

import pytest

from bot.ask.followup import Asked, asks_the_bot, follow_up
from bot.ask.parse import Request
from bot.slack.ids import PAGE_SIZE

LAST_SEARCH = Asked(Request("search", "multimodal"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("more", Asked(Request("search", "multimodal"), PAGE_SIZE)),
        ("show me more", Asked(Request("search", "multimodal"), PAGE_SIZE)),
        ("which reports agree?", Asked(Request("agree", "multimodal"))),
        ("do they agree?", Asked(Request("agree", "multimodal"))),
        ("agree", Asked(Request("agree", "multimodal"))),
        ("and what about regulation?", Asked(Request("search", "regulation"))),
        ("how about open source", Asked(Request("search", "open source"))),
        ("what are the trends?", Asked(Request("trends"))),
        ("what's new this week?", Asked(Request("changes", "this week"))),
        ("agree on safety", Asked(Request("agree", "safety"))),
        ("robotics", Asked(Request("search", "robotics"))),
    ],
)
def test_a_follow_up_after_a_search(text: str, expected: Asked) -> None:
    assert follow_up(text, LAST_SEARCH) == expected


def test_more_pages_on_from_where_the_thread_was() -> None:
    assert follow_up("more", Asked(Request("search", "rlhf"), 3)) == Asked(
        Request("search", "rlhf"), 6
    )


def test_after_an_agree_view_what_about_asks_who_agrees_on_that() -> None:
    last = Asked(Request("agree", "open source"))
    assert follow_up("and what about regulation?", last) == Asked(Request("agree", "regulation"))


def test_without_a_remembered_question_a_message_is_read_on_its_own() -> None:
    assert follow_up("more", None) == Asked(Request("search", "more"))


def test_a_question_survives_the_state_store() -> None:
    asked = Asked(Request("agree", "x", trend="t123", exact=False), 6)
    assert Asked.loads(asked.dumps()) == asked
    assert Asked.loads("not json") is None and Asked.loads(None) is None


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("more", True),
        ("which reports agree?", True),
        ("and what about regulation?", True),
        ("what's new this week?", True),
        ("how does RLHF compare?", True),
        ("agree on safety", True),
        ("thanks!", False),
        ("lol", False),
        ("<@U999> can you have a look at this?", False),  # to someone else
        ("great, that settles it", False),
        ("<@UBOT123> open source", True),
    ],
)
def test_only_messages_meant_for_the_bot_are_follow_ups(text: str, meant: bool) -> None:
    assert asks_the_bot(text, LAST_SEARCH, "UBOT123") is meant
