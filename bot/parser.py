"""Split one markdown AI-trend report into numbered sections.

Reports come out of many LLM pipelines and vary a lot: ATX or setext headings, bold lines,
numbered bold lead-ins, roman numerals, chatter before the title, a fence around the whole
report. The parser finds the heading style that carries the report's main structure and cuts
the report there; everything below that level stays inside its section as markdown.

Pure: text in, `Report` out, no file access (the loader in `bot.corpus` reads files).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from bot.corpus import Report, Section, SectionKind

# Ranks order heading styles from outermost to innermost. ATX and setext headings use their
# level (1-6); the bold styles follow, since in a report with real headings they are labels.
_BOLD_RANK = 7  # `**Title**` alone on a line
_LABEL_RANK = 8  # `**Label:**` alone on a line
_LEAD_RANK = 9  # `**1. Title:** paragraph text` (numbered only)
_ITEM_RANK = 10  # `1. **Title**: text` (a top-level numbered list item)

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
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
_YAML_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")

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

_NOT_LETTER = r"(?![^\W\d_])"
_INTRO_TITLE = re.compile(
    r"^(?:introduction|intro|executive summary|summary|overview|background|preface|abstract"
    r"|foreword|about this report|einleitung|einführung|überblick|zusammenfassung"
    r"|introducción|introduccion|resumen(?: ejecutivo)?|introdução|introducao"
    r"|resumo(?: executivo)?|visão geral|aperçu|résumé|synthèse|introduzione|sommario"
    r"|panoramica|概要|简介|引言|はじめに|序論|개요|서론)" + _NOT_LETTER,
    re.IGNORECASE,
)
_CONCLUSION_TITLE = re.compile(
    r"^(?:conclusions?|concluding (?:remarks|thoughts)|summary|final (?:thoughts|remarks|words)"
    r"|closing(?: thoughts| remarks)?|next steps|(?:future )?outlook|looking ahead"
    r"|key takeaways|takeaways|recommendations|sources|references|bibliography|citations"
    r"|further reading|appendix|in summary|in conclusion|wrap[- ]?up|fazit"
    r"|schlussfolgerung(?:en)?|schlusswort|ausblick|quellen|literatur|conclusión"
    r"|conclusiones|fuentes|referencias|conclusão|considerações finais|referências|fontes"
    r"|conclusione|conclusioni|fonti|riferimenti|références|结论|总结|まとめ|結論|参考文献|결론)"
    + _NOT_LETTER,
    re.IGNORECASE,
)
_TOC_TITLE = re.compile(
    r"^(?:table of contents|contents|toc|inhaltsverzeichnis|inhalt|índice|indice|sommaire"
    r"|table des matières|目次|目录)$",
    re.IGNORECASE,
)
_CONTAINER_TITLE = re.compile(r"^(?:main topics|topics|key topics)$", re.IGNORECASE)
_REPORTISH_TITLE = re.compile(
    r"\b(?:report|bericht|informe|rapport|relatório|relazione|rapporto)\b", re.IGNORECASE
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
_SHORT_TITLE_CHARS = 60
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


@dataclass(frozen=True, slots=True)
class _Heading:
    """A line (two for setext) that may start a section, with its cleaned title."""

    start: int
    end: int
    rank: int
    title: str
    number: int | None  # a section number; `1.2`-style sub-numbers do not count
    rest: str = ""  # text on the same line after a bold lead-in or list-item title


@dataclass(slots=True)
class _Scan:
    """The report's lines, what looks like a heading, and which lines are noise."""

    lines: list[str]
    headings: list[_Heading]
    fenced: list[bool]
    dropped: set[int] = field(default_factory=set)
    bare: set[int] = field(default_factory=set)  # lines that are only a heading: not prose

    def index_bare_headings(self) -> None:
        """Record the heading-only lines once the heading list is final."""
        self.bare = {i for h in self.headings if not h.rest for i in range(h.start, h.end)}


@dataclass(slots=True)
class _Part:
    """A stretch of the report between two section-level headings."""

    heading: _Heading | None
    body: str  # without the heading line(s)
    raw: str  # with the heading line(s), for merging into the section before it
    prose: bool  # has text beyond headings and labels


@dataclass(slots=True)
class _Entry:
    """A section being assembled: number, kind, title and text chunks."""

    number: int
    kind: SectionKind
    title: str
    chunks: list[str]


