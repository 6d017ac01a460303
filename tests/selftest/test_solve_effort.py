"""Solve effort, the `difficulty` check's measure of work: lines of the bootcamp's own code that
`solve` runs on a case, counted in the sandbox with the module's caches cleared first."""

from __future__ import annotations

import textwrap
from pathlib import Path

from agent.selftest.candidate import Candidate
from agent.selftest.checks.generation import effort_order

CACHED = textwrap.dedent(
    '''
    """A cached search: without clearing the cache, the second call costs nothing."""
    import functools
    from typing import Any, ClassVar

    from generated_bootcamps.answers import Integer
    from generated_bootcamps.base import Bootcamp


    @functools.lru_cache(maxsize=None)
    def count_up(n: int) -> int:
        total = 0
        for i in range(n):
            total += i
        return total


    class CountBootcamp(Bootcamp):
        name = "count"
        description = "Sum 0..n-1."
        domain = "arithmetic"
        defaults: ClassVar[dict[str, Any]] = {"n": 5}
        difficulties: ClassVar[dict[str, dict[str, Any]]] = {
            "easy": {"n": 5}, "medium": {"n": 50}, "hard": {"n": 500}
        }
        answer_kind = Integer()

        def generate(self) -> dict[str, Any]:
            return {"n": self.params["n"]}

        @classmethod
        def prompt(cls, case: dict[str, Any]) -> str:
            return f"Sum 0..{case['n'] - 1}. " + cls.answer_kind.instruction()

        @classmethod
        def solve(cls, case: dict[str, Any]) -> int:
            return count_up(case["n"])
    '''
)


def test_effort_counts_the_candidates_lines_afresh_for_every_case(tmp_path: Path):
    module = tmp_path / "count.py"
    module.write_text(CACHED, encoding="utf-8")
    with Candidate(module) as candidate:
        cases = [{"n": 10}, {"n": 10}, {"n": 1000}, {"n": 100_000}]
        steps = [outcome.value for outcome in candidate.effort("solve", cases, 5_000)]
    assert steps[0] == steps[1] > 20  # the lru_cache was cleared: the same case, the same work
    assert steps[2] > 50 * steps[0] // 10  # two lines per loop round
    assert steps[3] == 5_000  # capped


def test_effort_order_is_a_tie_within_ten_percent_and_skips_capped_pairs():
    assert effort_order([100, 100], [105, 109]) == 0.5  # a line more is no harder
    assert effort_order([100, 100], [200, 300]) == 1.0
    assert effort_order([200, 300], [100, 100]) == 0.0
    assert effort_order([10, 50], [50, 10]) == 0.5
    assert effort_order([7, 7], [7, 7], cap=7) is None  # both beyond the count: unknown
