"""Broken (generate): the case holds dataclass instances, which are not JSON-serializable."""

from dataclasses import dataclass
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"generate"}

PRODUCTS = ["apples", "bread", "cheese", "coffee", "eggs", "flour", "milk", "rice", "tea", "jam"]


@dataclass
class Item:
    product: str
    quantity: int
    unit_price: int


class ShoppingTotalBootcamp(Bootcamp):
    name = "shopping_total"
    description = "Compute the total cost of a shopping list."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"items": 4, "max_price": 20}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"items": 2, "max_price": 10},
        "medium": {"items": 4, "max_price": 20},
        "hard": {"items": 8, "max_price": 99},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        products = self.rng.sample(PRODUCTS, self.params["items"])
        items = [
            Item(p, self.rng.randint(1, 6), self.rng.randint(1, self.params["max_price"]))
            for p in products
        ]
        return {"items": items}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        lines = [
            f"- {i.quantity} x {i.product} at {i.unit_price} dollars each" for i in case["items"]
        ]
        return (
            "What is the total cost, in dollars, of this shopping list?\n"
            + "\n".join(lines)
            + "\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return sum(i.quantity * i.unit_price for i in case["items"])
