"""Broken (reference): `solve` returns the first coin combination a largest-first search finds,
not the fewest coins; the bootcamp's own `brute_force` (breadth-first search) disagrees."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# No reference program in a spec: only brute_force() can show that solve() is wrong. For coins
# 2, 6, 8 and amount 12, the search finds 8 + 2 + 2 (3 coins) before 6 + 6 (2 coins).
EXPECTED_FAILURES = {"reference"}


class FewestCoinsBootcamp(Bootcamp):
    name = "fewest_coins"
    description = "Find the fewest coins of given denominations that add up to an amount exactly."
    domain = "algorithms"
    defaults: ClassVar[dict[str, Any]] = {"num_coins": 4, "max_coin": 30, "max_amount": 400}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_coins": 3, "max_coin": 12, "max_amount": 60},
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
        coins = sorted(case["coins"], reverse=True)
        dead: set[int] = set()

        def search(rest: int) -> int | None:  # coins used by the first combination found
            if rest == 0:
                return 0
            if rest in dead:
                return None
            for coin in coins:
                if coin <= rest:
                    used = search(rest - coin)
                    if used is not None:
                        return used + 1
            dead.add(rest)
            return None

        found = search(case["amount"])
        return -1 if found is None else found

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
