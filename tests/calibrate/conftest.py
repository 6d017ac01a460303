"""Fixtures for the calibration tests: a catalog in a temporary directory holding `sum_pair` (a
bootcamp whose prompt names its difficulty), and a scripted solver served by the local Chat
Completions server, right on a known share of the cases of each difficulty.

The solver decides by a hash of the prompt, so it is deterministic case by case, and it counts
what it answered, so a test can compare calibrate's counts with the truth exactly.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from agent.llm import LLMClient, LLMSettings, TranscriptStore
from tests.llm_server import Reply, ScriptedLLMServer

SUM_PAIR = '''\
"""Add two numbers; the prompt names the difficulty, so a scripted solver can be tuned by it."""

from __future__ import annotations

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp


class SumPairBootcamp(Bootcamp):
    name = "sum_pair"
    description = "Add two whole numbers."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"tier": "medium", "size": 1000}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"tier": "easy", "size": 100},
        "medium": {"tier": "medium", "size": 10000},
        "hard": {"tier": "hard", "size": 1000000},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        size = self.params["size"]
        return {
            "a": self.rng.randint(1, size),
            "b": self.rng.randint(1, size),
            "tier": self.params["tier"],
        }

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"[{case['tier']}] What is {case['a']} + {case['b']}? "
            "End with the sum as \\\\boxed{N}."
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return case["a"] + case["b"]
'''

ENTRY = {
    "path": "sum_pair/bootcamp.py",
    "class_name": "SumPairBootcamp",
    "domain": "arithmetic",
    "description": "Add two whole numbers.",
    "answer_kind": "integer",
    "provenance": {"source": "hand-written", "added": "2026-01-01"},
}
PROMPT = re.compile(r"\[(\w+)\] What is (\d+) \+ (\d+)\?")
USAGE = (20, 10)  # tokens the server reports per reply


def write_catalog(directory: Path, calibration: dict | None = None) -> Path:
    """A catalog directory holding only sum_pair (with a stored calibration, if given)."""
    (directory / "sum_pair").mkdir(parents=True)
    (directory / "sum_pair" / "bootcamp.py").write_text(SUM_PAIR, encoding="utf-8")
    entry = {**ENTRY, **({"calibration": calibration} if calibration else {})}
    body = {"version": 1, "bootcamps": {"sum_pair": entry}}
    (directory / "catalog.json").write_text(json.dumps(body, indent=2), encoding="utf-8")
    return directory


@pytest.fixture
def sum_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A catalog holding sum_pair, in use through CAMPFORGE_CATALOG (never the repository's)."""
    directory = write_catalog(tmp_path / "catalog")
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(directory))
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "CAMPFORGE_MODEL"):
        monkeypatch.delenv(name, raising=False)
    return directory


def unit(prompt: str) -> float:
    """A fixed number in [0, 1) per prompt."""
    return int(hashlib.sha256(prompt.encode()).hexdigest()[:12], 16) / 16**12


@dataclass
class Solver:
    """Right on `right[tier]` of the cases of a tier; of the rest, silent (nothing to extract)
    on a share `silent`, wrong otherwise. Counts what it answered, per (tier, outcome)."""

    right: dict[str, float]
    silent: float = 0.0
    counts: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, prompt: str) -> tuple[str, str, str]:
        """(tier, outcome, reply text) for a prompt."""
        tier, a, b = PROMPT.search(prompt).groups()  # type: ignore[union-attr]
        total, u = int(a) + int(b), unit(prompt)
        p = self.right[tier]
        if u < p:
            return tier, "right", f"{a} plus {b} is {total}. \\boxed{{{total}}}"
        if (u - p) / (1 - p) < self.silent:
            return tier, "silent", "I would rather not say."
        return tier, "wrong", f"Roughly \\boxed{{{total + 1}}}"

    def __call__(self, body: dict) -> Reply:
        tier, outcome, text = self.answer(body["messages"][-1]["content"])
        with self.lock:
            self.counts[tier, outcome] += 1
        return Reply(text, usage=USAGE)


@pytest.fixture
def transcripts(tmp_path: Path) -> Iterator[TranscriptStore]:
    with TranscriptStore(tmp_path / "campforge.db") as store:
        yield store


def client_for(
    server: ScriptedLLMServer, store: TranscriptStore, run_id: str = "calibrate-test", **extra
) -> LLMClient:
    """A client of the scripted server with fast retries."""
    settings = LLMSettings(
        model="solver-model",
        base_url=server.base_url,
        api_key="test",
        timeout=5.0,
        max_retries=2,
        retry_backoff=0.01,
        retry_max_wait=0.05,
        **extra,
    )
    return LLMClient(settings, store, run_id)
