"""Broken (format): the prompt asks for [answer]...[/answer]; `extract` only reads `\\boxed{}`."""

import re
from typing import Any, ClassVar

from generated_bootcamps.base import Bootcamp

# `format_answer` writes `\\boxed{}`, which `extract` reads, so `completeness` passes: only a model
# that follows the prompt gets 0.
EXPECTED_FAILURES = {"format"}


class HammingDistanceBootcamp(Bootcamp):
    name = "hamming_distance"
    description = "Count the positions at which two strings differ."
    domain = "strings"
    defaults: ClassVar[dict[str, Any]] = {"length": 30}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 16},
        "medium": {"length": 30},
        "hard": {"length": 80},
    }

    def generate(self) -> dict[str, Any]:
        n, rate = self.params["length"], self.rng.uniform(0.05, 0.95)
        a = "".join(self.rng.choice("ACGT") for _ in range(n))
        b = "".join(
            self.rng.choice("ACGT".replace(ch, "")) if self.rng.random() < rate else ch for ch in a
        )
        return {"a": a, "b": b}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"At how many positions do these two strings differ?\n{case['a']}\n{case['b']}\n\n"
            "Write your final answer between [answer] and [/answer]."
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return sum(x != y for x, y in zip(case["a"], case["b"], strict=True))

    @classmethod
    def extract(cls, response: str) -> int | None:
        found = re.findall(r"\\boxed\{\s*(\d+)\s*\}", response)
        return int(found[-1]) if found else None

    @classmethod
    def format_answer(cls, answer: Any) -> str:
        return f"\\boxed{{{answer}}}"
