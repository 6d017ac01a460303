"""Broken (reference): `brute_force` tries every ordered sequence of coins, exponentially many,
so it cannot finish even on easy cases (`solve` itself is right)."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# An exhaustive solver must still fit the easy cases: amounts up to ~100 have billions of ordered
# coin sequences. (Searching multisets, or breadth-first over amounts, takes microseconds.)
EXPECTED_FAILURES = {"reference"}


class SlowBruteForceCoinsBootcamp(Bootcamp):
    name = "fewest_coins_slow_brute"
    description = "Find the fewest coins of given denominations that add up to an amount exactly."
    domain = "algorithms"
    defaults: ClassVar[dict[str, Any]] = {"num_coins": 4, "max_coin": 30, "max_amount": 400}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_coins": 3, "max_coin": 12, "max_amount": 100},
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
    def brute_force(cls, case: dict[str, Any]) -> int:
        """The shortest of all ordered coin sequences that pay the amount."""

        def shortest(rest: int) -> int | None:
            if rest == 0:
                return 0
            found = [shortest(rest - coin) for coin in case["coins"] if coin <= rest]
            lengths = [length + 1 for length in found if length is not None]
            return min(lengths) if lengths else None

        result = shortest(case["amount"])
        return -1 if result is None else result
