"""The novelty check: paraphrases of catalog tasks are flagged, distinct tasks are not.

The paraphrases are how another spec would describe a catalog task in its own words; the
distinct tasks are every example spec, none of which is in the catalog. Together they pin
DUPLICATE_SIMILARITY between the two groups."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.novelty import DUPLICATE_SIMILARITY, near_label, novelty, words
from agent.spec import load_specs

ROOT = Path(__file__).resolve().parents[2]

PARAPHRASES = {
    "knapsack": (
        "knapsack_max_value",
        "Given items with weights and values and a capacity, find the maximum total value of a "
        "subset of items that fits.",
    ),
    "sudoku": ("sudoku_4x4", "Fill a 4x4 Sudoku grid so each row, column and box has 1-4."),
    "dice_probability": ("dice_sum", "Probability that the sum of k dice with n sides equals s."),
    "game24": (
        "make_24",
        "Combine four numbers with + - * / and parentheses to make 24, each number used once.",
    ),
    "sat_assignment": ("three_sat_solve", "A satisfying assignment of a 3-CNF boolean formula."),
    "vigenere": ("vigenere_decode", "Decode a message enciphered with the Vigenere cipher."),
}


def first_paragraph(text: str) -> str:
    return text.strip().split("\n\n", 1)[0]


SPECS = [
    spec
    for path in sorted((ROOT / "examples").glob("*.md"))
    if path.name != "README.md"
    for spec in load_specs(path)
]
# Each example as the graph describes it (the one-line description, else the title) and by the
# first paragraph of its text.
EXAMPLES = [
    pytest.param(spec.name, spec.meta.get("description") or spec.title, id=f"{spec.name}-line")
    for spec in SPECS
] + [
    pytest.param(spec.name, first_paragraph(spec.description), id=f"{spec.name}-text")
    for spec in SPECS
]


@pytest.mark.parametrize("entry", sorted(PARAPHRASES))
def test_a_paraphrase_of_a_catalog_task_is_flagged_with_its_original(entry):
    name, description = PARAPHRASES[entry]
    found = novelty(name, description)
    assert found["duplicate"] and not found["name_taken"]
    assert found["nearest"] == entry
    assert found["similarity"] >= DUPLICATE_SIMILARITY


@pytest.mark.parametrize(("name", "description"), EXAMPLES)
def test_a_task_not_in_the_catalog_is_not_flagged(name, description):
    found = novelty(name, description)
    assert not found["duplicate"], found
    assert found["similarity"] < DUPLICATE_SIMILARITY


def test_a_taken_name_is_flagged_whatever_the_description():
    found = novelty("knapsack", "Count the vowels in a word.")
    assert found["name_taken"] and found["duplicate"]


def test_nothing_in_common_has_no_nearest_entry():
    assert novelty("zzz_qqq", "Xylophone quux.") == {
        "name_taken": False,
        "nearest": None,
        "similarity": 0.0,
        "catalog_duplicate": False,
        "queued": None,
        "duplicate": False,
    }


def test_a_queued_candidate_of_another_spec_describing_the_same_task_is_flagged():
    queued = [
        (7, "rail_fence_decrypt", "Decrypt a rail fence (zigzag) cipher given the rails."),
        (9, "edit_distance", "The Levenshtein distance between two words."),
    ]
    found = novelty("zigzag_rails", "Undo a zigzag rail fence encryption with r rails.", queued)
    assert found["duplicate"] and not found["catalog_duplicate"]
    assert found["queued"]["id"] == 7 and found["queued"]["name"] == "rail_fence_decrypt"
    assert found["queued"]["similarity"] >= DUPLICATE_SIMILARITY
    assert near_label(found) == "#7 rail_fence_decrypt"
    assert near_label(novelty("dice_sum", "The sum of k dice.", queued)) == "dice_probability"

    distinct = novelty("knights_and_knaves", "Who is a knight and who a knave?", queued)
    assert distinct["queued"] is None and not distinct["duplicate"]


def test_words_drop_stopwords_plurals_and_domain_words():
    assert words("Find the values of the Items, in 4x4 boxes") == ["value", "item", "4", "4", "box"]
    assert words("The probability of exactly k red balls in graphs") == ["red", "ball"]
