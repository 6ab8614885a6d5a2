"""One corpus size, measured in its own process: `python -m bench.measure DIR [options]`.

Prints one JSON object on its last line (the parent `python -m bench` collects them), so
every size gets a fresh process and its own peak RSS.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from bot.insights.agreement import agree
from bot.insights.trends import find_trends
from bot.reports.loader import load_corpus
from bot.search.bm25 import K1, B, ReferenceBM25
from bot.search.engine import PreparedQuery, SearchEngine
from bot.search.index import SectionIndex
from bot.text.stopwords import ENGLISH

T = TypeVar("T")
TOP = 10
REL_TOL = 1e-6
#: Topic words of the seed reports (what people ask about).
SEED_TOPICS = (
    "multimodal efficiency ethical personalization translation edge computing collaboration "
    "open-source robustness fine-tuning regulation governance interpretability alignment "
    "education healthcare scaling bias privacy safety agents reasoning sustainability "
    "hallucination security compliance generative creativity energy adapters pruning"
).split()
#: Topics for the agree view (`/llmtrend agree TOPIC`).
AGREE_TOPICS = (
    "multimodal",
    "open source",
    "ethical considerations",
    "edge computing",
    "fine tuning",
    "regulation",
    "personalization",
    "robustness",
    "energy efficiency",
    "translation",
    "interpretability",
    "bias mitigation",
    "healthcare",
    "education",
    "privacy",
    "alignment",
    "model scaling",
    "human collaboration",
    "RLHF",
    "security",
)
QUESTION_FORMS = (
    "what do the reports say about {}?",
    "how is {} changing?",
    "what about {}?",
    "{}?",
)


def rss_mb() -> float:
    """Current resident set size, MB (from /proc, no dependency)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile (inclusive method), or the only value."""
    if len(values) == 1:
        return float(values[0])
    return float(np.percentile(np.asarray(values), q))


def deep_size(obj: object, seen: set[int] | None = None) -> int:
    """Bytes held by obj and everything it references (numpy arrays by nbytes)."""
    seen = set() if seen is None else seen
    total = 0
    stack = [obj]
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        if isinstance(o, np.ndarray):  # getsizeof counts an owning array's buffer, not a view's
            total += 0 if o.base is None else o.nbytes
            continue
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, list | tuple | set | frozenset):
            stack.extend(o)
    return total


def index_bytes(index: SectionIndex) -> int:
    """What the index holds beyond the sections and analyzer (shared with the reference)."""
    parts = [index.term_ids, index.idf, index.doc_len, *index.csc_arrays(), index.report_codes()]
    return deep_size(parts) - sys.getsizeof(parts)


def reference_bytes(ref: ReferenceBM25) -> int:
    """What rank-bm25 holds: per-section term counts, idf, section lengths."""
    parts = [ref.doc_freqs, ref.idf, ref.doc_len]
    return deep_size(parts) - sys.getsizeof(parts)


def make_queries(engine: SearchEngine, n: int, seed: int) -> list[str]:
    """n mixed queries: 1–5 words (seed topic words and corpus words by section count),
    some phrased as questions, some with a typo."""
    rng = random.Random(seed)
    counts = engine.speller.counts
    words = sorted(w for w in counts if len(w) >= 3 and w not in ENGLISH)
    cum = np.cumsum([counts[w] for w in words], dtype=np.float64)
    topics = [t for t in SEED_TOPICS if t.replace("-", "") in counts or t in counts]
    topics = topics or SEED_TOPICS[:5]

    def corpus_word() -> str:
        return words[int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))]

    def typo(word: str) -> str:
        if len(word) < 5 or not word.isalpha():
            return word
        i = rng.randrange(1, len(word) - 2)
        if rng.random() < 0.5:  # swap two neighbours
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        return word[:i] + word[i + 1 :]  # drop a letter

    queries: list[str] = []
    for _ in range(n):
        size = rng.choices((1, 2, 3, 4, 5), weights=(30, 30, 20, 12, 8))[0]
        picked = [rng.choice(topics) if rng.random() < 0.5 else corpus_word() for _ in range(size)]
        if rng.random() < 0.15:
            k = rng.randrange(size)
            picked[k] = typo(picked[k])
        text = " ".join(picked)
        if rng.random() < 0.25:
            text = rng.choice(QUESTION_FORMS).format(text)
        queries.append(text)
    return queries


class TimeLimit(Exception):
    """A phase ran past its time limit."""


def within(limit_s: int | None, fn: Callable[[], T]) -> T:
    """fn(), stopped with TimeLimit after limit_s seconds (SIGALRM; None: no limit)."""
    if not limit_s:
        return fn()

    def expire(_signum: int, _frame: object) -> None:
        raise TimeLimit

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(limit_s)
    try:
        return fn()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def timed_ms(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(milliseconds, result) of one call."""
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def reference_top(
    ref: ReferenceBM25, scores: npt.NDArray[np.float64], matched: npt.NDArray[np.int64], k: int
) -> list[tuple[int, float]]:
    """Top k of the matching sections by (-score, section index)."""
    order = np.lexsort((matched, -scores[matched]))[:k]
    return [(int(matched[i]), float(scores[matched[i]])) for i in order]


