"""Text for Slack: escaping, excerpts as mrkdwn, and cutting to Block Kit limits safely.

Every piece of user or report text passes `escape` before it reaches a message, so an
echoed `<!channel>` or `<@U…>` notifies no one. Limits are counted after escaping, and a
cut never splits an `&amp;` entity.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field

from bot.render.links import LINK_SCHEMES, link
from bot.reports.scan import atx_heading, backtick_runs
from bot.search.excerpt import Excerpt
from bot.text.plain import _BREAK_TAG, _ENTITY, _TAG

ELLIPSIS = "…"
_ENTITY_TAIL = re.compile(r"&[a-z]{0,4}$")


def escape(text: str) -> str:
    """Escape &, < and > as Slack requires; the only characters it treats as control."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    """At most `limit` characters of already-escaped text, ending in … when cut."""
    if len(text) <= limit:
        return text
    head = text[: max(0, limit - len(ELLIPSIS))]
    head = _ENTITY_TAIL.sub("", head)  # never leave half an entity such as "&am"
    return head.rstrip() + ELLIPSIS


def plain(text: str, limit: int) -> str:
    """User or report text escaped and cut to a limit (for plain_text and mrkdwn fields)."""
    return cut(escape(text), limit)


def excerpt_mrkdwn(excerpt: Excerpt) -> str:
    """An excerpt escaped for Slack with its matched words in bold."""
    out: list[str] = []
    pos = 0
    for start, end in excerpt.highlights:
        out.append(escape(excerpt.text[pos:start]))
        word = excerpt.text[start:end]
        out.append(f"*{escape(word)}*")
        pos = end
    out.append(escape(excerpt.text[pos:]))
    return "".join(out)


# --- a whole section as Slack mrkdwn --------------------------------------------------------
#
# Each line is rendered to a working string first: report text escaped, every finished
# piece of markup (a code span, a link, a decoded entity) held as one private-use character
# standing for its text (`_Line.atoms`), and bold, italic and strike as one marker
# character each. Lines are cut in that form, at spaces, so a cut never falls inside an
# entity, a link or a code span, and formatting open at a cut is closed and opened again.

_BOLD, _ITALIC, _STRIKE = "\ue000", "\ue001", "\ue002"
_MARKUP = {_BOLD: "*", _ITALIC: "_", _STRIKE: "~"}
_FIRST_ATOM = 0xF0000
_MAX_ATOMS = 0x10FFFD - _FIRST_ATOM
_ATOM = re.compile("[\U000f0000-\U0010fffd]")
_HELD = re.compile("[\ue000-\ue002\U000f0000-\U0010fffd]")
_MIN_LIMIT = 40

#: A code fence (a backtick fence's info string has no backtick: ```x``` is inline code).
_FENCE = re.compile(r"^(\s*)(`{3,}(?=[^`]*$)|~{3,})(.*)$")
_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>[ ]?")
_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<text>.*)|$)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
#: Where inline markdown may start; the text between two of these is plain.
_INLINE_START = re.compile(
    r"\\[!-/:-@\[-`{-~]|`+|!?\[|<|&|https?://|[\ue000-\uf8ff\U000f0000-\U0010ffff]"
)
_LINK_AT = re.compile(
    r"!?\[(?P<label>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]"
    r"\(\s*<?(?P<url>(?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_BARE_URL = re.compile(r"https?://[^\s<>`]*")
_URL_TAIL = ".,;:!?'\"]*_~"
#: Emphasis spans at most this many characters: a line of unclosed `**` stays linear.
_SPAN = 1000
_STRONG_EM = re.compile(rf"\*\*\*(?=[^\s*])(.{{1,{_SPAN}}}?)(?<=[^\s*])\*\*\*")
_STRONG = re.compile(rf"\*\*(?=[^\s*])(.{{1,{_SPAN}}}?)(?<=[^\s*])\*\*")
_STRONG_U = re.compile(rf"(?<![^\W_])__(?=[^\s_])(.{{1,{_SPAN}}}?)(?<=[^\s_])__(?![^\W_])")
_STRIKE_MD = re.compile(rf"~~(?=[^\s~])(.{{1,{_SPAN}}}?)(?<=[^\s~])~~")
_EM = re.compile(rf"(?<!\*)\*(?=[^\s*])(.{{1,{_SPAN}}}?)(?<=[^\s*])\*(?!\*)")
_EM_U = re.compile(rf"(?<![^\W_])_(?=[^\s_])(.{{1,{_SPAN}}}?)(?<=[^\s_])_(?![^\W_])")
#: Escaped text cuts between these: never inside an entity.
_CUT_UNIT = re.compile(r"&(?:amp|lt|gt);|.", re.DOTALL)


@dataclass(slots=True)
class _Line:
    """One output line in working form: its prefix (a quote mark, a bullet), the prefix of
    any line it is cut into, its body, and what the body's atom characters stand for."""

    prefix: str
    cont: str
    body: str
    atoms: list[str] = field(default_factory=list)
    #: The same atoms as plain escaped text, for an atom too long to keep whole.
    plain: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Paragraph:
    """A run of output lines with no blank line between them; code when `code` is set."""

    lines: list[_Line]
    code: bool = False


