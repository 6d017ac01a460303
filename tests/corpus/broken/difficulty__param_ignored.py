"""Broken (difficulty): the presets change `num_rolls`, but `generate` always rolls five dice."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"difficulty"}


class DiceScoreBootcamp(Bootcamp):
    name = "dice_bonus_score"
    description = "Score a sequence of dice rolls under a doubling rule."
    domain = "games"
    defaults: ClassVar[dict[str, Any]] = {"num_rolls": 8}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_rolls": 4},
        "medium": {"num_rolls": 8},
        "hard": {"num_rolls": 20},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        rolls = [self.rng.randint(1, 6) for _ in range(5)]
        return {"rolls": rolls}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        rolls = ", ".join(str(r) for r in case["rolls"])
        return (
            f"A die is rolled {len(case['rolls'])} times: {rolls}. Each roll scores its value, "
            "doubled if it equals the previous roll. What is the total score?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        rolls = case["rolls"]
        return sum(r * (2 if i and r == rolls[i - 1] else 1) for i, r in enumerate(rolls))
