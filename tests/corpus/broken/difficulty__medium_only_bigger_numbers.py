"""Broken (difficulty): medium only writes bigger numbers than easy; the search is the same 2^8
subsets, so medium cases need no more work to solve than easy ones, though they look bigger."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"difficulty"}


class BestSubsetSumBootcamp(Bootcamp):
    name = "best_subset_sum"
    description = "The largest sum of some of the given numbers that does not exceed a limit."
    domain = "algorithms"
    defaults: ClassVar[dict[str, Any]] = {"count": 8, "max_number": 99}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"count": 8, "max_number": 20},
        "medium": {"count": 8, "max_number": 9999},  # the same 256 subsets as easy
        "hard": {"count": 10, "max_number": 9999},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        numbers = [self.rng.randint(1, p["max_number"]) for _ in range(p["count"])]
        limit = self.rng.randint(max(numbers), sum(numbers) - 1)
        return {"numbers": numbers, "limit": limit}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(n) for n in case["numbers"])
        return (
            f"Numbers: {numbers}\n\nChoose some of these numbers (each at most once) so that "
            f"their sum is as large as possible but at most {case['limit']}. What is that "
            "sum?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        numbers, limit = case["numbers"], case["limit"]
        best = 0
        for mask in range(1 << len(numbers)):  # every subset
            total = 0
            for i, number in enumerate(numbers):
                if mask >> i & 1:
                    total += number
            if best < total <= limit:
                best = total
        return best
