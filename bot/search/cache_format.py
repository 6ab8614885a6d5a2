"""The cached objects as plain data: 1-D numpy arrays for the bulk, JSON for the rest.

`encode` turns a SearchEngine, a TrendReport or a PhraseIndex into a `Payload`: a type
name, a small JSON-able `meta` dict (scalars and short lists) and named 1-D arrays of
numbers only (no object dtype), which `bot.search.cache` writes with `numpy.save` and reads
with `numpy.load(..., allow_pickle=False)`. `decode` builds the object back, field by field,
with the same classes the build uses: nothing in a file can name a class or run code, and
a file that is well-formed but inconsistent (an index past the end, a length that does not
match) raises `FormatError` instead of becoming an object that fails later.

Columns: a list of strings is one UTF-8 array (`name.text`): short strings (words, terms)
each followed by NUL, so millions load as one decode and one split; long ones (section
texts) or any holding a NUL back to back, with their end offsets in bytes (`name.ends`);
a list of lists adds the lists' sizes (`name.sizes`); sections are one table per file
(`s.*`), referred to by row, so an object that shares a section (the corpus, the index) still
shares it once decoded. Caches that objects fill as they are used (the analyzer's patterns,
the index's bitsets, the speller's memo) are not stored: they start empty.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast, get_args

import numpy as np
import numpy.typing as npt
from scipy import sparse

from bot.insights.stream import PhraseIndex
from bot.insights.trends import SummarySentence, Trend, TrendReport
from bot.reports.dates import DateSource, ReportDate
from bot.reports.model import Corpus, Report, Section, SectionKind, SkippedFile
from bot.search.engine import SearchEngine
from bot.search.index import SectionIndex
from bot.text.analyzer import Analyzer
from bot.text.spelling import Speller

T = TypeVar("T")
Array = npt.NDArray[Any]
IntArray = npt.NDArray[np.int64]

_KINDS: tuple[str, ...] = get_args(SectionKind)
_SOURCES: tuple[str, ...] = get_args(DateSource)
_INT = np.dtype(np.int64)
_FLOAT = np.dtype(np.float64)
_TEXT = np.dtype(np.uint8)
_MAX_ORDINAL = dt.date.max.toordinal()
#: Strings this long on average (in characters) are stored with offsets, not NUL-split.
_LONG = 32


class FormatError(ValueError):
    """A payload that does not decode: damaged, tampered with, or written by other code."""


@dataclass(frozen=True, slots=True)
class Payload:
    """An object as plain data: its type's name, JSON-able meta and named 1-D arrays."""

    type: str
    meta: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, Array] = field(default_factory=dict)


# -- columns -------------------------------------------------------------------------------


class _Out:
    """Collects the arrays of one payload."""

    def __init__(self) -> None:
        self.arrays: dict[str, Array] = {}
        self._rows: dict[int, int] = {}
        self._sections: list[Section] = []

    def array(self, name: str, values: Any, dtype: np.dtype[Any]) -> None:
        self.arrays[name] = np.ascontiguousarray(values, dtype=dtype).reshape(-1)

    def strings(self, name: str, items: Sequence[str]) -> None:
        """Short strings NUL-terminated (one decode and one split read them back); long
        ones, or any holding a NUL, back to back with their end offsets in bytes (each
        decodes straight from the buffer: no copy of the whole text)."""
        joined = "".join(items)
        if "\x00" in joined or len(joined) >= _LONG * len(items):
            encoded = [s.encode("utf-8", "surrogatepass") for s in items]
            lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(items))
            self.arrays[f"{name}.ends"] = np.cumsum(lengths, dtype=np.int64)
            text = b"".join(encoded)
        else:
            text = "".join(f"{s}\x00" for s in items).encode("utf-8", "surrogatepass")
        self.arrays[f"{name}.text"] = np.frombuffer(text, dtype=np.uint8)

    def sizes(self, name: str, groups: Sequence[Sequence[object]]) -> None:
        self.array(f"{name}.sizes", [len(g) for g in groups], _INT)

    def string_groups(self, name: str, groups: Sequence[Sequence[str]]) -> None:
        self.strings(name, [s for g in groups for s in g])
        self.sizes(name, groups)

    def rows(self, sections: Iterable[Section]) -> IntArray:
        """Each section's row in this payload's section table (added once, by identity)."""
        out: list[int] = []
        for s in sections:
            row = self._rows.get(id(s))
            if row is None:
                row = self._rows[id(s)] = len(self._sections)
                self._sections.append(s)
            out.append(row)
        return np.array(out, dtype=np.int64)

    def section_table(self) -> None:
        """The sections `rows` was given, as columns (call once, last)."""
        table = self._sections
        report_ids: dict[str, int] = {}
        codes = [report_ids.setdefault(s.report_id, len(report_ids)) for s in table]
        self.strings("s.report_ids", list(report_ids))
        self.array("s.report", codes, _INT)
        self.array("s.number", [s.number for s in table], _INT)
        self.array("s.kind", [_KINDS.index(s.kind) for s in table], _TEXT)
        self.strings("s.title", [s.title for s in table])
        self.strings("s.text", [s.text for s in table])
        self.array("s.position", [s.position for s in table], _INT)
        self.strings("s.anchor", [s.anchor for s in table])


