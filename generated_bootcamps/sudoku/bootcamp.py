"""Sudoku: complete a partially filled grid so that every row, column and box holds 1..N once.

The grid is N×N with N = box_rows × box_cols, divided into boxes of box_rows rows × box_cols
columns: 4×4 with 2×2 boxes, 6×6 with 2×3 boxes, 9×9 with 3×3 boxes.

Generation: a full valid grid from the standard pattern (row r, column c holds
(box_cols·(r mod box_rows) + r div box_rows + c) mod N, plus one), shuffled by validity-preserving
moves (bands, rows within a band, stacks, columns within a stack, digit relabelling, and a
transpose when boxes are square); then a random set of `givens` cells is kept. The puzzle is not
required to have a unique solution: the answer is checked against the rules (a full grid of the
right size, every row, column and box a permutation of 1..N, every given kept), so any valid
completion scores, and `solve` finds one by backtracking (fewest candidates first).

Case: `{"box_rows": 2, "box_cols": 3, "puzzle": [[0, 3, ...], ...]}`, 0 marking an empty cell.

Difficulty: 4×4 (easy), 6×6 (medium), 9×9 with about a third of the cells given (hard).
"""

from __future__ import annotations

from typing import Any, ClassVar

from generated_bootcamps.answers import Grid
from generated_bootcamps.base import Bootcamp