def containing(ref: ReferenceBM25, terms: Sequence[str]) -> npt.NDArray[np.int64]:
    """Sections that contain at least one of the terms (rank-bm25's own counts)."""
    wanted = set(terms)
    return np.array(
        [d for d, freqs in enumerate(ref.doc_freqs) if not wanted.isdisjoint(freqs)],
        dtype=np.int64,
    )


def ref_query(
    ref: ReferenceBM25, terms: Sequence[str], k: int
) -> tuple[list[tuple[int, float]], int]:
    """The reference answer: get_scores over every section, top k among the matches.

    A match is a section with score > 0: every idf is floored above 0 (bot.search.bm25), so a
    section scores > 0 exactly when it contains a query term (checked against
    `containing` on every compared query)."""
    scores = ref.get_scores(list(terms))
    matched = np.flatnonzero(scores > 0)
    return reference_top(ref, scores, matched, k), len(matched)


@dataclass
class Mismatch:
    """The first query whose top-10 differs between the index and the reference."""

    query: str
    terms: list[str]
    index: list[tuple[int, float]]
    reference: list[tuple[int, float]]
    index_total: int
    reference_total: int


def same_top(a: Sequence[tuple[int, float]], b: Sequence[tuple[int, float]]) -> bool:
    """Same sections in the same order, scores equal within REL_TOL."""
    return len(a) == len(b) and all(
        da == db and abs(sa - sb) <= REL_TOL * max(abs(sa), abs(sb), 1e-300)
        for (da, sa), (db, sb) in zip(a, b, strict=True)
    )


def bench_bm25s(
    ref: ReferenceBM25, term_lists: list[list[str]], expected: list[list[tuple[int, float]]]
) -> dict[str, Any]:
    """bm25s (Robertson idf, k1 1.5, b 0.75, numba if present) over the same bags of terms.

    Its Robertson idf is rank-bm25's, except that it clamps idf ≤ 0 to 0 where the
    reference floors it (terms in half the sections or more), and it computes in float32."""
    try:
        import bm25s  # type: ignore[import-untyped]
    except ImportError:
        return {"available": False}
    try:
        import numba  # type: ignore[import-untyped]  # noqa: F401

        backend = "numba"
    except ImportError:
        backend = "numpy"
    # rank-bm25 keeps term counts, not token order; BM25 needs nothing more
    corpus = [[t for t, tf in freqs.items() for _ in range(tf)] for freqs in ref.doc_freqs]
    started = time.perf_counter()
    model = bm25s.BM25(k1=K1, b=B, method="robertson", backend=backend)
    model.index(corpus, show_progress=False)
    build_s = time.perf_counter() - started
    del corpus
    vocab = model.vocab_dict

    def retrieve(terms: list[str]) -> list[tuple[int, float]]:
        known = [t for t in terms if t in vocab]
        if not known:
            return []
        docs, scores = model.retrieve(
            [known], k=TOP, show_progress=False, backend_selection=backend, n_threads=1
        )
        # bm25s leaves out rank-bm25's constant factor (k1 + 1): put it back to compare
        pairs = zip(docs[0], scores[0], strict=True)
        return [(int(d), float(s) * (K1 + 1)) for d, s in pairs if s > 0]

    for terms in term_lists[:5]:  # warm-up (numba compiles on first use)
        retrieve(terms)
    lat: list[float] = []
    differ_ids = differ_scores = 0
    for terms, want in zip(term_lists, expected, strict=True):
        ms, got = timed_ms(lambda terms=terms: retrieve(terms))
        lat.append(ms)
        if [d for d, _ in got] != [d for d, _ in want]:
            differ_ids += 1
        got_s, want_s = [s for _, s in got], [s for _, s in want]
        if len(got_s) != len(want_s) or not np.allclose(got_s, want_s, rtol=1e-4):
            differ_scores += 1
    return {
        "available": True,
        "backend": backend,
        "build_s": build_s,
        "p50_ms": pct(lat, 50),
        "p99_ms": pct(lat, 99),
        "top10_differs": differ_ids,
        "top10_scores_differ": differ_scores,
        "queries": len(lat),
    }