class _In:
    """Reads a payload's arrays back, checking every dtype, length and index."""

    def __init__(self, payload: Payload) -> None:
        self.meta = payload.meta
        self.arrays = payload.arrays
        self.sections: list[Section] = []

    def array(self, name: str, dtype: np.dtype[Any], length: int | None = None) -> Array:
        arr = self.arrays.get(name)
        if arr is None:
            raise FormatError(f"no array {name!r}")
        if arr.dtype != dtype or arr.ndim != 1 or (length is not None and len(arr) != length):
            raise FormatError(f"array {name!r} has the wrong type or length")
        return arr

    def ints(self, name: str, length: int | None = None, lo: int = 0, hi: int = -1) -> IntArray:
        """An int64 array whose values are in [lo, hi) (hi < 0: no upper bound)."""
        arr = cast(IntArray, self.array(name, _INT, length))
        if len(arr) and (arr.min() < lo or (hi >= 0 and arr.max() >= hi)):
            raise FormatError(f"array {name!r} is out of range")
        return arr

    def strings(self, name: str, length: int | None = None) -> list[str]:
        data = self.array(f"{name}.text", _TEXT).data
        if f"{name}.ends" in self.arrays:
            ends = self.ints(f"{name}.ends", length)
            stops = ends.tolist()
            if (stops[-1] if stops else 0) != len(data) or np.any(np.diff(ends) < 0):
                raise FormatError(f"strings {name!r} do not add up")
            starts = [0, *stops][:-1]
            return [
                str(data[a:b], "utf-8", "surrogatepass") for a, b in zip(starts, stops, strict=True)
            ]
        text = str(data, "utf-8", "surrogatepass")
        if text and not text.endswith("\x00"):
            raise FormatError(f"strings {name!r} are cut short")
        items = text.split("\x00")
        items.pop()
        if length is not None and len(items) != length:
            raise FormatError(f"strings {name!r} are not {length}")
        return items

    def sizes(self, name: str, total: int, length: int | None = None) -> list[int]:
        sizes = self.ints(f"{name}.sizes", length)
        if int(sizes.sum()) != total:
            raise FormatError(f"groups {name!r} do not add up")
        return cast(list[int], sizes.tolist())

    def string_groups(self, name: str, length: int | None = None) -> list[tuple[str, ...]]:
        flat = self.strings(name)
        return _split(flat, self.sizes(name, len(flat), length))

    def rows(self, name: str, length: int | None = None) -> list[Section]:
        """Sections by their rows in the table (read the table first)."""
        table = self.sections
        return [table[i] for i in self.ints(name, length, 0, len(table)).tolist()]

    def section_table(self) -> None:
        report_ids = self.strings("s.report_ids")
        titles = self.strings("s.title")
        n = len(titles)
        reports = self.ints("s.report", n, 0, len(report_ids)).tolist()
        kinds = self.array("s.kind", _TEXT, n)
        if len(kinds) and kinds.max() >= len(_KINDS):
            raise FormatError("unknown section kind")
        self.sections = [
            Section(
                report_ids[r], number, cast(SectionKind, _KINDS[k]), title, text, position, anchor
            )
            for r, number, k, title, text, position, anchor in zip(
                reports,
                self.ints("s.number", n, lo=-(2**63)).tolist(),
                kinds.tolist(),
                titles,
                self.strings("s.text", n),
                self.ints("s.position", n, lo=-(2**63)).tolist(),
                self.strings("s.anchor", n),
                strict=True,
            )
        ]

    def get(self, name: str, kind: type[T]) -> T:
        """A meta value of this JSON type (bool is no int here)."""
        value = self.meta.get(name)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise FormatError(f"meta {name!r} is not a {kind.__name__}")
        return value