def section_mrkdwn(text: str, limit: int = 2900) -> list[str]:
    """A section's markdown as Slack mrkdwn, in chunks of at most `limit` characters.

    For the section modal: headings, lists, quotes, bold and links as Slack draws them,
    every piece of report text escaped before any markup is added. A long section is cut
    at blank lines, else at line ends, else between words; nothing is dropped.
    """
    if limit < _MIN_LIMIT:
        raise ValueError(f"limit must be at least {_MIN_LIMIT}")
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for piece, tight in _pieces(_paragraphs(text), limit):
        sep = "\n" if tight else "\n\n"
        if current and size + len(sep) + len(piece) <= limit:
            current += [sep, piece]
            size += len(sep) + len(piece)
            continue
        if current:
            chunks.append("".join(current))
        current, size = [piece], len(piece)
    if current:
        chunks.append("".join(current))
    return chunks


# -- blocks --------------------------------------------------------------------------------


def _paragraphs(text: str) -> list[_Paragraph]:
    """The section's blocks as paragraphs of output lines (blank lines between them)."""
    lines = _without_comments(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    out: list[_Paragraph] = []
    run: list[_Line] = []
    stack: list[int] = []  # indents of the open list levels

    def close() -> None:
        nonlocal run
        if run:
            out.append(_Paragraph(run))
        run = []

    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            close()
            i = _code_block(lines, i, fence, out)
            continue
        if not line.strip():
            close()
            i += 1
            continue
        if "|" in line and i + 1 < len(lines) and _is_table_rule(line, lines[i + 1]):
            close()
            i = _table(lines, i, out)
            continue
        if _THEMATIC.match(line):  # a rule: layout, not text
            close()
            i += 1
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if _UNDERLINE.match(nxt) and nxt.strip() and _plain_line(line):
            run.append(_heading(line.strip()))
            stack = []
            i += 2
            continue
        run.extend(_text_line(line, stack))
        i += 1
    close()
    return out


def _without_comments(lines: list[str]) -> list[str]:
    """The lines without HTML comments (which may run over several lines), except inside
    fenced code, where a comment is code to show."""
    if not any("<!--" in line for line in lines):
        return lines
    out: list[str] = []
    text: list[str] = []
    mark = ""
    for line in lines:
        if mark:
            out.append(line)
            mark = "" if _closes(line, mark) else mark
            continue
        fence = _FENCE.match(line)
        if fence:
            out += _COMMENT.sub("", "\n".join(text)).split("\n") if text else []
            out.append(line)
            text, mark = [], fence.group(2)
            continue
        text.append(line)
    out += _COMMENT.sub("", "\n".join(text)).split("\n") if text else []
    return out


def _closes(line: str, mark: str) -> bool:
    """Whether a line closes a fence opened with `mark` (same character, as long or longer)."""
    s = line.strip()
    return bool(s) and set(s) == {mark[0]} and len(s) >= len(mark)


def _plain_line(line: str) -> bool:
    """Whether a line followed by === or --- makes a setext heading (not a list or quote)."""
    return not (_ITEM.match(line) or _QUOTE.match(line) or atx_heading(line))


def _code_block(lines: list[str], i: int, fence: re.Match[str], out: list[_Paragraph]) -> int:
    """A fenced code block as one code paragraph; the index of the line after it."""
    indent, mark = len(fence.group(1).expandtabs(4)), fence.group(2)
    body: list[_Line] = []
    j = i + 1
    while j < len(lines):
        if _closes(lines[j], mark):
            j += 1
            break
        raw = lines[j].expandtabs(4)
        strip = min(indent, len(raw) - len(raw.lstrip(" ")))
        # ``` inside the code would end Slack's block: a zero-width space keeps it whole
        body.append(_Line("", "", escape(raw[strip:]).replace("```", "`\u200b``")))
        j += 1
    out.append(_Paragraph(body, code=True))
    return j


def _is_table_rule(header: str, line: str) -> bool:
    """Whether `line` is the |---|:---:| line under a table's header row (as many cells)."""
    if "-" not in line:
        return False
    cells = _split_row(line)
    return len(cells) == len(_split_row(header)) and all(
        re.fullmatch(r"\s*:?-+:?\s*", c) for c in cells
    )


def _table(lines: list[str], i: int, out: list[_Paragraph]) -> int:
    """A table as one line per row, cells between bars, the header row in bold."""
    rows: list[_Line] = []
    j = i
    while j < len(lines) and "|" in lines[j] and lines[j].strip():
        if j != i + 1:  # the |---| rule is layout, not text
            cells = [c.strip().replace("\\|", "|") for c in _split_row(lines[j])]
            line = _Line("", "", "")
            parts = [_inline(c, line, heading=j == i) for c in cells]
            if j == i:
                parts = [f"{_BOLD}{p}{_BOLD}" if p.strip() else p for p in parts]
            line.body = " | ".join(parts)
            rows.append(line)
        j += 1
    out.append(_Paragraph(rows))
    return j


def _split_row(row: str) -> list[str]:
    """A table row's cells (outer bars dropped, `\\|` kept inside a cell)."""
    s = row.strip()
    s = s[1:] if s.startswith("|") else s
    s = s[:-1] if s.endswith("|") and not s.endswith("\\|") else s
    return re.split(r"(?<!\\)\|", s)


def _heading(text: str) -> _Line:
    """A heading as a bold line (bold inside it is dropped: Slack does not nest bold)."""
    line = _Line("", "", "")
    body = _inline(text, line, heading=True).strip()
    line.body = f"{_BOLD}{body}{_BOLD}" if body else ""
    return line


def _text_line(raw: str, stack: list[int]) -> list[_Line]:
    """One source line (outside code and tables) as output lines: quote, heading, list
    item, list continuation or plain text; a `<br>` inside it starts another line."""
    prefix = ""
    while m := _QUOTE.match(raw):
        prefix, raw = "> ", raw[m.end() :]
    if prefix and not raw.strip():
        return []
    heading = atx_heading(raw)
    if heading is not None:
        stack.clear()
        line = _heading(heading[1])
        line.prefix = line.cont = prefix
        return [line] if line.body else []
    cont = prefix
    item = _ITEM.match(raw)
    indent = len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip(" "))
    if item:
        level = _list_level(stack, indent)
        marker = item.group("marker")
        bullet = "•" if marker in "-*+" else marker
        pad = "    " * level
        prefix, cont = f"{prefix}{pad}{bullet} ", f"{cont}{pad}  "
        raw = item.group("text") or ""
    elif stack and indent > 0:
        pad = "    " * (len(stack) - 1) + "  "
        prefix, cont, raw = prefix + pad, cont + pad, raw.strip()
    else:
        stack.clear()
        raw = raw.strip() if prefix else raw.rstrip()
    out: list[_Line] = []
    for k, part in enumerate(_BREAK_TAG.split(raw)):
        line = _Line(prefix if k == 0 else cont, cont, "")
        line.body = _inline(part if k == 0 else part.strip(), line)
        out.append(line)
    # a line that was only tags (`<div>`) is gone; an empty list item keeps its bullet
    return [ln for ln in out if ln.body.strip() or (ln is out[0] and ln.prefix.strip())]


