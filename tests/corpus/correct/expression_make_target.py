"""Correct: use given numbers once each to reach a target (Expression, checked by rules)."""

from collections import Counter
from fractions import Fraction
from typing import Any, ClassVar

from generated_bootcamps.answers import Expression, expression_numbers, expression_value
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES: set[str] = set()


class MakeTargetBootcamp(Bootcamp):
    name = "make_target_expression"
    description = "Use each given number once with + - * / and parentheses to reach a target."
    domain = "puzzles"
    defaults: ClassVar[dict[str, Any]] = {"count": 4, "max_number": 13}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"count": 3, "max_number": 9},
        "medium": {"count": 4, "max_number": 13},
        "hard": {"count": 5, "max_number": 25},
    }
    answer_kind = Expression()

    def generate(self) -> dict[str, Any]:
        while True:
            numbers = [
                self.rng.randint(1, self.params["max_number"]) for _ in range(self.params["count"])
            ]
            parts = [str(n) for n in numbers]
            while len(parts) > 1:  # join two random parts with a random operator
                a = parts.pop(self.rng.randrange(len(parts)))
                b = parts.pop(self.rng.randrange(len(parts)))
                parts.append(f"({a}{self.rng.choice('+-*')}{b})")
            witness = parts[0][1:-1]
            target = expression_value(witness)
            if target is not None and target > 0:
                return {"numbers": sorted(numbers), "target": int(target), "witness": witness}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(n) for n in case["numbers"])
        return (
            f"Using each of the numbers {numbers} exactly once, and only the operations +, -, *, / "
            f"and parentheses, write an expression whose value is {case['target']}. Any such "
            "expression is accepted.\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        return case["witness"]  # the expression the case was built from

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        used = expression_numbers(answer)
        if used is None or Counter(used) != Counter(Fraction(n) for n in case["numbers"]):
            return False
        return expression_value(answer) == case["target"]
