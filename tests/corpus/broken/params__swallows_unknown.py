"""Broken (params): `__init__` is overridden to drop unknown parameters instead of raising."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"params"}


class SumOfSquaresBootcamp(Bootcamp):
    name = "sum_of_squares"
    description = "Add up the squares of a list of integers."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"length": 5, "max_value": 20}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 3, "max_value": 12},
        "medium": {"length": 5, "max_value": 20},
        "hard": {"length": 10, "max_value": 99},
    }
    answer_kind = Integer()

    def __init__(self, *, seed: int | None = None, difficulty: str | None = None, **params: Any):
        # Be forgiving: ignore parameters this bootcamp does not know about.
        known = {key: value for key, value in params.items() if key in self.defaults}
        super().__init__(seed=seed, difficulty=difficulty, **known)

    def generate(self) -> dict[str, Any]:
        top = self.params["max_value"]
        return {"numbers": [self.rng.randint(-top, top) for _ in range(self.params["length"])]}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(x) for x in case["numbers"])
        return (
            f"What is the sum of the squares of these numbers: {numbers}?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return sum(x * x for x in case["numbers"])
