"""Broken (determinism): `solve` sorts `case["numbers"]` in place, changing the case it is given."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# After `solve`, `prompt` shows the list sorted: the classmethods are not functions of the case.
EXPECTED_FAILURES = {"determinism"}


class SmallestKSumBootcamp(Bootcamp):
    name = "k_smallest_sum"
    description = "Add up the k smallest numbers of a list."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"length": 10, "k": 3, "max_value": 100}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 6, "k": 2, "max_value": 30},
        "medium": {"length": 10, "k": 3, "max_value": 100},
        "hard": {"length": 20, "k": 6, "max_value": 1000},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        return {
            "numbers": [self.rng.randint(1, p["max_value"]) for _ in range(p["length"])],
            "k": p["k"],
        }

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(x) for x in case["numbers"])
        return (
            f"What is the sum of the {case['k']} smallest numbers in this list?\n{numbers}\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        numbers = case["numbers"]
        numbers.sort()
        return sum(numbers[: case["k"]])
