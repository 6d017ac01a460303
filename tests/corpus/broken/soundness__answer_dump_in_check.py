"""Broken (soundness): `check` tests `str(expected) in answer_text`, so answer dumps score."""

import re
from typing import Any, ClassVar

from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"soundness"}


class PrimeCountBelowBootcamp(Bootcamp):
    name = "primes_below"
    description = "Count the primes below a bound."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"max_bound": 10_000}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_bound": 2000},
        "medium": {"max_bound": 10_000},
        "hard": {"max_bound": 100_000},
    }

    def generate(self) -> dict[str, Any]:
        return {"bound": self.rng.randint(20, self.params["max_bound"])}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"How many prime numbers are smaller than {case['bound']}?\n\n"
            "Write your final answer at the end of your response as \\boxed{ANSWER}."
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        bound = case["bound"]
        sieve = [True] * bound
        sieve[:2] = [False, False]
        for p in range(2, int(bound**0.5) + 1):
            if sieve[p]:
                sieve[p * p :: p] = [False] * len(range(p * p, bound, p))
        return sum(sieve)

    @classmethod
    def extract(cls, response: str) -> str | None:
        boxes = re.findall(r"\\boxed\{([^{}]*)\}", response)
        return boxes[-1].strip() if boxes else None

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        return str(cls.solve(case)) in str(answer)

    @classmethod
    def format_answer(cls, answer: Any) -> str:
        return f"\\boxed{{{answer}}}"
