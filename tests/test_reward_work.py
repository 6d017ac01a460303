"""The work of a reward call is bounded: a ground truth far beyond the sizes its bootcamp
generates is refused before anything is solved (a knapsack of capacity 10**7 took 1.6 s per
call), and the n samples of one prompt (GRPO) cost one solve(), not n: a per-process cache keyed
by the case's canonical JSON, bounded, that hands out copies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import generated_bootcamps
from generated_bootcamps import catalog, reward
from generated_bootcamps.knapsack.bootcamp import best_value
from generated_bootcamps.reward import compute_score, score_batch


@pytest.fixture
def knapsack_solves(monkeypatch):
    """The cases knapsack's solve() is called with, in order (as canonical JSON)."""
    cls = generated_bootcamps.get("knapsack")
    original = cls.__dict__["solve"].__func__
    calls: list[str] = []

    def counting_solve(bootcamp, case):
        calls.append(json.dumps(case, sort_keys=True))
        return original(bootcamp, case)

    monkeypatch.setattr(cls, "solve", classmethod(counting_solve))
    return calls


def knapsack_case(seed):
    """A hard knapsack case and its best value (computed without calling solve())."""
    case = generated_bootcamps.get("knapsack")(seed=seed, difficulty="hard").generate()
    return case, best_value(case["capacity"], case["weights"], case["values"])


def test_the_samples_of_one_prompt_cost_one_solve(knapsack_solves):
    case, best = knapsack_case(seed=424_242)
    forms = [
        case,
        json.dumps(case),
        json.dumps(dict(reversed(case.items())), indent=2),  # another key order and layout
    ]
    scores = [
        compute_score("knapsack", f"\\boxed{{{answer}}}", forms[index % len(forms)])
        for index, answer in enumerate([best + 1, best - 1, 0, best, 7, best + 2, best, 3])
    ]
    assert scores == [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0]
    assert len(knapsack_solves) == 1


def test_score_batch_solves_each_case_once(knapsack_solves):
    cases = [knapsack_case(seed=525_000 + index) for index in range(5)]
    sources, responses, truths, expected = [], [], [], []
    for case, best in cases:
        for answer in range(best - 3, best + 5):  # 8 samples, one of them right
            sources.append("knapsack")
            responses.append(f"The answer is \\boxed{{{answer}}}.")
            truths.append(json.dumps(case))
            expected.append(1.0 if answer == best else 0.0)
    assert score_batch(sources, responses, truths, workers=1) == expected
    assert len(knapsack_solves) == len(cases)


def test_a_case_solve_cannot_solve_is_refused_on_every_call():
    broken = {"capacity": 5, "weights": [-3, 1], "values": [1, 2]}
    for _ in range(3):
        with pytest.raises(ValueError, match=r"solve\(\) failed"):
            compute_score("knapsack", "\\boxed{2}", broken)


def test_a_check_that_edits_its_reference_answer_edits_no_cache(monkeypatch):
    """check() gets a copy of the cached answer: editing it changes no later score."""
    cls = generated_bootcamps.get("sudoku")

    def editing_check(bootcamp, case, answer):
        expected = bootcamp.solve(case)
        right = answer == expected
        expected[0][0] = -1  # a careless check that edits what solve() gave it
        return right

    monkeypatch.setattr(cls, "check", classmethod(editing_check))
    case = cls(seed=626_262, difficulty="medium").generate()
    right = cls.format_answer(cls.solve(case))
    assert [compute_score("sudoku", right, case) for _ in range(3)] == [1.0, 1.0, 1.0]


def test_the_solve_cache_keeps_the_last_entries_only(knapsack_solves, monkeypatch):
    monkeypatch.setattr(reward, "_solutions", reward.BoundedCache(entries=2, chars=10**6))
    cases = [knapsack_case(seed=727_000 + index)[0] for index in range(3)]
    for case in [*cases, cases[2], cases[0]]:  # the first case was dropped for the third
        compute_score("knapsack", "\\boxed{1}", case)
    assert len(knapsack_solves) == 4
    assert knapsack_solves[3] == json.dumps(cases[0], sort_keys=True)
    assert len(reward._solutions) == 2


def test_a_bounded_cache_drops_the_least_recently_used_by_count_and_by_size():
    cache = reward.BoundedCache(entries=3, chars=10)
    for key in "abc":
        cache.put(key, key.upper(), size=2)
    assert cache.get("a") == "A"  # "a" is now the most recently used
    cache.put("d", "D", size=2)
    assert cache.get("b") is None and [cache.get(key) for key in "acd"] == ["A", "C", "D"]
    cache.put("e", "E", size=7)  # 2 + 2 + 2 + 7 > 10: the oldest go until it fits
    assert len(cache) == 2 and cache.get("e") == "E" and cache.get("d") == "D"
    cache.put("f", "F", size=11)  # larger than the whole cache: not kept
    assert cache.get("f") is None and len(cache) == 2


