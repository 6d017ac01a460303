"""Broken (leakage): the answer is one of the listed numbers, but the format's example is the
answer itself, so the prompt names it twice, more often than any other option."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# The option exemption of `leakage` (an answer shown only as one of the options) must not
# excuse this: the prompt singles the answer out.
EXPECTED_FAILURES = {"leakage"}


class LargestNumberBootcamp(Bootcamp):
    name = "largest_number"
    description = "Pick the largest number of a list."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"count": 6, "high": 1000}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"count": 4, "high": 100},
        "medium": {"count": 6, "high": 1000},
        "hard": {"count": 12, "high": 100000},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        return {"numbers": self.rng.sample(range(1, p["high"] + 1), p["count"])}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(n) for n in case["numbers"])
        return (
            f"Which is the largest of these numbers: {numbers}?\n\n"
            "Write your final answer at the end of your response as \\boxed{N}, for example "
            f"\\boxed{{{cls.solve(case)}}}."
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return max(case["numbers"])