def _list_level(stack: list[int], indent: int) -> int:
    """The nesting level of a list item at this indent (0: top level), keeping the stack."""
    while stack and indent < stack[-1]:
        stack.pop()
    if not stack or indent > stack[-1] + 1:
        stack.append(indent)
    return len(stack) - 1


# -- inline --------------------------------------------------------------------------------


def _atom(line: _Line, text: str, plain: str | None = None) -> str:
    """Hold finished mrkdwn as one character of the working string."""
    if len(line.atoms) >= _MAX_ATOMS:
        return plain if plain is not None else text
    line.atoms.append(text)
    line.plain.append(text if plain is None else plain)
    return chr(_FIRST_ATOM + len(line.atoms) - 1)


def _inline(text: str, line: _Line, heading: bool = False, label: bool = False) -> str:
    """Inline markdown as the working string: escaped text, atoms and formatting markers."""
    out: list[str] = []
    pos = 0
    ticks = backtick_runs(text, _INLINE_START) if "`" in text else {}
    for m in _INLINE_START.finditer(text):
        if m.start() < pos:
            continue
        out.append(escape(text[pos : m.start()]))
        held, pos = _inline_at(text, m, line, label, ticks)
        out.append(held)
    out.append(escape(text[pos:]))
    body = _emphasis("".join(out))
    if label:
        return body.translate({ord(c): None for c in _MARKUP})
    return body.replace(_BOLD, "") if heading else body


