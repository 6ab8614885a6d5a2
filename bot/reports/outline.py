"""Choosing a report's sections: which heading style carries its structure, and the numbers.

The second half of the parser (`bot.reports.scan` is the first). Reports come out of many
LLM pipelines and vary a lot: ATX or setext headings, bold lines, numbered bold lead-ins,
roman numerals, chatter before the title, a fence around the whole report. The outline finds
the heading style that carries the report's main structure and cuts the report there;
everything below that level stays inside its section as markdown.

Pure: text in, `Report` out, no file access (the loader in `bot.reports.loader` reads files).
"""

from __future__ import annotations

import bisect
import html
import re
import textwrap
import unicodedata
from dataclasses import dataclass

from bot.reports.dates import intrinsic_date
from bot.reports.model import Report, Section, SectionKind
from bot.reports.scan import (
    _HTML_COMMENT,
    BOLD_RANK,
    ITEM_RANK,
    LABEL_RANK,
    LEAD_RANK,
    LINK,
    TITLED_ITEM_RANK,
    Heading,
    Scan,
    backtick_runs,
    scan_report,
)

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
_CONTAINER_TITLE = re.compile(r"^(?:main topics|topics|key topics)$", re.IGNORECASE)
_REPORTISH_TITLE = re.compile(
    r"\b(?:report|bericht|informe|rapport|relatório|relazione|rapporto)\b", re.IGNORECASE
)
_SHORT_TITLE_CHARS = 60
#: How a closing paragraph starts, in the languages the headings above know.
_CLOSING_OPENER = re.compile(
    r"^(?:\*\*)?(?:in conclusion|to conclude|in summary|to summari[sz]e|to sum up|in closing|"
    r"final thoughts|zusammenfassend|abschließend|"
    r"en conclusi[oó]n|en resumen|pour conclure|en conclusion|en résumé|em conclusão|"
    r"em resumo|in sintesi|in conclusione)\b",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Part:
    """A stretch of the report between two section-level headings."""

    heading: Heading | None
    body: str  # without the heading line(s)
    raw: str  # with the heading line(s), for merging into the section before it
    prose: bool  # has text beyond headings and labels
    anchor: str = ""  # GitHub's anchor for the heading ("" for a bold line or list item)


@dataclass(slots=True)
class _Entry:
    """A section being assembled: number, kind, title and text chunks."""

    number: int
    kind: SectionKind
    title: str
    chunks: list[str]
    anchor: str = ""


def parse_report(text: str, report_id: str, path: str = "") -> Report:
    """Parse one report's markdown into sections (pure: no file access)."""
    scan, meta = scan_report(text)
    meta_title = meta.get("title")
    lines = scan.lines
    anchors = _github_anchors(text, scan)

    lead = _title_candidate(scan)
    rank = _choose_rank([h for h in scan.headings if h is not lead])
    title_heading = lead if lead is not None and _is_title(lead, rank, scan) else None
    doc_title = title_heading.title if title_heading is not None else None
    if title_heading is not None:
        scan.dropped.update(range(title_heading.start, title_heading.end))
    if meta_title:  # front matter names the report explicitly: it wins over a heading
        doc_title = meta_title

    splitters = (
        []
        if rank is None
        else [h for h in scan.headings if h.rank <= rank and h is not title_heading]
    )
    entries = _number(*_cut(scan, splitters, anchors))
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
            anchor=e.anchor,
        )
        for pos, e in enumerate(entries, start=1)
    )
    dated = intrinsic_date(meta.get("date"), path, doc_title)
    return Report(
        id=report_id,
        title=doc_title or None,
        path=path,
        sections=sections,
        date=dated[0] if dated else None,
        date_source=dated[1] if dated else None,
    )


# --- choosing the structure ---------------------------------------------------------------


def _title_candidate(scan: Scan) -> Heading | None:
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


def _is_topic(h: Heading) -> bool:
    """A heading that names a topic, not an intro, closing, contents or container heading."""
    if h.number is not None:
        return True
    return not (
        _INTRO_TITLE.match(h.title)
        or _CONCLUSION_TITLE.match(h.title)
        or _CONTAINER_TITLE.match(h.title)
    )


