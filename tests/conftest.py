"""Shared fixtures: the bundled seeds, the shared real-world samples, a built engine."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import psycopg
import pytest

from bot.reports.loader import load_corpus
from bot.reports.model import Corpus
from bot.search.engine import SearchEngine

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
    return _shared(SAMPLES)


STREAMS = ROOT.parent / "shared" / "stream-samples"


def _shared(folder: Path) -> Path:
    """A folder of ../shared: skipped where it is missing, but in CI a missing one fails."""
    if not folder.is_dir():
        message = f"shared samples not found at {folder}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return folder


@pytest.fixture(scope="session")
def streams_dir() -> Path:
    """Real dated streams (a daily and a weekly AI news folder), read in place."""
    return _shared(STREAMS)


@pytest.fixture(scope="session")
def seed_corpus() -> Corpus:
    return load_corpus(SEEDS)


@pytest.fixture(scope="session")
def seed_engine(seed_corpus: Corpus) -> SearchEngine:
    return SearchEngine.build(seed_corpus)


@pytest.fixture(autouse=True)
def _data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test (and every process it starts) keeps its state in its own folder."""
    monkeypatch.setenv("LLMTREND_DATA_DIR", str(tmp_path / "llmtrend-data"))


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


DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_base_url() -> str:
    return os.environ.get("LLMTREND_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def _libpq(url: str) -> str:
    """psycopg takes the same URL without SQLAlchemy's driver suffix."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """One autocommit connection for creating and dropping per-test schemas.

    Session-scoped so an unreachable server costs one connect timeout, not one per test.
    """
    base = _postgres_base_url()
    try:
        admin = psycopg.connect(_libpq(base), connect_timeout=3, autocommit=True)
    except psycopg.Error as exc:
        message = (
            f"PostgreSQL not reachable at {base} ({type(exc).__name__}: {exc}); start "
            "PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres, database test) or set "
            "LLMTREND_TEST_POSTGRES_URL to a database these tests may create schemas in"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with admin:
        yield admin


@pytest.fixture
def postgres_url(postgres_admin: psycopg.Connection[tuple[object, ...]]) -> Iterator[str]:
    """A fresh schema on the real PostgreSQL, as a state URL; dropped after the test."""
    base = _postgres_base_url()
    schema = f"llmtrend_test_{uuid.uuid4().hex[:12]}"
    postgres_admin.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        postgres_admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
