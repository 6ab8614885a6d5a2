"""The on-disk engine cache: used when nothing changed, ignored when stale or damaged."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import stat
import struct
import zlib
from dataclasses import fields, replace
from datetime import date
from pathlib import Path
from typing import cast

import numpy as np
import pytest
import scipy.sparse as sp

import bot.search.cache as cache_module
from bot.insights.changes import what_changed
from bot.insights.stream import PhraseIndex, build_phrase_index
from bot.insights.trends import SummarySentence, Trend, TrendReport, find_trends
from bot.reports.dates import ReportDate
from bot.reports.model import Corpus, Report, Section, SkippedFile
from bot.search.cache import MAGIC, IndexCache, corpus_key
from bot.search.engine import SearchEngine
from bot.search.live import LiveEngine
from bot.text.analyzer import Analyzer
from tests.conftest import SEEDS
from tests.helpers import make_engine


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    return folder


def live(reports: Path, tmp_path: Path) -> LiveEngine:
    return LiveEngine(reports, cache=IndexCache(tmp_path / "cache"))


async def test_a_restart_with_unchanged_reports_loads_the_cache(
    reports: Path, tmp_path: Path
) -> None:
    first = live(reports, tmp_path)
    built = await first.load()
    assert not first.from_cache
    assert (tmp_path / "cache" / "engine.cache").is_file()  # on disk before it serves
    assert (tmp_path / "cache" / "trends.cache").is_file()
    again = live(reports, tmp_path)
    loaded = await again.load()
    assert again.from_cache
    assert again.trends == first.trends
    hits = [(h.section.report_id, h.score) for h in loaded.search("open source").hits]
    assert hits == [(h.section.report_id, h.score) for h in built.search("open source").hits]


async def test_a_changed_report_means_a_rebuild(reports: Path, tmp_path: Path) -> None:
    await live(reports, tmp_path).load()
    (reports / "005_new.md").write_text("# New\n\n## 1. Quantum\n\nQuantum annealing.\n")
    again = live(reports, tmp_path)
    engine = await again.load()
    assert not again.from_cache
    assert engine.search("quantum annealing").hits


@pytest.mark.parametrize("damage", [b"", b"LLMTREND-CACHE\n garbage", b"\x80\x04not a cache"])
async def test_a_damaged_cache_is_ignored_and_rebuilt(
    reports: Path, tmp_path: Path, damage: bytes
) -> None:
    await live(reports, tmp_path).load()
    (tmp_path / "cache" / "engine.cache").write_bytes(damage)
    again = live(reports, tmp_path)
    engine = await again.load()
    assert not again.from_cache
    assert len(engine.corpus.reports) == 5
    third = live(reports, tmp_path)
    await third.load()
    assert third.from_cache  # rewritten whole


def test_the_key_covers_contents_not_file_times(reports: Path) -> None:
    key = corpus_key(reports)
    target = reports / "000_c30313276e56ef2f.txt"
    target.touch()
    assert corpus_key(reports) == key
    target.write_text(target.read_text() + "\nMore.")
    assert corpus_key(reports) != key


def test_an_unwritable_cache_folder_costs_speed_not_service(reports: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    IndexCache(blocker).save("engine", "k", {"x": 1})  # logs, does not raise
    assert IndexCache(blocker).load("engine", "k") is None


# --- the format: nothing in the folder can run code, and what loads is what was built ------


class _Planted:
    """Unpickling this would create the marker file: proof that a pickle was run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def _planted_files(marker: Path, key: str) -> dict[str, bytes]:
    """Malicious cache files: the old pickle format, and pickles where the new format
    expects JSON or an array (with the right key, so the payload itself is reached)."""
    evil = pickle.dumps(_Planted(marker))
    old_header = pickle.dumps({"format": 1, "key": key})
    header = io.BytesIO()
    header.write(MAGIC)
    cache_module._write_block(header, json.dumps(cache_module._header("engine", key)).encode())
    as_manifest = header.getvalue() + struct.pack(">QI", len(evil), zlib.crc32(evil)) + evil
    objects = np.array([_Planted(marker)], dtype=object)

    def object_array(listed_as: str) -> bytes:
        out = io.BytesIO(header.getvalue())
        out.seek(0, io.SEEK_END)
        manifest = {"type": "SearchEngine", "meta": {}, "arrays": [["x", listed_as, 1, 0]]}
        cache_module._write_block(out, json.dumps(manifest).encode())
        np.save(out, objects, allow_pickle=True)
        return out.getvalue()

    return {
        "old format, evil header": MAGIC + evil,
        "old format, evil payload": MAGIC + old_header + evil,
        "bare pickle": evil,
        "pickle as the manifest": as_manifest,
        "object array": object_array("|O"),
        "object array listed as bytes": object_array("|u1"),  # np.load itself refuses it
    }


