"""Correct: any two entries of a list that sum to a target (IntList, checked by rules)."""

from collections import Counter
from typing import Any, ClassVar

from generated_bootcamps.answers import IntList
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES: set[str] = set()


class PairSumBootcamp(Bootcamp):
    name = "pair_with_sum"
    description = "Find two entries of a list of integers whose sum is a given target."
    domain = "algorithms"
    defaults: ClassVar[dict[str, Any]] = {"length": 10, "max_value": 99}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 6, "max_value": 30},
        "medium": {"length": 10, "max_value": 99},
        "hard": {"length": 25, "max_value": 999},
    }
    answer_kind = IntList()

    def generate(self) -> dict[str, Any]:
        p = self.params
        numbers = [self.rng.randint(1, p["max_value"]) for _ in range(p["length"])]
        i, j = self.rng.sample(range(p["length"]), 2)
        return {"numbers": numbers, "target": numbers[i] + numbers[j]}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = " ".join(str(x) for x in case["numbers"])
        return (
            f"Here is a list of integers:\n{numbers}\n\n"
            f"Pick two entries of the list (at two different positions) whose sum is "
            f"{case['target']}. If several pairs work, give any one of them, as a list of "
            "the two numbers.\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> list[int]:
        numbers = case["numbers"]
        for i, a in enumerate(numbers):
            for b in numbers[i + 1 :]:
                if a + b == case["target"]:
                    return [a, b]
        raise ValueError("no pair adds up to the target")

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        if not isinstance(answer, list) or len(answer) != 2:
            return False
        available = Counter(case["numbers"])
        return sum(answer) == case["target"] and all(
            available[x] >= n for x, n in Counter(answer).items()
        )