def _split(flat: Sequence[T], sizes: Sequence[int]) -> list[tuple[T, ...]]:
    """flat cut into consecutive tuples of these sizes."""
    out: list[tuple[T, ...]] = []
    start = 0
    for size in sizes:
        out.append(tuple(flat[start : start + size]))
        start += size
    return out


def _rows_of(items: Any, kind: type[T], width: int) -> list[tuple[T, ...]]:
    """A JSON list of fixed-width rows of one type (e.g. skipped files: [file, reason])."""
    if not isinstance(items, list):
        raise FormatError("a list was expected")
    rows: list[tuple[T, ...]] = []
    for row in items:
        if not (isinstance(row, list) and len(row) == width):
            raise FormatError("a row has the wrong shape")
        if not all(isinstance(v, kind) and not isinstance(v, bool) for v in row):
            raise FormatError("a row has the wrong types")
        rows.append(tuple(row))
    return rows


def _day(ordinal: int) -> dt.date:
    if not 1 <= ordinal <= _MAX_ORDINAL:
        raise FormatError("a date is out of range")
    return dt.date.fromordinal(ordinal)


def _source(code: int) -> DateSource:
    if not 0 <= code < len(_SOURCES):
        raise FormatError("unknown date source")
    return cast(DateSource, _SOURCES[code])


# -- the engine ------------------------------------------------------------------------------


def _encode_engine(engine: SearchEngine) -> Payload:
    out = _Out()
    corpus, index, analyzer = engine.corpus, engine.index, engine.index.analyzer
    reports = corpus.reports
    out.strings("r.id", [r.id for r in reports])
    out.strings("r.title", [r.title or "" for r in reports])
    out.array("r.untitled", [r.title is None for r in reports], np.dtype(np.bool_))
    out.strings("r.path", [r.path for r in reports])
    out.strings("r.hash", [r.content_hash for r in reports])
    out.array("r.date", [r.date.toordinal() if r.date else 0 for r in reports], _INT)
    sources = [-1 if r.date_source is None else _SOURCES.index(r.date_source) for r in reports]
    out.array("r.date_source", sources, _INT)
    out.sizes("r.sections", [r.sections for r in reports])
    out.arrays["r.sections"] = out.rows(s for r in reports for s in r.sections)
    out.arrays["i.sections"] = out.rows(index.sections)
    out.strings("i.terms", index.term_names())
    out.array("i.idf", index.idf, _FLOAT)
    out.array("i.doc_len", index.doc_len, _INT)
    indptr, docs, weights = index.csc_arrays()
    out.array("i.indptr", indptr, _INT)
    out.array("i.docs", docs, _INT)
    out.array("i.weights", weights, _FLOAT)
    out.strings("a.compounds", sorted(analyzer.compounds))
    out.strings("a.heads", sorted(analyzer.heads))
    out.strings("a.surfaces.keys", list(analyzer.surfaces))
    out.string_groups("a.surfaces", list(analyzer.surfaces.values()))
    out.strings("a.words", list(analyzer.word_counts))
    out.array("a.word_counts", list(analyzer.word_counts.values()), _INT)
    out.strings("a.acronyms.keys", list(analyzer.acronyms))
    out.string_groups("a.acronyms", list(analyzer.acronyms.values()))
    out.section_table()
    meta = {
        "root": corpus.root,
        "skipped": [[s.file, s.reason] for s in corpus.skipped],
        "warnings": [[s.file, s.reason] for s in corpus.warnings],
        "examples": list(engine.examples),
        "avgdl": index.avgdl,
        "dates": [
            [rid, when.day.toordinal(), _SOURCES.index(when.source)]
            for rid, when in engine.dates.items()
        ],
    }
    return Payload("SearchEngine", meta, out.arrays)


