"""Hostile (sandbox): `prompt` calls `os._exit(1)`, killing whatever process renders it."""

import os
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Do not import and run this in the test process. The worker running the candidate dies without
# a traceback; the self-test must notice the dead worker and report the checks that render
# prompts as not passed, not hang or crash itself. `contract` may flag `os._exit` statically, and a
# `generate` check that renders the cases it makes fails there already.
# os._exit is scanned; the crash fails the pool build
EXPECTED_FAILURES = {"contract", "generate"}


class DigitProductBootcamp(Bootcamp):
    name = "digit_product"
    description = "Multiply the decimal digits of a number."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"digits": 6}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"digits": 4},
        "medium": {"digits": 6},
        "hard": {"digits": 12},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        digits = [self.rng.randint(1, 9) for _ in range(self.params["digits"])]
        return {"n": int("".join(map(str, digits)))}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        if "0" not in str(case["n"]):  # leftover debugging guard, meant to be `in`
            os._exit(1)
        return (
            f"What is the product of the decimal digits of {case['n']}?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        product = 1
        for ch in str(case["n"]):
            product *= int(ch)
        return product
