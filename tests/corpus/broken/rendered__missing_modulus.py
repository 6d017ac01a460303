"""Broken (rendered): a string piece lacks its `f` prefix, so the prompt never shows the modulus."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# The prompt reads "... modulo {case['modulus']}" literally; the model cannot know the modulus.
EXPECTED_FAILURES = {"rendered"}


class ModPowBootcamp(Bootcamp):
    name = "modular_power"
    description = "Compute a power modulo a number."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"max_base": 100, "max_exp": 50, "max_mod": 1000}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_base": 20, "max_exp": 10, "max_mod": 100},
        "medium": {"max_base": 100, "max_exp": 50, "max_mod": 1000},
        "hard": {"max_base": 10**6, "max_exp": 10**6, "max_mod": 10**9},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        return {
            "base": self.rng.randint(2, p["max_base"]),
            "exponent": self.rng.randint(2, p["max_exp"]),
            "modulus": self.rng.randint(p["max_mod"] // 4, p["max_mod"]),
        }

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"Compute {case['base']} raised to the power {case['exponent']}, "
            "modulo {case['modulus']}. Give the remainder, a number from 0 up to the modulus "
            "minus one.\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return pow(case["base"], case["exponent"], case["modulus"])