def _inline_at(
    text: str, m: re.Match[str], line: _Line, label: bool, ticks: dict[int, list[int]]
) -> tuple[str, int]:
    """What starts at match m (a code span, link, tag, entity, URL, escape) and where the
    text after it starts."""
    start, token = m.start(), m.group()
    if token[0] == "\\":
        return _atom(line, escape(token[1])), m.end()
    if token[0] == "`":
        starts = ticks.get(len(token), [])
        k = bisect.bisect_right(starts, start)
        if k == len(starts):
            return token, m.end()
        end = starts[k] + len(token)
        code = text[m.end() : starts[k]].replace("\n", " ")
        if len(code) > 1 and code[0] == code[-1] == " " and code.strip():
            code = code[1:-1]
        shown = escape(code)
        if label or "`" in code or not code.strip():
            return _atom(line, shown), end
        return _atom(line, f"`{shown}`", shown), end
    if token[-1] == "[":
        link_m = _LINK_AT.match(text, start)
        if link_m is None:
            return token, m.end()
        inner = _Line("", "", "")
        label_text = _expand(_inline(link_m.group("label"), inner, label=True), inner.atoms)
        url = link_m.group("url")
        if token == "![" and not label_text.strip():
            return "", link_m.end()  # an image without alt text: nothing to read
        if label or not url.lower().startswith(LINK_SCHEMES):
            return _atom(line, label_text), link_m.end()
        return _atom(line, link(url, label_text), label_text), link_m.end()
    if token == "<":
        tag = _TAG.match(text, start)
        return ("", tag.end()) if tag else (escape(token), m.end())
    if token == "&":
        entity = _ENTITY.match(text, start)
        if entity is None:
            return escape(token), m.end()
        return _atom(line, escape(html.unescape(entity.group()))), entity.end()
    if token.startswith("http"):
        url_m = _BARE_URL.match(text, start)
        assert url_m is not None
        url = _trim_url(url_m.group())
        if len(url) <= len("https://"):
            return escape(token), m.end()
        return _atom(line, escape(url)), start + len(url)
    return _atom(line, token), m.end()  # a private-use character of the report's own


def _trim_url(url: str) -> str:
    """A bare URL without the punctuation after it (a `)` only when unbalanced)."""
    end, opened, closed = len(url), url.count("("), url.count(")")
    while end and (url[end - 1] in _URL_TAIL or (url[end - 1] == ")" and closed > opened)):
        if url[end - 1] == ")":
            closed -= 1
        end -= 1
    return url[:end]


def _emphasis(s: str) -> str:
    """Markdown emphasis as markers: **b** and __b__ bold, *i* and _i_ italic, ~~s~~ strike."""
    if "*" in s:
        s = _STRONG_EM.sub(f"{_BOLD}{_ITALIC}\\1{_ITALIC}{_BOLD}", s)
        s = _STRONG.sub(f"{_BOLD}\\1{_BOLD}", s)
    if "__" in s:
        s = _STRONG_U.sub(f"{_BOLD}\\1{_BOLD}", s)
    if "~~" in s:
        s = _STRIKE_MD.sub(f"{_STRIKE}\\1{_STRIKE}", s)
    if "*" in s:
        s = _EM.sub(f"{_ITALIC}\\1{_ITALIC}", s)
    if "_" in s:
        s = _EM_U.sub(f"{_ITALIC}\\1{_ITALIC}", s)
    return s


def _expand(body: str, atoms: list[str]) -> str:
    """The working string as mrkdwn: markers as * _ ~ and atoms as what they hold."""
    if atoms:
        body = _ATOM.sub(lambda m: atoms[ord(m.group()) - _FIRST_ATOM], body)
    for marker, markup in _MARKUP.items():
        body = body.replace(marker, markup)
    return body


# -- cutting -------------------------------------------------------------------------------


