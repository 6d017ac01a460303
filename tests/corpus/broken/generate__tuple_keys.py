"""Broken (generate): the case is a dict keyed by (row, col) tuples, which JSON cannot encode."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"generate"}


class TreasureRectangleBootcamp(Bootcamp):
    name = "treasure_in_rectangle"
    description = "Add up the gold lying inside a rectangle of a map."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"size": 8, "piles": 24}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"size": 5, "piles": 10},
        "medium": {"size": 8, "piles": 24},
        "hard": {"size": 20, "piles": 150},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        size = self.params["size"]
        cells = self.rng.sample(
            [(r, c) for r in range(size) for c in range(size)], self.params["piles"]
        )
        gold = {cell: self.rng.randint(1, 50) for cell in cells}
        r1, r2 = sorted(self.rng.sample(range(size), 2))
        c1, c2 = sorted(self.rng.sample(range(size), 2))
        return {"gold": gold, "rows": [r1, r2], "cols": [c1, c2]}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        piles = "\n".join(
            f"row {r}, column {c}: {g} coins" for (r, c), g in sorted(case["gold"].items())
        )
        (r1, r2), (c1, c2) = case["rows"], case["cols"]
        return (
            f"Piles of gold coins lie on a map:\n{piles}\n\nHow many coins lie in the rectangle of "
            f"rows {r1} to {r2} and columns {c1} to {c2} (bounds included)?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        (r1, r2), (c1, c2) = case["rows"], case["cols"]
        return sum(g for (r, c), g in case["gold"].items() if r1 <= r <= r2 and c1 <= c <= c2)
