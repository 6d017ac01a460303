"""Broken (completeness): `format_answer` writes "1,234,567"; `extract` reads only plain digits."""

import re
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# The prompt's example (\boxed{42}) is read fine; a `format` check built on format_answer's output
# may flag it too.
EXPECTED_FAILURES = {"completeness"}
MAY_ALSO_FAIL = {"format"}


class RectangleAreaBootcamp(Bootcamp):
    name = "field_area"
    description = "Compute the area of a rectangular field in square metres."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"min_side": 100, "max_side": 999}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"min_side": 40, "max_side": 99},
        "medium": {"min_side": 100, "max_side": 999},
        "hard": {"min_side": 1000, "max_side": 99999},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        lo, hi = self.params["min_side"], self.params["max_side"]
        return {"length": self.rng.randint(lo, hi), "width": self.rng.randint(lo, hi)}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"A rectangular field is {case['length']} m long and {case['width']} m wide. What is "
            "its area in square metres?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return case["length"] * case["width"]

    @classmethod
    def extract(cls, response: str) -> int | None:
        found = re.findall(r"\\boxed\{\s*(-?\d+)\s*\}", response)
        return int(found[-1]) if found else None

    @classmethod
    def format_answer(cls, answer: Any) -> str:
        return f"\\boxed{{{answer:,}}}"  # readable: 1,234,567
