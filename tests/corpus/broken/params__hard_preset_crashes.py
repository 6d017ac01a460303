"""Broken (params): the `hard` preset writes its limit as a float, so instantiating it crashes."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# `generate` cannot make hard cases either (the hard instance is never built), so it fails too.
EXPECTED_FAILURES = {"params", "generate"}
MAY_ALSO_FAIL = {"determinism", "diversity", "difficulty", "speed"}


def sieve(limit: int) -> bytearray:
    is_prime = bytearray([1]) * (limit + 1)
    is_prime[0:2] = b"\x00\x00"
    for p in range(2, int(limit**0.5) + 1):
        if is_prime[p]:
            is_prime[p * p :: p] = bytes(len(range(p * p, limit + 1, p)))
    return is_prime


class PrimeCountBootcamp(Bootcamp):
    name = "prime_count_interval"
    description = "Count the primes in an interval of integers."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"limit": 100_000, "width": 200}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"limit": 10_000, "width": 100},
        "medium": {"limit": 100_000, "width": 200},
        "hard": {"limit": 1e6, "width": 1000},
    }
    answer_kind = Integer()

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.is_prime = sieve(self.params["limit"])  # precomputed once per instance

    def generate(self) -> dict[str, Any]:
        width = self.rng.randint(10, self.params["width"])
        low = self.rng.randint(2, int(self.params["limit"]) - width)
        return {"low": low, "high": low + width - 1}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"How many prime numbers n satisfy {case['low']} <= n <= {case['high']}?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return sum(
            all(n % d for d in range(2, int(n**0.5) + 1))
            for n in range(case["low"], case["high"] + 1)
        )
