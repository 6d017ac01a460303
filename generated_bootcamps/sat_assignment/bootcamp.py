"""SAT: find an assignment of true/false to x1..xn that satisfies a CNF formula.

The formula is a conjunction (AND) of clauses; each clause is a disjunction (OR) of literals, a
literal being a variable xi or its negation ¬xi. Clauses are stored DIMACS-style: `3` is x3 and
`-3` is ¬x3.

Generation plants a hidden random assignment and keeps only clauses it satisfies, so every
formula is satisfiable; the planted assignment is then thrown away (it is not in the case).
Formulas satisfied by all-false or all-true are redrawn, so neither constant guess ever scores.

Most formulas have several satisfying assignments, so the answer is checked against the rules, not
against one solution: a list of n values, each 0 (false) or 1 (true), for x1..xn in order, that
makes every clause true. `solve` finds one with a small DPLL solver (unit propagation and
backtracking), never reading a planted solution.

Case: `{"num_vars": n, "clauses": [[1, -3, 4], ...]}`.

Difficulty: more variables and proportionally more clauses (about 4 per variable).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from generated_bootcamps.answers import IntList
from generated_bootcamps.base import Bootcamp


def satisfies(assignment: list[int], clauses: list[list[int]]) -> bool:
    """Whether a 0/1 assignment of x1..xn (index 0 is x1) makes every clause true."""
    return all(
        any((assignment[abs(lit) - 1] == 1) == (lit > 0) for lit in clause) for clause in clauses
    )


def find_assignment(num_vars: int, clauses: list[list[int]]) -> list[int] | None:
    """A satisfying 0/1 assignment found by DPLL, or None when the formula is unsatisfiable.

    Variables the search never has to set are reported as 0.
    """
    values: dict[int, bool] = {}
    result = _dpll([list(clause) for clause in clauses], values)
    if result is None:
        return None
    return [1 if result.get(var, False) else 0 for var in range(1, num_vars + 1)]


def _simplify(clauses: list[list[int]], literal: int) -> list[list[int]] | None:
    """The clauses once `literal` is true; None when a clause becomes empty (a conflict)."""
    out = []
    for clause in clauses:
        if literal in clause:
            continue
        reduced = [lit for lit in clause if lit != -literal]
        if not reduced:
            return None
        out.append(reduced)
    return out


def _dpll(clauses: list[list[int]], values: dict[int, bool]) -> dict[int, bool] | None:
    values = dict(values)
    while True:  # unit propagation
        unit = next((clause[0] for clause in clauses if len(clause) == 1), None)
        if unit is None:
            break
        values[abs(unit)] = unit > 0
        simplified = _simplify(clauses, unit)
        if simplified is None:
            return None
        clauses = simplified
    if not clauses:
        return values
    # Branch on the variable of the first literal of a shortest clause, trying "false" first.
    variable = abs(min(clauses, key=len)[0])
    for literal in (-variable, variable):
        simplified = _simplify(clauses, literal)
        if simplified is not None:
            found = _dpll(simplified, {**values, variable: literal > 0})
            if found is not None:
                return found
    return None


class SatAssignmentBootcamp(Bootcamp):
    """A satisfying assignment of a planted-satisfiable CNF formula, checked by the rules."""

    name = "sat_assignment"
    description = "Find a true/false assignment that satisfies a CNF formula (3-SAT)."
    domain = "logic"
    defaults: ClassVar[dict[str, Any]] = {"num_vars": 10, "num_clauses": 42, "clause_size": 3}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"num_vars": 6, "num_clauses": 26, "clause_size": 3},
        "medium": {"num_vars": 10, "num_clauses": 42, "clause_size": 3},
        "hard": {"num_vars": 20, "num_clauses": 85, "clause_size": 3},
    }
    answer_kind = IntList()

    def generate(self) -> dict[str, Any]:
        n, m, k = self.params["num_vars"], self.params["num_clauses"], self.params["clause_size"]
        if not 1 <= k <= n:
            raise ValueError("sat_assignment: need 1 <= clause_size <= num_vars")
        if n < 2 or m < 2:  # else all-false or all-true always satisfies: no case to draw
            raise ValueError("sat_assignment: need num_vars >= 2 and num_clauses >= 2")
        # Clauses on k distinct variables satisfied by a given assignment: C(n, k) * (2^k - 1).
        if not 1 <= m <= math.comb(n, k) * (2**k - 1):
            raise ValueError("sat_assignment: num_clauses out of range for these sizes")
        while True:
            planted = [self.rng.randrange(2) for _ in range(n)]
            clauses: list[list[int]] = []
            seen: set[tuple[int, ...]] = set()
            while len(clauses) < m:
                variables = sorted(self.rng.sample(range(1, n + 1), k))
                # Which literals the planted assignment makes true: any non-empty subset, all
                # 2^k - 1 of them equally likely (the same as drawing signs and rejecting clauses
                # the planted assignment falsifies, without the rejections).
                true_mask = self.rng.randrange(1, 2**k)
                clause = [
                    v if (planted[v - 1] == 1) == bool(true_mask >> i & 1) else -v
                    for i, v in enumerate(variables)
                ]
                if tuple(clause) not in seen:
                    seen.add(tuple(clause))
                    clauses.append(clause)
            if not satisfies([0] * n, clauses) and not satisfies([1] * n, clauses):
                return {"num_vars": n, "clauses": clauses}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        n = case["num_vars"]
        clauses = "\n".join(
            "(" + " ∨ ".join(f"x{lit}" if lit > 0 else f"¬x{-lit}" for lit in clause) + ")"
            for clause in case["clauses"]
        )
        return (
            f"Find an assignment of the boolean variables x1, ..., x{n} (each true or false) "
            f"that satisfies all {len(case['clauses'])} clauses below. Each clause is a "
            "disjunction: it is satisfied when at least one of its literals is true, where xi is "
            "true when variable xi is true and ¬xi is true when xi is false. Any satisfying "
            "assignment is accepted.\n\n"
            f"{clauses}\n\n"
            f"Give the values of x1, ..., x{n} in order as a list of {n} numbers, 1 for true and "
            "0 for false. Write your final answer at the end of your response as "
            "\\boxed{[v1, v2, ..., vn]}, for example \\boxed{[1, 0, 1]} for three variables."
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> list[int]:
        found = find_assignment(case["num_vars"], case["clauses"])
        if found is None:
            raise ValueError("sat_assignment: the formula is unsatisfiable")
        return found

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        """A list of num_vars values, each the int 0 or 1, that satisfies every clause."""
        if not isinstance(answer, list) or len(answer) != case["num_vars"]:
            return False
        if not all(type(value) is int and value in (0, 1) for value in answer):
            return False
        return satisfies(answer, case["clauses"])
