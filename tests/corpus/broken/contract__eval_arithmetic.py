"""Broken (contract): `solve` computes the value of the expression with Python's `eval`."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"contract"}


class ArithmeticEvalBootcamp(Bootcamp):
    name = "arithmetic_eval"
    description = "Evaluate an integer arithmetic expression with +, - and *."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"num_terms": 5, "max_number": 20}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_terms": 3, "max_number": 10},
        "medium": {"num_terms": 5, "max_number": 20},
        "hard": {"num_terms": 8, "max_number": 99},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        expression = str(self.rng.randint(1, p["max_number"]))
        for _ in range(p["num_terms"] - 1):
            op = self.rng.choice(["+", "-", "*"])
            expression += f" {op} {self.rng.randint(1, p['max_number'])}"
            if self.rng.random() < 0.3:
                expression = f"({expression})"
        return {"expression": expression}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            "Evaluate the following expression (usual precedence: * before + and -):\n\n"
            f"{case['expression']}\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return int(eval(case["expression"]))