def full_grid(rng: Any, box_rows: int, box_cols: int) -> list[list[int]]:
    """A random complete Sudoku grid (values 1..N) drawn with `rng`."""
    n = box_rows * box_cols
    # Bands are groups of box_rows rows (there are box_cols of them); stacks are groups of
    # box_cols columns (there are box_rows of them).
    bands = rng.sample(range(box_cols), box_cols)
    rows = [band * box_rows + r for band in bands for r in rng.sample(range(box_rows), box_rows)]
    stacks = rng.sample(range(box_rows), box_rows)
    cols = [stack * box_cols + c for stack in stacks for c in rng.sample(range(box_cols), box_cols)]
    digits = rng.sample(range(1, n + 1), n)
    grid = [
        [digits[(box_cols * (r % box_rows) + r // box_rows + c) % n] for c in cols] for r in rows
    ]
    if box_rows == box_cols and rng.randrange(2):
        grid = [list(column) for column in zip(*grid, strict=True)]
    return grid


def is_valid_completion(puzzle: list[list[int]], box_rows: int, box_cols: int, answer: Any) -> bool:
    """Whether `answer` is a complete grid obeying the rules that keeps every given of `puzzle`."""
    n = box_rows * box_cols
    if not isinstance(answer, list) or len(answer) != n:
        return False
    if not all(isinstance(row, list) and len(row) == n for row in answer):
        return False
    digits = set(range(1, n + 1))
    if not all(type(cell) is int and cell in digits for row in answer for cell in row):
        return False
    for r in range(n):
        for c in range(n):
            if puzzle[r][c] != 0 and answer[r][c] != puzzle[r][c]:
                return False
    if any(set(row) != digits for row in answer):
        return False
    if any({answer[r][c] for r in range(n)} != digits for c in range(n)):
        return False
    return all(
        {answer[r][c] for r in range(top, top + box_rows) for c in range(left, left + box_cols)}
        == digits
        for top in range(0, n, box_rows)
        for left in range(0, n, box_cols)
    )


def solve_grid(puzzle: list[list[int]], box_rows: int, box_cols: int) -> list[list[int]] | None:
    """One completion of `puzzle` by backtracking (most constrained cell first), or None."""
    n = box_rows * box_cols
    full = (1 << (n + 1)) - 2  # bits 1..n
    grid = [list(row) for row in puzzle]
    row_used, col_used, box_used = [0] * n, [0] * n, [0] * n

    def box(r: int, c: int) -> int:
        return (r // box_rows) * box_rows + c // box_cols

    empty = []
    for r in range(n):
        for c in range(n):
            value = grid[r][c]
            if value == 0:
                empty.append((r, c))
                continue
            bit = 1 << value
            if row_used[r] & bit or col_used[c] & bit or box_used[box(r, c)] & bit:
                return None  # the givens already break a rule
            row_used[r] |= bit
            col_used[c] |= bit
            box_used[box(r, c)] |= bit

    def search() -> bool:
        if not empty:
            return True
        best_index, best_options, best_count = -1, 0, n + 1
        for index, (r, c) in enumerate(empty):
            options = full & ~(row_used[r] | col_used[c] | box_used[box(r, c)])
            count = options.bit_count()
            if count < best_count:
                best_index, best_options, best_count = index, options, count
                if count <= 1:
                    break
        if best_count == 0:
            return False
        r, c = empty.pop(best_index)
        b = box(r, c)
        for value in range(1, n + 1):
            bit = 1 << value
            if best_options & bit:
                grid[r][c] = value
                row_used[r] |= bit
                col_used[c] |= bit
                box_used[b] |= bit
                if search():
                    return True
                row_used[r] &= ~bit
                col_used[c] &= ~bit
                box_used[b] &= ~bit
        grid[r][c] = 0
        empty.insert(best_index, (r, c))
        return False

    return grid if search() else None


class SudokuBootcamp(Bootcamp):
    """Sudoku of size 4, 6 or 9, checked by the rules."""

    name = "sudoku"
    description = "Complete a Sudoku grid (4×4, 6×6 or 9×9) so every row, column and box is valid."
    domain = "puzzles"
    defaults: ClassVar[dict[str, Any]] = {"box_rows": 2, "box_cols": 3, "givens": 18}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"box_rows": 2, "box_cols": 2, "givens": 8},
        "medium": {"box_rows": 2, "box_cols": 3, "givens": 18},
        "hard": {"box_rows": 3, "box_cols": 3, "givens": 28},
    }
    answer_kind = Grid(cells="int")

    def generate(self) -> dict[str, Any]:
        box_rows, box_cols = self.params["box_rows"], self.params["box_cols"]
        n = box_rows * box_cols
        if box_rows < 1 or box_cols < 1 or n < 2 or n > 9:
            raise ValueError("sudoku: need box sizes >= 1 with 2 <= box_rows * box_cols <= 9")
        if not 0 <= self.params["givens"] < n * n:
            raise ValueError("sudoku: givens must be in [0, N*N)")
        grid = full_grid(self.rng, box_rows, box_cols)
        kept = set(self.rng.sample(range(n * n), self.params["givens"]))
        puzzle = [[grid[r][c] if r * n + c in kept else 0 for c in range(n)] for r in range(n)]
        return {"box_rows": box_rows, "box_cols": box_cols, "puzzle": puzzle}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        box_rows, box_cols = case["box_rows"], case["box_cols"]
        n = box_rows * box_cols
        rows = "\n".join(
            " ".join(str(cell) if cell else "." for cell in row) for row in case["puzzle"]
        )
        return (
            f"Solve this {n}×{n} Sudoku. The grid is divided into {n} boxes of {box_rows} rows × "
            f"{box_cols} columns (boxes start at the top-left corner). Fill every empty cell "
            f"(shown as .) with a digit from 1 to {n} so that every row, every column and every "
            f"box contains each of the digits 1 to {n} exactly once. The given digits must stay "
            "as they are. If several completions are possible, any one of them is accepted.\n\n"
            f"{rows}\n\n"
            f"Give the completed grid: {n} lines, each with the {n} digits of one row separated "
            "by spaces.\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> list[list[int]]:
        grid = solve_grid(case["puzzle"], case["box_rows"], case["box_cols"])
        if grid is None:
            raise ValueError("sudoku: the puzzle has no solution")
        return grid

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        return is_valid_completion(case["puzzle"], case["box_rows"], case["box_cols"], answer)
