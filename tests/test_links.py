"""Source links: GitHub's anchors for section headings, the LLMTREND_SOURCE_URL template, and
Slack link markup that report text can never forge."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.render.links import SourceLinks, link, slack_url
from bot.render.mrkdwn import plain
from bot.reports.model import Report
from bot.reports.outline import heading_anchor, parse_report
from tests.conftest import SEEDS

GITHUB = "https://github.com/acme/reports/blob/main/{path}"


def anchors(report: Report) -> list[tuple[str, str]]:
    return [(s.title, s.anchor) for s in report.sections]


# -- anchors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("2. Multimodal Capabilities", "2-multimodal-capabilities"),
        ("**Bold** & `code`: Q&A!", "bold--code-qa"),
        ("Überblick", "überblick"),
        ("🚀 Launch Plans", "-launch-plans"),
        ("日本語の見出し", "日本語の見出し"),
        ("हिन्दी शीर्षक", "हिन्दी-शीर्षक"),  # vowel signs are marks: kept
        ("The __init__ method and `snake_case`", "the-init-method-and-snake_case"),
        ("snake_case stays", "snake_case-stays"),
        ("[Linked](https://example.com/x) text", "linked-text"),
        ("Escaped \\_underscore\\_", "escaped-_underscore_"),
        ("A &amp; B", "a--b"),
        ('<a name="x"></a>Tagged', "tagged"),
        ("GPT‑5 – The Frontier (2026)", "gpt5--the-frontier-2026"),
        ("1) Omni “Models” → Baseline", "1-omni-models--baseline"),
        ("C++ & C#", "c--c"),
    ],
)
def test_heading_anchor_is_githubs(heading: str, anchor: str) -> None:
    assert heading_anchor(heading) == anchor


def test_sections_get_the_anchor_of_their_heading() -> None:
    report = parse_report(
        "# AI Report\n\nIntro text.\n\n## 1. Agents\nAgents act.\n\n"
        "### Details\nMore.\n\n## 2. Models ##\nModels grow.\n",
        "r",
    )
    assert anchors(report) == [
        ("Introduction", ""),  # no heading of its own: links to the report
        ("Agents", "1-agents"),
        ("Models", "2-models"),
    ]


def test_repeated_headings_count_every_heading_of_the_file() -> None:
    text = (
        "# Summary\n\n## 1. Summary\nA.\n\n### Summary\nsub.\n\n## 2. Summary\nB.\n\n"
        "## 3. Summary-1\nC.\n"
    )
    report = parse_report(text, "r")
    assert [s.anchor for s in report.sections] == [
        "1-summary",
        "2-summary",
        "3-summary-1",
    ]
    text = "# Notes\n\n## Notes\nA.\n\n## Notes\nB.\n\n## Notes-1\nC.\n"
    report = parse_report(text, "r")
    # the title is `notes`; then notes-1, notes-2; a literal "Notes-1" gets notes-1-1
    assert [s.anchor for s in report.sections] == ["notes-1", "notes-2", "notes-1-1"]


def test_setext_headings_have_anchors() -> None:
    text = (
        "Report\n======\n\nFirst Topic\n-----------\nText.\n\nSecond Topic\n------------\nMore.\n"
    )
    report = parse_report(text, "r")
    assert anchors(report) == [("First Topic", "first-topic"), ("Second Topic", "second-topic")]


def test_non_headings_have_no_anchor() -> None:
    bold = "**Report**\n\n**1. Agents:** they act.\n\n**2. Models:** they grow.\n"
    items = "# Report\n\n1. Agents Everywhere: agents act on their own in many places now.\n\n"
    items += "2. Models Grow Fast: models grow in size and skill every single month.\n"
    single = "Just one paragraph of text with no heading at all.\n"
    closing = "# R\n\n## 1. A\nText.\n\n## 2. B\nText.\n\nIn conclusion, all is well.\n"
    for text in (bold, items, single):
        assert all(s.anchor == "" for s in parse_report(text, "r").sections), text
    report = parse_report(closing, "r")
    assert [(s.kind, s.anchor) for s in report.sections] == [
        ("section", "1-a"),
        ("section", "2-b"),
        ("conclusion", ""),
    ]


def test_a_report_in_a_code_fence_has_no_anchors() -> None:
    """GitHub shows a ```markdown-wrapped report as code: it has no heading to land on."""
    text = "```markdown\n# Report\n\n## 1. Agents\nAct.\n\n## 2. Models\nGrow.\n```\n"
    report = parse_report(text, "r")
    assert [s.title for s in report.sections] == ["Agents", "Models"]
    assert all(s.anchor == "" for s in report.sections)


def test_headings_in_code_html_or_front_matter_do_not_count() -> None:
    text = (
        "---\ntitle: T\n---\n# T\n\n```\n# Agents\n```\n\n<details>\n## Agents\n</details>\n\n"
        "## 1. Agents\nA.\n\n## 2. Models\nB.\n"
    )
    report = parse_report(text, "r")
    assert [s.anchor for s in report.sections if s.title in ("Agents", "Models")] == [
        "1-agents",
        "2-models",
    ]


