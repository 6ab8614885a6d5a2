"""Report markdown → plain text and sentences, for excerpts, quotes and summaries."""

from __future__ import annotations

import html
import re

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_UNDERSCORE_EMPH = re.compile(r"(?<![\w])_([^_\n]+)_(?![\w])")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.MULTILINE)
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+", re.MULTILINE)
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$", re.MULTILINE)
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$", re.MULTILINE)
_SPACES = re.compile(r"[ \t]+")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_BREAK_TAG = re.compile(r"<br\s*/?>|</?p>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]{0,300})?/?>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{2,10});")
#: Words ending in a full stop that do not end a sentence ("e.g. The", "U.S. President").
_ABBREVIATIONS = frozenset(
    """
    e.g i.e etc vs cf al approx fig figs no nos dr mr mrs ms prof sr jr st inc ltd co corp
    jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u a.i
    """.split()
)
# A sentence ends at . ! ? (optionally closed by a quote or bracket) before a capital or digit.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”')\]]?\s+(?=[\"“(\[]?[A-Z0-9])")


def markdown_to_plain(md: str) -> str:
    """Drop markdown syntax but keep every word; one paragraph or list item per line.

    Each rule runs only when its marker character occurs at all (excerpts convert a
    section on the answer's path, and most prose has no tables, links or headings).
    """
    text = md
    if "<" in text:  # inline HTML: a line break breaks, every other tag goes
        text = _TAG.sub(" ", _BREAK_TAG.sub("\n", text))
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    if "`" in text:  # code spans stay literal: their * and _ are code, not emphasis
        return _without_code_markup(text)
    return _markdown_rules(text)


def _without_code_markup(text: str) -> str:
    """Plain text of markdown with code spans kept verbatim (their backticks dropped)."""
    out: list[str] = []
    pos = 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_markdown_rules(text[pos : m.start()], join=False))
        out.append(m.group(2))
        pos = m.end()
    out.append(_markdown_rules(text[pos:], join=False))
    return _lines("".join(out))


def _markdown_rules(text: str, join: bool = True) -> str:
    """The markdown rules on text without code spans."""
    if "|" in text:
        text = _TABLE_SEP.sub("", text).replace("|", " ")
    text = _RULE.sub("", text)
    if "[" in text:
        text = _LINK.sub(r"\1", text)
    if "#" in text:
        text = _HEADING.sub("", text)
    text = _BULLET.sub("", text)
    if "*" in text or "`" in text or "__" in text:
        text = _EMPHASIS.sub("", text)
    if "_" in text:
        text = _UNDERSCORE_EMPH.sub(r"\1", text)
    return _lines(text) if join else text


def _lines(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def sentence_spans(plain: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence in plain; every line ends one."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in plain.split("\n"):
        start = 0
        for m in _SENTENCE_END.finditer(line):
            if _abbreviation_before(line, m.start()):
                continue
            closing = len(m.group()) - len(m.group().lstrip("\"”')]"))
            spans.append((pos + start, pos + m.start() + closing))
            start = m.end()
        if line[start:].strip():
            spans.append((pos + start, pos + len(line.rstrip())))
        pos += len(line) + 1
    return [(s, e) for s, e in spans if e > s]


def _abbreviation_before(line: str, end: int) -> bool:
    """Whether the full stop before `end` closes an abbreviation or an initial ("J.")."""
    start = line.rfind(" ", 0, end) + 1
    word = line[start:end].strip("(\"“'").rstrip(".").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentences(plain: str) -> list[str]:
    """The sentences of plain text, in order."""
    return [plain[s:e] for s, e in sentence_spans(plain)]
