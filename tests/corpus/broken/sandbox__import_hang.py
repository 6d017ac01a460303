"""Hostile (sandbox): importing the module never finishes: a precomputation loop never advances."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Do not import this anywhere but in the sandbox. `contract` (the module imports) must time out
# and fail; nothing else can run.
EXPECTED_FAILURES = {"contract"}

PRIMES: list[int] = []
_candidate = 2
while len(PRIMES) < 200:  # the first 200 primes, precomputed once
    if all(_candidate % p for p in PRIMES):
        PRIMES.append(_candidate)
        _candidate += 1


class NthPrimeBootcamp(Bootcamp):
    name = "nth_prime"
    description = "Find the n-th prime number."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"max_index": 100}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_index": 25},
        "medium": {"max_index": 100},
        "hard": {"max_index": 200},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        return {"index": self.rng.randint(5, self.params["max_index"])}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"What is prime number number {case['index']} (the 1st prime is 2)?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return PRIMES[case["index"] - 1]
