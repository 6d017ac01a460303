"""Broken (speed): `generate` counts the answer by trying all 2^n subsets (0.3-0.7 s a case)."""

from itertools import combinations
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# A DP over sums would take a millisecond. If the per-case time budget of `generate` is below
# 0.3 s, that check fails as well.
EXPECTED_FAILURES = {"speed"}
MAY_ALSO_FAIL = {"generate"}


class SubsetCountBootcamp(Bootcamp):
    name = "subset_sum_count"
    description = "Count the subsets of a list of numbers with a given sum."
    domain = "algorithms"
    defaults: ClassVar[dict[str, Any]] = {"length": 21, "max_value": 300}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 21, "max_value": 100},
        "medium": {"length": 21, "max_value": 300},
        "hard": {"length": 22, "max_value": 1000},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        numbers = [
            self.rng.randint(p["max_value"] // 4, p["max_value"]) for _ in range(p["length"])
        ]
        target = self.rng.randint(sum(numbers) // 4, sum(numbers) // 2)
        count = 0
        for r in range(len(numbers) + 1):  # try every subset
            for subset in combinations(numbers, r):
                if sum(subset) == target:
                    count += 1
        return {"numbers": numbers, "target": target, "count": count}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(x) for x in case["numbers"])
        return (
            f"How many subsets of the list {numbers} have the sum {case['target']}? (Entries at "
            "different positions count as different, even when their values are equal.)\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return case["count"]  # computed in generate
