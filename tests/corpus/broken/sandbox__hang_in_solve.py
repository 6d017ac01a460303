"""Hostile (sandbox): `solve` never returns: a `continue` skips the loop's increment."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Do not import and run this in the test process. Every check that calls `solve` (directly or
# through `check`/`score`) must time out in the sandbox and be reported as not passed; the
# self-test itself must finish within its wall-clock limit. A `generate` check that also solves
# the cases it makes fails there already.
# solve() hangs while the sample pool is built
EXPECTED_FAILURES = {"generate"}


class CountMultiplesBootcamp(Bootcamp):
    name = "count_multiples"
    description = "Count the entries of a list that are multiples of k."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"length": 10, "max_value": 100}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 6, "max_value": 30},
        "medium": {"length": 10, "max_value": 100},
        "hard": {"length": 30, "max_value": 1000},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        k = self.rng.randint(3, 9)
        numbers = [self.rng.randint(1, p["max_value"]) for _ in range(p["length"])]
        numbers[self.rng.randrange(len(numbers))] = k * self.rng.randint(1, 9) + 1  # not all
        return {"numbers": numbers, "k": k}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(x) for x in case["numbers"])
        return (
            f"How many of these numbers are multiples of {case['k']}?\n{numbers}\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        numbers, k = case["numbers"], case["k"]
        i = count = 0
        while i < len(numbers):
            if numbers[i] % k:
                continue  # not a multiple: skip it
            count += 1
            i += 1
        return count