async def test_a_planted_pickle_is_never_run_and_the_cache_is_rebuilt(
    reports: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    assert not marker.exists()
    proof = tmp_path / "proof"
    pickle.loads(pickle.dumps(_Planted(proof)))  # the payload works when it is unpickled
    assert proof.is_dir()
    key = corpus_key(reports)
    for name, data in _planted_files(marker, key).items():
        folder = tmp_path / "cache"
        folder.mkdir(mode=0o700, exist_ok=True)
        for kind in ("engine", "trends"):
            (folder / f"{kind}.cache").write_bytes(data)
        again = live(reports, tmp_path)
        engine = await again.load()
        assert not marker.exists(), name
        assert not again.from_cache, name
        assert engine.search("open source").hits, name
        assert isinstance(IndexCache(folder).load("engine", key), SearchEngine), name


FOLDERS = [
    pytest.param(("seeds", None), id="seeds"),
    pytest.param(("samples_dir", None), id="corpus-samples"),
    pytest.param(("streams_dir", "DeanTaplin-llm-news"), id="stream-weekly"),
    pytest.param(("streams_dir", "DeadManOfficial-AI-Updates"), id="stream-daily"),
]


@pytest.fixture(params=FOLDERS)
def built(request: pytest.FixtureRequest) -> tuple[SearchEngine, TrendReport, PhraseIndex]:
    """A folder's engine (dated), trends and phrase index, as the live engine builds them."""
    fixture, sub = request.param
    folder = SEEDS if fixture == "seeds" else request.getfixturevalue(fixture)
    engine = LiveEngine(folder / sub if sub else folder).load_now()
    return engine, find_trends(engine.index), build_phrase_index(engine.corpus, engine.dates)


def _round_trip(tmp_path: Path, kind: str, value: object) -> object:
    cache = IndexCache(tmp_path / "rt")
    cache.save(kind, "key", value)
    loaded = cache.load(kind, "key")
    assert loaded is not None and loaded is not value
    return loaded


QUERIES = [
    "open source",
    "multimodal models",
    "multi-modal",
    "RLHF",
    "reinforcment lerning",  # corrected
    "multimodel",
    "what do the reports say about agents?",
    "the",
    "zzqxv",
    "",
    "AI",
    "safety regulation",
]


def _assert_same_engine(loaded: SearchEngine, built: SearchEngine) -> None:
    assert loaded.corpus == built.corpus
    assert loaded.examples == built.examples
    assert loaded.dates == built.dates
    assert loaded._reports == built._reports
    index, ref = loaded.index, built.index
    assert set(vars(index)) == set(vars(ref))
    assert index.sections == ref.sections
    sections = {id(s) for r in loaded.corpus.reports for s in r.sections}
    assert all(id(s) in sections for s in index.sections)  # shared, as when built
    assert index.term_ids == ref.term_ids
    assert index.avgdl == ref.avgdl
    for name in ("idf", "doc_len", "_indptr", "_docs", "_weights"):
        mine, theirs = getattr(index, name), getattr(ref, name)
        assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs), name
    a, b = index.analyzer, ref.analyzer
    for name in ("compounds", "heads", "surfaces", "acronyms", "_phrases"):
        assert getattr(a, name) == getattr(b, name), name
    assert list(a.word_counts.items()) == list(b.word_counts.items())  # order: ties
    assert list(a.surfaces) == list(b.surfaces) and list(a.acronyms) == list(b.acronyms)
    assert loaded.speller.counts is a.word_counts
    assert vars(loaded.speller).keys() == vars(built.speller).keys()
    assert loaded.speller._by_start == built.speller._by_start
    titles = [s.title for s in ref.sections[:: max(1, len(ref) // 15)]]
    for query in [*QUERIES, *titles]:
        for top, offset, exact in ((5, 0, False), (10, 3, False), (5, 0, True)):
            assert loaded.search(query, top, offset, exact) == built.search(
                query, top, offset, exact
            ), query
    assert find_trends(loaded.index) == find_trends(built.index)


def _assert_same_stream(loaded: PhraseIndex, built: PhraseIndex) -> None:
    for f in fields(PhraseIndex):
        mine, theirs = getattr(loaded, f.name), getattr(built, f.name)
        if isinstance(theirs, sp.csr_matrix):
            assert isinstance(mine, sp.csr_matrix) and mine.shape == theirs.shape, f.name
            for part in ("data", "indices", "indptr"):
                assert np.array_equal(getattr(mine, part), getattr(theirs, part)), f.name
                assert getattr(mine, part).dtype == getattr(theirs, part).dtype, f.name
        elif isinstance(theirs, np.ndarray):
            assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs), f.name
        else:
            assert mine == theirs, f.name
    days = [int(d) for d in built.report_days]
    windows: list[dict[str, object]] = [{}, {"days": 3}, {"days": 30}, {"top": 50}]
    if days:
        windows.append({"since": date.fromordinal((min(days) + max(days)) // 2)})
    for window in windows:
        assert what_changed(loaded, **window) == what_changed(built, **window), window  # type: ignore[arg-type]


def test_every_kind_loads_as_built(
    built: tuple[SearchEngine, TrendReport, PhraseIndex], tmp_path: Path
) -> None:
    engine, trends, stream = built
    loaded = _round_trip(tmp_path, "engine", engine)
    assert isinstance(loaded, SearchEngine)
    _assert_same_engine(loaded, engine)
    loaded_trends = _round_trip(tmp_path, "trends", trends)
    assert loaded_trends == trends
    loaded_stream = _round_trip(tmp_path, "stream", stream)
    assert isinstance(loaded_stream, PhraseIndex)
    _assert_same_stream(loaded_stream, stream)


def test_odd_text_and_an_empty_corpus_load_as_built(tmp_path: Path) -> None:
    odd = make_engine(
        {
            "nul": [("Title\x00with NUL", "Body \x00 text about agents and tools."), ("é", "")],
            "long": [("Ünïcödé ✓ 🚀", "Agents " * 200 + "\ud800 lone surrogate")],
        }
    )
    odd.dates = {"nul": ReportDate(date(2026, 1, 2), "first-seen")}
    _assert_same_engine(cast(SearchEngine, _round_trip(tmp_path, "engine", odd)), odd)
    empty = SearchEngine.build(Corpus("nowhere"))
    loaded = cast(SearchEngine, _round_trip(tmp_path, "engine", empty))
    assert loaded.corpus == empty.corpus and loaded.search("x") == empty.search("x")
    stream = build_phrase_index(empty.corpus, {})
    _assert_same_stream(cast(PhraseIndex, _round_trip(tmp_path, "stream", stream)), stream)
    trends = find_trends(empty.index)
    assert _round_trip(tmp_path, "trends", trends) == trends


def test_every_field_is_encoded() -> None:
    """A field added to a cached class must be added to bot.search.cache_format too."""
    expected = {
        Section: "report_id number kind title text position anchor",
        Report: "id title path sections content_hash date date_source",
        Corpus: "root reports skipped warnings",
        SkippedFile: "file reason",
        ReportDate: "day source",
        SearchEngine: "corpus index speller examples _reports dates",
        Analyzer: "compounds heads surfaces word_counts acronyms _phrases _pair_cache _patterns",
        TrendReport: "trends unique total_reports unique_total containers",
        Trend: "id label reports sections terms summary cohesion",
        SummarySentence: "report section sentence",
        PhraseIndex: "keys labels by_section by_report report_ids report_days section_report "
        "sections report_news template_items repeated_items",
    }
    for cls, names in expected.items():
        assert [f.name for f in fields(cls)] == names.split(), cls.__name__
    index = make_engine({"a": [("T", "agents")]}).index
    assert sorted(vars(index)) == sorted(
        "sections analyzer term_ids idf doc_len avgdl _indptr _docs _weights _report_codes "
        "_term_names _max_weights _bitsets".split()
    )


async def test_a_truncated_or_bit_flipped_file_is_ignored(
    reports: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = live(reports, tmp_path)
    built = await first.load()
    key = corpus_key(reports)
    folder = tmp_path / "cache"
    good = {kind: (folder / f"{kind}.cache").read_bytes() for kind in ("engine", "trends")}
    cache = IndexCache(folder)

    def same(kind: str, loaded: object) -> bool:
        """A flip numpy reads the same way ('<i8' → '|i8' in an array's header) is harmless."""
        if kind == "trends":
            return loaded == first.trends
        engine = cast(SearchEngine, loaded)
        engine.dates = built.dates  # set by the live engine after the cache was written
        return engine.corpus == built.corpus and all(
            engine.search(q) == built.search(q) for q in QUERIES
        )

    for kind, data in good.items():
        size = len(data)
        for cut in [0, len(MAGIC), len(MAGIC) + 5, 200, size // 3, size // 2, size - 1]:
            (folder / f"{kind}.cache").write_bytes(data[:cut])
            assert cache.load(kind, key) is None, (kind, cut)
        (folder / f"{kind}.cache").write_bytes(data + b"\x00")
        assert cache.load(kind, key) is None, (kind, "trailing byte")
        # every byte of the header, the manifest and the first arrays, then spread out
        harmless = 0
        spots = [*range(min(size, 2500)), *range(2500, size, max(1, size // 300))]
        for spot in spots:
            flipped = bytearray(data)
            flipped[spot] ^= 1 << (spot % 8)
            (folder / f"{kind}.cache").write_bytes(bytes(flipped))
            loaded = cache.load(kind, key)
            if loaded is not None:
                assert same(kind, loaded), (kind, spot)
                harmless += 1
        assert harmless < len(spots) / 50
        (folder / f"{kind}.cache").write_bytes(data)
        assert same(kind, cache.load(kind, key))  # the intact file still loads
    assert "unusable" in caplog.text


def test_the_folder_is_private_and_so_are_the_files(
    seed_engine: SearchEngine, tmp_path: Path
) -> None:
    folder = tmp_path / "data" / "cache"
    IndexCache(folder).save("engine", "k", seed_engine)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "engine.cache").stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["engine.cache"]  # no temporary file left
    folder.chmod(0o755)  # made by an older version: tightened at the next save
    IndexCache(folder).save("engine", "k", seed_engine)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_what_cannot_be_encoded_costs_speed_not_service(tmp_path: Path) -> None:
    huge = make_engine({"r": [("Title", "agents")]})
    section = huge.corpus.reports[0].sections[0]
    odd = Section(section.report_id, 10**30, section.kind, section.title, section.text, 0)
    report = replace(huge.corpus.reports[0], sections=(odd,))
    huge = SearchEngine.build(replace(huge.corpus, reports=(report,)))
    cache = IndexCache(tmp_path / "cache")
    cache.save("engine", "k", huge)  # a section number past 64 bits: logged, not raised
    assert cache.load("engine", "k") is None
    with pytest.raises(TypeError):
        cache.save("engine", "k", {"not": "cacheable"})
