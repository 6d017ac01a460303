"""Broken (soundness): `check` accepts a substring of the right answer (or a superstring)."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Text
from generated_bootcamps.base import Bootcamp

# A one-letter answer is a substring of most right answers, so a guessability check that tries
# short constants may flag it too.
EXPECTED_FAILURES = {"soundness"}
MAY_ALSO_FAIL = {"guessability"}

ALPHABET = "abcdefghijklmnopqrstuvwxyz"


class RunLengthDecodeBootcamp(Bootcamp):
    name = "run_length_decode"
    description = "Expand a run-length encoded string."
    domain = "strings"
    defaults: ClassVar[dict[str, Any]] = {"runs": 5, "max_run": 4}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"runs": 3, "max_run": 3},
        "medium": {"runs": 5, "max_run": 4},
        "hard": {"runs": 10, "max_run": 9},
    }
    answer_kind = Text()

    def generate(self) -> dict[str, Any]:
        runs, last = [], ""
        for _ in range(self.params["runs"]):
            letter = self.rng.choice(ALPHABET.replace(last, "") if last else ALPHABET)
            runs.append([letter, self.rng.randint(1, self.params["max_run"])])
            last = letter
        return {"encoded": "".join(f"{n}{letter}" for letter, n in runs)}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"Decode the run-length encoded string {case['encoded']} (for example 3x1y2z decodes "
            "to xxxyzz).\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        out, count = "", ""
        for ch in case["encoded"]:
            if ch.isdigit():
                count += ch
            else:
                out += ch * int(count)
                count = ""
        return out

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        expected = cls.solve(case)
        answer = str(answer).strip().lower()
        return bool(answer) and (answer in expected or expected in answer)  # allow minor slips