def reference_phase(
    index: SectionIndex,
    qs: list[str],
    prepared: list[PreparedQuery],
    index_tops: list[list[tuple[int, float]]],
    index_totals: list[int],
    ref_limit: int | None,
    use_bm25s: bool,
) -> dict[str, Any]:
    """Build `index.reference()`, time its queries, and compare its top-10 with the index's."""
    out: dict[str, Any] = {}
    gc.collect()
    rss_before_ref = rss_mb()
    ref_build_ms, ref = timed_ms(index.reference)
    gc.collect()
    out.update(
        ref_build_s=ref_build_ms / 1000,
        ref_rss_mb=rss_mb() - rss_before_ref,
        index_bytes=index_bytes(index),
        ref_bytes=reference_bytes(ref),
    )
    print(f"  reference built in {ref_build_ms / 1000:.1f} s", file=sys.stderr)
    n_ref = len(qs) if ref_limit is None else min(len(qs), ref_limit)
    ref_lat: list[float] = []
    ref_tops: list[list[tuple[int, float]]] = []
    mismatches = 0
    total_mismatches = 0
    first: Mismatch | None = None
    analyzer = index.analyzer
    for i in range(n_ref):
        q, p = qs[i], prepared[i]
        ms, (top, total) = timed_ms(lambda q=q: ref_query(ref, analyzer.query_terms(q), TOP))
        ref_lat.append(ms)
        terms = list(p.terms)
        if terms != analyzer.query_terms(q):  # typo corrected: compare on the same terms
            top, total = ref_query(ref, terms, TOP)
        ref_tops.append(top)
        contains = len(containing(ref, terms)) if terms else 0
        if total != contains or total != index_totals[i]:
            total_mismatches += 1
        if not same_top(index_tops[i], top):
            mismatches += 1
            if first is None:
                first = Mismatch(q, terms, index_tops[i], top, index_totals[i], total)
    out.update(
        ref_queries=n_ref,
        ref_p50_ms=pct(ref_lat, 50),
        ref_p99_ms=pct(ref_lat, 99),
        top10_mismatches=mismatches,
        total_mismatches=total_mismatches,
        first_mismatch=None if first is None else first.__dict__,
    )
    if use_bm25s:
        term_lists = [list(p.terms) for p in prepared[:n_ref]]
        out["bm25s"] = bench_bm25s(ref, term_lists, ref_tops)
    return out


def measure(
    reports_dir: str,
    queries: int,
    seed: int,
    ref_limit: int | None,
    use_bm25s: bool,
    trends: bool,
    trends_limit_s: int | None = None,
) -> dict[str, Any]:
    """Everything measured at one size (see the module doc of bench/__main__.py)."""
    out: dict[str, Any] = {"reports_dir": reports_dir}
    gc.collect()
    rss0 = rss_mb()
    load_s, corpus = timed_ms(lambda: load_corpus(reports_dir))
    rss_loaded = rss_mb()
    build_s, engine = timed_ms(lambda: SearchEngine.build(corpus))
    index = engine.index
    out.update(
        reports=len(corpus.reports),
        sections=len(index),
        terms=len(index.term_ids),
        load_s=load_s / 1000,
        build_s=build_s / 1000,
        rss_start_mb=rss0,
        rss_corpus_mb=rss_loaded - rss0,
        rss_engine_mb=rss_mb() - rss_loaded,
        peak_rss_after_build_mb=peak_rss_mb(),
    )
    print(f"  built {len(index):,} sections in {build_s / 1000:.1f} s", file=sys.stderr)

    qs = make_queries(engine, queries, seed)
    for q in qs[:10]:  # warm-up
        engine.search(q, top=TOP)
    search_lat = [timed_ms(lambda q=q: engine.search(q, top=TOP))[0] for q in qs]
    prepared = [engine.prepare(q) for q in qs]
    top_lat: list[float] = []
    index_tops: list[list[tuple[int, float]]] = []
    index_totals: list[int] = []
    for p in prepared:
        ms, (hits, total) = timed_ms(lambda p=p: index.top(list(p.terms), TOP))
        top_lat.append(ms)
        index_tops.append([(h.doc, h.score) for h in hits])
        index_totals.append(total)
    out.update(
        queries=len(qs),
        query_examples=qs[:6],
        search_p50_ms=pct(search_lat, 50),
        search_p99_ms=pct(search_lat, 99),
        top_p50_ms=pct(top_lat, 50),
        top_p99_ms=pct(top_lat, 99),
    )

    out.update(reference_phase(index, qs, prepared, index_tops, index_totals, ref_limit, use_bm25s))
    gc.collect()

    for topic in AGREE_TOPICS[:3]:  # warm-up
        agree(engine, topic, quotes=8, limit=10)
    agree_lat = [
        timed_ms(lambda t=t: agree(engine, t, quotes=8, limit=10))[0] for t in AGREE_TOPICS
    ]
    out.update(agree_p50_ms=pct(agree_lat, 50), agree_max_ms=max(agree_lat))
    if trends:  # last: it may be stopped at the time limit
        started = time.perf_counter()
        try:
            report = within(trends_limit_s, lambda: find_trends(index))
            out.update(trends_s=time.perf_counter() - started, trends=len(report.trends))
            print(f"  trends in {out['trends_s']:.1f} s", file=sys.stderr)
        except TimeLimit:
            out.update(trends_s=None, trends_stopped_s=time.perf_counter() - started)
            print(f"  trends stopped after {trends_limit_s} s", file=sys.stderr)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reports_dir")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ref-limit", type=int, default=None)
    parser.add_argument("--no-bm25s", action="store_true")
    parser.add_argument("--no-trends", action="store_true")
    parser.add_argument("--trends-limit", type=int, default=None, help="stop trends after S s")
    args = parser.parse_args(argv)
    result = measure(
        args.reports_dir,
        args.queries,
        args.seed,
        args.ref_limit,
        not args.no_bm25s,
        not args.no_trends,
        args.trends_limit,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
