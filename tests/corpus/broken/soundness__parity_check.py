"""Broken (soundness): `check` compares only the parity of the inversion count."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Half of all integers have the right parity, so a constant answer scores on about half the
# cases: `guessability` fails too, unavoidably.
EXPECTED_FAILURES = {"soundness", "guessability"}


class InversionCountBootcamp(Bootcamp):
    name = "inversion_count"
    description = "Count the inversions of a permutation (its parity decides even/odd)."
    domain = "combinatorics"
    defaults: ClassVar[dict[str, Any]] = {"length": 12}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 9},
        "medium": {"length": 12},
        "hard": {"length": 20},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        n = self.params["length"]
        return {"permutation": self.rng.sample(range(1, n + 1), n)}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        perm = " ".join(str(x) for x in case["permutation"])
        return (
            f"How many inversions does the permutation {perm} have? (An inversion is a pair of "
            "positions i < j with p[i] > p[j].)\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        p = case["permutation"]
        return sum(p[i] > p[j] for i in range(len(p)) for j in range(i + 1, len(p)))

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        # The parity of the inversion count is what determines the sign of the permutation.
        return isinstance(answer, int) and answer % 2 == cls.solve(case) % 2
