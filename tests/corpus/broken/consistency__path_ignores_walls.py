"""Broken (consistency): check() walks the moves but never reads the walls, so a walk through
a wall is accepted."""

from collections import deque
from typing import Any, ClassVar

from generated_bootcamps.answers import Text
from generated_bootcamps.base import Bootcamp

# The walls are what the task is about, and solve() and the prompt use them; check() reads
# only the size, the start and the goal. Its near misses are mostly rejected (a changed or
# dropped move ends elsewhere), so soundness passes; only the read-coverage probe sees it.
EXPECTED_FAILURES = {"consistency"}

MOVES = {"U": (-1, 0), "D": (1, 0), "L": (0, -1), "R": (0, 1)}


class GridPathBootcamp(Bootcamp):
    name = "grid_path"
    description = "Walk from S to T on a grid with walls, as a string of U/D/L/R moves."
    domain = "search"
    defaults: ClassVar[dict[str, Any]] = {"size": 6, "wall_share": 0.25}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"size": 5, "wall_share": 0.2},
        "medium": {"size": 7, "wall_share": 0.25},
        "hard": {"size": 10, "wall_share": 0.3},
    }
    answer_kind = Text()

    def generate(self) -> dict[str, Any]:
        n = self.params["size"]
        while True:
            cells = [[r, c] for r in range(n) for c in range(n)]
            start, goal = self.rng.sample(cells, 2)
            walls = [
                cell
                for cell in cells
                if cell not in (start, goal) and self.rng.random() < self.params["wall_share"]
            ]
            case = {"size": n, "walls": walls, "start": start, "goal": goal}
            if _shortest(case) is not None and len(_shortest(case) or "") >= 2:
                return case

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        n, walls = case["size"], {tuple(cell) for cell in case["walls"]}
        rows = []
        for r in range(n):
            row = ""
            for c in range(n):
                if [r, c] == case["start"]:
                    row += "S"
                elif [r, c] == case["goal"]:
                    row += "T"
                else:
                    row += "#" if (r, c) in walls else "."
            rows.append(row)
        board = "\n".join(rows)
        return (
            f"On this grid ('#' is a wall, '.' is free):\n{board}\n\n"
            "Walk from S to T with moves U (up), D (down), L (left) and R (right), never leaving "
            "the grid or stepping on a wall. Any such walk is accepted; write it as one string "
            "of moves, e.g. RRDU.\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        path = _shortest(case)
        if path is None:
            raise ValueError("T cannot be reached")
        return path

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        if not isinstance(answer, str) or not answer:
            return False
        n = case["size"]
        r, c = case["start"]
        for move in answer.strip().upper():
            if move not in MOVES:
                return False
            r, c = r + MOVES[move][0], c + MOVES[move][1]
            if not (0 <= r < n and 0 <= c < n):
                return False
        return [r, c] == case["goal"]


def _shortest(case: dict[str, Any]) -> str | None:
    n, walls = case["size"], {tuple(cell) for cell in case["walls"]}
    start, goal = tuple(case["start"]), tuple(case["goal"])
    seen = {start: ""}
    queue = deque([start])
    while queue:
        r, c = queue.popleft()
        if (r, c) == goal:
            return seen[(r, c)]
        for move, (dr, dc) in MOVES.items():
            nxt = (r + dr, c + dc)
            if 0 <= nxt[0] < n and 0 <= nxt[1] < n and nxt not in walls and nxt not in seen:
                seen[nxt] = seen[(r, c)] + move
                queue.append(nxt)
    return None
