"""vigenere: the textbook example, round trips, answer normalisation and the case shape."""

from __future__ import annotations

import random
import string

import pytest

from generated_bootcamps.vigenere.bootcamp import (
    KEY_LETTERS,
    WORDS,
    VigenereBootcamp,
    decrypt,
    encrypt,
)


def test_the_textbook_example():
    assert encrypt("ATTACKATDAWN", "LEMON") == "LXFOPVEFRNHR"
    assert decrypt("LXFOPVEFRNHR", "LEMON") == "attackatdawn"
    # Spaces are kept and do not use up a key letter.
    assert encrypt("attack at dawn", "LEMON") == "LXFOPV EF RNHR"
    case = {"key": "LEMON", "ciphertext": "LXFOPV EF RNHR"}
    assert VigenereBootcamp.solve(case) == "attack at dawn"


def test_a_shift_by_b_and_wrapping_around():
    assert encrypt("abc xyz", "B") == "BCD YZA"
    assert decrypt("BCD YZA", "B") == "abc xyz"
    assert encrypt("zz", "ZB") == "YA"


def test_decrypt_inverts_encrypt():
    rng = random.Random(1)
    for _ in range(200):
        plaintext = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8)))
        key = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(1, 9)))
        assert decrypt(encrypt(plaintext, key), key) == plaintext


def test_answers_are_compared_case_insensitively_but_spaces_count():
    case = {"key": "LEMON", "ciphertext": "LXFOPV EF RNHR"}
    score = VigenereBootcamp.score
    assert score("\\boxed{attack at dawn}", case) == 1.0
    assert score("\\boxed{ATTACK AT DAWN}", case) == 1.0
    assert score("The message: \\boxed{\\text{Attack at dawn.}}", case) == 1.0
    assert score("[answer]  attack   at dawn [/answer]", case) == 1.0
    assert score("\\boxed{attackatdawn}", case) == 0.0
    assert score("\\boxed{attack at dusk}", case) == 0.0
    assert score("\\boxed{attack at}", case) == 0.0
    assert score("\\boxed{attack at dawn now}", case) == 0.0
    assert score("\\boxed{LXFOPV EF RNHR}", case) == 0.0  # the ciphertext itself


@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_cases_respect_the_parameters(difficulty):
    bootcamp = VigenereBootcamp(seed=2, difficulty=difficulty)
    params = bootcamp.params
    for _ in range(200):
        case = bootcamp.generate()
        assert set(case) == {"key", "ciphertext"}
        assert len(case["key"]) == params["key_length"]
        assert set(case["key"]) <= set(KEY_LETTERS)
        assert set(case["ciphertext"]) <= set(string.ascii_uppercase + " ")
        plaintext = VigenereBootcamp.solve(case)
        words = plaintext.split(" ")
        assert len(words) == params["num_words"] and all(word in WORDS for word in words)
        assert encrypt(plaintext, case["key"]) == case["ciphertext"]
        # No key letter is A, so every letter is changed by encryption.
        letters = [(p, c) for p, c in zip(plaintext, case["ciphertext"], strict=True) if p != " "]
        assert all(p.upper() != c for p, c in letters)
        prompt = VigenereBootcamp.prompt(case)
        assert f"Key: {case['key']}" in prompt and case["ciphertext"] in prompt
        assert plaintext not in prompt.lower()


def test_difficulty_lengthens_message_and_key():
    def mean_length(difficulty: str) -> float:
        bootcamp = VigenereBootcamp(seed=3, difficulty=difficulty)
        cases = [bootcamp.generate() for _ in range(100)]
        return sum(len(c["ciphertext"]) for c in cases) / len(cases)

    assert mean_length("easy") < mean_length("medium") < mean_length("hard")
    keys = [VigenereBootcamp.difficulties[d]["key_length"] for d in ("easy", "medium", "hard")]
    assert keys[0] < keys[1] < keys[2]


def test_the_word_list_is_clean():
    assert len(WORDS) == len(set(WORDS)) >= 200
    assert all(word.isalpha() and word.islower() and word.isascii() for word in WORDS)
    # The answer instruction's example must never be a right answer.
    assert "hello" not in WORDS and "world" not in WORDS


def test_impossible_parameters_raise():
    for params in ({"num_words": 0}, {"key_length": 0}):
        with pytest.raises(ValueError):
            VigenereBootcamp(seed=0, **params).generate()
