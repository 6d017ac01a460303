"""Correct: the fewest coins that make an amount (Integer; a reference program in the spec and a
brute_force: both independent solvers are compared with solve)."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES: set[str] = set()


class CoinChangeBootcamp(Bootcamp):
    name = "coin_change_min"
    description = "Find the fewest coins of given denominations that add up to an amount exactly."
    domain = "algorithms"
    defaults: ClassVar[dict[str, Any]] = {"num_coins": 4, "max_coin": 30, "max_amount": 400}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_coins": 3, "max_coin": 12, "max_amount": 120},
        "medium": {"num_coins": 4, "max_coin": 30, "max_amount": 400},
        "hard": {"num_coins": 6, "max_coin": 80, "max_amount": 2000},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        coins = sorted(self.rng.sample(range(2, p["max_coin"] + 1), p["num_coins"]))
        goal = self.rng.randint(10, p["max_amount"])
        amount = 0
        while amount < goal:  # a sum of coins, so the amount is always reachable
            amount += self.rng.choice(coins)
        return {"coins": coins, "amount": amount}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        coins = ", ".join(str(c) for c in case["coins"])
        return (
            f"You have an unlimited supply of coins with the values {coins}. "
            f"What is the smallest number of coins whose values add up to exactly "
            f"{case['amount']}? Each coin value may be used any number of times.\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        amount = case["amount"]
        best = [0] + [amount + 1] * amount  # best[a]: fewest coins making a (amount + 1: none)
        for a in range(1, amount + 1):
            for coin in case["coins"]:
                if coin <= a and best[a - coin] + 1 < best[a]:
                    best[a] = best[a - coin] + 1
        return best[amount]

    @classmethod
    def to_reference_input(cls, case: dict[str, Any]) -> str:
        """`n amount` on the first line, then the n coin values."""
        coins = " ".join(str(c) for c in case["coins"])
        return f"{len(case['coins'])} {case['amount']}\n{coins}\n"

    @classmethod
    def brute_force(cls, case: dict[str, Any]) -> int:
        """Breadth-first over the amounts still to pay: the first level that reaches 0."""
        level, seen, coins = {case["amount"]}, {case["amount"]}, 0
        while level:
            if 0 in level:
                return coins
            level = {rest - c for rest in level for c in case["coins"] if c <= rest} - seen
            seen |= level
            coins += 1
        return -1
