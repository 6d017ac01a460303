"""Broken (diversity): each preset draws n from a range of five values, so cases repeat."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Five distinct cases per difficulty: a constant answer is right ~1 time in 5, which a
# guessability threshold may or may not flag.
EXPECTED_FAILURES = {"diversity"}
MAY_ALSO_FAIL = {"guessability"}


class FibonacciBootcamp(Bootcamp):
    name = "fibonacci_number"
    description = "Compute the n-th Fibonacci number."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"min_n": 15, "max_n": 19}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"min_n": 5, "max_n": 9},
        "medium": {"min_n": 15, "max_n": 19},
        "hard": {"min_n": 30, "max_n": 34},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        return {"n": self.rng.randint(self.params["min_n"], self.params["max_n"])}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            "The Fibonacci numbers are F(1) = 1, F(2) = 1 and F(n) = F(n-1) + F(n-2). "
            f"What is F({case['n']})?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        a, b = 0, 1
        for _ in range(case["n"]):
            a, b = b, a + b
        return a
