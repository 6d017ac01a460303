"""Broken (leakage): the prompt embeds `json.dumps(case)`, and the case stores the answer."""

import json
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"leakage"}


class ChangeDueBootcamp(Bootcamp):
    name = "change_due"
    description = "Compute the change due after a purchase."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"items": 4, "max_price": 50}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"items": 3, "max_price": 30},
        "medium": {"items": 4, "max_price": 50},
        "hard": {"items": 9, "max_price": 400},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        prices = [
            self.rng.randint(1, self.params["max_price"]) for _ in range(self.params["items"])
        ]
        paid = (sum(prices) // 50 + 1 + self.rng.randint(0, 2)) * 50
        return {"prices": prices, "paid": paid, "change": paid - sum(prices)}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            "A customer buys items with the listed prices and pays with the given amount. How "
            "much change is due?\n\nPurchase data:\n"
            + json.dumps(case, indent=2)
            + "\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return case["change"]
