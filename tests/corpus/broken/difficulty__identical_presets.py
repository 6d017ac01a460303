"""Broken (difficulty): the easy, medium and hard presets are copies of one another."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"difficulty"}


class DigitalRootBootcamp(Bootcamp):
    name = "sum_of_products"
    description = "Compute a sum of products of pairs of numbers."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"pairs": 4, "max_value": 50}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"pairs": 4, "max_value": 50},
        "medium": {"pairs": 4, "max_value": 50},
        "hard": {"pairs": 4, "max_value": 50},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        top = self.params["max_value"]
        pairs = [
            [self.rng.randint(2, top), self.rng.randint(2, top)]
            for _ in range(self.params["pairs"])
        ]
        return {"pairs": pairs}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        expression = " + ".join(f"{a}·{b}" for a, b in case["pairs"])
        return f"Compute {expression}.\n\n" + cls.answer_kind.instruction()

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return sum(a * b for a, b in case["pairs"])
