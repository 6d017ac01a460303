"""Broken (completeness): `extract` returns the matched string and `check` compares it to an int."""

import re
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Nothing ever scores, not even a perfect response: the verifier is "sound" only vacuously. A
# `format` check that scores a response written as the prompt asks fails too.
EXPECTED_FAILURES = {"completeness"}
MAY_ALSO_FAIL = {"format"}


class DivisorSumBootcamp(Bootcamp):
    name = "divisor_sum"
    description = "Add up the positive divisors of a number."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"max_n": 200_000}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_n": 5000},
        "medium": {"max_n": 200_000},
        "hard": {"max_n": 2_000_000},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        return {"n": self.rng.randint(12, self.params["max_n"])}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"What is the sum of all positive divisors of {case['n']} (including 1 and "
            f"{case['n']} itself)?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        n, total, d = case["n"], 0, 1
        while d * d <= n:
            if n % d == 0:
                total += d if d * d == n else d + n // d
            d += 1
        return total

    @classmethod
    def extract(cls, response: str) -> str | None:
        found = re.findall(r"\\boxed\{\s*(\d+)\s*\}", response)
        return found[-1] if found else None

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        return answer == cls.solve(case)
