"""Correct: the mean of a list of decimals, a float answer accepted to two decimal places."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Number
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES: set[str] = set()


class MeanBootcamp(Bootcamp):
    name = "list_mean"
    description = "Compute the arithmetic mean of a list of decimal numbers to two decimal places."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"min_len": 6, "max_len": 10, "max_value": 100}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"min_len": 3, "max_len": 5, "max_value": 20},
        "medium": {"min_len": 6, "max_len": 10, "max_value": 100},
        "hard": {"min_len": 12, "max_len": 20, "max_value": 1000},
    }
    # The exact mean is the reference; any value within 0.006 of it (a correct rounding to two
    # decimals, or more digits) is right.
    answer_kind = Number(rel_tol=0.0, abs_tol=0.006)

    def generate(self) -> dict[str, Any]:
        p = self.params
        n = self.rng.randint(p["min_len"], p["max_len"])
        values = [round(self.rng.uniform(-p["max_value"], p["max_value"]), 1) for _ in range(n)]
        return {"values": values}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        values = ", ".join(str(v) for v in case["values"])
        return (
            f"Compute the arithmetic mean of these {len(case['values'])} numbers:\n{values}\n\n"
            "Give the mean as a decimal number rounded to two decimal places (more digits are "
            "fine too). " + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> float:
        return sum(case["values"]) / len(case["values"])

    @classmethod
    def to_reference_input(cls, case: dict[str, Any]) -> str:
        """The count on the first line, then the values separated by spaces."""
        return f"{len(case['values'])}\n" + " ".join(repr(v) for v in case["values"]) + "\n"

    @classmethod
    def from_reference_output(cls, stdout: str) -> float:
        return float(stdout.strip())
