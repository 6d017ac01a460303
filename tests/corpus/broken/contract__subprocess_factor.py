"""Broken (contract): `solve` shells out to coreutils `factor` through `subprocess`."""

import subprocess
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"contract"}
# Everything else is right: when `factor` is missing or blocked, solve falls back to trial division.


def largest_prime_factor(n: int) -> int:
    try:
        out = subprocess.run(["factor", str(n)], capture_output=True, text=True, timeout=5)
        return int(out.stdout.split()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        d, largest = 2, 1
        while d * d <= n:
            while n % d == 0:
                largest, n = d, n // d
            d += 1
        return max(largest, n) if n > 1 else largest


class LargestPrimeFactorBootcamp(Bootcamp):
    name = "largest_prime_factor"
    description = "Find the largest prime factor of a composite number."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"num_factors": 3, "max_prime": 400}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_factors": 2, "max_prime": 400},
        "medium": {"num_factors": 3, "max_prime": 400},
        "hard": {"num_factors": 4, "max_prime": 1000},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        top = self.params["max_prime"]
        primes = [p for p in range(2, top + 1) if all(p % d for d in range(2, int(p**0.5) + 1))]
        n = 1
        for _ in range(self.params["num_factors"]):
            n *= self.rng.choice(primes)
        return {"n": n}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"What is the largest prime factor of {case['n']}?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return largest_prime_factor(case["n"])
