"""Shared fixtures: the bundled seeds, the shared real-world samples, a built engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus import Corpus, load_corpus
from bot.search import SearchEngine

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SAMPLES = ROOT.parent / "shared" / "corpus-samples"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """Real reports written elsewhere: read in place, never copied into the project."""
    if not SAMPLES.is_dir():
        pytest.skip(f"shared corpus samples not found at {SAMPLES}")
    return SAMPLES


@pytest.fixture(scope="session")
def seed_corpus() -> Corpus:
    return load_corpus(SEEDS)


@pytest.fixture(scope="session")
def seed_engine(seed_corpus: Corpus) -> SearchEngine:
    return SearchEngine.build(seed_corpus)