def _choose_rank(headings: list[Heading]) -> int | None:
    """The heading rank that carries the report's main structure (None: no headings).

    The outermost style with at least two topic headings wins, so `## 1.` beats its
    `### 1.1` subsections and `## I.` beats `### A.`; an unnumbered outer level gives way
    to a deeper, consistently numbered one that clearly carries more of the report. Bold
    lead-ins and numbered bold list items are the structure only where nothing outer is.
    """
    by_rank: dict[int, list[Heading]] = {}
    for h in headings:
        by_rank.setdefault(h.rank, []).append(h)
    ranks = sorted(by_rank)
    for r in ranks:
        if r >= LEAD_RANK:
            break
        topics = sum(1 for h in by_rank[r] if _is_topic(h))
        if topics < 2:
            continue
        if all(h.number is None for h in by_rank[r]):
            for deeper in ranks:
                if not r < deeper < LEAD_RANK:
                    continue
                nums = [h.number for h in by_rank[deeper] if h.number is not None]
                increasing = all(a < b for a, b in zip(nums, nums[1:], strict=False))
                if len(nums) >= 3 and increasing and len(nums) >= 2 * topics:
                    return deeper
        return r
    for r in (LEAD_RANK, ITEM_RANK, TITLED_ITEM_RANK):
        if len(by_rank.get(r, [])) >= 2:
            return r
    for minimum in (2, 1):
        for r in ranks:
            if len(by_rank[r]) >= minimum:
                return r
    return None


def _is_title(lead: Heading, rank: int | None, scan: Scan) -> bool:
    """Whether the first heading is the document title rather than a section."""
    if lead.rank == LABEL_RANK:
        return False  # `**Note:**` at the top is a label, not a title
    if rank is None or lead.rank < rank:
        return True
    if lead.rank == BOLD_RANK and rank <= 6:
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


def _has_prose(scan: Scan, lo: int, hi: int) -> bool:
    """Whether lines lo..hi hold any text beyond headings, labels, rules and chatter."""
    return any(
        scan.lines[i].strip() and i not in scan.dropped and i not in scan.bare
        for i in range(lo, hi)
    )


def _render(scan: Scan, lo: int, hi: int, dedent: bool = False) -> str:
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


def _cut(
    scan: Scan, splitters: list[Heading], anchors: dict[int, str]
) -> tuple[_Part | None, list[_Part]]:
    """The unheaded part before the first section heading, and one part per heading."""
    if not splitters:
        return None, []
    n = len(scan.lines)
    first = splitters[0].start
    pre = _Part(None, _render(scan, 0, first), _render(scan, 0, first), _has_prose(scan, 0, first))
    parts: list[_Part] = []
    for k, h in enumerate(splitters):
        hi = splitters[k + 1].start if k + 1 < len(splitters) else n
        below = _render(scan, h.end, hi, dedent=h.rank in (ITEM_RANK, TITLED_ITEM_RANK))
        body = "\n\n".join(t for t in (h.rest, below) if t)
        raw = _render(scan, h.start, hi)
        prose = bool(h.rest) or _has_prose(scan, h.end, hi)
        anchor = anchors.get(h.start, "") if h.rank <= 6 else ""
        parts.append(_Part(h, body, raw, prose, anchor))
    return pre, parts


def _number(pre: _Part | None, parts: list[_Part]) -> list[_Entry]:
    """Number the parts: the report's own numbers where it has them, else 1, 2, …"""
    if pre is None:
        return []
    numbered = sum(1 for p in parts if _num(p) is not None)
    meaningful = sum(1 for p in parts if p.prose or _num(p) is not None)
    if numbered >= 2 or (numbered and 2 * numbered >= meaningful):
        return _closing_split(_number_as_written(pre, parts))
    return _closing_split(_number_in_order(pre, [p for p in parts if p.prose]))


def _closing_split(entries: list[_Entry]) -> list[_Entry]:
    """An unheaded closing paragraph ("In conclusion, …") at the end of the last section is
    the report's closing part: it takes the next number instead of being glued on."""
    if not entries or entries[-1].kind != "section":
        return entries
    last = entries[-1]
    paragraphs = "\n\n".join(c for c in last.chunks if c).rstrip().split("\n\n")
    if len(paragraphs) < 2 or not _CLOSING_OPENER.match(paragraphs[-1].strip()):
        return entries
    if paragraphs[-2].lstrip().startswith("#"):
        return entries  # it has a heading of its own inside the section: the report's call
    kept = _Entry(last.number, last.kind, last.title, ["\n\n".join(paragraphs[:-1])], last.anchor)
    closing = _Entry(last.number + 1, "conclusion", "Conclusion", [paragraphs[-1].strip()])
    return [*entries[:-1], kept, closing]


def _num(part: _Part) -> int | None:
    """The part's own section number, if its heading has one."""
    return part.heading.number if part.heading is not None else None


def _title(part: _Part) -> str:
    """The part's heading title ('' for the unheaded part)."""
    return part.heading.title if part.heading is not None else ""


