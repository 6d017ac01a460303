"""Vigenère cipher: decrypt a ciphertext given the key.

Encryption shifts the i-th letter of the plaintext forward in the alphabet by the i-th letter of the
key (A = 0, B = 1, ..., Z = 25), repeating the key as needed; spaces are copied unchanged and do
not use up a key letter. Decryption shifts back. Example (the textbook one): plaintext
"ATTACK AT DAWN" with key "LEMON" gives ciphertext "LXFOPV EF RNHR".

Following the classical convention the ciphertext is written in upper case and the plaintext in
lower case. The answer is compared case-insensitively (letter case carries no information here:
every letter of the message is a letter of the alphabet, nothing else), with whitespace collapsed,
but the spaces between words count: "attack at dawn" is right, "attackatdawn" is not. `solve`
returns the canonical, lower-case plaintext.

The plaintext is a sequence of common English words from a built-in list, so a solver can
sanity-check its decryption. Key letters are drawn from B..Z: a key letter A would leave a letter
unencrypted.

Case: `{"key": "LEMON", "ciphertext": "LXFOPV EF RNHR"}` (the plaintext is not stored).

Difficulty: longer messages and longer keys.
"""

from __future__ import annotations

import string
from typing import Any, ClassVar

from generated_bootcamps.answers import Text
from generated_bootcamps.base import Bootcamp

_WORD_TEXT = """
about above across after again against air all also always among and animal answer any apple
area around ask away back ball bank base bear bed before begin behind best bird black blue boat
body book both box boy bread bring brown build but buy call can car care carry cat city class
clean clear close cold come could country cover cross cup dark day deep dog door down draw dream
drink drive early earth east eat egg end even every eye face fall far farm fast father field
find fire fish five floor flower fly food foot forest four free friend front full game garden
girl give glass gold good grass great green ground group grow hand happy hard head hear heart
heavy help high hill hold home horse hot house idea island just keep kind king know lake land
large last late laugh learn leave left letter light line little live long look love low make
many map mark may milk mind moon more morning mother mountain move much music name near never
new next night north now number ocean old open other paper park party people picture place plant
play point poor quick quiet rain read ready red river road rock room round run safe sail salt
same sand say school sea second see seven ship shoe short show side simple sing sister sit six
sky sleep slow small snow soft song soon south speak spring stand star start stone stop story
street strong summer sun table take talk tall tea tell ten thing think three time today together
town train tree true turn two under until use valley very village voice wait walk wall warm
watch water wave week well west wheel white whole wide wild wind window winter wise wood word
work write yard year yellow young
"""
WORDS = tuple(_WORD_TEXT.split())  # common English words, lower case

KEY_LETTERS = string.ascii_uppercase[1:]  # B..Z: a key letter A would not encrypt


def shift_letters(text: str, key: str, direction: int) -> str:
    """Shift each letter of `text` by the key letters (+1 encrypts, -1 decrypts); keep spaces.

    Letters come out in upper case when encrypting and in lower case when decrypting.
    """
    out = []
    position = 0
    for char in text:
        if char == " ":
            out.append(char)
            continue
        offset = ord(char.upper()) - ord("A")
        if not 0 <= offset < 26:
            raise ValueError(f"not a letter: {char!r}")
        shift = ord(key[position % len(key)].upper()) - ord("A")
        position += 1
        letter = (offset + direction * shift) % 26
        out.append(chr(ord("A" if direction > 0 else "a") + letter))
    return "".join(out)


def encrypt(plaintext: str, key: str) -> str:
    """Vigenère encryption; the ciphertext is upper case."""
    return shift_letters(plaintext, key, +1)


def decrypt(ciphertext: str, key: str) -> str:
    """Vigenère decryption; the plaintext is lower case."""
    return shift_letters(ciphertext, key, -1)


class VigenereBootcamp(Bootcamp):
    """Vigenère decryption with a known key."""

    name = "vigenere"
    description = "Decrypt a Vigenère ciphertext of English words, given the key."
    domain = "ciphers"
    defaults: ClassVar[dict[str, Any]] = {"num_words": 5, "key_length": 5}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_words": 3, "key_length": 3},
        "medium": {"num_words": 5, "key_length": 5},
        "hard": {"num_words": 9, "key_length": 8},
    }
    answer_kind = Text(case_sensitive=False)

    def generate(self) -> dict[str, Any]:
        if self.params["num_words"] < 1 or self.params["key_length"] < 1:
            raise ValueError("vigenere: num_words and key_length must be >= 1")
        while True:
            plaintext = " ".join(self.rng.choice(WORDS) for _ in range(self.params["num_words"]))
            key = "".join(self.rng.choice(KEY_LETTERS) for _ in range(self.params["key_length"]))
            case = {"key": key, "ciphertext": encrypt(plaintext, key)}
            # The prompt's own words must not happen to spell out the answer.
            if plaintext not in self.prompt(case).lower():
                return case

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            "The following message was encrypted with the Vigenère cipher. Each letter of the "
            "message was shifted forward in the alphabet by the corresponding letter of the key "
            "(A = 0, B = 1, ..., Z = 25), wrapping around from Z to A. The key is repeated as "
            "often as needed; spaces were kept in place and do not use up a key letter.\n\n"
            f"Key: {case['key']}\n"
            f"Ciphertext: {case['ciphertext']}\n\n"
            "Decrypt the message. Give the plaintext with the spaces between words kept where "
            "they are (letter case does not matter).\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        return decrypt(case["ciphertext"], case["key"])
