"""Correct: pick the only prime among four options (Choice; the right letter is uniform on A-D)."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Choice
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES: set[str] = set()

LETTERS = ("A", "B", "C", "D")


def is_prime(n: int) -> bool:
    if n < 2:
        return False
    d = 2
    while d * d <= n:
        if n % d == 0:
            return False
        d += 1
    return True


class WhichPrimeBootcamp(Bootcamp):
    name = "which_is_prime"
    description = "Four numbers are given and exactly one is prime: which one?"
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"low": 20, "high": 400}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"low": 10, "high": 100},
        "medium": {"low": 20, "high": 400},
        "hard": {"low": 1000, "high": 20000},
    }
    answer_kind = Choice(LETTERS)

    def generate(self) -> dict[str, Any]:
        low, high = self.params["low"], self.params["high"]
        prime = self.rng.randint(low, high)
        while not is_prime(prime):
            prime = self.rng.randint(low, high)
        composites: list[int] = []
        while len(composites) < 3:  # odd composites not divisible by 5: no trivial giveaway
            n = self.rng.randint(low, high) | 1
            if n % 5 and not is_prime(n) and n not in composites:
                composites.append(n)
        options = [prime, *composites]
        self.rng.shuffle(options)
        return {"options": options}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        lines = [f"{letter}) {n}" for letter, n in zip(LETTERS, case["options"], strict=True)]
        return (
            "Exactly one of the following numbers is prime. Which one?\n\n"
            + "\n".join(lines)
            + "\n\nAnswer with the letter of the option. "
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        primes = [letter for letter, n in zip(LETTERS, case["options"], strict=True) if is_prime(n)]
        return primes[0]
