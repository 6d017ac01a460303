"""Hostile (sandbox): `generate` builds a 10 GB sieve (a bytearray of 10^10 + 1 bytes)."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Do not import and run this in the test process. The sandbox's memory limit must stop it
# (MemoryError or a kill) without harming the host; no case can be made, so every check that
# needs cases must be reported as not passed.
# MemoryError in generate()
EXPECTED_FAILURES = {"generate"}

LIMIT = 10**10  # numbers up to ten billion


class PrimeCountingBootcamp(Bootcamp):
    name = "prime_counting_window"
    description = "Count the primes in a window of large numbers."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"width": 1000}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"width": 100},
        "medium": {"width": 1000},
        "hard": {"width": 10000},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        sieve = bytearray([1]) * (LIMIT + 1)  # one byte per number: fast lookups later
        sieve[0:2] = b"\x00\x00"
        for p in range(2, int(LIMIT**0.5) + 1):
            if sieve[p]:
                sieve[p * p :: p] = bytes(len(range(p * p, LIMIT + 1, p)))
        low = self.rng.randint(2, LIMIT - self.params["width"])
        high = low + self.params["width"]
        return {"low": low, "high": high, "count": sum(sieve[low : high + 1])}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"How many primes p satisfy {case['low']} <= p <= {case['high']}?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return case["count"]
