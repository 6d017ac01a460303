"""Broken (soundness): check() verifies the count and the sum of the chosen numbers, not that they
come from the list."""

from itertools import combinations
from typing import Any, ClassVar

from generated_bootcamps.answers import IntList
from generated_bootcamps.base import Bootcamp

# Any k numbers with the right sum score 1, from the list or not. The near misses of the soundness
# check change the sum or the count (rejected) or reorder the numbers (rightly accepted), so only
# an answer that keeps the sum and the count with a number the list lacks exposes it.
EXPECTED_FAILURES = {"soundness"}


class SubsetSumBootcamp(Bootcamp):
    name = "subset_sum_choice"
    description = "Choose k numbers from a list that add up to a target."
    domain = "combinatorics"
    defaults: ClassVar[dict[str, Any]] = {"size": 8, "k": 3, "max_value": 60}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"size": 6, "k": 2, "max_value": 30},
        "medium": {"size": 8, "k": 3, "max_value": 60},
        "hard": {"size": 12, "k": 4, "max_value": 200},
    }
    answer_kind = IntList()

    def generate(self) -> dict[str, Any]:
        p = self.params
        numbers = self.rng.sample(range(1, p["max_value"] + 1), p["size"])
        chosen = self.rng.sample(numbers, p["k"])
        return {"numbers": numbers, "k": p["k"], "target": sum(chosen)}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"From the numbers {case['numbers']}, choose exactly {case['k']} different ones whose "
            f"sum is {case['target']}. List them in increasing order.\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> list[int]:
        for chosen in combinations(sorted(case["numbers"]), case["k"]):
            if sum(chosen) == case["target"]:
                return list(chosen)
        raise ValueError("no subset adds up to the target")

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        if not isinstance(answer, list) or len(answer) != case["k"]:
            return False
        return len(set(answer)) == len(answer) and sum(answer) == case["target"]
