"""Broken (determinism): words are deduplicated with `set()`, whose order follows the hash seed."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Text
from generated_bootcamps.base import Bootcamp

# Same seed, same process: same case. Another process (another PYTHONHASHSEED) orders the set
# differently, so `self.rng` picks other words.
EXPECTED_FAILURES = {"determinism"}

RAW_WORDS = (
    "maple cedar birch aspen alder willow spruce hazel rowan larch poplar walnut cherry laurel "
    "holly juniper maple cedar linden sequoia cypress magnolia acacia elder olive"
)


class AcronymBootcamp(Bootcamp):
    name = "first_letters"
    description = "Join the first letters of a list of words."
    domain = "strings"
    defaults: ClassVar[dict[str, Any]] = {"count": 6}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"count": 4},
        "medium": {"count": 6},
        "hard": {"count": 12},
    }
    answer_kind = Text()

    def generate(self) -> dict[str, Any]:
        pool = list(set(RAW_WORDS.split()))  # remove the duplicates
        words = [self.rng.choice(pool) for _ in range(self.params["count"])]
        return {"words": words}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"Write the first letters of these words, in order, as one string: "
            f"{', '.join(case['words'])}\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        return "".join(word[0] for word in case["words"])
