"""Broken (fresh_process): solve() counts primes from a sieve that only generate() builds."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# In the worker that generated the case the class-level sieve exists and every answer is right;
# a reward worker that only loads stored cases has an empty sieve and solve() answers 0.
EXPECTED_FAILURES = {"fresh_process"}


class PrimeCountBootcamp(Bootcamp):
    name = "prime_count"
    description = "Count the primes up to n."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"max_n": 2000}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_n": 100},
        "medium": {"max_n": 2000},
        "hard": {"max_n": 50000},
    }
    answer_kind = Integer()
    _primes: ClassVar[list[int]] = []  # built once, shared by every instance: fast

    def generate(self) -> dict[str, Any]:
        limit = self.params["max_n"]
        if not self._primes or self._primes[-1] < limit:
            sieve = [True] * (limit + 1)
            sieve[0] = sieve[1] = False
            for p in range(2, int(limit**0.5) + 1):
                if sieve[p]:
                    sieve[p * p :: p] = [False] * len(sieve[p * p :: p])
            PrimeCountBootcamp._primes = [p for p in range(limit + 1) if sieve[p]]
        return {"n": self.rng.randint(10, limit)}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"How many prime numbers are there that are less than or equal to {case['n']}?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return sum(1 for p in cls._primes if p <= case["n"])
