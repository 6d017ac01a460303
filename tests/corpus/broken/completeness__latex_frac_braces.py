"""Broken (completeness): `format_answer` writes `\\boxed{\\frac{p}{q}}`, which `extract` cuts."""

import re
from math import gcd
from typing import Any, ClassVar

from generated_bootcamps.base import Bootcamp

# The prompt asks for `p/q`, which `extract` reads; only the nested braces `format_answer` writes
# are lost. A `format` check built on format_answer's output may flag it too.
EXPECTED_FAILURES = {"completeness"}
MAY_ALSO_FAIL = {"format"}


class FractionSumBootcamp(Bootcamp):
    name = "fraction_sum"
    description = "Add two fractions and reduce the result."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"max_den": 30}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_den": 15},
        "medium": {"max_den": 30},
        "hard": {"max_den": 60},
    }

    def generate(self) -> dict[str, Any]:
        top = self.params["max_den"]
        while True:
            b, d = self.rng.randint(2, top), self.rng.randint(2, top)
            a, c = self.rng.randint(1, b - 1), self.rng.randint(1, d - 1)
            if self.solve({"fractions": [[a, b], [c, d]]})[1] > 1:
                return {"fractions": [[a, b], [c, d]]}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        (a, b), (c, d) = case["fractions"]
        return (
            f"Compute {a}/{b} + {c}/{d} as a fraction in lowest terms p/q.\n\n"
            "Write your final answer at the end of your response as \\boxed{p/q}."
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> list[int]:
        (a, b), (c, d) = case["fractions"]
        p, q = a * d + c * b, b * d
        g = gcd(p, q)
        return [p // g, q // g]

    @classmethod
    def extract(cls, response: str) -> list[int] | None:
        boxes = re.findall(r"\\boxed\{(.*?)\}", response)
        if not boxes:
            return None
        m = re.fullmatch(r"\s*(?:\\frac\{?(\d+)\}?\{?(\d+)\}?|(\d+)\s*/\s*(\d+))\s*", boxes[-1])
        if not m:
            return None
        p, q = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return [int(p), int(q)]

    @classmethod
    def format_answer(cls, answer: Any) -> str:
        return f"\\boxed{{\\frac{{{answer[0]}}}{{{answer[1]}}}}}"