# -- bounds ------------------------------------------------------------------------------------


@pytest.fixture
def knapsack_solve_stub(monkeypatch):
    """knapsack's solve() replaced by one that records its cases and answers 0."""
    cls = generated_bootcamps.get("knapsack")
    calls = []

    def counting_solve(bootcamp, case):
        calls.append(case)
        return 0

    monkeypatch.setattr(cls, "solve", classmethod(counting_solve))
    return calls


def test_a_ground_truth_far_beyond_the_generated_sizes_is_refused_before_solving(
    knapsack_solve_stub,
):
    huge = {"capacity": 10**7, "weights": [3, 5, 7], "values": [4, 6, 8]}
    for ground_truth in (huge, json.dumps(huge)):
        with pytest.raises(ValueError, match=r"capacity = 10000000 \(generated: \|value\| <="):
            compute_score("knapsack", "\\boxed{1}", ground_truth)
    assert knapsack_solve_stub == []


def test_many_items_or_a_big_grid_are_refused_too():
    sudoku = generated_bootcamps.get("sudoku")(seed=1, difficulty="hard").generate()
    big_grid = {**sudoku, "puzzle": [row * 3 for row in sudoku["puzzle"] * 3]}
    with pytest.raises(ValueError, match="puzzle has length 27"):
        compute_score("sudoku", "[answer]1[/answer]", big_grid)
    out_of_range = {**sudoku, "puzzle": [[99] * 9, *sudoku["puzzle"][1:]]}
    with pytest.raises(ValueError, match=r"puzzle\[\]\[\] = 99"):
        compute_score("sudoku", "[answer]1[/answer]", out_of_range)
    sat = generated_bootcamps.get("sat_assignment")(seed=1, difficulty="hard").generate()
    with pytest.raises(ValueError, match="clauses has length 8500"):
        compute_score("sat_assignment", "\\boxed{[1]}", {**sat, "clauses": sat["clauses"] * 100})


def test_the_bounds_can_be_widened_or_turned_off(monkeypatch):
    big = {"capacity": 5000, "weights": [3000, 2500, 4000], "values": [4, 6, 8]}
    with pytest.raises(ValueError, match="CAMPFORGE_REWARD_CASE_BOUNDS to a larger factor"):
        compute_score("knapsack", "\\boxed{8}", big)
    for setting in ("100", "off"):
        monkeypatch.setenv("CAMPFORGE_REWARD_CASE_BOUNDS", setting)
        assert compute_score("knapsack", "\\boxed{8}", big) == 1.0
    for setting in ("0.5", "lots"):
        monkeypatch.setenv("CAMPFORGE_REWARD_CASE_BOUNDS", setting)
        with pytest.raises(ValueError, match=f"CAMPFORGE_REWARD_CASE_BOUNDS='{setting}'"):
            compute_score("knapsack", "\\boxed{8}", big)


def test_nulls_another_bootcamp_leaves_in_a_merged_dataset_are_accepted():
    """A datasets table of several bootcamps has every row carry every bootcamp's fields,
    null where the row has none."""
    cls = generated_bootcamps.get("knapsack")
    case = cls(seed=3, difficulty="medium").generate()
    merged = {**case, "puzzle": None, "numbers": None, "box_rows": None}
    assert compute_score("knapsack", cls.format_answer(cls.solve(case)), merged) == 1.0
    with pytest.raises(ValueError, match="key 'numbers' appears in no generated case"):
        compute_score("knapsack", "\\boxed{1}", {**case, "numbers": [1, 2]})


# -- the catalog look-up ----------------------------------------------------------------------


def test_a_change_to_the_catalog_is_seen_by_the_next_call(tmp_path, monkeypatch):
    """The bootcamp class is looked up once per version of the catalog index, not per call."""
    source = Path(generated_bootcamps.__file__).parent / "knapsack" / "bootcamp.py"
    (tmp_path / "knapsack").mkdir()
    shutil.copy(source, tmp_path / "knapsack" / "bootcamp.py")
    index = {"knapsack": catalog.entry("knapsack")}
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(tmp_path))
    catalog.write_index(index, tmp_path)
    case, best = knapsack_case(seed=5)
    assert compute_score("knapsack", f"\\boxed{{{best}}}", case) == 1.0
    catalog.write_index({}, tmp_path)
    with pytest.raises(ValueError, match="unknown bootcamp 'knapsack'"):
        compute_score("knapsack", f"\\boxed{{{best}}}", case)
    catalog.write_index(index, tmp_path)
    assert compute_score("knapsack", f"\\boxed{{{best}}}", case) == 1.0
    monkeypatch.delenv("CAMPFORGE_CATALOG")
    sudoku = generated_bootcamps.load("sudoku", seed=1).generate()  # the package's catalog again
    assert compute_score("sudoku", "no answer", sudoku) == 0.0
