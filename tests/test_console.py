"""`llmtrend chat`: the local console answers like Slack would, line by line."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.ask.answer import Snapshot
from bot.cli.console import reply_to, run_console
from bot.cli.terminal import message_to_text
from bot.search.engine import SearchEngine


def test_piped_input_is_answered_and_exits_zero(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        env={**os.environ, "LLMTREND_DATA_DIR": str(tmp_path)},
        input="/llmtrend multimodal\n@llmtrend what do the reports say about open source?\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "> /llmtrend multimodal" in out
    assert "Results for *multimodal*" in out
    assert "§2 Multimodal Capabilities" in out
    assert "[1 Read ]" in out and "[5 Share in channel ]" in out  # numbered to press
    assert "Open-Source Models" in out or "Open Source Models" in out


def test_console_uses_the_same_renderer_as_slack(seed_engine: SearchEngine) -> None:
    message = reply_to("/llmtrend RLHF", Snapshot(seed_engine))
    text = message_to_text(message)
    assert "Alignment Techniques" in text
    assert "&amp;" not in text and "&lt;" not in text  # unescaped for the terminal


def test_mentions_and_plain_lines_are_answered_visibly(seed_engine: SearchEngine) -> None:
    for line in ("@llmtrend crisis management", "crisis management"):
        text = message_to_text(reply_to(line, Snapshot(seed_engine)))
        assert "Crisis Management and Simulation" in text
        assert "Share in channel" not in text  # already visible in the channel


def test_help_and_odd_lines(seed_engine: SearchEngine) -> None:
    stdin = io.StringIO(
        "/llmtrend\n/llmtrend reports\n\n🎉\n/llmtrend <!channel>\nexit\n/llmtrend x\n"
    )
    stdout = io.StringIO()
    assert run_console(Snapshot(seed_engine), stdin, stdout) == 0
    out = stdout.getvalue()
    assert "Examples" in out
    assert "5 reports" in out
    assert "no words to search for" in out
    assert "<!channel>" in out  # shown as typed on a terminal, but was escaped for Slack
    assert "> /llmtrend x" not in out  # stopped at exit


def test_a_failure_is_said_and_the_console_goes_on(seed_engine: SearchEngine) -> None:
    from bot.search.engine import SearchAnswer

    class Broken(SearchEngine):
        def search(
            self, query: str, top: int = 5, offset: int = 0, exact: bool = False
        ) -> SearchAnswer:
            raise RuntimeError("boom")

    broken = Broken(seed_engine.corpus, seed_engine.index, seed_engine.speller)
    stdout = io.StringIO()
    assert run_console(Snapshot(broken), io.StringIO("/llmtrend x\n/llmtrend help\n"), stdout) == 0
    out = stdout.getvalue()
    assert "something went wrong" in out and "boom" not in out and "Examples" in out


def test_shortcuts_press_the_last_answers_buttons(seed_engine: SearchEngine) -> None:
    """`more`, `share`, `agree` and a number press buttons; `/llmtrend more` searches."""
    stdin = io.StringIO("/llmtrend multimodal\nmore\nagree\n/llmtrend more\n")
    stdout = io.StringIO()
    assert run_console(Snapshot(seed_engine), stdin, stdout) == 0
    out = stdout.getvalue()
    assert "[4 More results (4–…) ]" in out
    assert "4. *" in out  # results 4–6 after `more`
    assert "agree on *multimodal*" in out
    assert '"more" is made only of very common words' in out  # searched, not pressed


def test_a_number_presses_that_button(seed_engine: SearchEngine) -> None:
    stdin = io.StringIO("/llmtrend open source\n5\n")
    stdout = io.StringIO()
    run_console(Snapshot(seed_engine), stdin, stdout)
    assert "Shared by" in stdout.getvalue()


def test_read_shows_the_whole_section(seed_engine: SearchEngine) -> None:
    stdin = io.StringIO("/llmtrend crisis management\n1\n")
    stdout = io.StringIO()
    run_console(Snapshot(seed_engine), stdin, stdout)
    out = stdout.getvalue()
    assert "Section 11 of 11" in out or "Section" in out
    assert "/llmtrend show" in out  # the footer says how to open it again
