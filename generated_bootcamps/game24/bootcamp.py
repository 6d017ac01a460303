"""The 24 game: combine the given numbers with + - * / and parentheses to reach the target.

Every given number must be used exactly once (as a multiset: a number given twice is used twice),
no other number may appear, digits may not be glued together ("1" and "2" do not make "12"),
and there is no unary minus. Division is exact (fractions are fine along the way, division by zero
is not). Many expressions are right for one case, so the answer is checked against the rules: the
multiset of number literals equals the given numbers and the exact value equals the target
(`expression_numbers` and `expression_value` from the answer kinds; nothing is `eval`-ed).

Generation draws numbers (and a target) and keeps only solvable draws, then lists the numbers in
an order where no expression without parentheses that keeps that order reaches the target: a
hurried solver puts operators between the numbers as listed (`shortcuts`), which was right for
32% of easy and 46% of medium cases listed at random (measured). The order changes nothing else:
the numbers are a multiset. A draw that no order protects is drawn again. Solvability is decided
by an exhaustive search (`find_expression`): every expression splits the numbers into two parts,
so for each split it enumerates all values of the smaller part (at most 3 numbers) and looks for
the few values of the other part that combine with each into the target, recursively. Results
are cached per multiset and target (`functools.lru_cache`), so a repeated draw costs a look-up.
`solve` runs the same search and returns the expression it finds.

Case: `{"numbers": [4, 7, 8, 8], "target": 24}`.

Difficulty: easy 4 numbers from 1..9 with target 24; medium 5 numbers from 1..13 with target 24;
hard 6 numbers from 1..25 with a target from 24 to 100. Each level needs more search than the one
below: with 4 numbers from 1..13 (a card deck) instead of 1..9, the search to a first solution was
no longer than at easy (median 955 vs 1124 steps of `solve`, measured), so medium adds a number.
"""

from __future__ import annotations

import ast
import functools
import math
from fractions import Fraction
from typing import Any, ClassVar

from generated_bootcamps.answers import (
    Expression,
    canonical_expression,
    expression_numbers,
    expression_value,
)
from generated_bootcamps.base import Bootcamp

MAX_COUNT = 6  # the search below is fast up to 6 numbers
MAX_DRAWS = 10_000  # draws before generate gives up on parameters that admit no solvable case
ORDER_TRIES = 12  # orders of one draw tried, looking for one with no in-order expression

# Search values are exact rationals kept as reduced (numerator, denominator > 0) pairs of ints:
# much faster to hash and combine than Fraction, which matters for 5 and 6 numbers.
_Rational = tuple[int, int]
# A term: (value, expression text, top-level operator, or "" for a plain number).
_Term = tuple[_Rational, str, str]


def _rational(numerator: int, denominator: int) -> _Rational:
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    divisor = math.gcd(numerator, denominator)
    return numerator // divisor, denominator // divisor


def _add(a: _Rational, b: _Rational) -> _Rational:
    return _rational(a[0] * b[1] + b[0] * a[1], a[1] * b[1])


def _sub(a: _Rational, b: _Rational) -> _Rational:
    return _rational(a[0] * b[1] - b[0] * a[1], a[1] * b[1])


def _mul(a: _Rational, b: _Rational) -> _Rational:
    return _rational(a[0] * b[0], a[1] * b[1])


def _div(a: _Rational, b: _Rational) -> _Rational:  # b must not be 0
    return _rational(a[0] * b[1], a[1] * b[0])


def _wrap(term: _Term, needs_parens: bool) -> str:
    return f"({term[1]})" if needs_parens else term[1]


def _combine(a: _Term, b: _Term) -> list[_Term]:
    """Every term `a op b` and `b op a`, written with only the parentheses that are needed."""
    va, ea, oa = a
    vb, eb, ob = b
    low_a, low_b = oa in ("+", "-"), ob in ("+", "-")
    out: list[_Term] = [
        (_add(va, vb), f"{ea}+{eb}", "+"),
        (_mul(va, vb), f"{_wrap(a, low_a)}*{_wrap(b, low_b)}", "*"),
        (_sub(va, vb), f"{ea}-{_wrap(b, low_b)}", "-"),
        (_sub(vb, va), f"{eb}-{_wrap(a, low_a)}", "-"),
    ]
    if vb[0] != 0:
        out.append((_div(va, vb), f"{_wrap(a, low_a)}/{_wrap(b, ob != '')}", "/"))
    if va[0] != 0:
        out.append((_div(vb, va), f"{_wrap(b, low_b)}/{_wrap(a, oa != '')}", "/"))
    return out


