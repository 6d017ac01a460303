"""Broken (generate): the graph is a dict with int keys; JSON makes them strings, breaking solve."""

import heapq
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# On the stored (round-tripped) case `solve` raises KeyError, so `determinism` (classmethods on
# the round-tripped case) fails too; checks that score stored cases may fail as well.
# the lossy round trip leaves no usable case
EXPECTED_FAILURES = {"generate"}


class ShortestPathBootcamp(Bootcamp):
    name = "weighted_shortest_path"
    description = "Find the length of a shortest path between two nodes of a weighted graph."
    domain = "graphs"
    defaults: ClassVar[dict[str, Any]] = {"nodes": 8, "extra_edges": 6, "max_weight": 20}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"nodes": 5, "extra_edges": 2, "max_weight": 9},
        "medium": {"nodes": 8, "extra_edges": 6, "max_weight": 20},
        "hard": {"nodes": 20, "extra_edges": 25, "max_weight": 99},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        n = self.params["nodes"]
        graph: dict[int, dict[int, int]] = {v: {} for v in range(n)}
        pairs = [(v, self.rng.randrange(v)) for v in range(1, n)]  # a random tree: connected
        pairs += [tuple(self.rng.sample(range(n), 2)) for _ in range(self.params["extra_edges"])]
        for u, v in pairs:
            graph[u][v] = graph[v][u] = self.rng.randint(1, self.params["max_weight"])
        source, target = self.rng.sample(range(n), 2)
        return {"graph": graph, "source": source, "target": target}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        edges = [
            f"{u} - {v}: {w}" for u, nbrs in case["graph"].items() for v, w in nbrs.items() if u < v
        ]
        return (
            "An undirected graph has these weighted edges (u - v: weight):\n"
            + "\n".join(edges)
            + f"\n\nWhat is the total weight of a shortest path from node {case['source']} to "
            f"node {case['target']}?\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        graph, best = case["graph"], {case["source"]: 0}
        queue = [(0, case["source"])]
        while queue:
            d, u = heapq.heappop(queue)
            if d > best[u]:
                continue
            for v, w in graph[u].items():
                if d + w < best.get(v, d + w + 1):
                    best[v] = d + w
                    heapq.heappush(queue, (d + w, v))
        return best[case["target"]]
