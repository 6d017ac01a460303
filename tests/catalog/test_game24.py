"""game24: the rules-based check, the search against brute force and known counts, the stdin."""

from __future__ import annotations

import functools
import itertools
import random
from fractions import Fraction

import pytest

from generated_bootcamps.answers import expression_numbers, expression_value
from generated_bootcamps.game24.bootcamp import Game24Bootcamp, find_expression

score = Game24Bootcamp.score


@functools.cache
def brute_force_solvable(numbers: tuple[Fraction, ...], target: Fraction) -> bool:
    """The textbook search: pick two numbers, replace them by a combination, recurse (memoised
    on the sorted remaining numbers)."""
    if len(numbers) == 1:
        return numbers[0] == target
    for i, j in itertools.combinations(range(len(numbers)), 2):
        a, b = numbers[i], numbers[j]
        rest = [numbers[k] for k in range(len(numbers)) if k not in (i, j)]
        results = [a + b, a - b, b - a, a * b] + ([a / b] if b else []) + ([b / a] if a else [])
        for value in results:
            if brute_force_solvable(tuple(sorted([*rest, value])), target):
                return True
    return False


def solvable(hand: tuple[int, ...], target: int) -> bool:
    return brute_force_solvable(tuple(sorted(map(Fraction, hand))), Fraction(target))


def test_right_expressions_are_accepted_in_any_form():
    case = {"numbers": [4, 7, 8, 8], "target": 24}
    assert score("\\boxed{(7-8/8)*4}", case) == 1.0
    assert score("\\boxed{4*(7-8/8)}", case) == 1.0
    assert score("\\boxed{4 \\times (7 - 8 \\div 8)}", case) == 1.0
    assert score("\\boxed{4×(7−8÷8)}", case) == 1.0
    assert score("\\boxed{(7-8/8)*4 = 24}", case) == 1.0
    assert score("[answer]4*[7-8/8][/answer]", case) == 1.0
    # Fractions along the way are fine.
    assert score("\\boxed{8/(3-8/3)}", {"numbers": [3, 3, 8, 8], "target": 24}) == 1.0


def test_numbers_must_be_used_exactly_once_and_no_others():
    case = {"numbers": [1, 2, 3, 4], "target": 24}
    assert score("\\boxed{(1+2+3)*4}", case) == 1.0
    assert score("\\boxed{4*3*2*1}", case) == 1.0
    assert score("\\boxed{2*3*4}", case) == 0.0  # 1 missing
    assert score("\\boxed{4*3*2*1*1}", case) == 0.0  # 1 used twice
    assert score("\\boxed{(4+4)*3*1}", case) == 0.0  # 4 reused, 2 missing
    assert score("\\boxed{12*(4-3+1)}", case) == 0.0  # 1 and 2 joined into 12
    assert score("\\boxed{24}", case) == 0.0
    assert score("\\boxed{(1+2+3)*4+0}", case) == 0.0  # an extra number, even a neutral one
    assert score("\\boxed{(1+2+3)*4.0}", case) == 1.0  # 4.0 is the number 4
    assert score("\\boxed{(1+2)*3+4}", case) == 0.0  # the right numbers, value 13


def test_a_number_given_twice_must_be_used_twice():
    case = {"numbers": [6, 6, 2, 2], "target": 24}
    assert score("\\boxed{6*2+6*2}", case) == 1.0
    assert score("\\boxed{6*2*2}", case) == 0.0
    assert score("\\boxed{(6+6)*2}", case) == 0.0


def test_division_by_zero_unary_minus_and_other_operations_score_0():
    case = {"numbers": [1, 2, 3, 4], "target": 24}
    assert score("\\boxed{4*3*2/(1-1)}", case) == 0.0
    assert score("\\boxed{1*2*3*4/(4-4)}", case) == 0.0
    assert score("\\boxed{(1+2+3)*4/0}", case) == 0.0
    case = {"numbers": [2, 3, 4, 6], "target": 24}
    assert expression_value("-(3-6)*(2*4)") == 24
    assert score("\\boxed{-(3-6)*(2*4)}", case) == 0.0  # unary minus
    assert score("\\boxed{+(6-3)*(2*4)}", case) == 0.0  # unary plus
    assert score("\\boxed{(6-3)*(2*4)}", case) == 1.0
    assert score("\\boxed{(6-3)*2**4}", case) == 0.0
    assert score("\\boxed{(6-3)*2^4}", case) == 0.0
    assert score("\\boxed{abs(3-6)*2*4}", case) == 0.0