@functools.lru_cache(maxsize=4096)
def _splits(numbers: tuple[int, ...]) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """The ways to split a sorted multiset into two non-empty parts (smaller part first)."""
    n = len(numbers)
    seen: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    out = []
    for mask in range(1, (1 << n) - 1):
        left = tuple(numbers[i] for i in range(n) if mask >> i & 1)
        right = tuple(numbers[i] for i in range(n) if not mask >> i & 1)
        if len(left) > len(right) or (len(left) == len(right) and left > right):
            continue
        if (left, right) not in seen:
            seen.add((left, right))
            out.append((left, right))
    # Balanced splits first: their parts are small enough to look up rather than search.
    return tuple(sorted(out, key=lambda split: len(split[1])))


@functools.lru_cache(maxsize=4096)  # about 15 kB each; 2925 triples of 1..25
def reachable(numbers: tuple[int, ...]) -> dict[_Rational, _Term]:
    """Every value an expression using each of `numbers` (sorted) once can take, with one such
    expression. Only used for up to 3 numbers: the sets grow fast."""
    if len(numbers) == 1:
        value = (numbers[0], 1)
        return {value: (value, str(numbers[0]), "")}
    out: dict[_Rational, _Term] = {}
    for left, right in _splits(numbers):
        for a in reachable(left).values():
            for b in reachable(right).values():
                for term in _combine(a, b):
                    out.setdefault(term[0], term)
    return out


def _needed(a: _Rational, target: _Rational) -> list[_Rational]:
    """The values b for which some `a op b` or `b op a` equals `target`."""
    out = [_sub(target, a), _sub(a, target), _add(target, a)]  # a+b, a-b, b-a
    if a[0] != 0:
        out += [_div(target, a), _mul(target, a)]  # a*b, b/a
        if target[0] != 0:
            out.append(_div(a, target))  # a/b, with b != 0
    return out


def _find(
    numbers: tuple[int, ...], target: _Rational, memo: dict[tuple[Any, ...], _Term | None]
) -> _Term | None:
    """A term using each of `numbers` (sorted) once whose value is `target` (not 0), or None.

    Exhaustive: every expression combines two sub-expressions over a split of the numbers, so for
    each split and each value `a` of the smaller part it suffices to look for the few values `b`
    of the other part that combine with `a` into the target. `memo` holds the sub-searches of
    one top-level search (a plain dict, dropped afterwards, so no long-lived garbage builds up).
    """
    if len(numbers) <= 3:
        return reachable(numbers).get(target)
    key = (numbers, target)
    if key in memo:
        return memo[key]
    memo[key] = found = _search_splits(numbers, target, memo)
    return found


def _search_splits(
    numbers: tuple[int, ...], target: _Rational, memo: dict[tuple[Any, ...], _Term | None]
) -> _Term | None:
    for left, right in _splits(numbers):
        for a in reachable(left).values():  # the smaller part: at most 3 numbers
            for needed in _needed(a[0], target):
                b = _find(right, needed, memo)
                if b is not None:
                    for term in _combine(a, b):
                        if term[0] == target:
                            return term
    return None


@functools.lru_cache(maxsize=50_000)
def find_expression(numbers: tuple[int, ...], target: int) -> str | None:
    """An expression using each of `numbers` exactly once that equals `target`, or None if there
    is none. Sort `numbers` before calling, so that a multiset has one cache entry."""
    if not 1 <= len(numbers) <= MAX_COUNT:
        raise ValueError(f"game24: between 1 and {MAX_COUNT} numbers are supported")
    term = _find(tuple(sorted(numbers)), (target, 1), {})
    return term[1] if term is not None else None


def in_order_expression(numbers: list[int], target: int) -> str | None:
    """An expression with the numbers in the given order, operators between them and no
    parentheses (usual precedence) that equals `target`, or None. Numbers must be >= 1.

    Left to right, a state is (sum of the finished terms, value of the current product term)."""
    states: dict[tuple[_Rational, _Rational], str] = {((0, 1), (numbers[0], 1)): str(numbers[0])}
    for number in numbers[1:]:
        value = (number, 1)
        following: dict[tuple[_Rational, _Rational], str] = {}
        for (total, term), text in states.items():
            done = _add(total, term)
            following.setdefault((done, value), f"{text}+{number}")
            following.setdefault((done, (-number, 1)), f"{text}-{number}")
            following.setdefault((total, _mul(term, value)), f"{text}*{number}")
            following.setdefault((total, _div(term, value)), f"{text}/{number}")
        states = following
    goal = (target, 1)
    return next((text for (total, term), text in states.items() if _add(total, term) == goal), None)


