"""Without a reference answer, a constant that earns only a small credit is not a right guess."""

from __future__ import annotations

from agent.selftest import Settings, run_selftest

FAST = Settings(cases=12, hypothesis_examples=20)

FORMAT_CREDIT = """
from typing import Any

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp


class FormatCredit(Bootcamp):
    name = "format_credit"
    description = "A sum whose verifier gives 0.05 to any integer, like reasoning-gym's boxnet."
    domain = "arithmetic"
    defaults = {"high": 1000}
    difficulties = {"easy": {}, "medium": {}, "hard": {}}
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        return {"a": self.rng.randint(0, 1000), "b": self.rng.randint(0, 1000)}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return f"What is {case['a']} + {case['b']}? " + cls.answer_kind.instruction()

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        raise NotImplementedError("no answer kept")

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> float:
        return 1.0 if answer == case["a"] + case["b"] else 0.05
"""


def test_a_small_credit_for_any_answer_is_not_a_right_constant_guess(tmp_path):
    module = tmp_path / "format_credit.py"
    module.write_text(FORMAT_CREDIT, encoding="utf-8")
    lacks = {"solve": "none kept", "difficulty": "one level"}
    report = run_selftest(module, settings=FAST, lacks=lacks)
    guess = report.check("guessability")
    assert guess is not None and guess.state == "pass", guess.summary if guess else None
    assert guess.numbers["best_constant_share"] == 0.0
