"""Correct: count each letter of a string, answered as a JSON object (an answer with braces)."""

from collections import Counter
from typing import Any, ClassVar

from generated_bootcamps.answers import JSON
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES: set[str] = set()


class LetterCountsBootcamp(Bootcamp):
    name = "letter_counts_json"
    description = "Count how often each letter occurs in a string; answer as a JSON object."
    domain = "strings"
    defaults: ClassVar[dict[str, Any]] = {"length": 14, "alphabet": "abcde"}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 8, "alphabet": "abcd"},
        "medium": {"length": 14, "alphabet": "abcde"},
        "hard": {"length": 40, "alphabet": "abcdefghij"},
    }
    answer_kind = JSON()

    def generate(self) -> dict[str, Any]:
        alphabet = self.params["alphabet"]
        text = "".join(self.rng.choice(alphabet) for _ in range(self.params["length"]))
        return {"text": text}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f'Count how many times each letter occurs in the string "{case["text"]}". '
            "Answer with a JSON object mapping each letter that occurs to its count "
            '(letters that do not occur are left out), for example {"q": 2, "z": 1}.\n\n'
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> dict[str, int]:
        return dict(sorted(Counter(case["text"]).items()))
