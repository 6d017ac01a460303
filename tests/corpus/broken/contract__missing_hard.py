"""Broken (contract): `difficulties` has `easy` and `medium` but no `hard` preset."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# `params` instantiates the presets that exist, so only `contract` (which requires the three
# names) is certain to fail; a `difficulty` check comparing easy with hard has nothing to compare.
EXPECTED_FAILURES = {"contract"}
MAY_ALSO_FAIL = {"difficulty"}


class PowerModBootcamp(Bootcamp):
    name = "power_mod_small"
    description = "Compute a power of a number modulo m."
    domain = "number_theory"
    defaults: ClassVar[dict[str, Any]] = {"max_base": 100, "max_exp": 30, "max_mod": 1000}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_base": 30, "max_exp": 10, "max_mod": 200},
        "medium": {"max_base": 100, "max_exp": 30, "max_mod": 1000},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        p = self.params
        return {
            "base": self.rng.randint(2, p["max_base"]),
            "exponent": self.rng.randint(2, p["max_exp"]),
            "modulus": self.rng.randint(7, p["max_mod"]),
        }

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"Compute {case['base']}^{case['exponent']} mod {case['modulus']} "
            "(the remainder, between 0 and the modulus minus 1).\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return pow(case["base"], case["exponent"], case["modulus"])
