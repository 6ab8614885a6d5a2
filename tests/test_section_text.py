"""A whole section as Slack mrkdwn (the section modal): markup as Slack draws it, report text
escaped first, and long sections cut into chunks that together keep every word."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from bot.render.mrkdwn import section_mrkdwn
from bot.reports.outline import parse_report
from bot.text.plain import markdown_to_plain
from tests.conftest import SEEDS

_LINK = re.compile(r"<[^|<>]*\|([^<>]*)>")
_WORD = re.compile(r"[^\W_]+")


def one(text: str) -> str:
    chunks = section_mrkdwn(text)
    assert len(chunks) == 1, chunks
    return chunks[0]


def visible_words(chunks: list[str]) -> list[str]:
    """The words a reader sees: link labels (not their URLs), entities as characters, list
    markers dropped (the source side drops them too)."""
    s = "\n".join(chunks)
    s = _LINK.sub(r"\1", s)
    s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("\u200b", "")
    s = re.sub(r"^([ \t>]*\*?)(?:•|\d{1,9}[.)])[ \t]+", r"\1", s, flags=re.MULTILINE)
    return _WORD.findall(s)


def source_words(md: str) -> list[str]:
    """The words of report markdown, by the project's plain-text conversion (a fence's
    language name and list markers are not text)."""
    md = re.sub(r"^([ \t]*(?:`{3,}|~{3,}))[^`\n]*$", r"\1", md, flags=re.MULTILINE)
    md = re.sub(
        r"^([ \t>]*(?:#{1,6}[ \t]+)?)(?:[-*+•]|\d{1,9}[.)])[ \t]+", r"\1", md, flags=re.MULTILINE
    )
    return _WORD.findall(markdown_to_plain(md))


# -- what Slack is shown ---------------------------------------------------------------------


def test_headings_become_bold_lines() -> None:
    assert one("## 2. Multimodal **Capabilities**\nText.") == "*2. Multimodal Capabilities*\nText."
    assert one("Setext title\n============\n\nBody") == "*Setext title*\n\nBody"
    assert one("### Closed ###") == "*Closed*"


def test_emphasis_and_strike() -> None:
    out = one("**bold**, __also__, *em*, _em_, ~~gone~~ and ***both***")
    assert out == "*bold*, *also*, _em_, _em_, ~gone~ and *_both_*"
    assert one("snake_case_name and 5 * 3 * 2") == "snake_case_name and 5 * 3 * 2"


def test_nested_lists_with_bold_items() -> None:
    text = "- **Agents:** plan\n  - nested *one*\n    - deeper\n- back\n1. first\n2. second"
    assert one(text) == (
        "• *Agents:* plan\n    • nested _one_\n        • deeper\n• back\n1. first\n2. second"
    )


def test_quotes_are_slack_quotes_added_after_escaping() -> None:
    assert one("> quoted **text** & more\n> - item") == ("> quoted *text* &amp; more\n> • item")
    assert one("a > b") == "a &gt; b"


def test_code_keeps_its_characters_escaped_and_untransformed() -> None:
    text = "Use `a * b < c` here.\n\n```python\nif a < b and *p: x = **kw & y\n```"
    out = one(text)
    assert out == ("Use `a * b &lt; c` here.\n\n```\nif a &lt; b and *p: x = **kw &amp; y\n```")


def test_links_only_for_web_and_mail_urls() -> None:
    out = one(
        "[docs](https://example.com/a_b?x=1&y=2), [mail](mailto:a@b.c), "
        "[js](javascript:alert(1)), [here](#section) and https://bare.example/x_y_z."
    )
    assert out == (
        "<https://example.com/a_b?x=1&amp;y=2|docs>, <mailto:a@b.c|mail>, js, here and "
        "https://bare.example/x_y_z."
    )


def test_report_text_cannot_make_links_or_mentions() -> None:
    out = one("See <https://evil|click> and <!channel> <@U123> [x|a<b](https://ok.example)")
    assert "<https://evil" not in out
    assert "&lt;https://evil|click&gt;" in out
    assert "&lt;!channel&gt;" in out and "&lt;@U123&gt;" in out
    assert out.endswith("<https://ok.example|x|a&lt;b>")
    assert re.findall(r"<[^>]*>", out) == ["<https://ok.example|x|a&lt;b>"]


def test_html_is_dropped_and_entities_decoded_then_escaped() -> None:
    assert one("<b>bold</b> &amp; &lt;tag&gt; &copy;<br>next") == ("bold &amp; &lt;tag&gt; ©\nnext")
    assert one("before <!-- a\ncomment --> after") == "before  after"


def test_tables_are_rows_of_cells() -> None:
    out = one("| Model | Score |\n|---|:--:|\n| **GPT** | 9 \\| 10 |")
    assert out == "*Model* | *Score*\n*GPT* | 9 | 10"


def test_non_ascii_is_untouched() -> None:
    text = "## Überblick 🚀\n\n日本語の**テキスト**と emoji 👩‍💻 — «quotes»"
    assert one(text) == "*Überblick 🚀*\n\n日本語の*テキスト*と emoji 👩‍💻 — «quotes»"


# -- cutting ---------------------------------------------------------------------------------


def test_a_long_section_is_cut_at_paragraphs() -> None:
    paragraph = " ".join(["word"] * 199)
    text = "\n\n".join(f"**{k}** {paragraph}" for k in range(20))
    chunks = section_mrkdwn(text)
    assert len(text) > 20_000
    assert len(chunks) > 1 and all(len(c) <= 2900 for c in chunks)
    assert all(c.startswith("*") for c in chunks)  # each starts at a paragraph
    assert visible_words(chunks) == source_words(text)


def test_a_long_line_is_cut_between_words_keeping_formatting() -> None:
    text = "**" + " ".join(f"w{k}" for k in range(150)) + "** tail"
    chunks = section_mrkdwn(text, limit=200)
    assert all(len(c) <= 200 for c in chunks)
    assert all(c.startswith("*") for c in chunks)
    assert all(c.endswith("*") for c in chunks[:-1])
    assert chunks[-1].endswith("* tail")
    assert visible_words(chunks) == source_words(text)


def test_cuts_never_split_entities_links_or_code() -> None:
    text = " ".join(["&&", "[a link](https://example.com/x)", "`code & a<b`"] * 200)
    chunks = section_mrkdwn(text, limit=100)
    for chunk in chunks:
        assert len(chunk) <= 100
        assert not re.search(r"&(?!amp;|lt;|gt;)", chunk)
        assert chunk.count("`") % 2 == 0
        assert chunk.count("<") == chunk.count(">")
    assert visible_words(chunks) == source_words(text)


def test_a_long_code_block_is_closed_and_reopened() -> None:
    text = "```\n" + "\n".join(f"line {k} <&> *x*" for k in range(300)) + "\n```"
    chunks = section_mrkdwn(text, limit=500)
    assert len(chunks) > 1
    for chunk in chunks:
        assert len(chunk) <= 500
        assert chunk.startswith("```\n") and chunk.endswith("\n```")
    assert visible_words(chunks) == source_words(text)


def test_a_word_longer_than_a_chunk_is_cut_not_dropped() -> None:
    text = "see " + "x" * 7000 + "&" * 10 + " end"
    chunks = section_mrkdwn(text)
    assert all(len(c) <= 2900 for c in chunks)
    assert "".join(chunks).replace("\n", "").count("x") == 7000
    assert visible_words(chunks)[-1] == "end"


def test_a_tiny_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        section_mrkdwn("text", limit=10)


# -- no text is ever lost --------------------------------------------------------------------

_VOCABULARY = ["alpha", "beta", "größe", "日本語", "データ", "x86", "v2", "naïve", "🚀go", "end"]


def _random_inline(rng: random.Random, words: list[str]) -> str:
    """A line of random inline markdown; the words a reader sees go into `words`."""
    parts = []
    for _ in range(rng.randint(1, 25)):
        word = rng.choice(_VOCABULARY)
        shape = rng.randrange(12)
        words.extend(_WORD.findall(word))
        if shape == 0:
            parts.append(f"**{word}**")
        elif shape == 1:
            parts.append(f"_{word}_")
        elif shape == 2:
            parts.append(f"`{word} * <{word}>`")
            words.extend(_WORD.findall(word))
        elif shape == 3:
            parts.append(f"[{word}](https://example.com/{rng.randrange(99)}_x)")
        elif shape == 4:
            parts.append(f"~~{word}~~ &amp;")
        elif shape == 5:
            parts.append(f"<span>{word}</span> <")
        elif shape == 6:
            parts.append(f"{word}{'z' * rng.randrange(300)}")
            words[-1] += "z" * (len(parts[-1]) - len(word))
        else:
            parts.append(word)
    return " ".join(parts)


def _random_section(rng: random.Random) -> tuple[str, list[str]]:
    words: list[str] = []
    blocks = []
    for _ in range(rng.randint(1, 30)):
        kind = rng.randrange(7)
        if kind == 0:
            blocks.append(f"{'#' * rng.randint(1, 6)} {_random_inline(rng, words)}")
        elif kind == 1:
            items = []
            for _ in range(rng.randint(1, 6)):
                indent = " " * rng.choice((0, 2, 4))
                marker = rng.choice(["-", "*", "+", "1.", "2)"])
                items.append(f"{indent}{marker} {_random_inline(rng, words)}")
            blocks.append("\n".join(items))
        elif kind == 2:
            blocks.append(f"> {_random_inline(rng, words)}")
        elif kind == 3:
            code = [_random_inline(rng, []) for _ in range(rng.randint(1, 40))]
            words.extend(w for line in code for w in _WORD.findall(line))  # all of it shows
            blocks.append("```text\n" + "\n".join(code) + "\n```")
        else:
            lines = [_random_inline(rng, words) for _ in range(rng.randint(1, 4))]
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks), words


@pytest.mark.parametrize("seed", range(60))
def test_random_sections_keep_every_word(seed: int) -> None:
    rng = random.Random(seed)
    text, words = _random_section(rng)
    assert visible_words(section_mrkdwn(text, limit=10_000)) == words
    for limit in (2900, 300, 60):
        chunks = section_mrkdwn(text, limit=limit)
        assert all(len(c) <= limit for c in chunks), limit
        # a word longer than a chunk is cut in two: compare the letters, in order
        assert "".join(visible_words(chunks)) == "".join(words), limit


def _sections(folder: Path, pattern: str) -> list[tuple[str, str]]:
    out = []
    for path in sorted(folder.glob(pattern)):
        report = parse_report(path.read_text(encoding="utf-8"), path.stem, path.name)
        out += [(f"{path.name} §{s.number}", s.text) for s in report.sections]
    return out


def _check_every_word(sections: list[tuple[str, str]]) -> None:
    assert sections
    for name, text in sections:
        for limit in (2900, 200):
            chunks = section_mrkdwn(text, limit=limit)
            assert all(len(c) <= limit for c in chunks), name
            assert visible_words(chunks) == source_words(text), (name, limit)


def test_every_seed_section_keeps_every_word() -> None:
    _check_every_word(_sections(SEEDS, "*.txt"))


def test_every_sample_section_keeps_every_word(samples_dir: Path) -> None:
    _check_every_word(_sections(samples_dir, "*.md"))