def parse_report(text: str, report_id: str, path: str = "") -> Report:
    """Parse one report's markdown into sections (pure: no file access)."""
    lines = _normalise(text)
    lines, meta_title = _strip_front_matter(lines)
    lines = _unwrap_fence(lines)
    scan = _scan(lines)
    _drop_toc(scan)
    scan.index_bare_headings()

    lead = _title_candidate(scan)
    rank = _choose_rank([h for h in scan.headings if h is not lead])
    title_heading = lead if lead is not None and _is_title(lead, rank, scan) else None
    doc_title = title_heading.title if title_heading is not None else None
    if title_heading is not None:
        scan.dropped.update(range(title_heading.start, title_heading.end))
    if not doc_title and meta_title:
        doc_title = meta_title

    splitters = (
        []
        if rank is None
        else [h for h in scan.headings if h.rank <= rank and h is not title_heading]
    )
    entries = _number(*_cut(scan, splitters))
    if not entries:
        body = _render(scan, 0, len(lines))
        if _has_prose(scan, 0, len(lines)):
            entries = [_Entry(1, "section", doc_title or _first_words(body), [body])]
    sections = tuple(
        Section(
            report_id=report_id,
            number=e.number,
            kind=e.kind,
            title=e.title or _first_words("\n".join(e.chunks)) or f"Section {e.number}",
            text="\n\n".join(c for c in e.chunks if c).strip(),
            position=pos,
        )
        for pos, e in enumerate(entries, start=1)
    )
    return Report(id=report_id, title=doc_title or None, path=path, sections=sections)


# --- reading the text ---------------------------------------------------------------------


