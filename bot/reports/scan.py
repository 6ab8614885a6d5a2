"""Reading a report's text: lines, front matter, a wrapping fence, and what looks like structure.

The first half of the parser: it finds every heading candidate (ATX, setext, bold lines,
numbered bold lead-ins and list items), code fences, rules, chatter and a table of contents,
and decides nothing about which headings cut sections (that is `bot.reports.outline`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Ranks order heading styles from outermost to innermost. ATX and setext headings use their
# level (1-6); the bold styles follow, since in a report with real headings they are labels.
BOLD_RANK = 7  # `**Title**` alone on a line
LABEL_RANK = 8  # `**Label:**` alone on a line
LEAD_RANK = 9  # `**1. Title:** paragraph text` (numbered only)
ITEM_RANK = 10  # `1. **Title**: text` (a top-level numbered list item)
TITLED_ITEM_RANK = 11  # `1. Title: text` (a numbered paragraph led by a plain title)

_ATX_OPEN = re.compile(r" {0,3}(#{1,6})(?:[ \t]|$)")


def backtick_runs(text: str, tokens: re.Pattern[str]) -> dict[int, list[int]]:
    """Where each run of backticks starts, by its length, as `tokens` reads the text (an
    escaped backtick is not part of a run): a code span closes at the next run as long."""
    runs: dict[int, list[int]] = {}
    for m in tokens.finditer(text):
        if m.group()[0] == "`":
            runs.setdefault(len(m.group()), []).append(m.start())
    return runs


def atx_heading(line: str) -> tuple[int, str] | None:
    """A `## Title ##` line's level and text (closing #s and spaces dropped), else None.

    Plain string work, linear in the line: a regex with a lazy title and optional closing
    sequence backtracks quadratically on a heading followed by a long run of spaces.
    """
    m = _ATX_OPEN.match(line)
    if m is None:
        return None
    text = line[m.end() :].rstrip(" \t\r\n")
    closed = text.rstrip("#")
    if len(closed) < len(text) and (not closed or closed[-1] in " \t"):
        text = closed.rstrip(" \t")
    return len(m.group(1)), text.strip(" \t")


_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:={2,}|-{3,})[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_STRAY_BOLD = re.compile(r"^\s*\*{2,}\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_BOLD_LINE = re.compile(r"^ {0,3}\*\*(?P<inner>.+?)\*\*[ \t]*(?P<colon>:?)[ \t]*$")
_BOLD_LEAD = re.compile(r"^ {0,3}\*\*(?P<inner>[^*]+?)\*\*[ \t]*:?[ \t]*(?P<rest>\S.*)$")
_BOLD_ITEM = re.compile(
    r"^ {0,3}(?P<num>\d{1,3})[.)][ \t]+\*\*(?P<inner>[^*]+?)\*\*[ \t]*:?[ \t]*(?P<rest>.*)$"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
#: `1. Emergence of Multimodal LLMs: LLMs can now…`: a numbered paragraph led by a title.
_TITLED_ITEM = re.compile(
    r"^ {0,3}(?P<num>\d{1,3})[.)][ \t]+(?P<inner>[^:*\n]{3,90}?)[ \t]*:[ \t]+(?P<rest>\S.{20,})$"
)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
#: A line that is only HTML tags (`<details>`, `</div>`, `<br/>`): layout, not text.
_HTML_ONLY = re.compile(r"^\s*(?:</?[A-Za-z][^<>]{0,200}>\s*)+$")
#: A heading that is a file's name (`# Copilot_report.md`): not the report's title.
_FILE_NAME = re.compile(r"^[\w.\-]+\.(?:md|markdown|txt|docx?|pdf|html?)$", re.IGNORECASE)
_YAML_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")

_DECIMAL_NUMBER = re.compile(r"^(\d{1,3})(?:\.\d{1,3})+\.?(?:\s+|$)")
_ARABIC_NUMBER = re.compile(
    r"^(?:\((\d{1,3})\)\s+|(\d{1,3})(?:\s*[.):]\s+|\s+[-–—]\s+|[.)](?=[^\W\d_])))"
)
_ROMAN_NUMBER = re.compile(r"^([IVXL]{1,7})(?:\s*[.):]\s+|\s+[-–—]\s+)")
_WORD_NUMBER = re.compile(
    r"^(?:section|part|chapter|teil|kapitel|parte|sección|seccion|capítulo|chapitre)\s+"
    r"(\d{1,3}|[IVXL]{1,7})(?:\s*[.):]\s*|\s+[-–—]\s+|\s+)",
    re.IGNORECASE,
)
_LEADING_SYMBOLS = re.compile(r"^([^\w\s(\[]{1,4})\s*(?=\(?\d|[IVXL]{1,7}[.):])")

_TOC_TITLE = re.compile(
    r"^(?:table of contents|contents|toc|inhaltsverzeichnis|inhalt|índice|indice|sommaire"
    r"|table des matières|目次|目录)$",
    re.IGNORECASE,
)
_CHATTER = re.compile(
    r"^\W{0,3}(?:here(?:'s|’s| is| are)\b|i now (?:can|know)\b"
    r"|i have (?:now )?(?:compiled|gathered|prepared|completed)\b|sure\b|certainly\b"
    r"|absolutely\b|of course\b|okay\b|alright\b|below is\b|the following is\b"
    r"|final answer\b|thought\s*:|voici\b|aquí (?:está|tienes)\b|hier ist\b|ecco\b)",
    re.IGNORECASE,
)
_MAX_CHATTER_CHARS = 300
_MAX_HEADING_CHARS = 200
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


@dataclass(frozen=True, slots=True)
class Heading:
    """A line (two for setext) that may start a section, with its cleaned title."""

    start: int
    end: int
    rank: int
    title: str
    number: int | None  # a section number; `1.2`-style sub-numbers do not count
    rest: str = ""  # text on the same line after a bold lead-in or list-item title


@dataclass(slots=True)
class Scan:
    """The report's lines, what looks like a heading, and which lines are noise."""

    lines: list[str]
    headings: list[Heading]
    fenced: list[bool]
    dropped: set[int] = field(default_factory=set)
    bare: set[int] = field(default_factory=set)  # lines that are only a heading: not prose

    def index_bare_headings(self) -> None:
        """Record the heading-only lines once the heading list is final."""
        self.bare = {i for h in self.headings if not h.rest for i in range(h.start, h.end)}