def test_every_seed_section_with_a_heading_has_an_anchor() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        report = parse_report(text, path.stem, path.name)
        headed = [s for s in report.sections if f"## {s.number}. {s.title}" in text]
        assert headed, path.name
        for s in headed:
            assert s.anchor == heading_anchor(f"{s.number}. {s.title}") != "", (path, s.title)


def test_sample_sections_with_headings_have_anchors(samples_dir: Path) -> None:
    found = 0
    for path in sorted(samples_dir.glob("*.md")):
        report = parse_report(path.read_text(encoding="utf-8"), path.stem, path.name)
        for s in report.sections:
            if s.kind == "section" and s.anchor:
                found += 1
                assert s.anchor == s.anchor.lower() and " " not in s.anchor
    assert found > 100


# -- the template ----------------------------------------------------------------------------


def test_url_links_the_report_and_its_section() -> None:
    links = SourceLinks.parse(GITHUB)
    url = links.url("2025/ai report.md", "2025/ai report", 2, "2-multimodal-capabilities")
    assert url == (
        "https://github.com/acme/reports/blob/main/2025/ai%20report.md#2-multimodal-capabilities"
    )
    assert links.url("a.md", "a", 0, "") == "https://github.com/acme/reports/blob/main/a.md"


@pytest.mark.parametrize(
    ("path", "encoded"),
    [
        ("Über/日本 #1?.md", "%C3%9Cber/%E6%97%A5%E6%9C%AC%20%231%3F.md"),
        ("100% & more.txt", "100%25%20%26%20more.txt"),
        ("a\\b.md", "a/b.md"),
    ],
)
def test_paths_are_percent_encoded_per_segment(path: str, encoded: str) -> None:
    url = SourceLinks.parse(GITHUB).url(path, "x", 1, "")
    assert url == f"https://github.com/acme/reports/blob/main/{encoded}"


def test_every_placeholder() -> None:
    links = SourceLinks.parse("https://r.example/{id}?section={section}#{anchor}")
    assert links.url("p.md", "2025/a b", 3, "überblick") == (
        "https://r.example/2025/a%20b?section=3#%C3%BCberblick"
    )
    assert links.url("p.md", "a", 0, "") == "https://r.example/a?section=0"  # no bare '#'


def test_a_template_with_its_own_fragment_gets_no_anchor() -> None:
    links = SourceLinks.parse("https://r.example/{path}#top")
    assert links.url("a.md", "a", 1, "1-agents") == "https://r.example/a.md#top"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("https://x.example/{foo}", "unknown placeholder {foo}; use {path}, {id}"),
        ("https://x.example/{PATH}", "unknown placeholder {PATH}"),
        ("https://x.example/{}", "unknown placeholder {}"),
        ("https://x.example/{path", "unmatched '{'"),
        ("https://x.example/path}", "unmatched '}'"),
        ("https://x.example/{{path}}", "unmatched"),
        ("ftp://x.example/{path}", "must be an http(s) URL"),
        ("github.com/acme/{path}", "must be an http(s) URL"),
        ("https:///{path}", "must be an http(s) URL"),
    ],
)
def test_bad_templates_are_refused(template: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        SourceLinks.parse(template)


# -- Slack link markup -----------------------------------------------------------------------


def test_link_makes_the_url_safe_for_slack_markup() -> None:
    assert slack_url("https://x.example/a?b=1&c=<2>|d e") == (
        "https://x.example/a?b=1&amp;c=%3C2%3E%7Cd%20e"
    )
    assert link("https://x.example/?a=1&b=2", "*Report*") == (
        "<https://x.example/?a=1&amp;b=2|*Report*>"
    )
    assert link("https://x.example/", "two\nlines") == "<https://x.example/|two lines>"
    assert link("https://x.example/", "") == "<https://x.example/>"


def test_link_refuses_urls_slack_should_not_open() -> None:
    assert link("javascript:alert(1)", "label") == "label"
    assert link("/relative/path", "label") == "label"


def test_a_report_title_cannot_inject_a_link() -> None:
    title = "<https://evil|click> & <!channel>"
    url = SourceLinks.parse(GITHUB).url("evil.md", "evil", 1, "1-x")
    cited = link(url, plain(title, 300))
    assert "<https://evil" not in cited
    assert "<!channel>" not in cited
    assert cited == (
        "<https://github.com/acme/reports/blob/main/evil.md#1-x|"
        "&lt;https://evil|click&gt; &amp; &lt;!channel&gt;>"
    )
    # a label that was not escaped still cannot open markup of its own
    assert link(url, title).count("<") == 1


def test_a_report_path_cannot_break_out_of_the_link() -> None:
    links = SourceLinks.parse(GITHUB)
    url = links.url("a|<https://evil>.md", "a", 1, "")
    cited = link(url, "label")
    assert cited.count("<") == 1 and cited.count(">") == 1 and cited.count("|") == 1
    assert cited == "<https://github.com/acme/reports/blob/main/a%7C%3Chttps%3A//evil%3E.md|label>"
