"""What every check shares: settings, the candidate, its description and a pool of sample cases.

The pool holds, per difficulty, one case per seed (seeds 0..N-1, as `campforge generate` makes
them), each with its prompt, reference answer and formatted reference response, computed once in
the sandbox and reused by the checks. A stage that failed for a case is recorded on the case
(`errors`) for the check that owns it to report.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.selftest.candidate import Candidate
from agent.spec import Spec
from generated_bootcamps import contract

CONTRACT_DIFFICULTIES = contract.DIFFICULTIES
LOSSY = (
    "the case does not survive a JSON round trip unchanged (a tuple, a set, non-string dict keys "
    "or NaN?): use lists, string keys and finite numbers"
)


SLOW_FACTOR = 3.0  # this many times over a time budget, a candidate is not worth testing further
PROBE_CASES = 4  # cases per difficulty generated before the rest, to catch a very slow candidate
SINGLE_LEVEL = "medium"  # the level sampled when a bootcamp's presets are all the same


class BudgetSpent(BaseException):
    """A check ran out of time (raised inside Hypothesis, which stops on BaseException)."""


@dataclass(frozen=True)
class Settings:
    """Knobs of a self-test run. The defaults keep a typical candidate under ~15 s on 2 cores."""

    cases: int = 40  # per difficulty
    call_timeout: float = 10.0  # seconds for one call into the candidate
    total_budget: float = 120.0  # seconds for the whole self-test of a slow candidate
    hypothesis_examples: int = 60
    check_budget: float = 20.0  # seconds a Hypothesis-driven check may spend
    generate_p95_budget: float = 0.1  # seconds per case
    score_p95_budget: float = 0.02  # seconds per score() call
    reference_cases: int = 10  # per difficulty, for the reference program
    reference_timeout: float = 10.0
    slow_factor: float = SLOW_FACTOR  # over budget by this much: sure to fail, stop early


@dataclass
class PoolCase:
    """One sample case and what the candidate says about it."""

    difficulty: str
    seed: int
    case: dict[str, Any]
    prompt: str | None = None
    solution: Any = None
    formatted: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Whether prompt, solution and formatted answer are all known."""
        return not self.errors

    def label(self) -> str:
        return f"{self.difficulty} seed {self.seed}"


@dataclass
class Context:
    """The candidate under test and everything checks share."""

    candidate: Candidate
    module: Path
    source: str
    settings: Settings
    spec: Spec | None = None
    description: dict[str, Any] = field(default_factory=dict)
    pool: list[PoolCase] = field(default_factory=list)
    generate_failures: list[tuple[str, int, str]] = field(default_factory=list)
    # Parts the bootcamp lacks, with the reason (see run_selftest): "solve" (no reference
    # answer: the verifier-only checks run) and "difficulty" (one level: cases come from
    # `SINGLE_LEVEL` only).
    lacks: dict[str, str] = field(default_factory=dict)

    @property
    def difficulties(self) -> list[str]:
        """The candidate's difficulty names, contract ones first (only `SINGLE_LEVEL` when the
        bootcamp has no real difficulty levels)."""
        names = list(self.description.get("difficulties") or {})
        if "difficulty" in self.lacks and SINGLE_LEVEL in names:
            return [SINGLE_LEVEL]
        return sorted(names, key=lambda name: (name not in CONTRACT_DIFFICULTIES, name))

    @property
    def verifier_only(self) -> bool:
        """Whether the bootcamp has no reference answer (no usable solve())."""
        return "solve" in self.lacks

    def prompted(self, difficulty: str | None = None) -> list[PoolCase]:
        """Pool cases whose prompt is known (all a verifier-only check needs)."""
        return [
            case
            for case in self.pool
            if "prompt" not in case.errors and (difficulty is None or case.difficulty == difficulty)
        ]

    @property
    def overrides_check(self) -> bool:
        return "check" in (self.description.get("overrides") or [])

    def usable(self, difficulty: str | None = None) -> list[PoolCase]:
        """Pool cases whose prompt, solution and formatted answer are known."""
        return [
            case
            for case in self.pool
            if case.complete and (difficulty is None or case.difficulty == difficulty)
        ]

    def too_slow_to_sample(self) -> bool:
        """Whether generate() is so far over its budget that sampling more cases is pointless."""
        seconds = sorted(case.seconds.get("generate", 0.0) for case in self.pool)
        if not seconds:
            return False
        p95 = seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))]
        return p95 > self.settings.slow_factor * self.settings.generate_p95_budget

    def _generate(self, difficulty: str, seeds: list[int]) -> None:
        if not seeds:
            return
        outcomes = self.candidate.generate(difficulty, seeds)
        for seed, outcome in zip(seeds, outcomes, strict=True):
            if outcome.ok and (outcome.extra or {}).get("lossless") is False:
                self.generate_failures.append((difficulty, seed, LOSSY))
            elif outcome.ok and isinstance(outcome.value, dict):
                seconds = {"generate": outcome.seconds}
                self.pool.append(PoolCase(difficulty, seed, outcome.value, seconds=seconds))
            else:
                error = outcome.error or f"generate() returned {type(outcome.value).__name__}"
                self.generate_failures.append((difficulty, seed, error))

    def build_pool(self) -> None:
        """Generate the sample cases and compute prompt, solution and formatted answer for each."""
        # A few seeds of every difficulty first: a candidate far over its budget at any
        # difficulty is then caught after a handful of cases, not after `cases` of each.
        probe = min(PROBE_CASES, self.settings.cases)
        rounds = [range(probe), range(probe, self.settings.cases)]
        for seeds in rounds:
            for difficulty in self.difficulties:
                if self.too_slow_to_sample():
                    break  # the speed check reports it; more cases would only take minutes
                self._generate(difficulty, list(seeds))
        order = {name: index for index, name in enumerate(self.difficulties)}
        self.pool.sort(key=lambda case: (order[case.difficulty], case.seed))
        self.generate_failures.sort(key=lambda failure: (order[failure[0]], failure[1]))
        cases = [[case.case] for case in self.pool]
        for stage, method in (("prompt", "prompt"), ("solution", "solve")):
            for case, outcome in zip(self.pool, self.candidate.map(method, cases), strict=True):
                case.seconds[stage] = outcome.seconds
                if outcome.ok:
                    setattr(case, stage, outcome.value)
                else:
                    case.errors[stage] = outcome.error or "failed"
        solved = [case for case in self.pool if "solution" not in case.errors]
        answers = [[case.solution] for case in solved]
        for case, outcome in zip(solved, self.candidate.map("format_answer", answers), strict=True):
            if outcome.ok and isinstance(outcome.value, str):
                case.formatted = outcome.value
            else:
                case.errors["formatted"] = outcome.error or "format_answer() did not return text"


class Deadline:
    """A time budget; `spend()` raises BudgetSpent once it is over."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def spend(self) -> None:
        if time.monotonic() > self.end:
            raise BudgetSpent


def canonical(value: Any) -> str:
    """A value's JSON text with sorted keys: equal for equal JSON values."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)


def shortest(cases: list[PoolCase]) -> PoolCase:
    """The case with the shortest JSON text: the most readable evidence."""
    return min(cases, key=lambda case: (len(canonical(case.case)), case.difficulty, case.seed))
