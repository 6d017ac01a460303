"""Broken (reference): Kadane's loop stops one entry early, missing a best run that ends last."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"reference"}


class MaxSubarrayBootcamp(Bootcamp):
    name = "max_subarray_sum"
    description = "Find the largest sum of a contiguous run of a list of integers."
    domain = "algorithms"
    defaults: ClassVar[dict[str, Any]] = {"length": 10, "max_abs": 50}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 6, "max_abs": 20},
        "medium": {"length": 10, "max_abs": 50},
        "hard": {"length": 30, "max_abs": 500},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        top = self.params["max_abs"]
        return {"numbers": [self.rng.randint(-top, top) for _ in range(self.params["length"])]}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(x) for x in case["numbers"])
        return (
            "What is the largest possible sum of a contiguous, non-empty run of entries of this "
            f"list?\n{numbers}\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        nums = case["numbers"]
        best = current = nums[0]
        for i in range(1, len(nums) - 1):
            current = max(nums[i], current + nums[i])
            best = max(best, current)
        return best

    @classmethod
    def to_reference_input(cls, case: dict[str, Any]) -> str:
        """The count on the first line, then the numbers separated by spaces."""
        return f"{len(case['numbers'])}\n" + " ".join(str(x) for x in case["numbers"]) + "\n"
