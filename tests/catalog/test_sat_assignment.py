"""sat_assignment: the rules-based check, the DPLL solver against brute force, the case shape."""

from __future__ import annotations

import itertools
import random

import pytest

from generated_bootcamps.sat_assignment.bootcamp import (
    SatAssignmentBootcamp,
    find_assignment,
    satisfies,
)


def all_solutions(num_vars: int, clauses: list[list[int]]) -> list[list[int]]:
    return [
        list(bits)
        for bits in itertools.product((0, 1), repeat=num_vars)
        if satisfies(list(bits), clauses)
    ]


def test_any_satisfying_assignment_is_accepted_not_just_the_solvers():
    # (x1 ∨ x2 ∨ x3) ∧ (¬x1 ∨ ¬x2 ∨ ¬x3): not all equal. Six assignments satisfy it.
    case = {"num_vars": 3, "clauses": [[1, 2, 3], [-1, -2, -3]]}
    score = SatAssignmentBootcamp.score
    accepted = [bits for bits in itertools.product((0, 1), repeat=3) if len(set(bits)) == 2]
    assert len(accepted) == 6
    for bits in accepted:
        assert score(f"\\boxed{{{list(bits)}}}", case) == 1.0
    assert score("\\boxed{[0, 0, 0]}", case) == 0.0
    assert score("\\boxed{[1, 1, 1]}", case) == 0.0
    assert SatAssignmentBootcamp.solve(case) in [list(bits) for bits in accepted]


def test_the_check_follows_the_rules():
    case = {"num_vars": 4, "clauses": [[1, -2, 3], [-1, 2, 4], [-3, -4, 2]]}
    check = SatAssignmentBootcamp.check
    assert check(case, [1, 1, 0, 0])
    assert check(case, [0, 0, 0, 0])  # every clause has a negated literal of a false variable
    assert not check(case, [1, 0, 0, 0])  # (¬x1 ∨ x2 ∨ x4) is false
    assert not check(case, [1, 1, 0])  # too short
    assert not check(case, [1, 1, 0, 0, 0])  # too long
    assert not check(case, [1, 2, 0, 0])  # 2 is not a truth value
    assert not check(case, [1, -1, 0, 0])
    assert not check(case, [True, True, False, False])  # ints only, as the answer kind gives
    for junk in (None, "1100", 1100, [[1, 1, 0, 0]], [None] * 4, {"x1": 1}, [1.0, 1, 0, 0]):
        assert not check(case, junk)
    assert SatAssignmentBootcamp.score("x1..x4 = \\boxed{1, 1, 0, 0}", case) == 1.0
    assert SatAssignmentBootcamp.score("[answer]1 1 0 0[/answer]", case) == 1.0


def test_dpll_reports_unsatisfiable_formulas():
    assert find_assignment(1, [[1], [-1]]) is None
    assert find_assignment(2, [[1, 2], [-1, 2], [1, -2], [-1, -2]]) is None
    pigeons = [[1, 2], [3, 4], [5, 6], [-1, -3], [-1, -5], [-3, -5], [-2, -4], [-2, -6], [-4, -6]]
    assert find_assignment(6, pigeons) is None  # 3 pigeons, 2 holes
    assert find_assignment(3, []) == [0, 0, 0]


def test_dpll_agrees_with_brute_force_on_random_formulas():
    rng = random.Random(7)
    seen_unsat = seen_sat = 0
    for _ in range(400):
        n = rng.randint(2, 7)
        m = rng.randint(1, 6 * n)
        clauses = []
        for _ in range(m):
            variables = rng.sample(range(1, n + 1), rng.randint(1, min(3, n)))
            clauses.append([v if rng.randrange(2) else -v for v in variables])
        found = find_assignment(n, clauses)
        solutions = all_solutions(n, clauses)
        if solutions:
            seen_sat += 1
            assert found is not None and satisfies(found, clauses), clauses
        else:
            seen_unsat += 1
            assert found is None, clauses
    assert seen_sat > 50 and seen_unsat > 50


@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_cases_are_satisfiable_well_formed_and_keep_no_planted_solution(difficulty):
    bootcamp = SatAssignmentBootcamp(seed=4, difficulty=difficulty)
    params = bootcamp.params
    n = params["num_vars"]
    for _ in range(60):
        case = bootcamp.generate()
        assert set(case) == {"num_vars", "clauses"}
        assert case["num_vars"] == n and len(case["clauses"]) == params["num_clauses"]
        keys = {tuple(clause) for clause in case["clauses"]}
        assert len(keys) == len(case["clauses"])  # no repeated clause
        for clause in case["clauses"]:
            variables = [abs(lit) for lit in clause]
            assert len(set(variables)) == len(clause) == params["clause_size"]
            assert all(1 <= v <= n for v in variables)
        assert not satisfies([0] * n, case["clauses"])
        assert not satisfies([1] * n, case["clauses"])
        answer = SatAssignmentBootcamp.solve(case)
        assert satisfies(answer, case["clauses"])
        for clause in case["clauses"]:
            assert "(" + " ∨ ".join(
                f"x{lit}" if lit > 0 else f"¬x{-lit}" for lit in clause
            ) + ")" in SatAssignmentBootcamp.prompt(case)


def test_flipping_one_variable_scores_exactly_when_the_rules_say_so():
    bootcamp = SatAssignmentBootcamp(seed=5, difficulty="easy")
    accepted_flips = rejected_flips = 0
    for _ in range(100):
        case = bootcamp.generate()
        answer = SatAssignmentBootcamp.solve(case)
        solutions = all_solutions(case["num_vars"], case["clauses"])
        for index in range(case["num_vars"]):
            flipped = list(answer)
            flipped[index] = 1 - flipped[index]
            score = SatAssignmentBootcamp.score(SatAssignmentBootcamp.format_answer(flipped), case)
            assert score == (1.0 if flipped in solutions else 0.0)
            accepted_flips += flipped in solutions
            rejected_flips += flipped not in solutions
    assert rejected_flips > 4 * accepted_flips  # most single flips break a clause


def test_difficulty_grows_the_formula():
    sizes = [
        (SatAssignmentBootcamp.difficulties[d]["num_vars"], SatAssignmentBootcamp.difficulties[d])
        for d in ("easy", "medium", "hard")
    ]
    assert sizes[0][0] < sizes[1][0] < sizes[2][0]
    ratios = [preset["num_clauses"] / n for n, preset in sizes]
    assert all(3.5 <= ratio <= 4.5 for ratio in ratios)  # a similar density at every size


def test_parameters_that_admit_no_case_raise_instead_of_looping():
    for params in ({"num_vars": 1, "num_clauses": 3, "clause_size": 1}, {"num_clauses": 1}):
        with pytest.raises(ValueError):
            SatAssignmentBootcamp(seed=0, **params).generate()
    with pytest.raises(ValueError):
        SatAssignmentBootcamp(seed=0, num_vars=3, num_clauses=8, clause_size=3).generate()
    small = SatAssignmentBootcamp(seed=0, num_vars=3, num_clauses=7, clause_size=3).generate()
    assert len(small["clauses"]) == 7  # every clause the planted assignment satisfies
