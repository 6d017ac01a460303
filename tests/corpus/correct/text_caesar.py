"""Correct: decrypt a Caesar-shifted phrase when the shift is given (Text answer)."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Text
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES: set[str] = set()

_WORD_TEXT = (
    "apple river stone cloud tiger paper light music green ocean table window garden silver "
    "planet bridge forest candle rocket winter summer yellow dragon castle honey lemon "
    "mirror pencil rabbit shadow spider thunder valley violet wizard zebra anchor basket "
    "cotton desert"
)
WORDS = _WORD_TEXT.split()


def shift_text(text: str, shift: int) -> str:
    """Shift every lowercase letter `shift` places forward in the alphabet (wrapping around)."""
    return "".join(chr((ord(ch) - 97 + shift) % 26 + 97) if "a" <= ch <= "z" else ch for ch in text)


class CaesarDecryptBootcamp(Bootcamp):
    name = "caesar_decrypt"
    description = "Decrypt a phrase encrypted with a Caesar cipher whose shift is given."
    domain = "ciphers"
    defaults: ClassVar[dict[str, Any]] = {"num_words": 3, "max_shift": 13}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_words": 2, "max_shift": 5},
        "medium": {"num_words": 3, "max_shift": 13},
        "hard": {"num_words": 6, "max_shift": 25},
    }
    answer_kind = Text()

    def generate(self) -> dict[str, Any]:
        plain = " ".join(self.rng.choice(WORDS) for _ in range(self.params["num_words"]))
        shift = self.rng.randint(1, self.params["max_shift"])
        return {"ciphertext": shift_text(plain, shift), "shift": shift}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            "A phrase of lowercase English words was encrypted with a Caesar cipher: every letter "
            f"was shifted {case['shift']} places forward in the alphabet (wrapping from z to a); "
            "spaces were kept.\n\n"
            f"Ciphertext: {case['ciphertext']}\n\n"
            "What is the original phrase? " + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        return shift_text(case["ciphertext"], -case["shift"])
