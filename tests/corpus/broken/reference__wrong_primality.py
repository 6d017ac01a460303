"""Broken (reference): `is_prime` calls 1 and squares of primes (4, 9, 25, 49) prime."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# A wrong ground truth that no property check can see: the answer is deterministic, varied,
# rendered, extractable and sound against itself. Only the spec's reference program catches it.
EXPECTED_FAILURES = {"reference"}


def is_prime(n: int) -> bool:
    return all(n % d for d in range(2, int(n**0.5)))  # bug: misses d = sqrt(n), and n < 2


class PrimeSumBootcamp(Bootcamp):
    name = "sum_of_primes_in_list"
    description = "Add up the prime numbers in a list."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"length": 10, "max_value": 100}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 6, "max_value": 50},
        "medium": {"length": 10, "max_value": 100},
        "hard": {"length": 20, "max_value": 400},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        return {"numbers": [self.rng.randint(1, p["max_value"]) for _ in range(p["length"])]}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(x) for x in case["numbers"])
        return (
            f"What is the sum of the prime numbers in this list (count a prime each time it "
            f"appears)?\n{numbers}\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return sum(x for x in case["numbers"] if is_prime(x))

    @classmethod
    def to_reference_input(cls, case: dict[str, Any]) -> str:
        """The count on the first line, then the numbers separated by spaces."""
        return f"{len(case['numbers'])}\n" + " ".join(str(x) for x in case["numbers"]) + "\n"
