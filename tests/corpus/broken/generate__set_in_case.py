"""Broken (generate): the case holds a Python `set`, which is not JSON-serializable."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# The case cannot be stored or round-tripped at all, so the checks that work on the stored (JSON)
# case may fail too; `generate` is the one that must.
EXPECTED_FAILURES = {"generate"}


class UncrossedNumbersBootcamp(Bootcamp):
    name = "uncrossed_numbers_sum"
    description = "Add up the numbers 1..n that are not crossed out."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"n": 30, "crossed": 8}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"n": 20, "crossed": 5},
        "medium": {"n": 30, "crossed": 8},
        "hard": {"n": 100, "crossed": 30},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        n = self.params["n"]
        crossed = set(self.rng.sample(range(1, n + 1), self.params["crossed"]))
        return {"n": n, "crossed": crossed}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        crossed = ", ".join(str(x) for x in sorted(case["crossed"]))
        return (
            f"Write down the numbers 1 to {case['n']} and cross out {crossed}. What is the sum "
            "of the numbers that are left?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return sum(x for x in range(1, case["n"] + 1) if x not in case["crossed"])