def has_unary_operator(expression: str) -> bool:
    """Whether a well-formed arithmetic expression uses a unary + or -."""
    tree = ast.parse(expression, mode="eval")
    return any(isinstance(node, ast.UnaryOp) for node in ast.walk(tree))


class Game24Bootcamp(Bootcamp):
    """The 24 game (and variants with 5 numbers or other targets), checked by the rules."""

    name = "game24"
    description = "Use each given number once with + - * / and parentheses to reach the target."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {
        "count": 4,
        "min_number": 1,
        "max_number": 13,
        "min_target": 24,
        "max_target": 24,
    }
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"count": 4, "min_number": 1, "max_number": 9, "min_target": 24, "max_target": 24},
        "medium": {
            "count": 5,
            "min_number": 1,
            "max_number": 13,
            "min_target": 24,
            "max_target": 24,
        },
        "hard": {
            "count": 6,
            "min_number": 1,
            "max_number": 25,
            "min_target": 24,
            "max_target": 100,
        },
    }
    answer_kind = Expression()

    def generate(self) -> dict[str, Any]:
        p = self.params
        if not 1 <= p["count"] <= MAX_COUNT:
            raise ValueError(f"game24: need 1 <= count <= {MAX_COUNT}")
        if (
            not 1 <= p["min_number"] <= p["max_number"]
            or not 1 <= p["min_target"] <= p["max_target"]
        ):
            raise ValueError(
                "game24: need 1 <= min_number <= max_number, 1 <= min_target <= max_target"
            )
        for _ in range(MAX_DRAWS):
            numbers = [
                self.rng.randint(p["min_number"], p["max_number"]) for _ in range(p["count"])
            ]
            target = self.rng.randint(p["min_target"], p["max_target"])
            if find_expression(tuple(sorted(numbers)), target) is None:
                continue
            for _ in range(ORDER_TRIES):
                if in_order_expression(numbers, target) is None:
                    return {"numbers": numbers, "target": target}
                self.rng.shuffle(numbers)
        raise ValueError(f"game24: no solvable case found in {MAX_DRAWS} draws with {p}")

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(n) for n in case["numbers"])
        return (
            f"Using the numbers {numbers}, write an arithmetic expression equal to "
            f"{case['target']}. Use each of the {len(case['numbers'])} numbers exactly once (a "
            "number listed twice must be used twice) and no other numbers. You may use + - * / "
            "and parentheses; division is exact, so fractions are allowed along the way. Do not "
            "use unary minus, exponents or other operations, and do not join digits together "
            "into a new number.\n\n"
            # The example uses 3 numbers, so an echoed prompt never reads as a right answer.
            "Write your final answer at the end of your response as \\boxed{EXPRESSION}; for "
            "example, for the numbers 2, 3, 4 and the target 10 you would write \\boxed{2*3+4}."
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> str:
        found = find_expression(tuple(sorted(case["numbers"])), case["target"])
        if found is None:
            raise ValueError("game24: the case has no solution")
        return found

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        """Each given number used exactly once, no other number, no unary sign, value = target."""
        expression = canonical_expression(answer) if isinstance(answer, str) else None
        if expression is None:
            return False
        value, numbers = expression_value(expression), expression_numbers(expression)
        if value is None or numbers is None or has_unary_operator(expression):
            return False
        given = sorted(Fraction(n) for n in case["numbers"])
        return sorted(numbers) == given and value == case["target"]

    @classmethod
    def shortcuts(cls, case: dict[str, Any]) -> dict[str, str]:
        """A hurried solver keeps the numbers in the order given and only chooses the operators
        between them; when no choice works, it writes their sum."""
        numbers = case["numbers"]
        found = in_order_expression(numbers, case["target"])
        return {
            "the numbers in the given order, no parentheses": found or "+".join(map(str, numbers))
        }

    @classmethod
    def to_reference_input(cls, case: dict[str, Any]) -> str:
        """`count target` on the first line, the numbers on the second."""
        numbers = " ".join(str(n) for n in case["numbers"])
        return f"{len(case['numbers'])} {case['target']}\n{numbers}\n"

    @classmethod
    def from_reference_output(cls, stdout: str) -> str | None:
        """The expression on the last non-empty line of the reference program's output."""
        lines = [line for line in stdout.splitlines() if line.strip()]
        return canonical_expression(lines[-1]) if lines else None
