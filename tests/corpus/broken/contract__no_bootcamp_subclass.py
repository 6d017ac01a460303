"""Broken (contract): the class does not derive from `Bootcamp` (it reimplements the contract)."""

import random
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer

EXPECTED_FAILURES = {"contract"}


class TriangleNumberBootcamp:
    name = "triangle_number"
    description = "Compute the n-th triangular number."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"max_n": 100}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_n": 20},
        "medium": {"max_n": 100},
        "hard": {"max_n": 100000},
    }
    answer_kind = Integer()

    def __init__(self, *, seed: int | None = None, difficulty: str | None = None, **params: Any):
        self.params = {**self.defaults, **self.difficulties.get(difficulty or "", {}), **params}
        self.rng = random.Random(seed)

    def generate(self) -> dict[str, Any]:
        return {"n": self.rng.randint(3, self.params["max_n"])}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return f"What is 1 + 2 + ... + {case['n']}?\n\n" + cls.answer_kind.instruction()

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return case["n"] * (case["n"] + 1) // 2

    @classmethod
    def extract(cls, response: str) -> Any:
        return cls.answer_kind.extract(response)

    @classmethod
    def format_answer(cls, answer: Any) -> str:
        return cls.answer_kind.format(answer)

    @classmethod
    def score(cls, response: str, case: dict[str, Any]) -> float:
        return float(cls.extract(response) == cls.solve(case))