def _normalise(text: str) -> list[str]:
    """Lines with LF endings and no byte-order mark, whatever the source wrote."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def _strip_front_matter(lines: list[str]) -> tuple[list[str], str | None]:
    """Drop YAML front matter at the top; its `title:` can serve as the report title."""
    if not lines or lines[0].strip() != "---":
        return lines, None
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return lines, None
    block = [ln for ln in lines[1:end] if ln.strip()]
    if not block or not all(
        _YAML_KEY.match(ln) or ln.startswith((" ", "\t", "- ")) or ln.lstrip().startswith("#")
        for ln in block
    ):
        return lines, None
    title = None
    for ln in block:
        m = re.match(r"^title\s*:\s*(.+?)\s*$", ln, re.IGNORECASE)
        if m:
            title = m.group(1).strip("'\"").strip() or None
            break
    return lines[end + 1 :], title


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
        if not any(_ATX.match(ln) for ln in lines[first + 1 : closers[-1]]):
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


def _scan(lines: list[str]) -> _Scan:
    """Find heading candidates, code fences, rules and stray markup, line by line."""
    scan = _Scan(lines=lines, headings=[], fenced=[False] * len(lines))
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
        if _STRAY_BOLD.match(line) and not _RULE.match(line):
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


def _mark_leading_chatter(scan: _Scan) -> None:
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
        and not _ATX.match(line)
        and not _LIST_ITEM.match(line)
        and not s.startswith((">", "|"))
        and not _RULE.match(line)
        and not _FENCE.match(line)
    )


def _line_heading(i: int, line: str) -> _Heading | None:
    """The heading candidate on a single line, if any."""
    m = _ATX.match(line)
    if m:
        raw = m.group(2) or ""
        return _make_heading(i, i + 1, len(m.group(1)), raw) if raw.strip() else None
    if len(line.strip()) <= _MAX_HEADING_CHARS:
        m = _BOLD_LINE.match(line)
        if m and "**" not in m.group("inner"):
            inner = m.group("inner")
            label = bool(m.group("colon")) or inner.rstrip(" *").endswith((":", "："))
            return _make_heading(i, i + 1, _LABEL_RANK if label else _BOLD_RANK, inner)
    m = _BOLD_LEAD.match(line)
    if m:
        heading = _make_heading(i, i + 1, _LEAD_RANK, m.group("inner"), m.group("rest"))
        return heading if heading.number is not None else None
    m = _BOLD_ITEM.match(line)
    if m and "](#" not in line:
        title, _ = _clean_title(m.group("inner"))
        return _Heading(i, i + 1, _ITEM_RANK, title, int(m.group("num")), m.group("rest").strip())
    return None


def _make_heading(start: int, end: int, rank: int, raw: str, rest: str = "") -> _Heading:
    """A heading candidate with its title cleaned and its number parsed."""
    title, number = _clean_title(raw)
    return _Heading(start, end, rank, title, number, rest.strip())


def _clean_title(raw: str) -> tuple[str, int | None]:
    """Heading text without markup, number prefix or trailing colon; and its number."""
    t = raw.replace("**", "").replace("__", "")
    t = _LINK.sub(r"\1", t)
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


def _drop_toc(scan: _Scan) -> None:
    """Remove a table of contents (heading plus its list of links) and anchor-link lists."""
    starts = {h.start for h in scan.headings}
    kept: list[_Heading] = []
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


# --- choosing the structure ---------------------------------------------------------------


def _title_candidate(scan: _Scan) -> _Heading | None:
    """The first heading, if nothing but noise precedes it and it is not numbered."""
    if not scan.headings:
        return None
    first = scan.headings[0]
    before = range(first.start)
    if first.number is not None or any(
        scan.lines[i].strip() and i not in scan.dropped for i in before
    ):
        return None
    return first


def _is_topic(h: _Heading) -> bool:
    """A heading that names a topic, not an intro, closing, contents or container heading."""
    if h.number is not None:
        return True
    return not (
        _INTRO_TITLE.match(h.title)
        or _CONCLUSION_TITLE.match(h.title)
        or _CONTAINER_TITLE.match(h.title)
    )


def _choose_rank(headings: list[_Heading]) -> int | None:
    """The heading rank that carries the report's main structure (None: no headings).

    The outermost style with at least two topic headings wins, so `## 1.` beats its
    `### 1.1` subsections and `## I.` beats `### A.`; an unnumbered outer level gives way
    to a deeper, consistently numbered one that clearly carries more of the report. Bold
    lead-ins and numbered bold list items are the structure only where nothing outer is.
    """
    by_rank: dict[int, list[_Heading]] = {}
    for h in headings:
        by_rank.setdefault(h.rank, []).append(h)
    ranks = sorted(by_rank)
    for r in ranks:
        if r >= _LEAD_RANK:
            break
        topics = sum(1 for h in by_rank[r] if _is_topic(h))
        if topics < 2:
            continue
        if all(h.number is None for h in by_rank[r]):
            for deeper in ranks:
                if not r < deeper < _LEAD_RANK:
                    continue
                nums = [h.number for h in by_rank[deeper] if h.number is not None]
                increasing = all(a < b for a, b in zip(nums, nums[1:], strict=False))
                if len(nums) >= 3 and increasing and len(nums) >= 2 * topics:
                    return deeper
        return r
    for r in (_LEAD_RANK, _ITEM_RANK):
        if len(by_rank.get(r, [])) >= 2:
            return r
    for minimum in (2, 1):
        for r in ranks:
            if len(by_rank[r]) >= minimum:
                return r
    return None


def _is_title(lead: _Heading, rank: int | None, scan: _Scan) -> bool:
    """Whether the first heading is the document title rather than a section."""
    if lead.rank == _LABEL_RANK:
        return False  # `**Note:**` at the top is a label, not a title
    if rank is None or lead.rank < rank:
        return True
    if lead.rank == _BOLD_RANK and rank <= 6:
        return True  # a bold line above a report built from real headings
    if lead.rank > rank:
        return False
    following = [h for h in scan.headings if h.rank <= rank and h.start >= lead.end]
    end = following[0].start if following else len(scan.lines)
    if not _has_prose(scan, lead.end, end):
        return True  # nothing under it before the next section: a title
    if _INTRO_TITLE.match(lead.title) or _CONCLUSION_TITLE.match(lead.title):
        return False
    numbered = sum(1 for h in following if h.number is not None)
    # An unnumbered heading above numbered ones of its own style, or one that names
    # the report, heads the document (its text is the intro).
    return len(following) >= 2 and (numbered >= 2 or bool(_REPORTISH_TITLE.search(lead.title)))


# --- cutting and numbering ----------------------------------------------------------------


def _has_prose(scan: _Scan, lo: int, hi: int) -> bool:
    """Whether lines lo..hi hold any text beyond headings, labels, rules and chatter."""
    return any(
        scan.lines[i].strip() and i not in scan.dropped and i not in scan.bare
        for i in range(lo, hi)
    )


def _render(scan: _Scan, lo: int, hi: int, dedent: bool = False) -> str:
    """Lines lo..hi as markdown, without noise lines and with blank runs collapsed."""
    out: list[str] = []
    for i in range(lo, hi):
        if i in scan.dropped:
            continue
        line = scan.lines[i].rstrip()
        if not line and not scan.fenced[i] and (not out or not out[-1]):
            continue
        out.append(line)
    text = "\n".join(out)
    return (textwrap.dedent(text) if dedent else text).strip()


def _cut(scan: _Scan, splitters: list[_Heading]) -> tuple[_Part | None, list[_Part]]:
    """The unheaded part before the first section heading, and one part per heading."""
    if not splitters:
        return None, []
    n = len(scan.lines)
    first = splitters[0].start
    pre = _Part(None, _render(scan, 0, first), _render(scan, 0, first), _has_prose(scan, 0, first))
    parts: list[_Part] = []
    for k, h in enumerate(splitters):
        hi = splitters[k + 1].start if k + 1 < len(splitters) else n
        below = _render(scan, h.end, hi, dedent=h.rank == _ITEM_RANK)
        body = "\n\n".join(t for t in (h.rest, below) if t)
        raw = _render(scan, h.start, hi)
        parts.append(_Part(h, body, raw, bool(h.rest) or _has_prose(scan, h.end, hi)))
    return pre, parts


def _number(pre: _Part | None, parts: list[_Part]) -> list[_Entry]:
    """Number the parts: the report's own numbers where it has them, else 1, 2, …"""
    if pre is None:
        return []
    numbered = sum(1 for p in parts if _num(p) is not None)
    meaningful = sum(1 for p in parts if p.prose or _num(p) is not None)
    if numbered >= 2 or (numbered and 2 * numbered >= meaningful):
        return _number_as_written(pre, parts)
    return _number_in_order(pre, [p for p in parts if p.prose])


