"""Correct: colour a bipartite graph's vertices 1 or 2 so every edge joins different colours
(IntList, many valid answers, checked by rules; the spec's C++ reference solution prints another
valid colouring than solve, and its C++ reference checker judges check's verdicts)."""

from collections import deque
from typing import Any, ClassVar

from generated_bootcamps.answers import IntList
from generated_bootcamps.base import Bootcamp

EXPECTED_FAILURES: set[str] = set()


class TwoColoringBootcamp(Bootcamp):
    name = "graph_two_coloring"
    description = "Colour the vertices of a bipartite graph 1 or 2 so no edge joins equal colours."
    domain = "graphs"
    defaults: ClassVar[dict[str, Any]] = {"min_nodes": 6, "max_nodes": 10, "edge_prob": 0.35}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"min_nodes": 4, "max_nodes": 6, "edge_prob": 0.5},
        "medium": {"min_nodes": 7, "max_nodes": 12, "edge_prob": 0.35},
        "hard": {"min_nodes": 15, "max_nodes": 30, "edge_prob": 0.2},
    }
    answer_kind = IntList()

    def generate(self) -> dict[str, Any]:
        p = self.params
        n = self.rng.randint(p["min_nodes"], p["max_nodes"])
        side = [0, 1] + [self.rng.randint(0, 1) for _ in range(n - 2)]
        self.rng.shuffle(side)
        edges = [
            [u + 1, v + 1]
            for u in range(n)
            for v in range(u + 1, n)
            if side[u] != side[v] and self.rng.random() < p["edge_prob"]
        ]
        if not edges:  # at least one edge, between the first vertex of each side
            edges.append(sorted([side.index(0) + 1, side.index(1) + 1]))
        self.rng.shuffle(edges)
        return {"n": n, "edges": edges}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        edges = "\n".join(f"{u} {v}" for u, v in case["edges"])
        return (
            f"An undirected bipartite graph has {case['n']} vertices, numbered 1 to {case['n']}, "
            f"and these {len(case['edges'])} edges:\n{edges}\n\n"
            "Give every vertex the colour 1 or 2 so that the two ends of every edge have "
            "different colours. Answer with the colours of vertices 1, 2, ..., n in order. Any "
            "valid colouring is accepted.\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> list[int]:
        n = case["n"]
        neighbours: list[list[int]] = [[] for _ in range(n + 1)]
        for u, v in case["edges"]:
            neighbours[u].append(v)
            neighbours[v].append(u)
        colour = [0] * (n + 1)
        for start in range(1, n + 1):  # each component: its smallest vertex gets colour 1
            if colour[start]:
                continue
            colour[start] = 1
            queue = deque([start])
            while queue:
                u = queue.popleft()
                for v in neighbours[u]:
                    if not colour[v]:
                        colour[v] = 3 - colour[u]
                        queue.append(v)
                    elif colour[v] == colour[u]:
                        raise ValueError("the graph is not bipartite")
        return colour[1:]

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        if not isinstance(answer, list) or len(answer) != case["n"]:
            return False
        if any(type(c) is not int or c not in (1, 2) for c in answer):
            return False
        return all(answer[u - 1] != answer[v - 1] for u, v in case["edges"])

    @classmethod
    def to_reference_input(cls, case: dict[str, Any]) -> str:
        """`n m` on the first line, then one edge `u v` per line (Codeforces style)."""
        edges = "".join(f"{u} {v}\n" for u, v in case["edges"])
        return f"{case['n']} {len(case['edges'])}\n{edges}"

    @classmethod
    def from_reference_output(cls, stdout: str) -> list[int]:
        return [int(token) for token in stdout.split()]
