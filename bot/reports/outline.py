"""Choosing a report's sections: which heading style carries its structure, and the numbers.

The second half of the parser (`bot.reports.scan` is the first). Reports come out of many
LLM pipelines and vary a lot: ATX or setext headings, bold lines, numbered bold lead-ins,
roman numerals, chatter before the title, a fence around the whole report. The outline finds
the heading style that carries the report's main structure and cuts the report there;
everything below that level stays inside its section as markdown.

Pure: text in, `Report` out, no file access (the loader in `bot.reports.loader` reads files).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from bot.reports.dates import intrinsic_date
from bot.reports.model import Report, Section, SectionKind
from bot.reports.scan import (
    BOLD_RANK,
    ITEM_RANK,
    LABEL_RANK,
    LEAD_RANK,
    LINK,
    TITLED_ITEM_RANK,
    Heading,
    Scan,
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


@dataclass(slots=True)
class _Entry:
    """A section being assembled: number, kind, title and text chunks."""

    number: int
    kind: SectionKind
    title: str
    chunks: list[str]


def parse_report(text: str, report_id: str, path: str = "") -> Report:
    """Parse one report's markdown into sections (pure: no file access)."""
    scan, meta = scan_report(text)
    meta_title = meta.get("title")
    lines = scan.lines

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


def _cut(scan: Scan, splitters: list[Heading]) -> tuple[_Part | None, list[_Part]]:
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
        parts.append(_Part(h, body, raw, bool(h.rest) or _has_prose(scan, h.end, hi)))
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
    kept = _Entry(last.number, last.kind, last.title, ["\n\n".join(paragraphs[:-1])])
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
    plain = LINK.sub(r"\1", text)
    plain = re.sub(r"[*_`#>|]", "", plain)
    plain = " ".join(plain.split())
    m = re.match(r"(.+?[.!?])(?:\s|$)", plain)
    sentence = (m.group(1) if m else plain).rstrip(".")
    if len(sentence) <= _SHORT_TITLE_CHARS:
        return sentence
    cut = sentence[:_SHORT_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"
