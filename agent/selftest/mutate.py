"""Small, type-preserving changes to JSON values: the near-misses a verifier must reject.

`answer_mutants(answer)` gives wrong answers close to a right one (an integer ±1, one list element
or grid cell changed, two items swapped, one character changed, a number off by a little more than
rounding), for the soundness check. `case_edits(case)` changes one field of a case at a time,
keeping its type, for the rendered check. Both are deterministic.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Collection, Iterator
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
    """A case with one field changed: where, from what, to what, and where the new value came
    from (`OTHER_CASES`, `PARAMS` or `BLIND`)."""

    path: Path
    old: Any
    new: Any
    case: dict[str, Any]
    source: str = "blind"

    @property
    def where(self) -> str:
        return "case" + "".join(f"[{step!r}]" for step in self.path)

    @property
    def field(self) -> str:
        """The field edited, with list positions as `[*]` (e.g. `steps[*]`, `items[*].weight`)."""
        return field_name(self.path)


OTHER_CASES = "other cases"  # a value another generated case holds at the same field
PARAMS = "params"  # a parameter value (a parameter named like the field, or a list holding it)
BLIND = "blind"  # a small type-preserving change (may well make the case invalid)

# Values are kinds of scalars: 1, 1.0 and True are different values of a field.
_Key = tuple[str, Any]
_Field = tuple[str | None, ...]
MAX_ITEMS_SEEN = 16  # per list, when collecting the values other cases hold (any position)
MAX_VALUES_SEEN = 256  # distinct values kept per field and group


def field_name(path: Path) -> str:
    """A leaf's path with list positions as `[*]`: `("items", 3, "weight")` -> `items[*].weight`."""
    text = ""
    for step in path:
        text += "[*]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "case"


class ValuePool:
    """The values generated cases hold at each field (list positions pooled), per group of cases
    (a difficulty), and the parameter values of the bootcamp: replacements that keep an edited
    case valid far more often than a blind change does ("add" -> "mul", not "add" -> "ddd")."""

    def __init__(
        self, groups: dict[str, list[dict[str, Any]]], params: list[dict[str, Any]] | None = None
    ):
        self._groups = {name: _values_by_field(cases) for name, cases in groups.items()}
        self._params = [dict(item) for item in params or [] if isinstance(item, dict)]

    def alternatives(
        self, path: Path, old: Any, prefer: str | None = None
    ) -> list[tuple[Any, str]]:
        """Values of `old`'s type other than `old` for the field at `path`, with their source:
        the preferred group's values first (most common first), then the other groups', then the
        parameters'."""
        field = _wildcard(path)
        found: dict[_Key, tuple[Any, str]] = {}
        order = sorted(self._groups, key=lambda name: name != prefer)
        for name in order:
            counts = self._groups[name].get(field, {})
            for key in sorted(counts, key=lambda key: -counts[key]):  # stable: first seen wins ties
                found.setdefault(key, (key[1], OTHER_CASES))
        for value in self._param_values(path, old):
            found.setdefault(_key(value), (value, PARAMS))
        found.pop(_key(old), None)
        return [(value, source) for key, (value, source) in found.items() if key[0] == _kind(old)]

    def _param_values(self, path: Path, old: Any) -> list[Any]:
        """Parameter values that may stand at this field: those of a parameter named like it, and
        the other items of a list-valued parameter that holds `old` (e.g. an `operations` list)."""
        name = next((step for step in reversed(path) if isinstance(step, str)), None)
        values: list[Any] = []
        for params in self._params:
            for key, value in params.items():
                if key == name and _kind(value) == _kind(old):
                    values.append(value)
                elif isinstance(value, list) and _key(old) in _scalar_keys(value):
                    values.extend(item for item in value if _kind(item) == _kind(old))
        return values


def case_edits(
    case: dict[str, Any],
    per_field: int = 2,
    max_leaves: int = 40,
    values: ValuePool | None = None,
    group: str | None = None,
    rotate: int = 0,
    fields: Collection[str] | None = None,
) -> list[CaseEdit]:
    """Copies of `case`, each with one leaf value changed, keeping its type.

    Leaves are visited field by field (a list's first, middle and last items), one leaf of every
    field before a second of any, at most `max_leaves` of them, with up to `per_field` changes
    each. The new values come from `values` (what other cases of `group`, then of other groups,
    hold at the same field; then parameter values), starting `rotate * per_field` into that list
    so that successive cases try different values; blind type-preserving changes fill up what
    `values` cannot give. `fields` (names as `field_name` writes them) keeps the edits to those
    fields.
    """
    edits: list[CaseEdit] = []
    leaves = _leaves(case, ())
    if fields is not None:
        leaves = [(path, old) for path, old in leaves if field_name(path) in fields]
    for path, old in _spread_over_fields(leaves)[:max_leaves]:
        for new, source in _replacements(path, old, per_field, values, group, rotate):
            changed = copy.deepcopy(case)
            _set(changed, path, new)
            edits.append(CaseEdit(path, old, new, changed, source))
    return edits


def _replacements(
    path: Path, old: Any, count: int, values: ValuePool | None, group: str | None, rotate: int
) -> list[tuple[Any, str]]:
    pooled = values.alternatives(path, old, group) if values is not None else []
    start = rotate * count % len(pooled) if pooled else 0
    chosen = (pooled[start:] + pooled[:start])[:count]
    taken = {_key(value) for value, _ in chosen}
    for mutant in answer_mutants(old, limit=count + len(chosen)):
        if len(chosen) >= count:
            break
        if type(mutant.value) is type(old) and _key(mutant.value) not in taken:
            taken.add(_key(mutant.value))
            chosen.append((mutant.value, BLIND))
    return chosen


def _kind(value: Any) -> str:
    return type(value).__name__


def _key(value: Any) -> _Key:
    return (_kind(value), value)


def _scalar_keys(items: list[Any]) -> set[_Key]:
    return {_key(item) for item in items if isinstance(item, bool | int | float | str)}


def _wildcard(path: Path) -> _Field:
    return tuple(None if isinstance(step, int) else step for step in path)


def _values_by_field(cases: list[dict[str, Any]]) -> dict[_Field, dict[_Key, int]]:
    """Per field (list positions pooled), how often each scalar value occurs (first seen first)."""
    counts: dict[_Field, dict[_Key, int]] = {}

    def visit(value: Any, field: _Field) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                visit(item, (*field, key))
        elif isinstance(value, list):
            for item in value[:MAX_ITEMS_SEEN]:
                visit(item, (*field, None))
        elif isinstance(value, bool | int | float | str):
            seen = counts.setdefault(field, {})
            key = _key(value)
            if key in seen or len(seen) < MAX_VALUES_SEEN:
                seen[key] = seen.get(key, 0) + 1

    for case in cases:
        visit(case, ())
    return counts


def _spread_over_fields(leaves: list[tuple[Path, Any]]) -> list[tuple[Path, Any]]:
    """The leaves with the first one of every field ahead of the rest (so a cap on the number
    of leaves never leaves a field out while another gets several)."""
    seen: set[_Field] = set()
    first: list[tuple[Path, Any]] = []
    rest: list[tuple[Path, Any]] = []
    for path, value in leaves:
        field = _wildcard(path)
        (rest if field in seen else first).append((path, value))
        seen.add(field)
    return first + rest


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
