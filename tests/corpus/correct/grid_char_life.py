"""Correct: one step of Conway's Game of Life on a bounded board (Grid of "." and "#" cells)."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Grid
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES: set[str] = set()


class LifeStepBootcamp(Bootcamp):
    name = "life_step"
    description = "Apply one generation of Conway's Game of Life to a small bounded board."
    domain = "simulation"
    defaults: ClassVar[dict[str, Any]] = {"size": 7, "density": 0.4}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"size": 5, "density": 0.4},
        "medium": {"size": 7, "density": 0.4},
        "hard": {"size": 11, "density": 0.35},
    }
    answer_kind = Grid(cells="char")

    def generate(self) -> dict[str, Any]:
        size, density = self.params["size"], self.params["density"]
        board = [
            "".join("#" if self.rng.random() < density else "." for _ in range(size))
            for _ in range(size)
        ]
        return {"board": board}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        board = "\n".join(case["board"])
        return (
            "Here is a Game of Life board (# is a live cell, . is a dead cell):\n"
            f"{board}\n\n"
            "Apply one generation of Conway's rules: a live cell with 2 or 3 live neighbours "
            "stays alive, a dead cell with exactly 3 live neighbours becomes alive, every other "
            "cell is dead. Neighbours are the 8 surrounding cells; cells outside the board are "
            "dead. Write the new board with one row per line, using # and .\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> list[str]:
        board = case["board"]
        rows, cols = len(board), len(board[0])

        def alive(r: int, c: int) -> bool:
            return 0 <= r < rows and 0 <= c < cols and board[r][c] == "#"

        result = []
        for r in range(rows):
            line = ""
            for c in range(cols):
                n = sum(alive(r + dr, c + dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1))
                n -= alive(r, c)
                line += "#" if n == 3 or (n == 2 and alive(r, c)) else "."
            result.append(line)
        return result
