"""Broken (rendered): the prompt names the operation through a lookup keyed by other words, so it
always says "combine" and never which of add, sub or mul the case asks for."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# OPERATION_WORDS is keyed by "plus"/"minus"/"times" while cases store "add"/"sub"/"mul", so
# `.get(..., "combine")` always falls back: the model sees two numbers and cannot know the
# operation. A blind edit of "op" ("add" -> "ddd") makes solve() raise, so it teaches nothing;
# only an edit drawn from other cases ("add" -> "mul") shows the answer moving under a fixed prompt.
EXPECTED_FAILURES = {"rendered"}

OPERATIONS = ("add", "sub", "mul")
OPERATION_WORDS = {"plus": "add", "minus": "subtract", "times": "multiply"}


class ArithmeticDrillBootcamp(Bootcamp):
    name = "arithmetic_drill"
    description = "Apply one arithmetic operation (add, subtract or multiply) to two integers."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"max_value": 99}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_value": 9},
        "medium": {"max_value": 99},
        "hard": {"max_value": 9999},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        top = self.params["max_value"]
        return {
            "a": self.rng.randint(2, top),
            "b": self.rng.randint(2, top),
            "op": self.rng.choice(OPERATIONS),
        }

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        verb = OPERATION_WORDS.get(case["op"], "combine")
        return (
            f"Take the integers a = {case['a']} and b = {case['b']}. {verb.capitalize()} a and b "
            "and give the result as one integer.\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        a, b = case["a"], case["b"]
        results = {"add": a + b, "sub": a - b, "mul": a * b}
        return results[case["op"]]
