"""Broken (contract): downloads a word list with `urllib` (falling back to a built-in list)."""

import urllib.request
from typing import Any, ClassVar

from generated_bootcamps.answers import Text
from generated_bootcamps.base import Bootcamp

# Offline (as in the sandbox) the fallback list is used, so the other checks pass there, though the
# failed download attempt in each fresh process may cost enough time to trip `speed`.
EXPECTED_FAILURES = {"contract"}
MAY_ALSO_FAIL = {"speed"}

FALLBACK_WORDS = (
    "planet garden window yellow silver bridge forest candle rocket winter summer dragon castle "
    "mirror pencil rabbit shadow spider valley violet wizard anchor basket cotton desert"
)
WORD_LIST_URL = "https://raw.githubusercontent.com/first20hours/google-10000-english/master/20k.txt"
_words: list[str] = []


def words() -> list[str]:
    if not _words:
        try:
            with urllib.request.urlopen(WORD_LIST_URL, timeout=3) as response:
                text = response.read().decode()
            _words.extend(w for w in text.split() if len(w) >= 6 and w.isalpha())
        except Exception:
            _words.extend(FALLBACK_WORDS.split())
    return _words


class ReverseWordBootcamp(Bootcamp):
    name = "reverse_word"
    description = "Write a word backwards."
    domain = "strings"
    defaults: ClassVar[dict[str, Any]] = {"num_words": 4}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_words": 3},
        "medium": {"num_words": 4},
        "hard": {"num_words": 6},
    }
    answer_kind = Text()

    def generate(self) -> dict[str, Any]:
        return {"text": "".join(self.rng.choice(words()) for _ in range(self.params["num_words"]))}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f'Write the string "{case["text"]}" backwards, letter by letter.\n\n'
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        return case["text"][::-1]
