"""Correct: the intersection of two sets as "{3, 7, 12}" in any order (Text with braces)."""

import re
from typing import Any, ClassVar

from generated_bootcamps.answers import Text
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES: set[str] = set()


def parse_set(text: str) -> set[int] | None:
    """The integers of "{1, 2, 3}" (or "\\{1, 2, 3\\}", or "1, 2, 3"); None if it is not a set."""
    text = text.replace("\\{", "{").replace("\\}", "}").strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    items = [item.strip() for item in text.split(",")] if text.strip() else []
    if not all(re.fullmatch(r"-?\d+", item) for item in items):
        return None
    return {int(item) for item in items}


class SetIntersectionBootcamp(Bootcamp):
    name = "set_intersection"
    description = "Write the intersection of two sets of integers in roster notation."
    domain = "sets"
    defaults: ClassVar[dict[str, Any]] = {"size": 8, "max_value": 40}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"size": 4, "max_value": 15},
        "medium": {"size": 8, "max_value": 40},
        "hard": {"size": 16, "max_value": 120},
    }
    answer_kind = Text()

    def generate(self) -> dict[str, Any]:
        size, top = self.params["size"], self.params["max_value"]
        common = self.rng.randint(1, size // 2)
        pool = self.rng.sample(range(1, top + 1), 2 * size - common)
        a, b = pool[:size], pool[:common] + pool[size:]
        return {"a": sorted(a), "b": sorted(b)}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        a = ", ".join(str(x) for x in case["a"])
        b = ", ".join(str(x) for x in case["b"])
        return (
            f"Let A = {{{a}}} and B = {{{b}}}.\n\n"
            "Write A ∩ B in roster notation: its elements separated by commas, between curly "
            "braces (in any order; {} is the empty set).\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        common = sorted(set(case["a"]) & set(case["b"]))
        return "{" + ", ".join(str(x) for x in common) + "}"

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        if not isinstance(answer, str):
            return False
        return parse_set(answer) == set(case["a"]) & set(case["b"])
