"""Broken (soundness): the Number kind has `rel_tol=0.5`, so answers 50% off are accepted."""

import math
from typing import Any, ClassVar

from generated_bootcamps.answers import Number
from generated_bootcamps.base import Bootcamp

# Radii are log-uniform over several decades, so a constant answer still lands within a factor of
# two of only a few percent of the totals; guessability checks with many probes may notice.
EXPECTED_FAILURES = {"soundness"}
MAY_ALSO_FAIL = {"guessability"}


class CircleAreasBootcamp(Bootcamp):
    name = "total_circle_area"
    description = "Compute the total area of several circles from their radii."
    domain = "geometry"
    defaults: ClassVar[dict[str, Any]] = {"circles": 3, "decades": 3}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"circles": 1, "decades": 2},
        "medium": {"circles": 3, "decades": 3},
        "hard": {"circles": 8, "decades": 4},
    }
    answer_kind = Number(rel_tol=0.5)  # be lenient about rounding

    def generate(self) -> dict[str, Any]:
        p = self.params
        radii = [round(10 ** self.rng.uniform(0, p["decades"]), 2) for _ in range(p["circles"])]
        return {"radii": radii}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        radii = ", ".join(str(r) for r in case["radii"])
        return (
            f"What is the total area of {len(case['radii'])} circle(s) with the radii {radii}? "
            "Give at least four significant digits.\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> float:
        return math.pi * sum(r * r for r in case["radii"])