def scan_report(text: str) -> tuple[Scan, dict[str, str]]:
    """The report's lines and heading candidates, and its front matter's `title`/`date`."""
    lines = _normalise(text)
    lines, meta = _strip_front_matter(lines)
    lines = _unwrap_fence(lines)
    scan = _scan(lines)
    _drop_toc(scan)
    _drop_file_names(scan)
    scan.index_bare_headings()
    return scan, meta


def _drop_file_names(scan: Scan) -> None:
    """A heading that is only a file's name (`# Copilot_report.md`) is an export artefact."""
    kept = []
    for h in scan.headings:
        if _FILE_NAME.match(h.title) and not h.rest:
            scan.dropped.update(range(h.start, h.end))
        else:
            kept.append(h)
    scan.headings = kept


def _normalise(text: str) -> list[str]:
    """Lines with LF endings, no byte-order mark and no HTML comments (`<!-- TOC -->`, a
    commented-out draft: never structure, never text), whatever the source wrote."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "<!--" in text:
        # a comment's lines become blank lines, so the lines around it keep their place
        text = _HTML_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    return text.split("\n")


#: Front-matter keys the report keeps: its title, and its date under any usual name.
_META_KEYS = {"title": "title", "date": "date", "published": "date", "created": "date"}


def _strip_front_matter(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Drop YAML front matter at the top; its `title:` and `date:` describe the report."""
    if not lines or lines[0].strip() != "---":
        return lines, {}
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return lines, {}
    block = [ln for ln in lines[1:end] if ln.strip()]
    if not block or not all(
        _YAML_KEY.match(ln) or ln.startswith((" ", "\t", "- ")) or ln.lstrip().startswith("#")
        for ln in block
    ):
        return lines, {}
    meta: dict[str, str] = {}
    for ln in block:
        m = re.match(r"^([A-Za-z_]+)\s*:\s*(.+?)\s*$", ln)
        key = _META_KEYS.get(m.group(1).lower()) if m else None
        if m and key and key not in meta:
            value = m.group(2).strip("'\"").strip()
            if value:
                meta[key] = value
    return lines[end + 1 :], meta