def _num(part: _Part) -> int | None:
    """The part's own section number, if its heading has one."""
    return part.heading.number if part.heading is not None else None


def _title(part: _Part) -> str:
    """The part's heading title ('' for the unheaded part)."""
    return part.heading.title if part.heading is not None else ""


def _intro(pre: _Part, headed: list[_Part]) -> _Entry | None:
    """One intro section (number 0) from the unheaded text and any headed intro parts."""
    chunks = [pre.body] if pre.prose else []
    title = ""
    for p in headed:
        title = title or _title(p)
        chunks.append(p.raw if chunks else p.body)
    if not chunks:
        return None
    return _Entry(0, "intro", title or "Introduction", chunks)


def _number_as_written(pre: _Part, parts: list[_Part]) -> list[_Entry]:
    """Keep the report's numbers; unnumbered parts become intro, inner text or closing.

    Headings with nothing under them (a "Main Topics" container) are dropped before the
    first and after the last numbered section; between numbered ones nothing is dropped.
    """
    idx = [k for k, p in enumerate(parts) if _num(p) is not None]
    first, last = idx[0], idx[-1]
    entries: list[_Entry] = []
    intro = _intro(pre, [p for p in parts[:first] if p.prose])
    if intro is not None:
        entries.append(intro)
    for p in parts[first : last + 1]:
        number = _num(p)
        if number is None:
            entries[-1].chunks.append(p.raw)  # an unnumbered heading stays in the section above
        else:
            entries.append(_Entry(number, "section", _title(p), [p.body]))
    following = max(n for p in parts if (n := _num(p)) is not None) + 1
    for offset, p in enumerate(p for p in parts[last + 1 :] if p.prose):
        entries.append(_Entry(following + offset, "conclusion", _title(p), [p.body]))
    return entries


def _number_in_order(pre: _Part, parts: list[_Part]) -> list[_Entry]:
    """Number unnumbered sections 1, 2, …; intro and closing parts are told by position+title."""
    head: list[_Part] = []
    rest = list(parts)
    if len(rest) > 1 and _INTRO_TITLE.match(_title(rest[0])):
        head.append(rest.pop(0))
    if not rest:
        return []
    tail: list[_Part] = []
    while len(rest) > 1 and _CONCLUSION_TITLE.match(_title(rest[-1])):
        tail.insert(0, rest.pop())
    entries: list[_Entry] = []
    intro = _intro(pre, head)
    if intro is not None:
        entries.append(intro)
    for n, p in enumerate(rest, start=1):
        entries.append(_Entry(n, "section", _title(p), [p.body]))
    for n, p in enumerate(tail, start=len(rest) + 1):
        entries.append(_Entry(n, "conclusion", _title(p), [p.body]))
    return entries


def _first_words(text: str) -> str:
    """A short title from body text: its first sentence, or its first words."""
    plain = _LINK.sub(r"\1", text)
    plain = re.sub(r"[*_`#>|]", "", plain)
    plain = " ".join(plain.split())
    m = re.match(r"(.+?[.!?])(?:\s|$)", plain)
    sentence = (m.group(1) if m else plain).rstrip(".")
    if len(sentence) <= _SHORT_TITLE_CHARS:
        return sentence
    cut = sentence[:_SHORT_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"
