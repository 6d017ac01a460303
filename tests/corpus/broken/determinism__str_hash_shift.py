"""Broken (determinism): the cipher shift is derived from `hash(keyword)`, salted per process."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Text
from generated_bootcamps.base import Bootcamp

# Within one process the same seed gives the same case; only a run under another PYTHONHASHSEED
# (a second process) shows the difference.
EXPECTED_FAILURES = {"determinism"}

KEYWORDS = ["falcon", "harbor", "meadow", "copper", "lantern", "orchid", "quartz", "saddle"]
PLAIN = "the quick brown fox jumps over lazy dogs while seven wise owls watch from tall pines"


def shift_text(text: str, shift: int) -> str:
    return "".join(chr((ord(c) - 97 + shift) % 26 + 97) if c.isalpha() else c for c in text)


class KeyedCaesarBootcamp(Bootcamp):
    name = "keyed_caesar"
    description = "Decrypt a Caesar cipher whose shift is given."
    domain = "ciphers"
    defaults: ClassVar[dict[str, Any]] = {"num_words": 4}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_words": 3},
        "medium": {"num_words": 5},
        "hard": {"num_words": 9},
    }
    answer_kind = Text()

    def generate(self) -> dict[str, Any]:
        words = self.rng.sample(PLAIN.split(), self.params["num_words"])
        keyword = self.rng.choice(KEYWORDS)
        shift = hash(keyword) % 25 + 1  # a shift that belongs to the keyword
        return {"ciphertext": shift_text(" ".join(words), shift), "shift": shift}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"Each letter of this text was shifted {case['shift']} places forward in the "
            f"alphabet (wrapping around): {case['ciphertext']}\nWhat is the original text?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        return shift_text(case["ciphertext"], -case["shift"])
