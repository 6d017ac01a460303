"""Broken (format): the prompt never says how to write the final answer."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"format"}


class LongestRunBootcamp(Bootcamp):
    name = "longest_increasing_run"
    description = "Find the length of the longest strictly increasing run of consecutive entries."
    domain = "algorithms"
    defaults: ClassVar[dict[str, Any]] = {"length": 40}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 20},
        "medium": {"length": 40},
        "hard": {"length": 100},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        n = self.params["length"]
        numbers, run = [], self.rng.randint(3, n // 2)  # plant a run of a random length
        start = self.rng.randint(0, n - run)
        for i in range(n):
            if start < i < start + run:
                numbers.append(numbers[-1] + self.rng.randint(1, 9))
            else:
                numbers.append(self.rng.randint(1, 99))
        return {"numbers": numbers}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = " ".join(str(x) for x in case["numbers"])
        return (
            f"Here is a sequence of numbers:\n{numbers}\n\nWhat is the length of its longest run "
            "of consecutive entries in which every entry is larger than the one before?"
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        best = current = 1
        for prev, cur in zip(case["numbers"], case["numbers"][1:], strict=False):
            current = current + 1 if cur > prev else 1
            best = max(best, current)
        return best
