"""Broken (determinism): every case carries a `case_id` made from `time.time_ns()`."""

import time
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"determinism"}


class StaircaseBootcamp(Bootcamp):
    name = "staircase_ways"
    description = "Count the ways to climb a staircase taking steps of allowed sizes."
    domain = "combinatorics"
    defaults: ClassVar[dict[str, Any]] = {"max_stairs": 25, "num_steps": 3}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_stairs": 12, "num_steps": 2},
        "medium": {"max_stairs": 25, "num_steps": 3},
        "hard": {"max_stairs": 60, "num_steps": 4},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        steps = [1, *sorted(self.rng.sample(range(2, 7), self.params["num_steps"] - 1))]
        stairs = self.rng.randint(5, self.params["max_stairs"])
        return {"case_id": f"{self.name}-{time.time_ns()}", "stairs": stairs, "steps": steps}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        steps = ", ".join(str(s) for s in case["steps"])
        return (
            f"A staircase has {case['stairs']} stairs. Each move climbs {steps} stairs (any of "
            "these, in any order). In how many different sequences of moves can you climb from "
            "the bottom to exactly the top?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        ways = [1] + [0] * case["stairs"]
        for n in range(1, case["stairs"] + 1):
            ways[n] = sum(ways[n - s] for s in case["steps"] if s <= n)
        return ways[case["stairs"]]
