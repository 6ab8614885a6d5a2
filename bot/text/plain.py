"""Report markdown → plain text and sentences, for excerpts, quotes and summaries."""

from __future__ import annotations

import re

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_UNDERSCORE_EMPH = re.compile(r"(?<![\w])_([^_\n]+)_(?![\w])")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.MULTILINE)
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+", re.MULTILINE)
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$", re.MULTILINE)
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$", re.MULTILINE)
_SPACES = re.compile(r"[ \t]+")
# A sentence ends at . ! ? (optionally closed by a quote or bracket) before a capital or digit.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”')\]]?\s+(?=[\"“(\[]?[A-Z0-9])")


def markdown_to_plain(md: str) -> str:
    """Drop markdown syntax but keep every word; one paragraph or list item per line.

    Each rule runs only when its marker character occurs at all (excerpts convert a
    section on the answer's path, and most prose has no tables, links or headings).
    """
    text = md
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
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def sentence_spans(plain: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence in plain; every line ends one."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in plain.split("\n"):
        start = 0
        for m in _SENTENCE_END.finditer(line):
            closing = len(m.group()) - len(m.group().lstrip("\"”')]"))
            spans.append((pos + start, pos + m.start() + closing))
            start = m.end()
        if line[start:].strip():
            spans.append((pos + start, pos + len(line.rstrip())))
        pos += len(line) + 1
    return [(s, e) for s, e in spans if e > s]


def sentences(plain: str) -> list[str]:
    """The sentences of plain text, in order."""
    return [plain[s:e] for s, e in sentence_spans(plain)]
