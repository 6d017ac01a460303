"""Correct: the 2D prefix-sum matrix of an integer matrix (Grid of ints)."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Grid
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES: set[str] = set()


class PrefixSumGridBootcamp(Bootcamp):
    name = "prefix_sum_grid"
    description = "Compute the 2D prefix sums of an integer matrix."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"rows": 4, "cols": 4, "low": 0, "high": 9}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"rows": 2, "cols": 3, "low": 0, "high": 9},
        "medium": {"rows": 4, "cols": 4, "low": 0, "high": 9},
        "hard": {"rows": 6, "cols": 7, "low": -20, "high": 20},
    }
    answer_kind = Grid(cells="int")

    def generate(self) -> dict[str, Any]:
        p = self.params
        matrix = [
            [self.rng.randint(p["low"], p["high"]) for _ in range(p["cols"])]
            for _ in range(p["rows"])
        ]
        return {"matrix": matrix}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        rows = "\n".join(" ".join(str(x) for x in row) for row in case["matrix"])
        return (
            f"Here is a matrix A with {len(case['matrix'])} rows:\n{rows}\n\n"
            "Compute the matrix S of the same size where S[i][j] is the sum of all A[r][c] with "
            "r <= i and c <= j (the sum of the top-left rectangle ending at row i, column j). "
            "Write S with one row per line and the numbers of a row separated by spaces.\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> list[list[int]]:
        result: list[list[int]] = []
        for i, row in enumerate(case["matrix"]):
            running = 0
            out = []
            for j, value in enumerate(row):
                running += value
                out.append(running + (result[i - 1][j] if i else 0))
            result.append(out)
        return result
