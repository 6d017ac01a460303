"""Broken (reference): check() compares the set of nodes, so a node listed twice is accepted."""

import heapq
from itertools import permutations
from typing import Any, ClassVar

from generated_bootcamps.answers import IntList
from generated_bootcamps.base import Bootcamp

# The order of edges is verified, but `set(answer)` lets a repeated node through: the near miss
# "last item repeated" scores 1. A check() that accepts some near misses passes soundness (many
# of them, swapped nodes, are right orders too); all_answers() knows that this one is not.
EXPECTED_FAILURES = {"reference"}


class TopologicalOrderBootcamp(Bootcamp):
    name = "topological_order"
    description = "Order the nodes of a directed acyclic graph so every edge points forward."
    domain = "graphs"
    defaults: ClassVar[dict[str, Any]] = {"num_nodes": 8, "edge_prob": 0.45}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_nodes": 6, "edge_prob": 0.6},
        "medium": {"num_nodes": 8, "edge_prob": 0.45},
        "hard": {"num_nodes": 12, "edge_prob": 0.35},
    }
    answer_kind = IntList()

    def generate(self) -> dict[str, Any]:
        n = self.params["num_nodes"]
        hidden = self.rng.sample(range(n), n)  # a random order; edges only go forward in it
        edges = [
            [hidden[i], hidden[j]]
            for i in range(n)
            for j in range(i + 1, n)
            if self.rng.random() < self.params["edge_prob"]
        ]
        listed = self.rng.sample(edges, len(edges))  # the edges in random order
        return {"num_nodes": n, "edges": listed}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        edges = "\n".join(f"{u} -> {v}" for u, v in case["edges"])
        n = case["num_nodes"]
        return (
            f"A directed acyclic graph has the nodes 0 to {n - 1} and these edges:\n{edges}\n\n"
            "List all the nodes in an order such that for every edge u -> v, u comes before v. "
            "Any such order is accepted.\n\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> list[int]:
        n = case["num_nodes"]
        indegree = [0] * n
        successors: list[list[int]] = [[] for _ in range(n)]
        for u, v in case["edges"]:
            successors[u].append(v)
            indegree[v] += 1
        ready = [v for v in range(n) if indegree[v] == 0]
        heapq.heapify(ready)
        order = []
        while ready:
            u = heapq.heappop(ready)
            order.append(u)
            for v in successors[u]:
                indegree[v] -= 1
                if indegree[v] == 0:
                    heapq.heappush(ready, v)
        return order

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        n = case["num_nodes"]
        if not isinstance(answer, list) or set(answer) != set(range(n)):
            return False
        position = {node: i for i, node in enumerate(answer)}
        return all(position[u] < position[v] for u, v in case["edges"])

    @classmethod
    def all_answers(cls, case: dict[str, Any]) -> list[list[int]]:
        """Every valid order: each of the n! permutations that keeps every edge forward."""
        found = []
        for order in permutations(range(case["num_nodes"])):
            position = {node: i for i, node in enumerate(order)}
            if all(position[u] < position[v] for u, v in case["edges"]):
                found.append(list(order))
        return found
