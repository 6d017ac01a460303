"""Broken (contract): `generate` appends every case to a log file in the working directory."""

import json
import math
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"contract"}


class LcmBootcamp(Bootcamp):
    name = "lcm_of_two"
    description = "Compute the least common multiple of two numbers."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"max_value": 100}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_value": 60},
        "medium": {"max_value": 100},
        "hard": {"max_value": 5000},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        top = self.params["max_value"]
        case = {"a": self.rng.randint(2, top), "b": self.rng.randint(2, top)}
        with open("generated_cases.jsonl", "a", encoding="utf-8") as log:  # keep a record
            log.write(json.dumps(case) + "\n")
        return case

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"What is the least common multiple of {case['a']} and {case['b']}?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return math.lcm(case["a"], case["b"])
