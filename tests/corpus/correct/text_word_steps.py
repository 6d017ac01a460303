"""Correct: apply a list of named steps ("reverse", "rotate left", ...) to a word (Text answer)."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Text
from generated_bootcamps.base import Bootcamp

# A trap for `rendered` done carelessly: every step is a phrase from a small set, so a blind
# edit ("reverse" -> "reversf") only makes solve() raise. Edits drawn from other cases
# ("reverse" -> "swap ends") keep the case valid and change the answer, and the prompt shows
# each of them: the check must pass, with valid edits reported for every field.
EXPECTED_FAILURES: set[str] = set()

WORDS = [
    "garden", "planet", "silver", "castle", "rocket", "window", "forest", "candle", "bridge",
    "dragon", "honey", "mirror", "pencil", "rabbit", "shadow", "spider", "thunder", "valley",
    "violet", "wizard", "anchor", "basket", "cotton", "desert", "lantern",
]  # fmt: skip
STEPS = {
    "reverse": lambda word: word[::-1],
    "rotate left": lambda word: word[1:] + word[:1],
    "rotate right": lambda word: word[-1:] + word[:-1],
    "swap ends": lambda word: word[-1:] + word[1:-1] + word[:1] if len(word) > 1 else word,
    "double first": lambda word: word[:1] + word,
    "double last": lambda word: word + word[-1:],
}
MEANINGS = {
    "reverse": "write the letters in reverse order",
    "rotate left": "move the first letter to the end",
    "rotate right": "move the last letter to the front",
    "swap ends": "exchange the first and the last letter",
    "double first": "write the first letter twice",
    "double last": "write the last letter twice",
}


class WordStepsBootcamp(Bootcamp):
    name = "word_steps"
    description = "Apply a sequence of named letter operations to a word."
    domain = "strings"
    defaults: ClassVar[dict[str, Any]] = {"num_steps": 4}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_steps": 2},
        "medium": {"num_steps": 4},
        "hard": {"num_steps": 7},
    }
    answer_kind = Text()

    def generate(self) -> dict[str, Any]:
        names = sorted(STEPS)
        steps = [self.rng.choice(names) for _ in range(self.params["num_steps"])]
        return {"word": self.rng.choice(WORDS), "steps": steps}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        steps = case["steps"]
        lines = [f"{i}. {step}: {MEANINGS[step]}" for i, step in enumerate(steps, 1)]
        return (
            f"Start with the word {case['word']!r} and apply these {len(steps)} steps in order:\n"
            + "\n".join(lines)
            + "\n\nWhat is the word at the end?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        word = case["word"]
        for step in case["steps"]:
            word = STEPS[step](word)
        return word
