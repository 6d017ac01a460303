"""Comparing a reference program's output with `solve(case)` when the bootcamp cannot parse it.

Both sides are flattened to tokens: split on whitespace, commas and brackets; numbers compare by
value (with a small tolerance), words case-insensitively (Python prints `True`, JSON writes `true`).
"""

from __future__ import annotations

import math
import re
from typing import Any

_SEPARATORS = re.compile(r"[\s,;\[\]\(\)\{\}]+")


def output_tokens(text: str) -> list[str]:
    """The tokens of a program's output."""
    return [token for token in _SEPARATORS.split(text) if token]


def answer_tokens(answer: Any) -> list[str]:
    """The tokens of a JSON answer, flattened in order (dict values in key order)."""
    if isinstance(answer, bool):
        return ["true" if answer else "false"]
    if isinstance(answer, int | float):
        return [repr(answer)]
    if isinstance(answer, str):
        return output_tokens(answer)
    if isinstance(answer, list):
        return [token for item in answer for token in answer_tokens(item)]
    if isinstance(answer, dict):
        return [token for key in sorted(answer, key=str) for token in answer_tokens(answer[key])]
    if answer is None:
        return ["none"]
    return output_tokens(str(answer))


def _number(token: str) -> float | None:
    try:
        value = float(token)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def tokens_agree(expected: list[str], got: list[str], rel_tol: float = 1e-6) -> bool:
    """Whether two token lists say the same thing."""
    if len(expected) != len(got):
        return False
    for left, right in zip(expected, got, strict=True):
        a, b = _number(left), _number(right)
        if a is not None and b is not None:
            if not math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-9):
                return False
        elif left.casefold() != right.casefold():
            return False
    return True