def _decode_engine(inp: _In) -> SearchEngine:
    inp.section_table()
    ids = inp.strings("r.id")
    n = len(ids)
    titles = inp.strings("r.title", n)
    untitled = inp.array("r.untitled", np.dtype(np.bool_), n).tolist()
    days = inp.ints("r.date", n, 0, _MAX_ORDINAL + 1).tolist()
    sources = inp.ints("r.date_source", n, -1, len(_SOURCES)).tolist()
    rows = inp.rows("r.sections")
    sections = _split(rows, inp.sizes("r.sections", len(rows), n))
    reports = tuple(
        Report(
            rid,
            None if no_title else title,
            path,
            secs,
            content_hash,
            _day(day) if day else None,
            None if source < 0 else _source(source),
        )
        for rid, title, no_title, path, secs, content_hash, day, source in zip(
            ids,
            titles,
            untitled,
            inp.strings("r.path", n),
            sections,
            inp.strings("r.hash", n),
            days,
            sources,
            strict=True,
        )
    )
    corpus = Corpus(
        inp.get("root", str),
        reports,
        tuple(SkippedFile(*row) for row in _rows_of(inp.meta.get("skipped"), str, 2)),
        tuple(SkippedFile(*row) for row in _rows_of(inp.meta.get("warnings"), str, 2)),
    )
    analyzer = Analyzer(
        compounds=frozenset(inp.strings("a.compounds")),
        heads=frozenset(inp.strings("a.heads")),
        surfaces=dict(zip(*_keyed_groups(inp, "a.surfaces"), strict=True)),
        word_counts=Counter(_word_counts(inp)),
        acronyms=dict(zip(*_keyed_groups(inp, "a.acronyms"), strict=True)),
    )
    index = _decode_index(inp, analyzer)
    examples = inp.meta.get("examples")
    if not (isinstance(examples, list) and all(isinstance(e, str) for e in examples)):
        raise FormatError("examples are not strings")
    dates = {
        rid: ReportDate(_day(day), _source(source))
        for rid, day, source in _date_rows(inp.meta.get("dates"))
    }
    return SearchEngine(
        corpus,
        index,
        Speller(analyzer.word_counts),
        tuple(examples),
        {r.id: r for r in reports},
        dates,
    )


def _keyed_groups(inp: _In, name: str) -> tuple[list[str], list[tuple[str, ...]]]:
    keys = inp.strings(f"{name}.keys")
    return keys, inp.string_groups(name, len(keys))


def _word_counts(inp: _In) -> dict[str, int]:
    words = inp.strings("a.words")
    counts = inp.ints("a.word_counts", len(words)).tolist()
    return dict(zip(words, counts, strict=True))


def _date_rows(items: Any) -> list[tuple[str, int, int]]:
    if not isinstance(items, list):
        raise FormatError("dates are not a list")
    rows: list[tuple[str, int, int]] = []
    for row in items:
        if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str)):
            raise FormatError("a date row has the wrong shape")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in row[1:]):
            raise FormatError("a date row has the wrong types")
        rows.append((row[0], row[1], row[2]))
    return rows


