"""Broken (diversity): `generate` only ever picks one of two hard-coded puzzles per difficulty."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# With two cases per difficulty, either answer is right half the time at that difficulty:
# `guessability` (judged per difficulty) fails too, unavoidably.
EXPECTED_FAILURES = {"diversity", "guessability"}

PUZZLES = {
    "easy": [{"weights": [6, 7, 11], "capacity": 16}, {"weights": [7, 8, 11], "capacity": 17}],
    "medium": [
        {"weights": [2, 4, 5, 9, 14], "capacity": 12},
        {"weights": [4, 6, 7, 11, 13], "capacity": 27},
    ],
    "hard": [
        {"weights": [10, 11, 16, 18, 22, 23, 29], "capacity": 65},
        {"weights": [4, 7, 8, 11, 13, 17, 24], "capacity": 51},
    ],
}


class BestFillBootcamp(Bootcamp):
    name = "best_fill"
    description = "Fill a bag as close to its capacity as possible with given weights."
    domain = "algorithms"
    defaults: ClassVar[dict[str, Any]] = {"level": "medium"}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"level": "easy"},
        "medium": {"level": "medium"},
        "hard": {"level": "hard"},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        return dict(self.rng.choice(PUZZLES[self.params["level"]]))

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        weights = ", ".join(str(w) for w in case["weights"])
        return (
            f"You have items weighing {weights}. Choose some of them (each at most once) with a "
            f"total weight as large as possible but at most {case['capacity']}. What is that "
            "total weight?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        reachable = {0}
        for w in case["weights"]:
            reachable |= {r + w for r in reachable if r + w <= case["capacity"]}
        return max(reachable)
