"""Broken (determinism): a class-level `_seen` set skips cases any earlier instance made."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# A second instance with the same seed skips the cases the first one made, so it produces others.
EXPECTED_FAILURES = {"determinism"}


class ModularInverseBootcamp(Bootcamp):
    name = "modular_inverse"
    description = "Find the inverse of a number modulo a prime."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"max_prime": 500}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_prime": 60},
        "medium": {"max_prime": 500},
        "hard": {"max_prime": 20000},
    }
    answer_kind = Integer()
    _seen: ClassVar[set[tuple[int, int]]] = set()  # never serve the same puzzle twice

    def generate(self) -> dict[str, Any]:
        while True:
            p = self.rng.randint(11, self.params["max_prime"])
            if any(p % d == 0 for d in range(2, int(p**0.5) + 1)):
                continue
            a = self.rng.randint(2, p - 1)
            if (a, p) not in self._seen:
                self._seen.add((a, p))
                return {"a": a, "p": p}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"Find the integer x with 1 <= x < {case['p']} such that {case['a']} · x leaves "
            f"remainder 1 when divided by {case['p']}.\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return pow(case["a"], -1, case["p"])
