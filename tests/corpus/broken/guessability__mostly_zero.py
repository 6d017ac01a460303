"""Broken (guessability): counts a word in random letters, so the answer is almost always 0."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"guessability"}

WORDS = ["cat", "dog", "sun", "map", "pen", "cup", "hat", "box", "red", "bag"]


class WordOccurrencesBootcamp(Bootcamp):
    name = "word_occurrences"
    description = "Count how many times a word occurs inside a string of letters."
    domain = "strings"
    defaults: ClassVar[dict[str, Any]] = {"length": 60}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 30},
        "medium": {"length": 60},
        "hard": {"length": 200},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        letters = "".join(
            self.rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(self.params["length"])
        )
        return {"letters": letters, "word": self.rng.choice(WORDS)}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f'How many times does "{case["word"]}" occur in the string below (occurrences may '
            f"overlap)?\n\n{case['letters']}\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        text, word = case["letters"], case["word"]
        return sum(text.startswith(word, i) for i in range(len(text)))
