"""The two homes of campforge's state: a SQLite file and a real throwaway PostgreSQL database.

One server per test process (started only by tests that ask for it), and a fresh database on it
per test. `location` runs a test on both; tests that need no server use `sqlite` or no fixture,
and so run (never skip) where PostgreSQL is not installed."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres_server import fresh_database, start_or_skip

_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    with start_or_skip() as url:
        yield url


@pytest.fixture
def postgres(postgres_server: str) -> str:
    """The URL of a new, empty database of its own."""
    return fresh_database(postgres_server, f"campforge_test_{next(_numbers)}")


@pytest.fixture(params=["sqlite", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where the state lives: a SQLite file in a private home, or a Postgres URL."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres")
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    return home / "campforge.db"
