"""Real report shapes the parser once split wrong, each as a fixture (issue 12)."""

from __future__ import annotations

from bot.reports.outline import parse_report
from bot.text.plain import markdown_to_plain, sentences

NUMBERED_PARAGRAPHS = """# AI Trends Report 2025

1. Emergence of Multimodal LLMs: LLMs can now process text, images and audio in one model.

2. Open-Source Momentum: Open-weight models like Llama and Mistral keep closing the gap.

3. Regulation Takes Shape: The EU AI Act sets obligations for general-purpose models.
"""

FRONT_MATTER_TITLE = """---
title: "10 Tendances IA 2025"
author: crew
---
# Copilot_report.md

## 1. Agents autonomes
Les agents planifient et agissent.

## 2. Modèles ouverts
Les modèles ouverts progressent.
"""

UNDERLINED_ATX = """# AI Report
=============

## 1. Agents
Agents plan and act.

## 2. Models
Models grow.
"""

UNHEADED_CLOSING = """# Report

## 1. Agents
Agents plan and act.

## 2. Models
Models grow.

In conclusion, agents and models will keep changing how teams work in 2025.
"""

HTML_COMMENTS = """# Report
<!-- TOC -->
- [Agents](#agents)
- [Models](#models)
<!-- /TOC -->

<!--
## 9. Draft section
This draft was never published.
-->

## 1. Agents
Agents plan<br>and act.

## 2. Models
Models grow.
"""


def outline(text: str) -> list[tuple[int, str, str]]:
    report = parse_report(text, "r", path="r.md")
    return [(s.number, s.kind, s.title) for s in report.sections]


def test_numbered_paragraphs_without_headings_are_sections() -> None:
    report = parse_report(NUMBERED_PARAGRAPHS, "r", path="r.md")
    assert report.title == "AI Trends Report 2025"
    assert outline(NUMBERED_PARAGRAPHS) == [
        (1, "section", "Emergence of Multimodal LLMs"),
        (2, "section", "Open-Source Momentum"),
        (3, "section", "Regulation Takes Shape"),
    ]
    assert report.sections[0].text.startswith("LLMs can now process")


def test_front_matter_title_wins_and_a_file_name_heading_is_not_a_title() -> None:
    report = parse_report(FRONT_MATTER_TITLE, "r", path="r.md")
    assert report.title == "10 Tendances IA 2025"
    assert [s.title for s in report.sections] == ["Agents autonomes", "Modèles ouverts"]
    assert all("Copilot_report" not in s.text for s in report.sections)


def test_an_atx_title_underlined_with_equals_signs_makes_no_empty_intro() -> None:
    assert outline(UNDERLINED_ATX) == [(1, "section", "Agents"), (2, "section", "Models")]


def test_an_unheaded_closing_paragraph_takes_the_next_number() -> None:
    report = parse_report(UNHEADED_CLOSING, "r", path="r.md")
    assert outline(UNHEADED_CLOSING)[-1] == (3, "conclusion", "Conclusion")
    assert report.sections[1].text == "Models grow."
    assert report.sections[2].text.startswith("In conclusion")


def test_html_comments_are_neither_structure_nor_text() -> None:
    report = parse_report(HTML_COMMENTS, "r", path="r.md")
    assert outline(HTML_COMMENTS) == [(1, "section", "Agents"), (2, "section", "Models")]
    assert all("<!--" not in s.text and "Draft" not in s.text for s in report.sections)


def test_inline_html_entities_and_code_spans_in_plain_text() -> None:
    plain = markdown_to_plain("Agents plan<br>and <strong>act</strong> &amp; learn: `a*b*c`.")
    assert "<" not in plain and "&amp;" not in plain
    assert "act & learn" in plain
    assert "a*b*c" in plain  # a code span keeps its asterisks
    assert plain.splitlines()[0] == "Agents plan"  # <br> breaks the line


def test_sentences_do_not_break_after_common_abbreviations() -> None:
    text = "Models grow, e.g. The U.S. President spoke vs. Dr. Smith on Tuesday. They improve."
    assert sentences(text) == [
        "Models grow, e.g. The U.S. President spoke vs. Dr. Smith on Tuesday.",
        "They improve.",
    ]


def test_a_last_paragraph_starting_overall_stays_in_its_section() -> None:
    """Only an explicit closing ("In conclusion, …") is split off; "Overall, …" is often
    a section's own last sentence."""
    text = UNHEADED_CLOSING.replace("In conclusion, agents", "Overall, agents")
    assert outline(text)[-1] == (2, "section", "Models")
