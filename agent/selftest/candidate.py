"""The self-test's view of a candidate: calls into the sandboxed worker, as plain outcomes.

Checks never touch candidate code directly. They ask a `Candidate` to generate cases or call a
classmethod on many argument tuples; each call comes back as an `Outcome` (a value or the
candidate's exception, and how long it took). When the worker hangs or dies, `CandidateFailure`
says what the candidate was doing; the sandbox restarts the worker for the next call.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.sandbox import Sandbox, SandboxCrashed, SandboxError, SandboxLimits, SandboxTimeout


class CandidateFailure(Exception):
    """The candidate hung, crashed or broke the sandbox protocol while doing `what`."""

    def __init__(self, what: str, reason: str, timed_out_at: int | None = None):
        super().__init__(f"{what}: {reason}")
        self.what, self.reason = what, reason
        self.timed_out_at = timed_out_at  # index of the call that ran out of time, if one did


class OutOfTime(CandidateFailure):
    """The whole self-test's time budget ran out: the candidate is too slow to test."""


BATCH = 64  # calls per request: the time budget is checked between requests


@dataclass(frozen=True)
class Outcome:
    """One call into the candidate."""

    ok: bool
    value: Any = None
    error: str | None = None  # "ValueError: message", when not ok
    seconds: float = 0.0
    extra: dict[str, Any] | None = None

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Outcome:
        extra = {key: item[key] for key in item if key not in ("ok", "value", "error", "seconds")}
        if item.get("ok"):
            return cls(True, item.get("value"), None, item.get("seconds", 0.0), extra or None)
        error = item.get("error") or {}
        text = f"{error.get('type', 'Error')}: {error.get('message', '')}".rstrip(": ")
        return cls(False, None, text, item.get("seconds", 0.0), extra or None)


class Candidate:
    """A candidate bootcamp module, loaded in a sandboxed worker process."""

    def __init__(
        self,
        module: Path,
        *,
        call_timeout: float = 10.0,
        limits: SandboxLimits | None = None,
        hash_seed: int = 0,
        budget_seconds: float | None = None,
    ):
        self.module = module
        self.ends_at = None if budget_seconds is None else time.monotonic() + budget_seconds
        self.budget_seconds = budget_seconds
        self.sandbox = Sandbox(
            module, limits=limits, call_timeout=call_timeout, hash_seed=hash_seed
        )

    def __enter__(self) -> Candidate:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.sandbox.close()

    @property
    def isolation(self) -> dict[str, Any]:
        return dict(self.sandbox.isolation)

    def describe(self) -> dict[str, Any]:
        """The candidate class's attributes and which contract members it defines."""
        return self._guard("importing the module", self.sandbox.describe)

    def instantiate(self, difficulty: str | None, params: dict[str, Any]) -> Outcome:
        what = f"instantiating (difficulty={difficulty!r}, params={params!r})"
        item = self._guard(what, lambda: self.sandbox.instantiate(difficulty, params, 0))
        return Outcome.from_item(item)

    def generate(self, difficulty: str | None, seeds: Sequence[int]) -> list[Outcome]:
        """One case per seed, each from a fresh instance, with the JSON round-trip verdict."""
        what = f"generate() at difficulty {difficulty!r}"
        items = self._guard(what, lambda: self.sandbox.generate_seeds(difficulty, {}, list(seeds)))
        return [Outcome.from_item(item) for item in items]

    def generate_sequence(self, difficulty: str | None, seed: int, count: int) -> list[Outcome]:
        """`count` cases from one instance, in order."""
        what = f"generate() x{count} at difficulty {difficulty!r}"
        items = self._guard(what, lambda: self.sandbox.generate(difficulty, {}, seed, count))
        return [Outcome.from_item(item) for item in items]

    def map(
        self,
        method: str,
        args_list: Sequence[Sequence[Any]],
        timeout: float | None = None,
        record: int | None = None,
    ) -> list[Outcome]:
        """`cls.<method>(*args)` for each args, in order (`timeout`: seconds per call, default
        the sandbox's). With `record` (the position of the case among the args), each outcome's
        `extra["reads"]` lists the paths of the case the call read (see `Sandbox.map`)."""
        if not args_list:
            return []
        what = f"{method}() on {len(args_list)} input(s)"
        items: list[dict[str, Any]] = []
        for start in range(0, len(args_list), BATCH):
            chunk = [list(args) for args in args_list[start : start + BATCH]]
            items += self._guard(
                what,
                lambda chunk=chunk: self.sandbox.map(method, chunk, timeout=timeout, record=record),
            )
        return [Outcome.from_item(item) for item in items]

    def effort(self, method: str, cases: Sequence[dict[str, Any]], cap: int) -> list[Outcome]:
        """Per case: how many lines of the candidate's own code `cls.<method>(case)` runs (at
        most `cap`), its functools caches cleared first: a deterministic measure of work."""
        what = f"{method}() effort on {len(cases)} case(s)"
        items: list[dict[str, Any]] = []
        for start in range(0, len(cases), BATCH):
            chunk = list(cases[start : start + BATCH])
            items += self._guard(what, lambda chunk=chunk: self.sandbox.effort(method, chunk, cap))
        return [Outcome.from_item(item) for item in items]

    def mutators(self, cases: Sequence[dict[str, Any]]) -> list[Outcome]:
        """Per case: which classmethod (if any) changed the case object it was given."""
        what = f"purity probe on {len(cases)} case(s)"
        items = self._guard(what, lambda: self.sandbox.purity(list(cases)))
        return [Outcome.from_item(item) for item in items]

    def scores(self, pairs: Sequence[tuple[str, dict[str, Any]]]) -> list[Outcome]:
        """`score(response, case)` for each pair."""
        return self.map("score", pairs)

    def _guard(self, what: str, call: Any) -> Any:
        if self.ends_at is not None and time.monotonic() > self.ends_at:
            raise OutOfTime(
                what,
                f"the self-test's {self.budget_seconds:g} s budget ran out: the candidate is too "
                "slow to test (see the speed check)",
            )
        try:
            result = call()
        except SandboxTimeout as error:
            raise CandidateFailure(what, f"timed out ({error})") from None
        except SandboxCrashed as error:
            raise CandidateFailure(what, f"crashed ({error})") from None
        except SandboxError as error:
            raise CandidateFailure(what, str(error)) from None
        if isinstance(result, list) and result:
            last = result[-1]  # the worker stops a batch at its first timed-out call
            error = last.get("error") or {}
            if not last.get("ok") and error.get("type") in ("CallTimeout", "OutputFlood"):
                problem = "timed out" if error["type"] == "CallTimeout" else "flooded its output"
                index = len(result) - 1
                raise CandidateFailure(
                    what,
                    f"a call {problem} at item {index}: {error.get('message')}",
                    timed_out_at=index if error["type"] == "CallTimeout" else None,
                )
        return result