def _unwrap_fence(lines: list[str]) -> list[str]:
    """Unwrap a report whose whole body sits in a ```markdown fence (after any chatter)."""
    content = [i for i, ln in enumerate(lines) if ln.strip()]
    k = 0
    while k < min(len(content), 3) and _is_chatter(lines[content[k]]):
        k += 1
    if k >= len(content):
        return lines
    first = content[k]
    m = _FENCE.match(lines[first])
    info = m.group(2).strip().lower() if m else None
    if m is None or info not in ("markdown", "md", ""):
        return lines
    fence = m.group(1)
    closers = [i for i in content[k + 1 :] if _closes_fence(lines[i], fence)]
    if info == "":
        # A bare fence only counts as a wrapper when it spans the report and holds headings.
        if not closers or closers[-1] != content[-1]:
            return lines
        if not any(atx_heading(ln) for ln in lines[first + 1 : closers[-1]]):
            return lines
    close = closers[-1] if closers else len(lines)
    return lines[:first] + lines[first + 1 : close] + lines[close + 1 :]


def _closes_fence(line: str, fence: str) -> bool:
    """Whether line closes a code fence opened with `fence` (same char, at least as long)."""
    s = line.strip()
    return bool(s) and set(s) == {fence[0]} and len(s) >= len(fence)


def _is_chatter(line: str) -> bool:
    """A model's preamble line ("Here is the report…"), not part of the report."""
    s = line.strip()
    return bool(s) and len(s) <= _MAX_CHATTER_CHARS and bool(_CHATTER.match(s))


def _scan(lines: list[str]) -> Scan:
    """Find heading candidates, code fences, rules and stray markup, line by line."""
    scan = Scan(lines=lines, headings=[], fenced=[False] * len(lines))
    _mark_leading_chatter(scan)
    fence: str | None = None
    boundary = True  # the previous line ended a block, so a setext heading may start here
    i = 0
    while i < len(lines):
        line = lines[i]
        if fence is not None:
            scan.fenced[i] = True
            if _closes_fence(line, fence):
                fence = None
            i += 1
            boundary = True
            continue
        if i in scan.dropped or not line.strip():
            i += 1
            boundary = True
            continue
        m = _FENCE.match(line)
        if m:
            fence = m.group(1)
            scan.fenced[i] = True
            i += 1
            continue
        if (_STRAY_BOLD.match(line) and not _RULE.match(line)) or _HTML_ONLY.match(line):
            scan.dropped.add(i)
            i += 1
            boundary = True
            continue
        if _SETEXT_UNDERLINE.match(line) and scan.headings and scan.headings[-1].end == i:
            # `# Title` underlined with ===== as well: the line is decoration
            scan.dropped.add(i)
            i += 1
            boundary = True
            continue
        if (
            boundary
            and i + 1 < len(lines)
            and _SETEXT_UNDERLINE.match(lines[i + 1])
            and _can_be_setext(line)
        ):
            rank = 1 if "=" in lines[i + 1] else 2
            scan.headings.append(_make_heading(i, i + 2, rank, line.strip()))
            i += 2
            boundary = True
            continue
        if _RULE.match(line):
            scan.dropped.add(i)
            i += 1
            boundary = True
            continue
        heading = _line_heading(i, line)
        if heading is not None:
            scan.headings.append(heading)
        boundary = heading is not None
        i += 1
    return scan


def _mark_leading_chatter(scan: Scan) -> None:
    """Drop preamble chatter lines before the report proper starts."""
    for i, line in enumerate(scan.lines):
        s = line.strip()
        if not s or _STRAY_BOLD.match(s) or _RULE.match(s):
            continue
        if not _is_chatter(s):
            return
        scan.dropped.add(i)


def _can_be_setext(line: str) -> bool:
    """Whether a line followed by `===`/`---` is a setext heading rather than text + rule."""
    s = line.strip()
    return (
        len(s) <= _MAX_HEADING_CHARS
        and not atx_heading(line)
        and not _LIST_ITEM.match(line)
        and not s.startswith((">", "|"))
        and not _RULE.match(line)
        and not _FENCE.match(line)
    )


