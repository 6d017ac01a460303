"""Broken (guessability): the position of the first multiple of 7 among six random numbers is
"none" (0) for 40% of easy cases, a little above the 30% limit: on 20 or 40 cases the interval
is too wide to tell, so only drawing more cases shows it."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES = {"guessability"}


class FirstMultipleBootcamp(Bootcamp):
    name = "first_multiple"
    description = "The position of the first multiple of d in a list of numbers, 0 if none."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"count": 6, "divisor": 7, "max_number": 99}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"count": 6, "divisor": 7, "max_number": 99},  # (1 - 14/99)^6: 40% have none
        "medium": {"count": 12, "divisor": 7, "max_number": 999},
        "hard": {"count": 30, "divisor": 13, "max_number": 9999},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        numbers = [self.rng.randint(1, p["max_number"]) for _ in range(p["count"])]
        return {"numbers": numbers, "divisor": p["divisor"]}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(n) for n in case["numbers"])
        return (
            f"Here is a list of {len(case['numbers'])} numbers, numbered from 1:\n{numbers}\n\n"
            f"At which position is the first number divisible by {case['divisor']}? Answer 0 if "
            "no number in the list is divisible by it.\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        for position, number in enumerate(case["numbers"], 1):
            if number % case["divisor"] == 0:
                return position
        return 0