def _decode_index(inp: _In, analyzer: Analyzer) -> SectionIndex:
    """The index as `SectionIndex.__init__` leaves it, without tokenizing again."""
    sections = inp.rows("i.sections")
    terms = inp.strings("i.terms")
    n_terms = len(terms)
    docs = inp.ints("i.docs", None, 0, len(sections))
    indptr = inp.ints("i.indptr", n_terms + 1, 0, len(docs) + 1)
    if indptr[0] != 0 or indptr[-1] != len(docs) or np.any(np.diff(indptr) < 0):
        raise FormatError("postings do not add up")
    term_ids = dict(zip(terms, range(n_terms), strict=True))
    if len(term_ids) != n_terms:
        raise FormatError("a term is listed twice")
    avgdl = inp.get("avgdl", float)
    index = SectionIndex.__new__(SectionIndex)
    index.sections = sections
    index.analyzer = analyzer
    index.term_ids = term_ids
    index.idf = inp.array("i.idf", _FLOAT, n_terms)
    index.doc_len = inp.ints("i.doc_len")
    index.avgdl = avgdl
    index._indptr = indptr
    index._docs = docs
    index._weights = inp.array("i.weights", _FLOAT, len(docs))
    index._report_codes = None
    index._term_names = None
    index._max_weights = {}
    index._bitsets = {}
    return index


# -- trends ----------------------------------------------------------------------------------


def _encode_trends(report: TrendReport) -> Payload:
    out = _Out()
    trends = (*report.trends, *report.unique)
    out.strings("t.id", [t.id for t in trends])
    out.strings("t.label", [t.label for t in trends])
    out.string_groups("t.reports", [t.reports for t in trends])
    out.string_groups("t.terms", [t.terms for t in trends])
    out.sizes("t.sections", [t.sections for t in trends])
    out.arrays["t.sections"] = out.rows(s for t in trends for s in t.sections)
    out.string_groups("t.summary.report", [[s.report for s in t.summary] for t in trends])
    out.array("t.summary.section", [s.section for t in trends for s in t.summary], _INT)
    out.strings("t.summary.sentence", [s.sentence for t in trends for s in t.summary])
    out.array("t.cohesion", [t.cohesion for t in trends], _FLOAT)
    out.section_table()
    meta = {
        "trends": len(report.trends),
        "total_reports": report.total_reports,
        "unique_total": report.unique_total,
        "containers": list(report.containers),
    }
    return Payload("TrendReport", meta, out.arrays)


def _decode_trends(inp: _In) -> TrendReport:
    inp.section_table()
    ids = inp.strings("t.id")
    n = len(ids)
    summary_reports = inp.string_groups("t.summary.report", n)
    total = sum(map(len, summary_reports))
    flat_summary = [
        SummarySentence(report, section, sentence)
        for report, section, sentence in zip(
            [r for group in summary_reports for r in group],
            inp.ints("t.summary.section", total, lo=-(2**63)).tolist(),
            inp.strings("t.summary.sentence", total),
            strict=True,
        )
    ]
    summaries = _split(flat_summary, [len(g) for g in summary_reports])
    rows = inp.rows("t.sections")
    sections = _split(rows, inp.sizes("t.sections", len(rows), n))
    trends = [
        Trend(tid, label, reports, secs, terms, summary, cohesion)
        for tid, label, reports, secs, terms, summary, cohesion in zip(
            ids,
            inp.strings("t.label", n),
            inp.string_groups("t.reports", n),
            sections,
            inp.string_groups("t.terms", n),
            summaries,
            inp.array("t.cohesion", _FLOAT, n).tolist(),
            strict=True,
        )
    ]
    shown = inp.get("trends", int)
    containers = inp.meta.get("containers")
    if not 0 <= shown <= n:
        raise FormatError("more trends than there are")
    if not (isinstance(containers, list) and all(isinstance(c, str) for c in containers)):
        raise FormatError("containers are not strings")
    return TrendReport(
        tuple(trends[:shown]),
        tuple(trends[shown:]),
        inp.get("total_reports", int),
        inp.get("unique_total", int),
        tuple(containers),
    )


# -- the dated phrase index ------------------------------------------------------------------


def _put_csr(out: _Out, name: str, matrix: sparse.csr_matrix) -> list[int]:
    out.arrays[f"{name}.data"] = np.ascontiguousarray(matrix.data)
    out.arrays[f"{name}.indices"] = np.ascontiguousarray(matrix.indices)
    out.arrays[f"{name}.indptr"] = np.ascontiguousarray(matrix.indptr)
    return [int(n) for n in matrix.shape]


