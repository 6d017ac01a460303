"""Fixtures for the LLM client tests: a scripted Chat Completions server, a transcript store, and
clients with fast retry settings."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from agent.llm import LLMClient, LLMSettings, TranscriptStore

TESTS = str(Path(__file__).resolve().parents[1])
if TESTS not in sys.path:
    sys.path.append(TESTS)  # appended, so nothing in tests/ shadows an installed module

from llm_server import Script, ScriptedLLMServer  # noqa: E402

FAST = LLMSettings(
    model="scripted-model",
    api_key="test-key",
    timeout=5.0,
    max_retries=2,
    retry_backoff=0.01,
    retry_max_wait=0.2,
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "CAMPFORGE_MODEL", "OPENAI_CUSTOM_HEADERS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def serve() -> Iterator[Callable[[Script], ScriptedLLMServer]]:
    """`serve(script)`: a started scripted server, closed at teardown."""
    servers: list[ScriptedLLMServer] = []

    def start(script: Script) -> ScriptedLLMServer:
        server = ScriptedLLMServer(script).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[TranscriptStore]:
    with TranscriptStore(tmp_path / "transcripts.sqlite") as s:
        yield s


@pytest.fixture
def make_client(store: TranscriptStore) -> Iterator[Callable[..., LLMClient]]:
    """`make_client(base_url, run_id="run-1", replay_from=None, **settings)`: fast retries
    (backoff 0.01 s, waits capped at 0.2 s, 2 retries) unless overridden."""
    clients: list[LLMClient] = []

    def make(
        base_url: str, run_id: str = "run-1", replay_from: str | None = None, **overrides: Any
    ) -> LLMClient:
        settings = replace(FAST, base_url=base_url, **overrides)
        client = LLMClient(settings, store, run_id, replay_from=replay_from)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
