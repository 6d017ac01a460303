"""Broken (rendered): the knapsack prompt lists the items but never states the capacity."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"rendered"}


class KnapsackNoCapacityBootcamp(Bootcamp):
    name = "knapsack_value"
    description = "0/1 knapsack: the best total value of items that fit."
    domain = "algorithms"
    defaults: ClassVar[dict[str, Any]] = {"num_items": 6, "max_weight": 20, "max_value": 50}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_items": 4, "max_weight": 10, "max_value": 20},
        "medium": {"num_items": 6, "max_weight": 20, "max_value": 50},
        "hard": {"num_items": 12, "max_weight": 40, "max_value": 100},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        weights = [self.rng.randint(1, p["max_weight"]) for _ in range(p["num_items"])]
        values = [self.rng.randint(1, p["max_value"]) for _ in range(p["num_items"])]
        capacity = max(min(weights), round(sum(weights) * self.rng.uniform(0.35, 0.65)))
        return {"weights": weights, "values": values, "capacity": capacity}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        items = "\n".join(
            f"Item {i}: weight {w}, value {v}"
            for i, (w, v) in enumerate(zip(case["weights"], case["values"], strict=True), 1)
        )
        return (
            f"You are packing a knapsack. The items are:\n{items}\n\nEach item can be taken at "
            "most once and the knapsack's capacity must not be exceeded. What is the maximum "
            "total value you can carry?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        best = [0] * (case["capacity"] + 1)
        for w, v in zip(case["weights"], case["values"], strict=True):
            for c in range(case["capacity"], w - 1, -1):
                best[c] = max(best[c], best[c - w] + v)
        return best[case["capacity"]]
