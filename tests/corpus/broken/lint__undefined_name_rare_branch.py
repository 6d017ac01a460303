"""Broken (lint): an undefined name (`log`, ruff F821) in a fallback branch that never runs."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# The module imports and every case works: the branch with `log` runs only when 200 random grids
# in a row have no path, which does not happen. Only ruff sees the bug.
EXPECTED_FAILURES = {"lint"}


def count_paths(grid: list[str]) -> int:
    """Monotone paths (right/down) from the top-left to the bottom-right, avoiding '#' cells."""
    rows, cols = len(grid), len(grid[0])
    ways = [[0] * cols for _ in range(rows)]
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] == "#":
                continue
            if r == 0 and c == 0:
                ways[r][c] = 1
            else:
                ways[r][c] = (ways[r - 1][c] if r else 0) + (ways[r][c - 1] if c else 0)
    return ways[-1][-1]


class GridPathsBootcamp(Bootcamp):
    name = "grid_paths_blocked"
    description = "Count the right/down paths through a grid with blocked cells."
    domain = "combinatorics"
    defaults: ClassVar[dict[str, Any]] = {"size": 6, "block_prob": 0.25}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"size": 5, "block_prob": 0.25},
        "medium": {"size": 6, "block_prob": 0.25},
        "hard": {"size": 9, "block_prob": 0.25},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        size, prob = self.params["size"], self.params["block_prob"]
        for _ in range(200):
            cells = [
                ["#" if self.rng.random() < prob else "." for _ in range(size)] for _ in range(size)
            ]
            cells[0][0] = cells[-1][-1] = "."
            grid = ["".join(row) for row in cells]
            if count_paths(grid) > 0:
                return {"grid": grid}
        log.warning("no grid with a path after 200 attempts; using an empty grid")
        return {"grid": ["." * size] * size}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        grid = "\n".join(case["grid"])
        return (
            f"In this grid, '.' is an open cell and '#' is blocked:\n{grid}\n\n"
            "How many paths go from the top-left cell to the bottom-right cell moving only right "
            "or down, never entering a blocked cell?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return count_paths(case["grid"])
