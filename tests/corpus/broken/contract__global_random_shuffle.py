"""Broken (contract): `generate` shuffles with the global `random` module instead of `self.rng`."""

import random
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# The global RNG is unseeded, so the same seed no longer gives the same case: this bug trips
# `determinism` too, unavoidably.
EXPECTED_FAILURES = {"contract", "determinism"}


class SmallestSumBootcamp(Bootcamp):
    name = "sum_of_smallest"
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
        numbers = [self.rng.randint(1, p["max_value"]) for _ in range(p["length"])]
        random.shuffle(numbers)  # present them in random order
        return {"numbers": numbers, "k": p["k"]}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(x) for x in case["numbers"])
        return (
            f"What is the sum of the {case['k']} smallest numbers in this list?\n{numbers}\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return sum(sorted(case["numbers"])[: case["k"]])
