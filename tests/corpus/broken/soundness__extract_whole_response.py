"""Broken (soundness): `extract` returns the whole response; `check` looks for the answer in it."""

from typing import Any, ClassVar

from generated_bootcamps.base import Bootcamp

# Guessing is no better than before (an unrelated constant still misses), but any text that
# happens to contain the digits scores, e.g. fuzz or an answer dump.
EXPECTED_FAILURES = {"soundness"}


class CubeSumBootcamp(Bootcamp):
    name = "sum_of_cubes"
    description = "Add up the cubes of a few integers."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"count": 4, "max_value": 30}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"count": 3, "max_value": 15},
        "medium": {"count": 4, "max_value": 30},
        "hard": {"count": 6, "max_value": 99},
    }

    def generate(self) -> dict[str, Any]:
        p = self.params
        return {"numbers": [self.rng.randint(2, p["max_value"]) for _ in range(p["count"])]}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(x) for x in case["numbers"])
        return (
            f"What is the sum of the cubes of {numbers}?\n\n"
            "Write your final answer at the end of your response as \\boxed{ANSWER}."
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return sum(x**3 for x in case["numbers"])

    @classmethod
    def extract(cls, response: str) -> str | None:
        return response.strip() or None  # the check below finds the number in it

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        return str(cls.solve(case)) in str(answer)

    @classmethod
    def format_answer(cls, answer: Any) -> str:
        return f"\\boxed{{{answer}}}"
