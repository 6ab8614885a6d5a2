"""Answers whose cost grows with the reports run off the event loop, within bounds (issue 14):
a slow answer is acknowledged first and arrives through response_url, the event loop keeps
serving meanwhile, a huge section costs what a long one does, and a deadline only ever cuts
the shared points (and the view says so)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

import bot.ask.answer as answer_module
import bot.insights.shared_points as shared_module
from bot.insights.agreement import agree
from bot.render import strings
from bot.render.trends import agree_view
from bot.reports.loader import load_corpus
from bot.search.engine import SearchEngine
from tests.apprunner import RunningApp

SLOW_SECONDS = 2.6


@pytest.fixture
def slow_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every answer takes longer than Slack waits for an ack (in its worker thread)."""
    real = answer_module.answer

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(SLOW_SECONDS)
        return real(*args, **kwargs)

    monkeypatch.setattr(answer_module, "answer", slow)


@pytest.mark.usefixtures("slow_answers")
async def test_a_slow_answer_is_acknowledged_first_then_sent_to_response_url(
    app: RunningApp,
) -> None:
    started = time.monotonic()
    reply = await app.command("agree multimodal", response_url=app.fake.response_url("slow"))
    acked_in = time.monotonic() - started
    assert reply.status == 200
    assert strings.WORKING in reply.text  # within Slack's 3 s, with "working on it"
    assert acked_in < 3.0
    await app.fake.wait_for("response_url", timeout=10)
    [late] = app.fake.responses_to("slow")
    assert late.args["replace_original"] is True
    assert "multimodal" in str(late.args["blocks"]).lower()


@pytest.mark.usefixtures("slow_answers")
async def test_the_event_loop_serves_others_while_an_answer_is_computed(app: RunningApp) -> None:
    pending = asyncio.ensure_future(app.command("agree multimodal"))
    await asyncio.sleep(0.3)  # the agree view is being computed in its worker thread now
    started = time.monotonic()
    async with app.session.get(f"{app.url}/healthz") as resp:
        assert resp.status == 200
    assert time.monotonic() - started < 1.0  # not queued behind the 2.6 s answer
    await pending


def test_a_huge_section_is_read_only_up_to_the_cap(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in seeds_dir.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    words = "multimodal models read images and text together across vision language tasks "
    (tmp_path / "huge.md").write_text("# A huge report\n\n## Everything\n\n" + words * 60_000)
    engine = SearchEngine.build(load_corpus(tmp_path))
    read: list[int] = []
    real = shared_module.markdown_to_plain

    def counting(text: str) -> str:
        read.append(len(text))
        return real(text)

    monkeypatch.setattr(shared_module, "markdown_to_plain", counting)
    view = agree(engine, "multimodal", quotes=8, limit=10)
    assert any(c.report == "huge" for c in view.covering)
    assert read and max(read) <= shared_module.MAX_SECTION_CHARS
    assert view.shared_complete


def test_a_passed_deadline_cuts_only_the_shared_points(seed_engine: SearchEngine) -> None:
    full = agree(seed_engine, "multimodal", quotes=8, limit=10)
    late = agree(seed_engine, "multimodal", quotes=8, limit=10, deadline=time.monotonic() - 1)
    assert full.shared and full.shared_complete
    assert late.shared == () and not late.shared_complete
    assert late.reports == full.reports and late.agreeing == full.agreeing  # complete
    rendered = str(agree_view(late)["blocks"])
    assert strings.SHARED_CUT_SHORT in rendered
    assert strings.SHARED_CUT_SHORT not in str(agree_view(full)["blocks"])
