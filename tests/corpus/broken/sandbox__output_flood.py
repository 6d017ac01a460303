"""Hostile (sandbox): `generate` prints its 100 MB working table to stdout on every call."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Do not import and run this in the test process. The sandbox must cap what it captures (or
# stream it to a size-limited file) instead of buffering gigabytes, and report the candidate:
# generating a case must not spew output.
EXPECTED_FAILURES = {"generate"}
MAY_ALSO_FAIL = {"speed", "determinism", "diversity", "difficulty"}


class PascalEntryBootcamp(Bootcamp):
    name = "pascal_entry_mod"
    description = "An entry of Pascal's triangle modulo 1000."
    domain = "combinatorics"
    defaults: ClassVar[dict[str, Any]] = {"max_row": 60}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_row": 20},
        "medium": {"max_row": 60},
        "hard": {"max_row": 300},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        row = self.rng.randint(5, self.params["max_row"])
        col = self.rng.randint(1, row - 1)
        debug_table = "\n".join("1 " * 5_000_000 for _ in range(10))  # 10 lines of 10 MB
        print(debug_table)
        return {"row": row, "col": col}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"What is C({case['row']}, {case['col']}) (the binomial coefficient) modulo 1000?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        value = 1
        for i in range(case["col"]):
            value = value * (case["row"] - i) // (i + 1)
        return value % 1000
