"""Correct: which of the listed words comes first in alphabetical order (Text answer)."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Text
from generated_bootcamps.base import Bootcamp

# A trap for `leakage` done carelessly: the answer is one of the inputs, so every prompt shows
# it, among the other options and no more often than they are shown. That is the task, not a
# leak: the prompt does not single the answer out.
EXPECTED_FAILURES: set[str] = set()

WORDS = [
    "garden", "planet", "silver", "castle", "rocket", "window", "forest", "candle", "bridge",
    "dragon", "honey", "mirror", "pencil", "rabbit", "shadow", "spider", "thunder", "valley",
    "violet", "wizard", "anchor", "basket", "cotton", "desert", "lantern", "marble", "needle",
    "orange", "pepper", "quartz", "ribbon", "saddle", "tunnel", "umbrella", "velvet", "walnut",
    "yellow", "zipper", "beacon", "cherry", "dinner", "engine", "feather", "ginger", "harbor",
    "island", "jacket", "kettle", "ladder", "meadow", "napkin", "oyster", "parrot", "puzzle",
    "rocket", "saucer", "tablet", "vessel", "winter", "almond",
]  # fmt: skip


class FirstAlphabeticallyBootcamp(Bootcamp):
    name = "first_alphabetically"
    description = "Pick the word of a list that comes first in alphabetical order."
    domain = "strings"
    defaults: ClassVar[dict[str, Any]] = {"options": 5}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"options": 3},
        "medium": {"options": 5},
        "hard": {"options": 9},
    }
    answer_kind = Text()

    def generate(self) -> dict[str, Any]:
        return {"words": self.rng.sample(sorted(set(WORDS)), self.params["options"])}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        listed = "\n".join(f"- {word}" for word in case["words"])
        return (
            f"Which of these {len(case['words'])} words comes first in alphabetical order?\n"
            f"{listed}\n\n{cls.answer_kind.instruction()}"
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        return min(case["words"])
