"""Broken (diversity): `generate` re-seeds `self.rng` with a constant: one case for any seed."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# One case per difficulty means one answer per difficulty: a constant answer is always right at
# that difficulty, so `guessability` (judged per difficulty) fails too, unavoidably.
EXPECTED_FAILURES = {"diversity", "guessability"}


class MatrixTraceBootcamp(Bootcamp):
    name = "matrix_product_trace"
    description = "Compute the trace of the product of two integer matrices."
    domain = "linear_algebra"
    defaults: ClassVar[dict[str, Any]] = {"size": 3, "max_entry": 9}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"size": 2, "max_entry": 5},
        "medium": {"size": 3, "max_entry": 9},
        "hard": {"size": 5, "max_entry": 20},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        self.rng.seed(1234)  # reproducible cases
        n, top = self.params["size"], self.params["max_entry"]
        a = [[self.rng.randint(-top, top) for _ in range(n)] for _ in range(n)]
        b = [[self.rng.randint(-top, top) for _ in range(n)] for _ in range(n)]
        return {"a": a, "b": b}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        a = "\n".join(" ".join(str(x) for x in row) for row in case["a"])
        b = "\n".join(" ".join(str(x) for x in row) for row in case["b"])
        return (
            f"A =\n{a}\n\nB =\n{b}\n\nWhat is the trace (the sum of the diagonal entries) of the "
            "matrix product A·B?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        a, b = case["a"], case["b"]
        return sum(a[i][k] * b[k][i] for i in range(len(a)) for k in range(len(a)))
