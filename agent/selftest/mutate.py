"""Small, type-preserving changes to JSON values: the near-misses a verifier must reject.

`answer_mutants(answer)` gives wrong answers close to a right one (an integer ±1, one list element
or grid cell changed, two items swapped, one character changed, a number off by a little more than
rounding), for the soundness check. `case_edits(case)` changes one field of a case at a time,
keeping its type, for the rendered check. Both are deterministic.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Mutant:
    """A changed value and a few words on what changed."""

    how: str
    value: Any


def answer_mutants(answer: Any, limit: int = 12) -> list[Mutant]:
    """Distinct near-misses of `answer` (never equal to it), at most `limit`."""
    found: list[Mutant] = []
    seen: list[Any] = [answer]
    for mutant in _mutants(answer, ()):
        if mutant.value not in seen and not _same_number(mutant.value, answer):
            seen.append(mutant.value)
            found.append(mutant)
            if len(found) >= limit:
                break
    return found


def _same_number(a: Any, b: Any) -> bool:
    return (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and math.isclose(a, b, rel_tol=1e-9)
    )


def _mutants(value: Any, path: Path) -> Iterator[Mutant]:
    where = "".join(f"[{step!r}]" for step in path) or "the answer"
    if isinstance(value, bool):
        yield Mutant(f"{where} negated", not value)
    elif isinstance(value, int):
        yield Mutant(f"{where} + 1", value + 1)
        yield Mutant(f"{where} - 1", value - 1)
        yield Mutant(f"{where} doubled", value * 2 if value else 7)
    elif isinstance(value, float):
        if math.isfinite(value):
            delta = max(abs(value) * 0.01, 0.01)
            yield Mutant(f"{where} + 1%", value + delta)
            yield Mutant(f"{where} - 1%", value - delta)
            yield Mutant(f"{where} + 1", value + 1.0)
    elif isinstance(value, str):
        yield from _string_mutants(value, where)
    elif isinstance(value, list):
        yield from _list_mutants(value, path, where)
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            for inner in _mutants(value[key], (*path, key)):
                yield Mutant(inner.how, {**value, key: inner.value})
        if value:
            last = sorted(value, key=str)[-1]
            fewer = {key: item for key, item in value.items() if key != last}
            yield Mutant(f"{where} without key {last!r}", fewer)
    elif value is None:
        yield Mutant(f"{where}: 0 instead of null", 0)


def _string_mutants(value: str, where: str) -> Iterator[Mutant]:
    if not value:
        yield Mutant(f"{where}: 'x' instead of empty", "x")
        return
    alphabet = sorted(set(value))
    if len(alphabet) > 1:  # e.g. a grid row "#.#" -> "..#": a cell changed to another cell value
        for index in (0, len(value) - 1):
            other = alphabet[(alphabet.index(value[index]) + 1) % len(alphabet)]
            changed = value[:index] + other + value[index + 1 :]
            yield Mutant(f"{where}: character {index} changed to {other!r}", changed)
    digits = [index for index, char in enumerate(value) if char.isdigit()]
    if digits:  # e.g. an expression "(8-4)*(7-1)" -> "(9-4)*(7-1)"
        yield Mutant(f"{where}: a digit changed", _replace_char(value, digits[0]))
    for index in (len(value) - 1, 0, len(value) // 2):
        yield Mutant(f"{where}: character {index} changed", _replace_char(value, index))
    words = value.split(" ")
    if len(words) > 1:  # e.g. a sentence: one word changed, the rest kept
        changed = " ".join([*words[:-1], _replace_char(words[-1], 0) if words[-1] else "x"])
        yield Mutant(f"{where}: its last word changed", changed)
    if len(value) > 1:
        yield Mutant(f"{where}: last character dropped", value[:-1])
        swapped = value[1] + value[0] + value[2:]
        if swapped != value:
            yield Mutant(f"{where}: first two characters swapped", swapped)
    yield Mutant(f"{where}: a character appended", value + _replace_char(value[-1], 0))


def _replace_char(text: str, index: int) -> str:
    char = text[index]
    if char.isdigit():
        new = str((int(char) + 1) % 10)
    elif char.isalpha() and char.isascii():
        base = ord("A") if char.isupper() else ord("a")
        new = chr(base + (ord(char) - base + 1) % 26)
    else:
        new = "a" if char != "a" else "b"
    return text[:index] + new + text[index + 1 :]


def _list_mutants(value: list[Any], path: Path, where: str) -> Iterator[Mutant]:
    if not value:
        yield Mutant(f"{where}: [0] instead of []", [0])
        return
    for index in sorted({0, len(value) - 1, len(value) // 2}):
        for inner in list(_mutants(value[index], (*path, index)))[:2]:
            changed = list(value)
            changed[index] = inner.value
            yield Mutant(inner.how, changed)
    if len(value) > 1:
        for i, j in ((0, 1), (0, len(value) - 1)):
            if value[i] != value[j]:
                swapped = list(value)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                yield Mutant(f"{where}: items {i} and {j} swapped", swapped)
        yield Mutant(f"{where}: last item dropped", value[:-1])
        rotated = [*value[1:], value[0]]
        if rotated != value:
            yield Mutant(f"{where}: rotated by one", rotated)
        integers = [i for i, item in enumerate(value) if type(item) is int]
        if len(integers) >= 2:  # the sum and the count stay those of the right answer
            i, j = integers[0], integers[-1]
            kept = list(value)
            kept[i], kept[j] = value[i] + 1, value[j] - 1
            yield Mutant(f"{where}: items {i} and {j} moved by one, the sum kept", kept)
    yield Mutant(f"{where}: last item repeated", [*value, value[-1]])


@dataclass(frozen=True)
class CaseEdit:
    """A case with one field changed: where, from what, to what."""

    path: Path
    old: Any
    new: Any
    case: dict[str, Any]

    @property
    def where(self) -> str:
        return "case" + "".join(f"[{step!r}]" for step in self.path)


def case_edits(case: dict[str, Any], per_field: int = 2, max_leaves: int = 40) -> list[CaseEdit]:
    """Copies of `case`, each with one leaf value changed, keeping its type.

    Leaves are visited field by field (a list's first, middle and last items), at most
    `max_leaves` of them, with up to `per_field` changes each.
    """
    edits: list[CaseEdit] = []
    for path, old in _leaves(case, ())[:max_leaves]:
        for mutant in answer_mutants(old, limit=per_field):
            if type(mutant.value) is not type(old):
                continue
            changed = copy.deepcopy(case)
            _set(changed, path, mutant.value)
            edits.append(CaseEdit(path, old, mutant.value, changed))
    return edits


def _leaves(value: Any, path: Path) -> list[tuple[Path, Any]]:
    if isinstance(value, dict):
        found: list[tuple[Path, Any]] = []
        for key in value:
            found.extend(_leaves(value[key], (*path, key)))
        return found
    if isinstance(value, list) and value:
        found = []
        for index in sorted({0, len(value) // 2, len(value) - 1}):
            found.extend(_leaves(value[index], (*path, index)))
        return found
    if isinstance(value, bool | int | float | str):
        return [(path, value)]
    return []


def _set(container: Any, path: Path, value: Any) -> None:
    for step in path[:-1]:
        container = container[step]
    container[path[-1]] = value
