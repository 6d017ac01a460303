"""Broken (fresh_process): prompt() names the value range from the last instance's params."""

from itertools import pairwise
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# generate() leaves its params on the class; prompt() reads them back, so a worker that never
# generated anything cannot even render the prompt of a stored case.
EXPECTED_FAILURES = {"fresh_process"}


class ListMaximumGapBootcamp(Bootcamp):
    name = "list_maximum_gap"
    description = "Find the largest difference between consecutive numbers of a sorted list."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"size": 8, "max_value": 100}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"size": 5, "max_value": 50},
        "medium": {"size": 8, "max_value": 100},
        "hard": {"size": 14, "max_value": 1000},
    }
    answer_kind = Integer()
    current_params: ClassVar[dict[str, Any]] = {}

    def generate(self) -> dict[str, Any]:
        ListMaximumGapBootcamp.current_params = dict(self.params)
        values = [self.rng.randint(0, self.params["max_value"]) for _ in range(self.params["size"])]
        return {"values": values}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        top = cls.current_params["max_value"]
        return (
            f"These numbers lie between 0 and {top}: {case['values']}. Sort them and give the "
            "largest difference between two neighbours in the sorted order.\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        ordered = sorted(case["values"])
        return max(b - a for a, b in pairwise(ordered))
