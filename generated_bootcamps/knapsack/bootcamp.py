"""0/1 knapsack: choose items of given weights and values to maximise the total value.

Each item is taken at most once and the chosen items' total weight must not exceed the capacity.
The answer is the best achievable total value (an integer), computed by the classic dynamic
programme over capacities, so `solve` is exact for any case.

Case: `{"capacity": W, "weights": [w1, ...], "values": [v1, ...]}`. The capacity is drawn between
35% and 65% of the total weight, so some but not all items fit; at least one item always fits.
Cases are redrawn until every greedy shortcut (`shortcuts`) falls short of the optimum, except
for one draw in ten kept as it is: a reward that greedy collected on most random cases (78% of
easy ones, measured) would teach greedy.

Difficulty: more items, heavier items and larger values.
"""

from __future__ import annotations

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp


def best_value(capacity: int, weights: list[int], values: list[int]) -> int:
    """The optimal total value of a 0/1 knapsack (dynamic programme over capacities)."""
    best = [0] * (capacity + 1)  # best[c]: best value with total weight <= c, items so far
    for weight, value in zip(weights, values, strict=True):
        for c in range(capacity, weight - 1, -1):  # downwards: each item used at most once
            candidate = best[c - weight] + value
            if candidate > best[c]:
                best[c] = candidate
    return best[capacity]


def greedy_value(capacity: int, weights: list[int], items: list[int], values: list[int]) -> int:
    """The total value of taking `items` in the given order while each still fits."""
    total, room = 0, capacity
    for i in items:
        if weights[i] <= room:
            room -= weights[i]
            total += values[i]
    return total


GREEDY_REDRAWS = 2000  # draws at most, looking for a case every greedy shortcut gets wrong
GREEDY_KEPT = 0.1  # the share of draws kept whatever the greedy answers are


class KnapsackBootcamp(Bootcamp):
    """0/1 knapsack: the optimal total value."""

    name = "knapsack"
    description = "0/1 knapsack: find the maximum total value of items that fit in the capacity."
    domain = "algorithms"
    defaults: ClassVar[dict[str, Any]] = {"num_items": 8, "max_weight": 20, "max_value": 50}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_items": 4, "max_weight": 10, "max_value": 20},
        "medium": {"num_items": 8, "max_weight": 20, "max_value": 50},
        "hard": {"num_items": 15, "max_weight": 40, "max_value": 100},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        """A case where the greedy shortcuts fall short, but for about one in ten draws."""
        n = self.params["num_items"]
        if n < 1 or self.params["max_weight"] < 1 or self.params["max_value"] < 1:
            raise ValueError("knapsack: num_items, max_weight and max_value must be >= 1")
        keep_first = self.rng.random() < GREEDY_KEPT
        for _ in range(GREEDY_REDRAWS):
            case = self._draw(n)
            if keep_first:
                break
            best = best_value(case["capacity"], case["weights"], case["values"])
            if all(answer < best for answer in self.shortcuts(case).values()):
                break
        return case

    def _draw(self, n: int) -> dict[str, Any]:
        weights = [self.rng.randint(1, self.params["max_weight"]) for _ in range(n)]
        values = [self.rng.randint(1, self.params["max_value"]) for _ in range(n)]
        capacity = round(sum(weights) * self.rng.uniform(0.35, 0.65))
        capacity = max(capacity, min(weights))
        return {"capacity": capacity, "weights": weights, "values": values}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        lines = [
            f"Item {i}: weight {w}, value {v}"
            for i, (w, v) in enumerate(zip(case["weights"], case["values"], strict=True), 1)
        ]
        return (
            "You have a knapsack with a weight capacity of "
            f"{case['capacity']} and the following {len(lines)} items:\n"
            + "\n".join(lines)
            + "\n\nChoose a set of items (each item at most once) whose total weight is at most "
            f"{case['capacity']} and whose total value is as large as possible. "
            "What is the maximum total value?\n\n"
            # No example number here: an echoed prompt must not read as an answer.
            "Write your final answer at the end of your response as \\boxed{N}, where N is the "
            "maximum total value written as a plain integer."
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return best_value(case["capacity"], case["weights"], case["values"])

    @classmethod
    def to_reference_input(cls, case: dict[str, Any]) -> str:
        """`n W` on the first line, then one `value weight` line per item."""
        rows = [f"{v} {w}" for v, w in zip(case["values"], case["weights"], strict=True)]
        return f"{len(rows)} {case['capacity']}\n" + "\n".join(rows) + "\n"

    @classmethod
    def shortcuts(cls, case: dict[str, Any]) -> dict[str, int]:
        """The greedy answers a hurried solver gives: best value per weight first, most valuable
        first, lightest first."""
        weights, values, capacity = case["weights"], case["values"], case["capacity"]
        order = range(len(weights))
        return {
            "greedy by value/weight": greedy_value(
                capacity, weights, sorted(order, key=lambda i: -values[i] / weights[i]), values
            ),
            "greedy by value": greedy_value(
                capacity, weights, sorted(order, key=lambda i: -values[i]), values
            ),
            "lightest first": greedy_value(
                capacity, weights, sorted(order, key=lambda i: weights[i]), values
            ),
        }
