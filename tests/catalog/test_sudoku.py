"""sudoku: a known 9×9 solution, several completions accepted, the rules check, generation."""

from __future__ import annotations

import random

import pytest

from generated_bootcamps.sudoku.bootcamp import (
    SudokuBootcamp,
    full_grid,
    is_valid_completion,
    solve_grid,
)

WIKIPEDIA_PUZZLE = [
    "53..7....",
    "6..195...",
    ".98....6.",
    "8...6...3",
    "4..8.3..1",
    "7...2...6",
    ".6....28.",
    "...419..5",
    "....8..79",
]
WIKIPEDIA_SOLUTION = [
    "534678912",
    "672195348",
    "198342567",
    "859761423",
    "426853791",
    "713924856",
    "961537284",
    "287419635",
    "345286179",
]


def to_grid(rows: list[str]) -> list[list[int]]:
    return [[0 if char == "." else int(char) for char in row] for row in rows]


def test_the_wikipedia_puzzle_is_solved():
    case = {"box_rows": 3, "box_cols": 3, "puzzle": to_grid(WIKIPEDIA_PUZZLE)}
    solution = to_grid(WIKIPEDIA_SOLUTION)
    assert SudokuBootcamp.solve(case) == solution
    written = "\n".join(" ".join(map(str, row)) for row in solution)
    assert SudokuBootcamp.score(f"Done.\n[answer]\n{written}\n[/answer]", case) == 1.0
    wrong = [list(row) for row in solution]
    wrong[0][2], wrong[0][3] = wrong[0][3], wrong[0][2]  # two free cells of a row swapped
    assert SudokuBootcamp.check(case, solution)
    assert not SudokuBootcamp.check(case, wrong)


# Two valid 4×4 grids that differ only in the last two rows (swapped inside their band).
GRID_A = [[1, 2, 3, 4], [3, 4, 1, 2], [2, 1, 4, 3], [4, 3, 2, 1]]
GRID_B = [[1, 2, 3, 4], [3, 4, 1, 2], [4, 3, 2, 1], [2, 1, 4, 3]]


def test_every_valid_completion_of_an_ambiguous_puzzle_is_accepted():
    puzzle = [list(GRID_A[0]), list(GRID_A[1]), [0] * 4, [0] * 4]
    case = {"box_rows": 2, "box_cols": 2, "puzzle": puzzle}
    assert is_valid_completion(puzzle, 2, 2, GRID_A)
    assert is_valid_completion(puzzle, 2, 2, GRID_B)
    for grid in (GRID_A, GRID_B):
        response = "[answer]" + "\n".join(" ".join(map(str, row)) for row in grid) + "[/answer]"
        assert SudokuBootcamp.score(response, case) == 1.0
    assert SudokuBootcamp.solve(case) in (GRID_A, GRID_B)
    # A valid grid that does not keep the givens is rejected.
    relabelled = [[{1: 2, 2: 1, 3: 3, 4: 4}[cell] for cell in row] for row in GRID_A]
    assert is_valid_completion([[0] * 4 for _ in range(4)], 2, 2, relabelled)
    assert not SudokuBootcamp.check(case, relabelled)


def test_the_check_enforces_rows_columns_boxes_and_shape():
    empty = {"box_rows": 2, "box_cols": 2, "puzzle": [[0] * 4 for _ in range(4)]}
    check = SudokuBootcamp.check
    assert check(empty, GRID_A)
    latin_square = [[1, 2, 3, 4], [2, 3, 4, 1], [3, 4, 1, 2], [4, 1, 2, 3]]  # boxes repeat
    assert not check(empty, latin_square)
    repeated_column = [[1, 2, 3, 4], [1, 2, 3, 4], [3, 4, 1, 2], [3, 4, 1, 2]]
    assert not check(empty, repeated_column)
    with_zero = [list(row) for row in GRID_A]
    with_zero[3][3] = 0
    assert not check(empty, with_zero)
    out_of_range = [[cell + 4 for cell in row] for row in GRID_A]
    assert not check(empty, out_of_range)
    for junk in (None, "1234", [], GRID_A[:3], [row[:3] for row in GRID_A], [[True] * 4] * 4):
        assert not check(empty, junk)
    assert not check(empty, [[str(cell) for cell in row] for row in GRID_A])
    # 2×3 boxes are not 3×2 boxes.
    six = full_grid(random.Random(0), 2, 3)
    assert is_valid_completion([[0] * 6 for _ in range(6)], 2, 3, six)
    assert not is_valid_completion([[0] * 6 for _ in range(6)], 3, 2, six)


