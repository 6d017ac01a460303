"""Broken (contract): no `solve`; the answer is stored in the case and `check` compares with it."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Without `solve` the checks that need the reference answer (completeness, soundness, ...) cannot
# run; only `contract` is certain to fail.
EXPECTED_FAILURES = {"contract"}


class DigitSumBootcamp(Bootcamp):
    name = "digit_sum"
    description = "Compute the sum of the decimal digits of a number."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"digits": 8}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"digits": 4},
        "medium": {"digits": 8},
        "hard": {"digits": 20},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        digits = self.params["digits"]
        n = self.rng.randint(10 ** (digits - 1), 10**digits - 1)
        return {"n": n, "answer": sum(int(d) for d in str(n))}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"What is the sum of the decimal digits of {case['n']}?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        return answer == case["answer"]
