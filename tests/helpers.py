"""Small builders the tests share: corpora made in the test, from plain strings."""

from __future__ import annotations

import re
from typing import Any

from bot.reports.model import Corpus, Report, Section
from bot.search.engine import SearchEngine


def make_corpus(reports: dict[str, list[tuple[str, str]]]) -> Corpus:
    """A corpus from {report id: [(section title, text), ...]}, numbered 1, 2, …"""
    built = []
    for rid, sections in sorted(reports.items()):
        secs = tuple(
            Section(rid, i, "section", title, text, i)
            for i, (title, text) in enumerate(sections, start=1)
        )
        built.append(Report(rid, f"Report {rid}", f"{rid}.md", secs))
    return Corpus("memory", tuple(built))


def make_engine(reports: dict[str, list[tuple[str, str]]]) -> SearchEngine:
    return SearchEngine.build(make_corpus(reports))


def cite(hit: object) -> str:
    """'000 §2' for a hit: the first three characters of the report id and the number."""
    section = hit.section  # type: ignore[attr-defined]
    return f"{section.report_id[:3]} §{section.number}"


_ENTITY_OK = re.compile(r"&(amp|lt|gt);")


def assert_within_limits(message: dict[str, Any], max_blocks: int = 50) -> None:
    """Every Block Kit limit Slack enforces, counted on the text as sent."""
    assert message.get("text"), "a plain-text fallback is always sent"
    blocks = message["blocks"]
    assert 0 < len(blocks) <= max_blocks
    texts: list[str] = [message["text"]]
    for block in blocks:
        kind = block["type"]
        if kind == "section":
            assert len(block["text"]["text"]) <= 3000
            texts.append(block["text"]["text"])
        elif kind == "header":
            assert block["text"]["type"] == "plain_text"
            assert len(block["text"]["text"]) <= 150
        elif kind == "context":
            assert 0 < len(block["elements"]) <= 10
            for element in block["elements"]:
                assert len(element["text"]) <= 3000
                texts.append(element["text"])
        elif kind == "actions":
            assert 0 < len(block["elements"]) <= 25
            action_ids = [e["action_id"] for e in block["elements"]]
            assert len(set(action_ids)) == len(action_ids)
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= 75
                assert len(element.get("value", "")) <= 2000
    for text in texts:
        for match in re.finditer("&", text):
            assert _ENTITY_OK.match(text, match.start()), f"bare or cut entity in {text[-40:]!r}"


def shown_text(node: Any) -> str:
    """Only what Slack displays (every "text" field), not button values."""
    if isinstance(node, dict):
        return "\n".join(
            node[k] if k == "text" and isinstance(node[k], str) else shown_text(node[k])
            for k in node
        )
    if isinstance(node, list):
        return "\n".join(shown_text(n) for n in node)
    return ""


#: Distinct news about one topic, one a day (an item repeated word for word is a repeat).
FRESH_NEWS = [
    "Speculative decoding halves latency for chat assistants at Acme.",
    "A survey compares speculative decoding drafts across model sizes.",
    "Speculative decoding lands in the vLLM serving stack.",
    "Researchers tune speculative decoding for long documents.",
    "Cloud providers price speculative decoding endpoints lower.",
    "Speculative decoding meets quantised draft models on phones.",
    "Benchmarks of speculative decoding on code generation appear.",
]
