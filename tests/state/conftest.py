"""One drafted workspace per test process, shared (read-only) by the state tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.state.support import build_workspace


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real workspace with queued candidates; tests damage copies of it, never it."""
    return build_workspace(tmp_path_factory.mktemp("template"))
