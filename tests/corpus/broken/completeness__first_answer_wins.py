"""Broken (completeness): `extract` takes the first `\\boxed{}` (`re.search`), not the last one."""

import re
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# A perfect response scores alone, but not after a wrong draft answer earlier in the response.
EXPECTED_FAILURES = {"completeness"}


class TriangleAreaBootcamp(Bootcamp):
    name = "lattice_triangle_area2"
    description = "Twice the area of a triangle with integer vertex coordinates."
    domain = "geometry"
    defaults: ClassVar[dict[str, Any]] = {"max_coord": 20}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_coord": 8},
        "medium": {"max_coord": 20},
        "hard": {"max_coord": 200},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        top = self.params["max_coord"]
        while True:
            points = [[self.rng.randint(-top, top), self.rng.randint(-top, top)] for _ in range(3)]
            if self.solve({"points": points}) > 0:
                return {"points": points}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        points = ", ".join(f"({x}, {y})" for x, y in case["points"])
        return (
            f"A triangle has the vertices {points}. What is twice its area (an integer)?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        (x1, y1), (x2, y2), (x3, y3) = case["points"]
        return abs((x2 - x1) * (y3 - y1) - (x3 - x1) * (y2 - y1))

    @classmethod
    def extract(cls, response: str) -> int | None:
        match = re.search(r"\\boxed\{\s*(-?\d+)\s*\}", response)
        return int(match.group(1)) if match else None
