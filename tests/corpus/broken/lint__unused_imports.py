"""Broken (lint): leftover unused imports (ruff F401) from an earlier draft."""

import itertools
import math
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer, IntList
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"lint"}


class CountInversionsBootcamp(Bootcamp):
    name = "count_inversions"
    description = "Count the inversions of a permutation."
    domain = "combinatorics"
    defaults: ClassVar[dict[str, Any]] = {"length": 12}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 9},
        "medium": {"length": 12},
        "hard": {"length": 18},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        n = self.params["length"]
        return {"permutation": self.rng.sample(range(1, n + 1), n)}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        perm = " ".join(str(x) for x in case["permutation"])
        return (
            f"How many inversions does the permutation {perm} have? (An inversion is a pair of "
            "positions i < j whose entries are in the wrong order, p[i] > p[j].)\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        p = case["permutation"]
        return sum(p[i] > p[j] for i in range(len(p)) for j in range(i + 1, len(p)))
