"""Shared fixtures: the bundled seeds, the shared real-world samples, a built engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.corpus import Corpus, load_corpus
from bot.search import SearchEngine

if TYPE_CHECKING:
    from tests.apprunner import RunningApp
    from tests.slackfake import FakeSlack

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


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches the internet: only loopback connections are allowed."""
    from tests.slackfake import block_internet

    block_internet(monkeypatch)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    from tests.slackfake import FakeSlack

    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def app(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[RunningApp]:
    """The real app over HTTP on loopback, on the seeds, with the fake Slack."""
    from tests.apprunner import app_settings, run_app

    async with run_app(app_settings(fake_slack, tmp_path), fake_slack) as running:
        yield running
