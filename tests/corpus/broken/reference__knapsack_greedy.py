"""Broken (reference): `solve` packs greedily by value/weight ratio instead of an exact 0/1 DP."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Every other check passes: the greedy value is plausible, deterministic and well rendered. Only
# the spec's reference program (an exact DP) disagrees on some cases.
EXPECTED_FAILURES = {"reference"}


class GreedyKnapsackBootcamp(Bootcamp):
    name = "knapsack_best_value"
    description = "0/1 knapsack: the maximum total value of items that fit in the capacity."
    domain = "algorithms"
    defaults: ClassVar[dict[str, Any]] = {"num_items": 8, "max_weight": 20, "max_value": 50}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_items": 5, "max_weight": 10, "max_value": 30},
        "medium": {"num_items": 8, "max_weight": 20, "max_value": 50},
        "hard": {"num_items": 15, "max_weight": 40, "max_value": 100},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        weights = [self.rng.randint(1, p["max_weight"]) for _ in range(p["num_items"])]
        values = [self.rng.randint(1, p["max_value"]) for _ in range(p["num_items"])]
        capacity = max(min(weights), round(sum(weights) * self.rng.uniform(0.35, 0.65)))
        return {"capacity": capacity, "weights": weights, "values": values}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        items = "\n".join(
            f"Item {i}: weight {w}, value {v}"
            for i, (w, v) in enumerate(zip(case["weights"], case["values"], strict=True), 1)
        )
        return (
            f"A knapsack holds a total weight of at most {case['capacity']}. The items are:\n"
            f"{items}\n\nEach item can be taken at most once. What is the maximum total value "
            "that fits?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        items = sorted(
            zip(case["weights"], case["values"], strict=True),
            key=lambda wv: wv[1] / wv[0],
            reverse=True,
        )
        room, total = case["capacity"], 0
        for weight, value in items:  # best value per unit of weight first
            if weight <= room:
                room -= weight
                total += value
        return total

    @classmethod
    def to_reference_input(cls, case: dict[str, Any]) -> str:
        """`n W` on the first line, then one `value weight` line per item."""
        rows = [f"{v} {w}" for v, w in zip(case["values"], case["weights"], strict=True)]
        return f"{len(rows)} {case['capacity']}\n" + "\n".join(rows) + "\n"
