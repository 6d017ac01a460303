"""knapsack: known optima, a brute-force cross-check of the DP, the case shape and the stdin."""

from __future__ import annotations

import itertools

import pytest

from generated_bootcamps.knapsack.bootcamp import KnapsackBootcamp, best_value


def brute_force(capacity: int, weights: list[int], values: list[int]) -> int:
    best = 0
    for chosen in itertools.product((0, 1), repeat=len(weights)):
        weight = sum(w for w, take in zip(weights, chosen, strict=True) if take)
        if weight <= capacity:
            best = max(best, sum(v for v, take in zip(values, chosen, strict=True) if take))
    return best


def test_the_textbook_example_where_greedy_by_ratio_fails():
    # Ratios 6, 5, 4: greedy takes items 1 and 2 (value 160); the optimum is items 2 and 3.
    case = {"capacity": 50, "weights": [10, 20, 30], "values": [60, 100, 120]}
    assert KnapsackBootcamp.solve(case) == 220
    assert KnapsackBootcamp.score("The best is items 2 and 3: \\boxed{220}", case) == 1.0
    assert KnapsackBootcamp.score("\\boxed{160}", case) == 0.0
    assert KnapsackBootcamp.score("\\boxed{221}", case) == 0.0
    assert KnapsackBootcamp.score("\\boxed{219}", case) == 0.0


def test_small_known_optima():
    assert best_value(0, [1, 2], [5, 6]) == 0
    assert best_value(3, [4, 5], [10, 20]) == 0  # nothing fits
    assert best_value(9, [4, 5], [10, 20]) == 30  # everything fits
    assert best_value(5, [5, 5], [7, 9]) == 9  # each item at most once
    assert best_value(10, [5, 4, 6, 3], [10, 40, 30, 50]) == 90


@pytest.mark.parametrize("difficulty", ["easy", "medium"])
def test_solve_agrees_with_brute_force(difficulty):
    bootcamp = KnapsackBootcamp(seed=3, difficulty=difficulty)
    for _ in range(150):
        case = bootcamp.generate()
        expected = brute_force(case["capacity"], case["weights"], case["values"])
        assert KnapsackBootcamp.solve(case) == expected, case


def test_solve_agrees_with_brute_force_on_a_few_hard_cases():
    bootcamp = KnapsackBootcamp(seed=4, difficulty="hard")
    for _ in range(3):
        case = bootcamp.generate()
        expected = brute_force(case["capacity"], case["weights"], case["values"])
        assert KnapsackBootcamp.solve(case) == expected


@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_cases_respect_the_parameters_and_are_neither_empty_nor_trivial(difficulty):
    bootcamp = KnapsackBootcamp(seed=5, difficulty=difficulty)
    params = bootcamp.params
    for _ in range(200):
        case = bootcamp.generate()
        assert set(case) == {"capacity", "weights", "values"}
        assert len(case["weights"]) == len(case["values"]) == params["num_items"]
        assert all(1 <= w <= params["max_weight"] for w in case["weights"])
        assert all(1 <= v <= params["max_value"] for v in case["values"])
        assert min(case["weights"]) <= case["capacity"] < sum(case["weights"])
        assert KnapsackBootcamp.solve(case) > 0


def test_difficulty_grows_the_instance():
    sizes = [KnapsackBootcamp.difficulties[d]["num_items"] for d in ("easy", "medium", "hard")]
    assert sizes[0] < sizes[1] < sizes[2]


def test_the_prompt_shows_every_item_and_the_capacity():
    case = {"capacity": 17, "weights": [3, 11, 8], "values": [41, 29, 35]}
    prompt = KnapsackBootcamp.prompt(case)
    for text in (
        "capacity of 17",
        "weight 3, value 41",
        "weight 11, value 29",
        "weight 8, value 35",
    ):
        assert text in prompt
    assert "\\boxed{" in prompt


def test_to_reference_input_encodes_the_whole_case():
    bootcamp = KnapsackBootcamp(seed=6, difficulty="easy")
    for _ in range(50):
        case = bootcamp.generate()
        lines = KnapsackBootcamp.to_reference_input(case).splitlines()
        n, capacity = map(int, lines[0].split())
        items = [tuple(map(int, line.split())) for line in lines[1:]]
        assert n == len(items) == len(case["weights"]) and capacity == case["capacity"]
        values = [v for v, _ in items]
        weights = [w for _, w in items]
        assert values == case["values"] and weights == case["weights"]
        assert brute_force(capacity, weights, values) == KnapsackBootcamp.solve(case)
    assert KnapsackBootcamp.to_reference_input(
        {"capacity": 50, "weights": [10, 20], "values": [60, 100]}
    ) == ("2 50\n60 10\n100 20\n")


def test_thousands_separators_and_surrounding_text_are_read():
    case = {"capacity": 3000, "weights": [1000, 2000, 3000], "values": [600, 1000, 1500]}
    assert KnapsackBootcamp.solve(case) == 1600
    assert KnapsackBootcamp.score("So the answer is \\boxed{1,600}.", case) == 1.0
    assert KnapsackBootcamp.score("[answer] 1600 [/answer]", case) == 1.0
    assert KnapsackBootcamp.score("\\boxed{1600.5}", case) == 0.0


def test_impossible_parameters_raise():
    for params in ({"num_items": 0}, {"max_weight": 0}, {"max_value": 0}):
        with pytest.raises(ValueError):
            KnapsackBootcamp(seed=0, **params).generate()