def _line_heading(i: int, line: str) -> Heading | None:
    """The heading candidate on a single line, if any."""
    atx = atx_heading(line)
    if atx is not None:
        level, raw = atx
        return _make_heading(i, i + 1, level, raw) if raw.strip() else None
    if len(line.strip()) <= _MAX_HEADING_CHARS:
        m = _BOLD_LINE.match(line)
        if m and "**" not in m.group("inner"):
            inner = m.group("inner")
            label = bool(m.group("colon")) or inner.rstrip(" *").endswith((":", "："))
            return _make_heading(i, i + 1, LABEL_RANK if label else BOLD_RANK, inner)
    m = _BOLD_LEAD.match(line)
    if m:
        heading = _make_heading(i, i + 1, LEAD_RANK, m.group("inner"), m.group("rest"))
        return heading if heading.number is not None else None
    m = _BOLD_ITEM.match(line)
    if m and "](#" not in line:
        title, _ = _clean_title(m.group("inner"))
        return Heading(i, i + 1, ITEM_RANK, title, int(m.group("num")), m.group("rest").strip())
    m = _TITLED_ITEM.match(line)
    if m and "](" not in line:
        title, _ = _clean_title(m.group("inner"))
        rest = m.group("rest").strip()
        return Heading(i, i + 1, TITLED_ITEM_RANK, title, int(m.group("num")), rest)
    return None


def _make_heading(start: int, end: int, rank: int, raw: str, rest: str = "") -> Heading:
    """A heading candidate with its title cleaned and its number parsed."""
    title, number = _clean_title(raw)
    return Heading(start, end, rank, title, number, rest.strip())


def _clean_title(raw: str) -> tuple[str, int | None]:
    """Heading text without markup, number prefix or trailing colon; and its number."""
    t = raw.replace("**", "").replace("__", "")
    t = LINK.sub(r"\1", t)
    t = " ".join(t.split())
    if len(t) > 2 and t[0] == t[-1] and t[0] in "*_":
        t = t[1:-1].strip()
    symbols = ""
    m = _LEADING_SYMBOLS.match(t)
    if m:
        symbols, t = m.group(1), t[m.end() :]
    number, t = _split_number(t)
    if symbols:
        t = f"{symbols} {t}"  # emoji stay; only the number between them and the text goes
    t = t.strip().rstrip(":：").strip()
    return t, number


def _split_number(t: str) -> tuple[int | None, str]:
    """Split a leading section number (arabic, roman, `Part 2:`) off a heading's text."""
    m = _DECIMAL_NUMBER.match(t)
    if m:
        return None, t[m.end() :]  # a sub-section number such as 1.2: not a section number
    m = _ARABIC_NUMBER.match(t)
    if m:
        return int(m.group(1) or m.group(2)), t[m.end() :]
    m = _ROMAN_NUMBER.match(t)
    if m and (value := _roman_value(m.group(1))) is not None:
        return value, t[m.end() :]
    m = _WORD_NUMBER.match(t)
    if m:
        token = m.group(1)
        value = int(token) if token.isdigit() else _roman_value(token.upper())
        if value is not None:
            return value, t[m.end() :]
    return None, t


def _roman_value(token: str) -> int | None:
    """Value of a well-formed roman numeral up to L (50); None for anything else."""
    if not token or any(ch not in _ROMAN_VALUES for ch in token):
        return None
    total = 0
    for ch, nxt in zip(token, token[1:] + " ", strict=True):
        v = _ROMAN_VALUES[ch]
        total += -v if _ROMAN_VALUES.get(nxt, 0) > v else v
    return total if 0 < total <= 50 and _to_roman(total) == token else None


def _to_roman(n: int) -> str:
    """Canonical roman numeral (used to reject malformed ones like IIII or VX)."""
    out = ""
    for value, sym in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out


def _drop_toc(scan: Scan) -> None:
    """Remove a table of contents (heading plus its list of links) and anchor-link lists."""
    starts = {h.start for h in scan.headings}
    kept: list[Heading] = []
    for h in scan.headings:
        if not _TOC_TITLE.match(h.title):
            kept.append(h)
            continue
        scan.dropped.update(range(h.start, h.end))
        j = h.end
        while j < len(scan.lines) and j not in starts:
            line = scan.lines[j]
            if line.strip() and not _LIST_ITEM.match(line) and not line[:1].isspace():
                break
            scan.dropped.add(j)
            j += 1
    scan.headings = kept
    run: list[int] = []
    for i, line in enumerate([*scan.lines, ""]):
        if i < len(scan.lines) and not scan.fenced[i] and _LIST_ITEM.match(line) and "](#" in line:
            run.append(i)
        elif line.strip() or i == len(scan.lines):
            if len(run) >= 2:
                scan.dropped.update(run)
                before = run[0] - 1
                while before >= 0 and not scan.lines[before].strip():
                    before -= 1
                if before >= 0 and _TOC_TITLE.match(_clean_title(scan.lines[before])[0]):
                    scan.dropped.add(before)
            run = []
