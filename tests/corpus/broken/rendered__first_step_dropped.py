"""Broken (rendered): the numbered list of steps starts at index 1, so the prompt drops the first
step that solve() applies."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# `for i in range(1, len(steps))` numbers the steps from 1 but also skips steps[0]. Every step is
# a word ("double", "negate", ...): a blind edit ("double" -> "doublf") makes solve() raise, so
# only an edit drawn from other cases' steps ("double" -> "negate") shows the hidden step.
EXPECTED_FAILURES = {"rendered"}

STEPS = {
    "double": lambda x: 2 * x,
    "negate": lambda x: -x,
    "increment": lambda x: x + 1,
    "decrement": lambda x: x - 1,
    "halve": lambda x: x // 2,
    "triple": lambda x: 3 * x,
}


class StepMachineBootcamp(Bootcamp):
    name = "step_machine"
    description = "Apply a sequence of named steps to a starting integer."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"num_steps": 5, "max_start": 50}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_steps": 3, "max_start": 20},
        "medium": {"num_steps": 5, "max_start": 50},
        "hard": {"num_steps": 9, "max_start": 500},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        names = sorted(STEPS)
        steps = [self.rng.choice(names) for _ in range(self.params["num_steps"])]
        return {"start": self.rng.randint(1, self.params["max_start"]), "steps": steps}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        steps = case["steps"]
        lines = [f"{i}. {steps[i]}" for i in range(1, len(steps))]
        meanings = (
            "double: x -> 2x; triple: x -> 3x; negate: x -> -x; increment: x -> x + 1; "
            "decrement: x -> x - 1; halve: x -> floor(x / 2)"
        )
        return (
            f"Start with the integer {case['start']} and apply these steps in order:\n"
            + "\n".join(lines)
            + f"\n\nThe steps mean: {meanings}. What number do you end with?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        value = case["start"]
        for step in case["steps"]:
            value = STEPS[step](value)
        return value
