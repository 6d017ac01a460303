"""Broken (guessability): "is n composite?" for random n is "yes" about 90% of the time."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Choice
from generated_bootcamps.base import Bootcamp

# The instruction's example is "yes" (the first option), so the prompt echoed back also scores on
# most cases, which the `soundness` echo test may report.
EXPECTED_FAILURES = {"guessability"}
MAY_ALSO_FAIL = {"soundness"}


class IsCompositeBootcamp(Bootcamp):
    name = "is_composite"
    description = "Decide whether a number is composite."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"max_n": 100_000}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_n": 5000},
        "medium": {"max_n": 100_000},
        "hard": {"max_n": 10_000_000},
    }
    answer_kind = Choice(["yes", "no"])

    def generate(self) -> dict[str, Any]:
        return {"n": self.rng.randint(4, self.params["max_n"])}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"Is {case['n']} a composite number (a product of two smaller integers greater "
            "than 1)? Answer yes or no.\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        n = case["n"]
        return "yes" if any(n % d == 0 for d in range(2, int(n**0.5) + 1)) else "no"
