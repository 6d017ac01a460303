"""Broken (generate): at `hard`, sampling more distinct numbers than the range holds raises."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Every hard case fails, so checks that need hard cases cannot run them either (MAY_ALSO_FAIL).
EXPECTED_FAILURES = {"generate"}
MAY_ALSO_FAIL = {"determinism", "diversity", "difficulty", "speed"}


class LargestPlusSmallestBootcamp(Bootcamp):
    name = "largest_plus_smallest"
    description = "Add the largest and the smallest of a list of distinct numbers."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"length": 8, "max_value": 100}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 5, "max_value": 50},
        "medium": {"length": 8, "max_value": 100},
        "hard": {"length": 30, "max_value": 25},  # bug: 30 distinct numbers from 1..25
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        return {"numbers": self.rng.sample(range(1, p["max_value"] + 1), p["length"])}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(x) for x in case["numbers"])
        return (
            f"What is the sum of the largest and the smallest number in this list: {numbers}?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return max(case["numbers"]) + min(case["numbers"])
