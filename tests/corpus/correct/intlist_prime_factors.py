"""Correct: the prime factorisation of a number as an ascending list with multiplicity (IntList)."""

from typing import Any, ClassVar

from generated_bootcamps.answers import IntList
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES: set[str] = set()

PRIMES = [p for p in range(2, 200) if all(p % d for d in range(2, int(p**0.5) + 1))]


class PrimeFactorsBootcamp(Bootcamp):
    name = "prime_factor_list"
    description = "List the prime factors of a number in ascending order, with multiplicity."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"num_factors": 4, "max_prime": 199}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_factors": 3, "max_prime": 199},
        "medium": {"num_factors": 4, "max_prime": 199},
        "hard": {"num_factors": 7, "max_prime": 199},
    }
    answer_kind = IntList()

    def generate(self) -> dict[str, Any]:
        pool = [p for p in PRIMES if p <= self.params["max_prime"]]
        n = 1
        for _ in range(self.params["num_factors"]):
            n *= self.rng.choice(pool)
        return {"n": n}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"Find the prime factorisation of {case['n']}. List its prime factors in ascending "
            "order, repeating each prime as many times as it divides the number "
            "(for 21 the list is [3, 7]).\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> list[int]:
        n, factors, d = case["n"], [], 2
        while d * d <= n:
            while n % d == 0:
                factors.append(d)
                n //= d
            d += 1
        if n > 1:
            factors.append(n)
        return factors