def _intro(pre: _Part, headed: list[_Part]) -> _Entry | None:
    """One intro section (number 0) from the unheaded text and any headed intro parts."""
    chunks = [pre.body] if pre.prose else []
    # text before the first heading: a link to the heading would skip it
    anchor = headed[0].anchor if headed and not chunks else ""
    title = ""
    for p in headed:
        title = title or _title(p)
        chunks.append(p.raw if chunks else p.body)
    if not chunks:
        return None
    return _Entry(0, "intro", title or "Introduction", chunks, anchor)


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
            entries.append(_Entry(number, "section", _title(p), [p.body], p.anchor))
    following = max(n for p in parts if (n := _num(p)) is not None) + 1
    for offset, p in enumerate(p for p in parts[last + 1 :] if p.prose):
        entries.append(_Entry(following + offset, "conclusion", _title(p), [p.body], p.anchor))
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
        entries.append(_Entry(n, "section", _title(p), [p.body], p.anchor))
    for n, p in enumerate(tail, start=len(rest) + 1):
        entries.append(_Entry(n, "conclusion", _title(p), [p.body], p.anchor))
    return entries


def _first_words(text: str) -> str:
    """A short title from body text: its first sentence, or its first words."""
    plain = LINK.sub(r"\1", text)
    plain = re.sub(r"[*_`#>|]", "", plain)
    plain = " ".join(plain.split())
    m = re.match(r"(.+?[.!?])(?:\s|$)", plain)
    sentence = (m.group(1) if m else plain).rstrip(".")
    if len(sentence) <= _SHORT_TITLE_CHARS:
        return sentence
    cut = sentence[:_SHORT_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"


# --- GitHub's heading anchors -------------------------------------------------------------

_GH_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*))?$")
_GH_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_GH_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_GH_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_GH_QUOTE = re.compile(r"^ {0,3}>")
#: An HTML block (CommonMark types 1 and 6): its lines are raw HTML up to a blank line.
_GH_HTML_BLOCK = re.compile(
    r"^ {0,3}</?(?:address|article|aside|blockquote|body|center|details|dialog|div|dl|dd|dt"
    r"|fieldset|figcaption|figure|footer|form|h[1-6]|header|hr|html|iframe|li|main|nav|ol|p"
    r"|pre|script|section|style|summary|table|tbody|td|textarea|tfoot|th|thead|tr|ul)"
    r"(?:[\s/>]|$)",
    re.IGNORECASE,
)
#: A line that is one whole tag (type 7): an HTML block too, but it cannot end a paragraph.
_GH_HTML_LINE = re.compile(
    r"^ {0,3}(?:<[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)[ \t]*$"
)
_GH_AUTOLINK = re.compile(
    r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*|[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)*)>"
)
_GH_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]{0,300})?/?>")
_GH_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_GH_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_GH_LINK = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
#: `_em_`, `__strong__`: underscores that open and close emphasis (not `snake_case`).
_GH_UNDERSCORES = re.compile(r"(?<![^\W_])(_{1,3})(?=[^\s_])(.*?[^\s_])\1(?![^\W_])")
#: Where inline markup may start in a heading: an escape, backticks, a tag or an entity.
_GH_SPECIAL = re.compile(r"\\[!-/:-@\[-`{-~]|`+|<|&")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_MAX_HELD = 0xF8FF - 0xE000


def heading_anchor(heading: str) -> str:
    """GitHub's anchor for a heading's text as written (before de-duplication).

    The text as GitHub renders it (emphasis, code backticks, links and tags gone), lower
    case, without anything but letters, marks, digits, spaces, `-` and `_`, spaces as `-`:
    "## 2. Multimodal Capabilities" links as #2-multimodal-capabilities.
    """
    text = _heading_text(heading).lower()
    return "".join(c for c in text if c in " -" or _is_word_char(c)).replace(" ", "-")


def _is_word_char(c: str) -> bool:
    """A letter, mark, digit or connector such as `_` (Ruby's \\p{Word}, which GitHub uses)."""
    category = unicodedata.category(c)
    return category[0] in "LMN" or category == "Pc"