def test_answers_are_read_in_the_usual_grid_layouts():
    case = {"box_rows": 2, "box_cols": 2, "puzzle": [list(GRID_A[0])] + [[0] * 4] * 3}
    score = SudokuBootcamp.score
    assert score("[answer]1,2,3,4\n3,4,1,2\n2,1,4,3\n4,3,2,1[/answer]", case) == 1.0
    assert score("[answer][[1,2,3,4],[3,4,1,2],[2,1,4,3],[4,3,2,1]][/answer]", case) == 1.0
    assert score("[answer]1 2 3 4\n3 4 1 2\n2 1 4 3[/answer]", case) == 0.0


@pytest.mark.parametrize(("box_rows", "box_cols"), [(2, 2), (2, 3), (3, 2), (3, 3), (2, 4)])
def test_full_grids_are_valid_and_varied(box_rows, box_cols):
    rng = random.Random(box_rows * 10 + box_cols)
    n = box_rows * box_cols
    grids = [full_grid(rng, box_rows, box_cols) for _ in range(50)]
    for grid in grids:
        assert is_valid_completion([[0] * n for _ in range(n)], box_rows, box_cols, grid)
    assert len({str(grid) for grid in grids}) > 40


def test_solve_grid_reports_contradictions():
    puzzle = [[1, 1, 0, 0], [0] * 4, [0] * 4, [0] * 4]
    assert solve_grid(puzzle, 2, 2) is None
    # Consistent givens, but no completion: the last cell of row 0 can only be 4, yet column 3
    # already holds a 4.
    puzzle = [[1, 2, 3, 0], [0, 0, 0, 4], [0] * 4, [0] * 4]
    assert solve_grid(puzzle, 2, 2) is None


@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_generated_puzzles_have_the_requested_givens_and_a_solution(difficulty):
    bootcamp = SudokuBootcamp(seed=3, difficulty=difficulty)
    params = bootcamp.params
    n = params["box_rows"] * params["box_cols"]
    for _ in range(30):
        case = bootcamp.generate()
        assert set(case) == {"box_rows", "box_cols", "puzzle"}
        puzzle = case["puzzle"]
        assert len(puzzle) == n and all(len(row) == n for row in puzzle)
        assert sum(cell != 0 for row in puzzle for cell in row) == params["givens"]
        assert all(0 <= cell <= n for row in puzzle for cell in row)
        solution = SudokuBootcamp.solve(case)
        assert is_valid_completion(puzzle, case["box_rows"], case["box_cols"], solution)
        prompt = SudokuBootcamp.prompt(case)
        for row in puzzle:
            assert " ".join(str(cell) if cell else "." for cell in row) in prompt


def test_difficulty_grows_the_grid_and_the_share_of_empty_cells():
    presets = [SudokuBootcamp.difficulties[d] for d in ("easy", "medium", "hard")]
    sizes = [(p["box_rows"] * p["box_cols"]) ** 2 for p in presets]
    empty_share = [1 - p["givens"] / size for p, size in zip(presets, sizes, strict=True)]
    assert sizes == [16, 36, 81]
    assert empty_share[0] <= empty_share[1] < empty_share[2]


def test_impossible_parameters_raise():
    for params in ({"givens": 36}, {"givens": -1}, {"box_rows": 4, "box_cols": 3}, {"box_rows": 0}):
        with pytest.raises(ValueError):
            SudokuBootcamp(seed=0, **params).generate()