def test_check_rejects_junk_without_raising():
    case = {"numbers": [1, 2, 3, 4], "target": 24}
    for junk in (None, 24, ["(1+2+3)*4"], "", "()", "1+", "__import__('os')", "1" * 600):
        assert not Game24Bootcamp.check(case, junk)


def test_find_expression_agrees_with_brute_force_for_every_hand_of_1_to_9():
    hands = list(itertools.combinations_with_replacement(range(1, 10), 4))
    assert len(hands) == 495
    solved = 0
    for hand in hands:
        found = find_expression(hand, 24)
        expected = solvable(hand, 24)
        assert (found is not None) == expected, hand
        if found is not None:
            solved += 1
            assert expression_value(found) == 24
            assert sorted(expression_numbers(found)) == sorted(map(Fraction, hand))
    assert solved == 404


def test_the_well_known_count_of_solvable_card_hands():
    hands = itertools.combinations_with_replacement(range(1, 14), 4)
    assert sum(find_expression(hand, 24) is not None for hand in hands) == 1362


def test_find_expression_agrees_with_brute_force_on_five_numbers_and_other_targets():
    counts = [0, 0]
    for hand in itertools.combinations_with_replacement(range(1, 5), 5):
        for target in (24, 53, 97):
            found = find_expression(hand, target)
            assert (found is not None) == solvable(hand, target), (hand, target)
            counts[found is not None] += 1
            if found is not None:
                assert expression_value(found) == target
                assert sorted(expression_numbers(found)) == sorted(map(Fraction, hand))
    assert min(counts) > 50  # both outcomes well represented
    rng = random.Random(3)
    for _ in range(50):
        hand = tuple(sorted(rng.randint(1, 25) for _ in range(5)))
        target = rng.randint(24, 100)
        found = find_expression(hand, target)
        if found is not None:
            assert expression_value(found) == target
            assert sorted(expression_numbers(found)) == sorted(map(Fraction, hand))
    # Known hands: unsolvable and solvable.
    assert find_expression((1, 1, 1, 1), 24) is None
    assert find_expression((1, 1, 1, 1, 1), 24) is None
    assert find_expression((1, 1, 1, 1, 1, 1), 24) is None
    assert find_expression((1, 1, 1, 1, 2, 3), 24) is not None  # (1+1)*(1+1)*2*3
    assert find_expression((3, 3, 8, 8), 24) == "8/(3-8/3)"


@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_generated_cases_are_solvable_and_in_range(difficulty):
    bootcamp = Game24Bootcamp(seed=12, difficulty=difficulty)
    p = bootcamp.params
    for _ in range(100):
        case = bootcamp.generate()
        assert set(case) == {"numbers", "target"}
        assert len(case["numbers"]) == p["count"]
        assert all(p["min_number"] <= n <= p["max_number"] for n in case["numbers"])
        assert p["min_target"] <= case["target"] <= p["max_target"]
        answer = Game24Bootcamp.solve(case)
        assert Game24Bootcamp.check(case, answer)
        prompt = Game24Bootcamp.prompt(case)
        assert ", ".join(map(str, case["numbers"])) in prompt
        assert f"equal to {case['target']}." in prompt


def test_solve_raises_on_an_unsolvable_case():
    with pytest.raises(ValueError):
        Game24Bootcamp.solve({"numbers": [1, 1, 1, 1], "target": 24})


def test_impossible_parameters_raise_instead_of_looping():
    with pytest.raises(ValueError):
        Game24Bootcamp(seed=0, count=2, min_number=1, max_number=2).generate()
    with pytest.raises(ValueError):
        Game24Bootcamp(seed=0, count=9).generate()


def test_difficulty_grows_numbers_and_targets():
    presets = [Game24Bootcamp.difficulties[d] for d in ("easy", "medium", "hard")]
    assert presets[0]["max_number"] < presets[1]["max_number"] < presets[2]["max_number"]
    assert presets[2]["count"] > presets[1]["count"]
    assert presets[2]["max_target"] > 24


def test_reference_program_io():
    case = {"numbers": [4, 7, 8, 8], "target": 24}
    assert Game24Bootcamp.to_reference_input(case) == "4 24\n4 7 8 8\n"
    output = "searching...\n(7 - 8 / 8) * 4\n\n"
    assert Game24Bootcamp.from_reference_output(output) == "(7-8/8)*4"
    assert Game24Bootcamp.check(case, Game24Bootcamp.from_reference_output(output))
    assert Game24Bootcamp.from_reference_output("") is None
