"""Broken (completeness): `format_answer` writes `\\boxed{}`; `extract` reads only [answer] tags."""

import re
from typing import Any, ClassVar

from generated_bootcamps.base import Bootcamp

# The prompt asks for tags, which `extract` reads: a model following the prompt scores. Only a
# perfect response written by `format_answer` is lost. A `format` check that also compares the
# prompt's style with format_answer's may flag it too.
EXPECTED_FAILURES = {"completeness"}
MAY_ALSO_FAIL = {"format"}


class GcdBootcamp(Bootcamp):
    name = "gcd_of_list"
    description = "Compute the greatest common divisor of a list of numbers."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"count": 3, "max_factor": 30}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"count": 2, "max_factor": 20},
        "medium": {"count": 3, "max_factor": 30},
        "hard": {"count": 5, "max_factor": 200},
    }

    def generate(self) -> dict[str, Any]:
        g = self.rng.randint(2, self.params["max_factor"])
        numbers = [
            g * self.rng.randint(2, self.params["max_factor"]) for _ in range(self.params["count"])
        ]
        return {"numbers": numbers}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(x) for x in case["numbers"])
        return (
            f"What is the greatest common divisor of {numbers}?\n\n"
            "Write your final answer between [answer] and [/answer], e.g. [answer]1[/answer]."
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        g = 0
        for x in case["numbers"]:
            a, b = g, x
            while b:
                a, b = b, a % b
            g = a
        return g

    @classmethod
    def extract(cls, response: str) -> int | None:
        found = re.findall(r"\[answer\]\s*(-?\d+)\s*\[/answer\]", response)
        return int(found[-1]) if found else None

    @classmethod
    def format_answer(cls, answer: Any) -> str:
        return f"\\boxed{{{answer}}}"
