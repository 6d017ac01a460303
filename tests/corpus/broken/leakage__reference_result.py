"""Broken (leakage): the prompt ends with "For reference, the expected result is <answer>."."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"leakage"}


class ArithmeticSeriesBootcamp(Bootcamp):
    name = "arithmetic_series_sum"
    description = "Add up the terms of an arithmetic progression."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"max_terms": 30, "max_step": 20}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_terms": 10, "max_step": 5},
        "medium": {"max_terms": 30, "max_step": 20},
        "hard": {"max_terms": 500, "max_step": 999},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        return {
            "first": self.rng.randint(1, 100),
            "step": self.rng.randint(2, p["max_step"]),
            "terms": self.rng.randint(5, p["max_terms"]),
        }

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"An arithmetic progression starts at {case['first']} and each term is "
            f"{case['step']} more than the previous one. What is the sum of its first "
            f"{case['terms']} terms?\n\n{cls.answer_kind.instruction()}\n"
            f"For reference, the expected result is {cls.solve(case)}."
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        n = case["terms"]
        return n * case["first"] + case["step"] * n * (n - 1) // 2
