"""Broken (determinism): `prompt` rotates through templates with a class-level call counter."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"determinism"}

TEMPLATES = [
    "Compute the product {a} × {b}.",
    "What do you get when you multiply {a} by {b}?",
    "A box holds {a} rows of {b} marbles. How many marbles are in the box?",
]


class MultiplicationBootcamp(Bootcamp):
    name = "multiplication_varied"
    description = "Multiply two integers (with varied phrasing)."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"digits": 3}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"digits": 2},
        "medium": {"digits": 3},
        "hard": {"digits": 5},
    }
    answer_kind = Integer()
    _prompts_made: ClassVar[int] = 0

    def generate(self) -> dict[str, Any]:
        d = self.params["digits"]
        return {
            "a": self.rng.randint(10 ** (d - 1), 10**d - 1),
            "b": self.rng.randint(11, 10**d - 1),
        }

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        template = TEMPLATES[cls._prompts_made % len(TEMPLATES)]  # vary the wording
        cls._prompts_made += 1
        return template.format(**case) + "\n\n" + cls.answer_kind.instruction()

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return case["a"] * case["b"]
