"""dice_probability: hand-computed probabilities, enumeration cross-checks, tolerance, targets."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from generated_bootcamps.dice_probability.bootcamp import (
    MODES,
    DiceProbabilityBootcamp,
    probability,
)


def enumerate_probability(num_dice: int, sides: int, mode: str, target: int) -> Fraction:
    favourable = 0
    for roll in itertools.product(range(1, sides + 1), repeat=num_dice):
        total = sum(roll)
        favourable += {
            "exactly": total == target,
            "at_least": total >= target,
            "at_most": total <= target,
        }[mode]
    return Fraction(favourable, sides**num_dice)


def test_two_dice_by_hand():
    assert probability(2, 6, "exactly", 7) == Fraction(6, 36)
    assert probability(2, 6, "exactly", 2) == Fraction(1, 36)
    assert probability(2, 6, "at_least", 10) == Fraction(6, 36)  # 4+6, 5+5, 6+4, 5+6, 6+5, 6+6
    assert probability(2, 6, "at_most", 3) == Fraction(3, 36)
    assert probability(2, 4, "exactly", 5) == Fraction(4, 16)
    assert probability(3, 6, "exactly", 10) == Fraction(27, 216)
    assert probability(2, 6, "exactly", 13) == 0
    assert probability(2, 6, "at_least", 2) == 1


@pytest.mark.parametrize(("num_dice", "sides"), [(1, 6), (2, 6), (2, 10), (3, 4), (3, 6), (4, 6)])
def test_probability_agrees_with_enumerating_every_roll(num_dice, sides):
    for mode in MODES:
        for target in range(num_dice - 1, num_dice * sides + 2):
            expected = enumerate_probability(num_dice, sides, mode, target)
            assert probability(num_dice, sides, mode, target) == expected, (mode, target)


def test_the_tolerance_accepts_six_decimals_and_fractions_and_nothing_coarser():
    case = {"num_dice": 2, "sides": 6, "mode": "exactly", "target": 7}  # 1/6 = 0.1666666...
    score = DiceProbabilityBootcamp.score
    assert DiceProbabilityBootcamp.solve(case) == pytest.approx(1 / 6)
    assert score("\\boxed{0.166667}", case) == 1.0  # rounded
    assert score("\\boxed{0.166666}", case) == 1.0  # truncated
    assert score("\\boxed{1/6}", case) == 1.0
    assert score("\\boxed{6/36}", case) == 1.0
    assert score("\\boxed{0.1666666667}", case) == 1.0
    assert score("\\boxed{0.1667}", case) == 0.0
    assert score("\\boxed{0.17}", case) == 0.0
    assert score("\\boxed{0.166664}", case) == 0.0
    assert score("\\boxed{5/36}", case) == 0.0
    assert score("\\boxed{1.166667}", case) == 0.0


def test_each_mode_is_worded_in_the_prompt():
    for mode, phrase in (("exactly", "exactly 9"), ("at_least", "at least 9")):
        case = {"num_dice": 3, "sides": 8, "mode": mode, "target": 9}
        prompt = DiceProbabilityBootcamp.prompt(case)
        assert phrase in prompt and "3 fair 8-sided dice" in prompt
    case = {"num_dice": 3, "sides": 8, "mode": "at_most", "target": 9}
    assert "at most 9" in DiceProbabilityBootcamp.prompt(case)
    assert "6 decimal places" in DiceProbabilityBootcamp.prompt(case)


@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_targets_are_neither_near_certain_nor_a_coin_flip(difficulty):
    bootcamp = DiceProbabilityBootcamp(seed=8, difficulty=difficulty)
    params = bootcamp.params
    modes = set()
    for _ in range(300):
        case = bootcamp.generate()
        assert set(case) == {"num_dice", "sides", "mode", "target"}
        assert params["min_dice"] <= case["num_dice"] <= params["max_dice"]
        assert case["sides"] in params["sides"]
        exact = probability(case["num_dice"], case["sides"], case["mode"], case["target"])
        assert Fraction(1, 1000) <= exact <= Fraction(999, 1000)
        assert exact != Fraction(1, 2)
        assert DiceProbabilityBootcamp.solve(case) == float(exact)
        modes.add(case["mode"])
    assert modes == set(MODES)


def test_difficulty_grows_the_number_of_outcomes():
    def mean_outcomes(difficulty: str) -> float:
        bootcamp = DiceProbabilityBootcamp(seed=9, difficulty=difficulty)
        cases = [bootcamp.generate() for _ in range(200)]
        return sum(c["sides"] ** c["num_dice"] for c in cases) / len(cases)

    assert mean_outcomes("easy") < mean_outcomes("medium") < mean_outcomes("hard")
    assert DiceProbabilityBootcamp(difficulty="easy").params["max_dice"] == 2


def test_parameters_that_admit_no_case_raise_instead_of_looping():
    with pytest.raises(ValueError):  # one coin-like die: every probability is 1/2 or 1
        DiceProbabilityBootcamp(seed=0, min_dice=1, max_dice=1, sides=[2]).generate()
    with pytest.raises(ValueError):
        DiceProbabilityBootcamp(seed=0, modes=["more_than"]).generate()
    with pytest.raises(ValueError):
        DiceProbabilityBootcamp(seed=0, min_dice=3, max_dice=2).generate()
