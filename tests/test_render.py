"""Block Kit rendering: pure functions, compared on their output; limits hold for any input."""

from __future__ import annotations

import json

from bot.render import replies
from bot.render.blocks import cap, context, fit_value
from bot.render.mrkdwn import cut, escape, excerpt_mrkdwn
from bot.render.reports import reports_list
from bot.render.search import search_results
from bot.reports.model import Corpus, Report, Section, SkippedFile
from bot.search.engine import SearchEngine
from bot.search.excerpt import Excerpt
from bot.slack import ids
from tests.helpers import assert_within_limits, make_engine, shown_text

HUGE = ("Multimodal & <b>agents</b> & more. " * 1500)[:50_000]


def huge_engine() -> SearchEngine:
    return make_engine(
        {
            "huge-" + "x" * 300: [("Multimodal " + "&" * 5000, HUGE)],
            "small": [("Multimodal models", "Multimodal models & <!channel> read images.")],
        }
    )


def test_search_results_with_a_50000_character_section_stay_within_limits() -> None:
    engine = huge_engine()
    answer = engine.search("multimodal " + "<&>" * 300, top=3)
    assert answer.hits
    message = search_results(answer)
    assert_within_limits(message)
    assert "<!channel>" not in json.dumps(message["blocks"])


def test_search_result_layout() -> None:
    engine = make_engine({"r1": [("Open source", "Open source models spread. Other text.")]})
    message = search_results(engine.search("open source"))
    assert [b["type"] for b in message["blocks"]] == [
        "section",
        "context",
        "divider",
        "section",
        "actions",
    ]
    assert message["blocks"][0]["text"]["text"] == "Results for *open source*"
    assert message["blocks"][1]["elements"][0]["text"] == "1–1 of 1 section about *open source*"
    hit = message["blocks"][3]["text"]["text"]
    assert hit.startswith("1. *Report r1* — §1 Open source\n>")
    assert "score" not in hit and "`r1`" not in hit  # no raw scores or bare ids
    assert "*Open* *source* models spread." in hit
    share, agree = message["blocks"][-1]["elements"]
    assert share["action_id"] == ids.ACTION_SHARE
    assert json.loads(share["value"]) == {"q": "open source", "o": 0}
    assert agree["action_id"] == ids.ACTION_AGREE
    assert json.loads(agree["value"]) == {"q": "open source"}


def test_more_button_only_when_there_is_more() -> None:
    engine = make_engine({f"r{i}": [("Agents", "agents act")] for i in range(5)})
    first = search_results(engine.search("agents", top=3))
    buttons = [e["action_id"] for e in first["blocks"][-1]["elements"]]
    assert buttons == [ids.ACTION_MORE, ids.ACTION_SHARE, ids.ACTION_AGREE]
    more = json.loads(first["blocks"][-1]["elements"][0]["value"])
    assert more == {"q": "agents", "o": 3}
    last = search_results(engine.search("agents", top=3, offset=3))
    last_buttons = [e["action_id"] for e in last["blocks"][-1]["elements"]]
    assert last_buttons == [ids.ACTION_SHARE, ids.ACTION_AGREE]


def test_shared_results_name_the_sharer_and_have_no_buttons() -> None:
    engine = make_engine({"r1": [("Agents", "agents act")]})
    message = search_results(engine.search("agents"), shared_by="U42")
    assert all(b["type"] != "actions" for b in message["blocks"])
    assert "Shared by <@U42>" in json.dumps(message)


def test_reports_list_of_thousands_stays_within_limits() -> None:
    reports = tuple(
        Report(
            f"2025/report-{i:05d}",
            f"Report & <{i}>",
            f"{i}.md",
            (Section(f"2025/report-{i:05d}", 1, "section", "T", "x", 1),),
        )
        for i in range(3000)
    )
    skipped = tuple(SkippedFile(f"bad{i}.md", "binary file" + "!" * 400) for i in range(500))
    message = reports_list(Corpus("x", reports, skipped))
    assert_within_limits(message)
    assert "3000 reports" in message["text"]


def test_every_fixed_message_has_text_and_fits() -> None:
    for message in (replies.help_message(), replies.loading(), replies.error(), replies.expired()):
        assert_within_limits(message)


def test_no_results_explains_and_suggests() -> None:
    engine = make_engine({"r1": [("Agents", "agents act on tools")]})
    message = search_results(engine.search("agentz & <!here>"))
    assert_within_limits(message)
    assert "<!here>" not in shown_text(message)


def test_escape_and_cut_never_split_an_entity() -> None:
    text = escape("&" * 100)
    for limit in range(1, 60):
        out = cut(text, limit)
        assert len(out) <= limit
        assert not out.rstrip("…").endswith(("&", "&a", "&am", "&amp"))


def test_excerpt_bold_marks_are_escaped_inside() -> None:
    excerpt = Excerpt("use <R&D> here", ((4, 9),))
    assert excerpt_mrkdwn(excerpt) == "use *&lt;R&amp;D&gt;* here"


def test_button_values_fit_2000_characters() -> None:
    value = fit_value({"q": 'é"' * 3000, "o": 3})
    assert len(value) <= 2000
    assert json.loads(value)["o"] == 3


def test_cap_keeps_fifty_blocks_and_says_there_was_more() -> None:
    blocks = cap([context(str(i)) for i in range(80)])
    assert len(blocks) == 50
    assert "more" in blocks[-1]["elements"][0]["text"]


def test_fixed_messages_have_no_raw_angle_brackets() -> None:
    for message in (replies.help_message(), replies.loading(), replies.error(), replies.expired()):
        for block in message["blocks"]:
            text = json.dumps(block)
            assert "<" not in text.replace("<@", "").replace("<http", "")


def test_report_text_in_buttons_and_headers_is_escaped() -> None:
    from bot.render.blocks import button, header

    assert button("R&D <!channel>", "a", "v")["text"]["text"] == "R&amp;D &lt;!channel&gt;"
    assert header("A & B")["text"]["text"] == "A &amp; B"
    long = button("&" * 100, "a", "v")["text"]["text"]
    assert len(long) <= 75 and not long.rstrip("…").endswith(("&", "&a", "&am", "&amp"))