def _get_csr(inp: _In, name: str, shape: tuple[int, int]) -> sparse.csr_matrix:
    """A CSR matrix of this shape, fully checked (indices in range, indptr monotonic)."""
    if inp.meta.get(f"{name}.shape") != list(shape):
        raise FormatError(f"matrix {name!r} has the wrong shape")
    data = inp.array(f"{name}.data", np.dtype(np.int8))
    index_dtype = inp.arrays.get(f"{name}.indices", data).dtype
    if index_dtype not in (np.dtype(np.int32), _INT):
        raise FormatError(f"matrix {name!r} has the wrong index type")
    indices = inp.array(f"{name}.indices", index_dtype, len(data))
    indptr = inp.array(f"{name}.indptr", index_dtype, shape[0] + 1)
    matrix = sparse.csr_matrix((data, indices, indptr), shape=shape, copy=False)
    matrix.check_format(full_check=True)
    return matrix


def _encode_stream(index: PhraseIndex) -> Payload:
    out = _Out()
    out.strings("p.keys", index.keys)
    out.strings("p.labels", index.labels)
    out.strings("p.report_ids", index.report_ids)
    out.array("p.report_days", index.report_days, _INT)
    out.array("p.section_report", index.section_report, _INT)
    out.array("p.report_news", index.report_news, _INT)
    out.arrays["p.sections"] = out.rows(index.sections)
    meta = {
        "by_section.shape": _put_csr(out, "by_section", index.by_section),
        "by_report.shape": _put_csr(out, "by_report", index.by_report),
        "template_items": index.template_items,
        "repeated_items": index.repeated_items,
    }
    out.section_table()
    return Payload("PhraseIndex", meta, out.arrays)


def _decode_stream(inp: _In) -> PhraseIndex:
    inp.section_table()
    keys = inp.strings("p.keys")
    report_ids = inp.strings("p.report_ids")
    sections = inp.rows("p.sections")
    n_keys, n_reports, n_sections = len(keys), len(report_ids), len(sections)
    return PhraseIndex(
        keys=tuple(keys),
        labels=tuple(inp.strings("p.labels", n_keys)),
        by_section=_get_csr(inp, "by_section", (n_keys, n_sections)),
        by_report=_get_csr(inp, "by_report", (n_keys, n_reports)),
        report_ids=tuple(report_ids),
        report_days=inp.ints("p.report_days", n_reports, 1, _MAX_ORDINAL + 1),
        section_report=inp.ints("p.section_report", n_sections, 0, n_reports),
        sections=tuple(sections),
        report_news=inp.ints("p.report_news", n_reports),
        template_items=inp.get("template_items", int),
        repeated_items=inp.get("repeated_items", int),
    )


# -- entry points ----------------------------------------------------------------------------


def encode(value: object) -> Payload:
    """The payload of a cacheable object (TypeError for any other kind of object)."""
    if isinstance(value, SearchEngine):
        return _encode_engine(value)
    if isinstance(value, TrendReport):
        return _encode_trends(value)
    if isinstance(value, PhraseIndex):
        return _encode_stream(value)
    raise TypeError(f"cannot cache a {type(value).__name__}")


Cached = SearchEngine | TrendReport | PhraseIndex

_DECODERS: dict[str, Callable[[_In], Cached]] = {
    "SearchEngine": _decode_engine,
    "TrendReport": _decode_trends,
    "PhraseIndex": _decode_stream,
}


def decode(payload: Payload) -> Cached:
    """The object a payload describes; FormatError (or another ValueError) if it is not one."""
    decoder = _DECODERS.get(payload.type)
    if decoder is None:
        raise FormatError(f"unknown payload type {payload.type!r}")
    try:
        return decoder(_In(payload))
    except (KeyError, IndexError, TypeError, UnicodeDecodeError, OverflowError) as exc:
        raise FormatError(f"inconsistent {payload.type} payload: {exc!r}") from exc