def _pieces(paragraphs: list[_Paragraph], limit: int) -> list[tuple[str, bool]]:
    """Text at most `limit` long each, and whether it joins the one before with a line
    break (True) or a blank line: whole paragraphs where they fit, else lines, else parts."""
    out: list[tuple[str, bool]] = []
    for paragraph in paragraphs:
        if paragraph.code:
            out += [(p, k > 0) for k, p in enumerate(_code_pieces(paragraph.lines, limit))]
            continue
        lines = [part for ln in paragraph.lines for part in _cut_line(ln, limit)]
        whole = "\n".join(lines)
        if len(whole) <= limit:
            out.append((whole, False))
        else:
            out += [(ln, k > 0) for k, ln in enumerate(lines)]
    return out


def _code_pieces(lines: list[_Line], limit: int) -> list[str]:
    """A code block as ``` blocks, each within the limit (long lines cut, not dropped)."""
    room = limit - len("```\n\n```")
    rows = [part for ln in lines for part in _hard_cut(ln.body, room)] or [""]
    pieces: list[str] = []
    group: list[str] = []
    size = -1
    for row in rows:
        if group and size + 1 + len(row) > room:
            pieces.append("```\n" + "\n".join(group) + "\n```")
            group, size = [], -1
        group.append(row)
        size += 1 + len(row)
    pieces.append("```\n" + "\n".join(group) + "\n```")
    return pieces


def _hard_cut(text: str, room: int) -> list[str]:
    """Escaped text in parts of at most `room` characters, after a space where there is
    one in the second half, never inside an entity."""
    if len(text) <= room:
        return [text]
    parts: list[str] = []
    current = ""
    for unit in _CUT_UNIT.findall(text):
        if len(current) + len(unit) > room:
            space = current.rfind(" ") + 1
            head, current = (
                (current[:space], current[space:]) if space > room // 2 else (current, "")
            )
            parts.append(head)
        current += unit
    parts.append(current)
    return parts


def _cut_line(line: _Line, limit: int) -> list[str]:
    """A line as mrkdwn; when too long, cut between words (a word longer than a whole line
    between characters), with formatting open at a cut closed before it and opened after."""
    whole = line.prefix + _expand(line.body, line.atoms)
    if len(whole) <= limit:
        return [whole]
    room = limit - max(len(line.prefix), len(line.cont)) - 2 * len(_MARKUP)
    atoms = line.atoms
    body = _ATOM.sub(lambda m: _fitting(line, _index(m), room), line.body)
    parts: list[str] = []
    prefix, reopen = line.prefix, ""
    current: list[str] = []
    width = 0
    marks: list[str] = []  # formatting open at the end of `current`
    for token in _tokens(body, atoms, room):
        w = _width(token, atoms)
        after = _toggle(marks, token)
        if current and width + w + len(after) > limit - len(prefix) - len(reopen):
            text = "".join(current).rstrip(" ")
            parts.append(prefix + _expand(reopen + text + "".join(reversed(marks)), atoms))
            prefix, reopen, current, width = line.cont, "".join(marks), [], 0
            if token.isspace():
                continue
        current.append(token)
        width += w
        marks = after
    parts.append(prefix + _expand(reopen + "".join(current), atoms))
    return parts


def _fitting(line: _Line, index: int, room: int) -> str:
    """An atom, or its plain text when it is too long for a line (cut like any text; the
    report's own private-use characters in it held as atoms again)."""
    if len(line.atoms[index]) <= room:
        return chr(_FIRST_ATOM + index)
    return _HELD.sub(lambda m: _atom(line, m.group()), line.plain[index])


def _index(m: re.Match[str]) -> int:
    return ord(m.group()) - _FIRST_ATOM


def _tokens(body: str, atoms: list[str], room: int) -> list[str]:
    """Words and runs of spaces; a word wider than `room` in parts that each fit."""
    out: list[str] = []
    for word in re.split(r"( +)", body):
        if not word:
            continue
        if word.isspace() or _width(word, atoms) <= room:
            out.append(word)
            continue
        part, width = "", 0
        for unit in _CUT_UNIT.findall(word):
            w = _width(unit, atoms)
            if part and width + w > room:
                out.append(part)
                part, width = "", 0
            part += unit
            width += w
        out.append(part)
    return out


def _width(s: str, atoms: list[str]) -> int:
    """Length of working text once expanded (an atom counts as what it holds)."""
    if not atoms:
        return len(s)
    return len(s) + sum(len(atoms[_index(m)]) - 1 for m in _ATOM.finditer(s))


def _toggle(marks: list[str], token: str) -> list[str]:
    """The formatting open after `token`, given what was open before it."""
    if not any(c in _MARKUP for c in token):
        return marks
    after = list(marks)
    for c in token:
        if c in _MARKUP:
            if c in after:
                after.remove(c)
            else:
                after.append(c)
    return after
