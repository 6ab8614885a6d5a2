"""What changed: new, rising and fading topics of a dated stream, judged by a reader.

The synthetic streams are built here; the real ones are read from ../shared/stream-samples
(never copied). The judgments below come from reading those streams item by item: which
topics a reader calls new, rising or fading in the window, which are steady, and which
lines are the newsletter's template (never news).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.insights.changes import Changes, what_changed
from bot.insights.stream import build_phrase_index
from bot.search.engine import SearchEngine
from bot.search.live import LiveEngine
from bot.text.phrases import is_topic_word, phrases
from tests.helpers import FRESH_NEWS

# --- the judgments ---------------------------------------------------------------------

#: (stream folder, window, {term: judged kind}). Kinds: new, rising, fading, steady
#: (listed nowhere) and template (a line every issue repeats: listed nowhere).
JUDGED: list[tuple[str, dict[str, str], dict[str, str]]] = [
    (
        "DeadManOfficial-AI-Updates",  # daily, a rolling 14-day window of items
        {},  # the default: the 7 days ending on the newest report
        {
            # OpenAI for Healthcare (Jan 9), Claude in healthcare (Jan 12); never before
            "healthcare": "new",
            # Tolan's voice-first AI companion (Jan 8), "AI companions" (Jan 13)
            "AI companion": "new",
            # four Gemini stories in December, none in January
            "Gemini": "fading",
            "OpenAI": "steady",
            "Claude": "steady",
            "Codex": "steady",
            "ChatGPT": "steady",
            "Executive Summary": "template",
            "Coverage Notes": "template",
            "Industry Highlights": "template",
            "No recent updates found": "template",
            "OpenAI Blog": "template",
        },
    ),
    (
        "DeanTaplin-llm-news",  # weekly README snapshots
        {"since": "2025-11-01"},
        {
            # four issues quote MIT Technology Review from Nov 17 on; none before
            "MIT Technology Review": "new",
            # MIT News: twice from May to October, in four of the last issues
            "MIT News": "rising",
            "large language models": "steady",
            "LLM": "steady",
            "News Categories": "template",
            "Update Schedule": "template",
            "Disclaimer": "template",
            "News Archives": "template",
            "Contributing": "template",
        },
    ),
]

#: The share of judged terms told right, measured when this test was written (the floor
#: sits just under it).
JUDGED_FLOOR = 0.9


def _key(term: str) -> set[str]:
    found = [p for p in phrases(term) if len(p.key.split()) == len(term.split())]
    return set(found[0].key.split()) if found else set(term.lower().split())


def _kind_of(changes: Changes, term: str, judged: str) -> str:
    """Which list names the term: exactly (for steady/template) or as part of a topic."""
    words = _key(term)
    for kind in ("new", "rising", "fading"):
        for change in getattr(changes, kind):
            for t in change.terms:
                theirs = _key(t)
                exact = theirs == words
                related = theirs <= words or words <= theirs
                if exact or (judged in ("new", "rising", "fading") and related):
                    return kind
    return "steady"


def _told_right(judged: str, found: str) -> bool:
    if judged == "template":
        return found == "steady"
    if judged == "rising":
        return found in ("rising", "new")
    return found == judged


def _engine(folder: Path) -> SearchEngine:
    return LiveEngine(folder).load_now()


def test_judged_terms_of_the_shared_streams(streams_dir: Path) -> None:
    right, total, wrong = 0, 0, []
    for folder, window, judged in JUDGED:
        engine = _engine(streams_dir / folder)
        index = build_phrase_index(engine.corpus, engine.dates)
        since = window.get("since")
        changes = what_changed(index, since=date.fromisoformat(since) if since else None)
        for term, kind in judged.items():
            found = _kind_of(changes, term, kind)
            total += 1
            if _told_right(kind, found):
                right += 1
            else:
                wrong.append(f"{folder}: {term!r} judged {kind}, found {found}")
    share = right / total
    print(f"judged terms told right: {right}/{total} = {share:.2f}")
    assert share >= JUDGED_FLOOR, wrong


# --- streams built here ----------------------------------------------------------------

START = date(2026, 3, 2)  # a Monday


def _stream(tmp_path: Path, days: int, body: object) -> Path:
    """One report a day, `body(day_index, day)` its text, named by its date."""
    folder = tmp_path / "stream"
    folder.mkdir()
    for i in range(days):
        day = START + timedelta(days=i)
        (folder / f"{day.isoformat()}.md").write_text(body(i, day))  # type: ignore[operator]
    return folder


def _changes(folder: Path, **window: object) -> Changes:
    engine = _engine(folder)
    return what_changed(build_phrase_index(engine.corpus, engine.dates), **window)  # type: ignore[arg-type]


def _labels(changes: Changes, kind: str) -> list[str]:
    return [c.label for c in getattr(changes, kind)]


STEADY = [
    "Retrieval pipelines keep improving for enterprise search.",
    "Benchmarks for coding assistants were published again.",
    "Open-weight models closed more of the gap to frontier labs.",
]


def _daily(i: int, day: date, extra: str = "", template: str = "") -> str:
    items = [
        f"- {day.isoformat()} - {STEADY[(i + k) % 3]} Story {i}-{k} about {word}."
        for k, word in enumerate(("vector databases", "Kubernetes clusters", "GPU supply"))
    ]
    if extra:
        items.append(f"- {extra}")
    head = f"# Daily AI brief {day.isoformat()}\n\n{template}\n\n## News\n"
    return head + "\n".join(items) + "\n"


def test_a_term_absent_before_is_new_and_a_steady_one_is_not(tmp_path: Path) -> None:
    def body(i: int, day: date) -> str:
        extra = FRESH_NEWS[i - 21] if i >= 21 else ""
        return _daily(i, day, extra)

    changes = _changes(_stream(tmp_path, 28, body))
    assert changes.reason is None
    assert changes.window is not None and changes.window.reports == 7
    new = _labels(changes, "new")
    assert new and new[0].lower() == "speculative decoding"
    listed = {c.label.lower() for k in ("new", "rising", "fading") for c in getattr(changes, k)}
    assert not listed & {"vector databases", "kubernetes clusters", "gpu supply"}
    first = changes.new[0]
    assert first.reports_in_window == 7 and first.reports_before == 0
    assert first.first_seen == START + timedelta(days=21)
    assert 1 <= len(first.sections) <= 10 and first.sections_total == 7


def test_a_template_line_added_from_a_date_on_is_not_new(tmp_path: Path) -> None:
    def body(i: int, day: date) -> str:
        template = (
            "No major highlights were identified in Quantum Photonics today." if i >= 20 else ""
        )
        return _daily(i, day, template=template)

    changes = _changes(_stream(tmp_path, 28, body))
    assert not any("photonic" in c.label.lower() for c in changes.new + changes.rising)


def test_a_rolling_window_of_repeated_items_counts_each_item_once(tmp_path: Path) -> None:
    """An old item repeated in every later report is not "in 7 of 7 reports this week"."""
    old = "- 2026-03-05 - [Neuromorphic chips enter production](https://example.com/neuro)"

    def body(i: int, day: date) -> str:
        return _daily(i, day, extra=old[2:] if i >= 3 else "")

    changes = _changes(_stream(tmp_path, 28, body))
    assert not any("neuromorphic" in c.label.lower() for c in changes.new + changes.rising)


def test_a_longer_format_does_not_flood_the_list(tmp_path: Path) -> None:
    """From a date on every report is longer (a deep dive on the usual topics): the list
    must not fill with its words."""

    def body(i: int, day: date) -> str:
        text = _daily(i, day)
        if i >= 21:
            text += "\n## Deep dive\n" + " ".join(
                f"{STEADY[(i + k) % 3]} More on vector databases and GPU supply, part {k}."
                for k in range(6)
            )
        return text

    changes = _changes(_stream(tmp_path, 28, body))
    assert len(changes.new) + len(changes.rising) <= 2, _labels(changes, "new")


def test_windows_and_reasons(tmp_path: Path) -> None:
    folder = _stream(tmp_path, 14, lambda i, day: _daily(i, day))
    since = _changes(folder, since=START + timedelta(days=10))
    assert since.window is not None and since.window.reports == 4
    assert since.baseline is not None and since.baseline.reports == 10
    days = _changes(folder, days=3)
    assert days.window is not None and days.window.start == START + timedelta(days=11)
    nothing_before = _changes(folder, since=START)
    assert nothing_before.reason == "no_baseline"


def test_one_first_seen_day_has_no_baseline(seed_engine: SearchEngine, seeds_dir: Path) -> None:
    engine = _engine(seeds_dir)
    changes = what_changed(build_phrase_index(engine.corpus, engine.dates))
    assert changes.reason == "one_day"
    assert changes.new == changes.rising == changes.fading == ()


def test_cjk_text_does_not_crash_or_make_every_character_a_topic(tmp_path: Path) -> None:
    def body(i: int, day: date) -> str:
        extra = "大模型推理成本下降，多模态应用增长。" if i >= 21 else "今日新闻摘要。"
        return _daily(i, day, extra)

    changes = _changes(_stream(tmp_path, 28, body))
    assert all(len(c.label) >= 2 for k in ("new", "rising", "fading") for c in getattr(changes, k))


@pytest.mark.parametrize(
    ("text", "topics", "not_topics"),
    [
        ("Anthropic launched Claude Code for teams.", {"Claude Code", "Anthropic"}, {"teams"}),
        ("We introduce GPT-5.5 and Qwen3 results.", {"GPT-5.5", "Qwen3"}, {"introduce", "results"}),
        ("However, world models improved on Monday.", {"world models"}, {"However", "Monday"}),
    ],
)
def test_candidate_phrases_are_topics_not_english(
    text: str, topics: set[str], not_topics: set[str]
) -> None:
    found = {
        p.surface
        for p in phrases(text)
        if not p.single or is_topic_word(p.surface, 1.0 if p.name else 0.0)
    }
    assert topics <= found
    assert not (not_topics & found)


def test_a_digest_leads_with_what_changed(tmp_path: Path) -> None:
    """With news, the digest says what changed and has no arbitrary trend of the day."""
    from bot.cli.terminal import message_to_text
    from bot.digests.content import build_digest
    from bot.insights.trends import find_trends
    from bot.render.digest import digest_message

    def body(i: int, day: date) -> str:
        return _daily(i, day, FRESH_NEWS[i - 21] if i >= 21 else "")

    folder = _stream(tmp_path, 28, body)
    engine = _engine(folder)
    trends = find_trends(engine.index)
    index = build_phrase_index(engine.corpus, engine.dates)
    day = START + timedelta(days=27)
    changed = build_digest(engine, trends, day, [], what_changed(index, since=day - timedelta(6)))
    assert changed.changed and changed.trend_of_the_day is None
    text = message_to_text(digest_message(changed))
    assert "What changed" in text and "Speculative decoding" in text
    quiet = build_digest(engine, trends, day, [], None)
    assert not quiet.changed  # (a trend of the day, if the stream has trends)