def _heading_text(raw: str) -> str:
    """A heading's inline markdown as the text GitHub shows (what its anchor is made of)."""
    raw = _PRIVATE_USE.sub("", raw.strip())
    kept: list[str] = []  # literal text (code, escapes, entities), held out of the rules

    def hold(literal: str) -> str:
        kept.append(literal)
        return chr(0xE000 + len(kept) - 1) if len(kept) <= _MAX_HELD else literal

    ticks = backtick_runs(raw, _GH_SPECIAL)
    out: list[str] = []
    pos = 0
    for m in _GH_SPECIAL.finditer(raw):
        start, token = m.start(), m.group()
        if start < pos:
            continue
        out.append(raw[pos:start])
        pos = m.end()
        if token[0] == "\\":
            out.append(hold(token[1]))
        elif token[0] == "`":
            starts = ticks.get(len(token), [])
            k = bisect.bisect_right(starts, start)
            if k == len(starts):
                out.append(hold(token))  # no closing run: the backticks are text
                continue
            code = raw[pos : starts[k]]
            if len(code) > 1 and code[0] == code[-1] == " " and code.strip():
                code = code[1:-1]
            out.append(hold(code))
            pos = starts[k] + len(token)
        elif token == "<":
            tag = _GH_AUTOLINK.match(raw, start) or _GH_TAG.match(raw, start)
            if tag:
                out.append(hold(tag.group(1)) if tag.re is _GH_AUTOLINK else "")
                pos = tag.end()
            else:
                out.append(token)
        else:
            entity = _GH_ENTITY.match(raw, start)
            if entity:
                out.append(hold(html.unescape(entity.group())))
                pos = entity.end()
            else:
                out.append(token)
    out.append(raw[pos:])
    text = _GH_LINK.sub(r"\1", _GH_IMAGE.sub("", "".join(out)))
    for _ in range(3):  # `___both___` nests strong in emphasis
        text, found = _GH_UNDERSCORES.subn(r"\2", text)
        if not found:
            break
    return _PRIVATE_USE.sub(lambda m: kept[ord(m.group()) - 0xE000], text)


def _atx_text(content: str) -> str:
    """An ATX heading's text without its closing #'s (`## Title ##`)."""
    content = content.strip()
    bare = content.rstrip("#")
    if bare != content and (not bare or bare[-1] in " \t"):
        return bare.strip()
    return content


def _github_anchors(text: str, scan: Scan) -> dict[int, str]:
    """Anchor of each heading GitHub renders, by its first line in `scan.lines`.

    Every heading counts for the -1, -2 suffixes of repeated titles, the title and
    sub-headings too. A report wrapped whole in a fence renders as code on GitHub: none.
    """
    source = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "<!--" in source:  # as the scan does: a comment's lines become blank lines
        source = _HTML_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), source)
    rendered = source.split("\n")
    if rendered[len(rendered) - len(scan.lines) :] != scan.lines:
        return {}  # the scan unwrapped a fence: GitHub shows the report as a code block
    seen: dict[str, int] = {}
    anchors: dict[int, str] = {}
    for line, heading in _github_headings(scan.lines, scan.fenced):
        base = anchor = heading_anchor(heading)
        while anchor in seen:  # github-slugger's rule: "a", "a-1", "a-2", …
            seen[base] += 1
            anchor = f"{base}-{seen[base]}"
        seen[anchor] = 0
        anchors[line] = anchor
    return anchors


def _github_headings(lines: list[str], fenced: list[bool]) -> list[tuple[int, str]]:
    """(first line, raw text) of each ATX or setext heading, as CommonMark reads blocks.

    Close enough for reports: fenced code, HTML blocks, list items and block quotes are
    told apart so that their `---` and `===` lines are not taken for setext underlines.
    """
    found: list[tuple[int, str]] = []
    paragraph: list[int] = []
    in_list = in_quote = in_html = after_blank = False
    for i, line in enumerate(lines):
        if fenced[i]:
            paragraph = []
            continue
        if not line.strip():
            paragraph, in_quote, in_html, after_blank = [], False, False, True
            continue
        blank_before, after_blank = after_blank, False
        if in_html:
            continue
        item = bool(_GH_LIST_ITEM.match(line))
        if in_list and blank_before and not item and not line[:1].isspace():
            in_list = False  # a paragraph back at the margin: the list is over
        m = _GH_ATX.match(line)
        if m:
            found.append((i, _atx_text(m.group(1) or "")))
            paragraph = []
        elif paragraph and _GH_UNDERLINE.match(line):
            found.append((paragraph[0], " ".join(lines[k].strip() for k in paragraph)))
            paragraph = []
        elif _GH_RULE.match(line):
            paragraph = []
        elif _GH_HTML_BLOCK.match(line) or (not paragraph and _GH_HTML_LINE.match(line)):
            paragraph, in_html = [], True
        elif item or _GH_QUOTE.match(line):
            paragraph, in_list, in_quote = [], in_list or item, in_quote or not item
        elif in_list or in_quote or line.lstrip().startswith("|"):
            continue  # inside a list item or quote (or a table row): not a heading's text
        elif paragraph or not line.startswith(("    ", "\t")):  # not indented code
            paragraph.append(i)
    return found
