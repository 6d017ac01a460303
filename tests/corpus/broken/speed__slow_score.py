"""Broken (speed): `solve`, and so every `score`, tries all 8! tours of 9 cities (~0.1 s)."""

from itertools import pairwise, permutations
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Held-Karp (or caching the answer in the case) would make scoring instant; ~0.1 s per score is
# about a thousand times what a scorer should take.
EXPECTED_FAILURES = {"speed"}


class ShortestTourBootcamp(Bootcamp):
    name = "shortest_round_trip"
    description = "The length of the shortest round trip visiting every city once."
    domain = "algorithms"
    defaults: ClassVar[dict[str, Any]] = {"cities": 9, "max_distance": 50}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"cities": 9, "max_distance": 20},
        "medium": {"cities": 9, "max_distance": 50},
        "hard": {"cities": 9, "max_distance": 999},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        n, top = self.params["cities"], self.params["max_distance"]
        dist = [[0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                dist[i][j] = dist[j][i] = self.rng.randint(1, top)
        return {"distances": dist}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        rows = "\n".join(" ".join(str(d) for d in row) for row in case["distances"])
        return (
            f"The distance matrix of {len(case['distances'])} cities (row i, column j is the "
            f"distance from city i to city j):\n{rows}\n\nWhat is the length of the shortest "
            "round trip that starts and ends at the same city and visits every other city "
            "exactly once?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        dist = case["distances"]
        best = None
        for order in permutations(range(1, len(dist))):
            tour = (0, *order, 0)
            length = sum(dist[a][b] for a, b in pairwise(tour))
            if best is None or length < best:
                best = length
        return best
