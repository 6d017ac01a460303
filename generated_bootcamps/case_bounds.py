"""Case bounds: what a bootcamp's cases look like, learned from its own generator.

A reward call solves (or checks against) the ground truth it is handed, and a solver's work grows
with the sizes in the case: a knapsack's capacity, a number of dice, the side of a grid. Every
case the bootcamp generates must be accepted; a ground truth far outside them (a knapsack of
capacity 10**9) must not make one reward call run for minutes or fill the trainer's memory.

The contract has no schema of a case, but it has the generator and its presets. So the bounds are
learned by generating `SAMPLES` cases (fixed seeds) at the defaults and at each difficulty preset,
as JSON (what a reward sees), and recording at each place in a case (a key; the items of a list):
the JSON types found there (int and float count as one, number), the largest |number|, and the
longest string, list and object. An object whose keys vary between generated cases is a map: its
values share one set of bounds.

A ground truth is within bounds when every value has a type the generator puts at its place and no
magnitude or length exceeds `slack` times the largest generated one (default 2: a sampled maximum
can fall short of the true one; the catalog's tests hold thousands of fresh cases to the bounds).
Keys the generator never writes may only hold null, which datasets libraries fill in for the
fields of other rows. Work polynomial in the sizes is thereby within a constant factor of the
largest generated case; an exponential-time solver can still be fed a hard case of allowed size.

Data made with other parameters than the presets: set CAMPFORGE_REWARD_CASE_BOUNDS to a larger
factor, or to "off" to accept any size.
"""

from __future__ import annotations

import functools
import json
import math
import os
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, NamedTuple

from generated_bootcamps.base import Bootcamp

SAMPLES = 32  # generated cases per preset
DEFAULT_SLACK = 2.0
ENV_VARIABLE = "CAMPFORGE_REWARD_CASE_BOUNDS"


class CaseBoundsError(ValueError):
    """A ground truth outside the cases its bootcamp generates."""


@dataclass
class Place:
    """What the generated cases hold at one place (a key path; list items share one place)."""

    types: set[str] = field(default_factory=set)
    max_number: float = 0  # an int when the largest is one (ints can exceed any float)
    max_length: int = 0  # of strings, lists and objects
    max_key_length: int = 0
    items: Place | None = None
    fields: dict[str, Place] = field(default_factory=dict)
    values: Place | None = None  # every value of an object, whatever its key
    key_sets: set[frozenset[str]] = field(default_factory=set)

    def observe(self, value: Any) -> None:
        kind = json_type(value)
        self.types.add(kind)
        if kind == "number":
            self.max_number = max(self.max_number, abs(value))
        elif kind in ("string", "array", "object"):
            self.max_length = max(self.max_length, len(value))
        if kind == "array":
            self.items = self.items or Place()
            for item in value:
                self.items.observe(item)
        elif kind == "object":
            self.key_sets.add(frozenset(value))
            self.values = self.values or Place()
            for key, item in value.items():
                self.max_key_length = max(self.max_key_length, len(key))
                self.fields.setdefault(key, Place()).observe(item)
                self.values.observe(item)

    @property
    def is_map(self) -> bool:
        """Whether the generated objects here differ in their keys (a map, not a record)."""
        return len(self.key_sets) > 1


def json_type(value: Any) -> str:
    """The JSON type of a parsed JSON value (int and float are both "number")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


@functools.cache
def learned_bounds(cls: type[Bootcamp]) -> Place | None:
    """The place of a whole case, learned from the generator; None if it generates nothing."""
    root = Place()
    for difficulty in [None, *cls.difficulties]:
        for seed in range(SAMPLES):
            try:
                case = cls(seed=seed, difficulty=difficulty).generate()
                root.observe(json.loads(json.dumps(case)))
            except Exception:  # a preset that cannot generate teaches nothing
                break
    return root if root.types else None


def slack_factor() -> float | None:
    """The configured slack (CAMPFORGE_REWARD_CASE_BOUNDS), or None when bounds are off."""
    return _parse_slack(os.environ.get(ENV_VARIABLE, ""))


@functools.lru_cache(maxsize=16)
def _parse_slack(text: str) -> float | None:
    text = text.strip()
    if not text:
        return DEFAULT_SLACK
    if text.lower() == "off":
        return None
    try:
        factor = float(text)
    except ValueError:
        factor = math.nan
    if not factor >= 1:
        raise ValueError(
            f"{ENV_VARIABLE}={text!r}: set it to a factor >= 1 (default {DEFAULT_SLACK:g}) or "
            "to 'off'"
        )
    return factor


def check(cls: type[Bootcamp], case: dict[str, Any], slack: float | None = DEFAULT_SLACK) -> None:
    """Raise CaseBoundsError when `case` is outside `slack` times the bounds learned for `cls`
    (None: no bounds; reward calls pass `slack_factor()`)."""
    bounds = learned_bounds(cls) if slack is not None else None
    if bounds is None:
        return
    problem = _problem(bounds, case, (), slack)
    if problem is None:
        return
    name = repr(cls.name or cls.__name__)
    if problem.too_big:
        raise CaseBoundsError(
            f"{problem.text}, beyond the cases {name} generates at its presets (allowed: "
            f"{slack:g}x the largest; data made with other parameters: set {ENV_VARIABLE} to a "
            "larger factor or to 'off')"
        )
    raise CaseBoundsError(f"{problem.text} (not a case {name} generates)")


class Problem(NamedTuple):
    """What is wrong with a ground truth; `too_big` when a larger slack would let it through."""

    text: str
    too_big: bool = False


def _problem(place: Place, value: Any, path: tuple[str, ...], slack: float) -> Problem | None:
    """What is out of bounds in `value` at `place`, or None."""
    kind = json_type(value)
    if kind == "null":
        return None  # null carries no work; solve() refuses it if it must
    if kind not in place.types:
        expected = " or ".join(sorted(place.types))
        return Problem(f"{_name(path)} is a JSON {kind}, generated cases have a {expected}")
    if kind == "number":
        if not abs(value) <= _limit(place.max_number, slack):
            return _too_large(path, value, place.max_number)
        return None
    if kind in ("string", "array", "object") and len(value) > slack * place.max_length:
        text = f"{_name(path)} has length {len(value)} (generated: at most {place.max_length})"
        return Problem(text, too_big=True)
    if kind == "array":
        return _list_problem(place.items, value, path, slack)
    if kind == "object":
        return _object_problem(place, value, path, slack)
    return None


def _list_problem(
    items: Place | None, value: list[Any], path: tuple[str, ...], slack: float
) -> Problem | None:
    """The problem in a list's items. Lists of lists of numbers (grids, clauses) are checked a
    level at a time by builtins, without a Python call per item."""
    level, place, inner = value, items, (*path, "[]")
    while place is not None and place.types == {"array"} and set(map(type, level)) <= {list}:
        if level and max(map(len, level)) > slack * place.max_length:
            longest = max(map(len, level))
            text = f"{_name(inner)} has length {longest} (generated: at most {place.max_length})"
            return Problem(text, too_big=True)
        level, place, inner = list(chain.from_iterable(level)), place.items, (*inner, "[]")
    if place is None:
        return None  # only empty lists were generated here, and these are empty too
    if place.types == {"number"} and set(map(type, level)) <= {int, float}:
        if level and not max(map(abs, level)) <= _limit(place.max_number, slack):
            return _too_large(inner, max(level, key=abs), place.max_number)
        return None
    for item in level:
        problem = _problem(place, item, inner, slack)
        if problem is not None:
            return problem
    return None


def _object_problem(
    place: Place, value: dict[str, Any], path: tuple[str, ...], slack: float
) -> Problem | None:
    for key, item in value.items():
        inner = (*path, key)
        if place.is_map:
            if len(key) > slack * place.max_key_length:
                return Problem(f"{_name(path)} has a key of length {len(key)}", too_big=True)
            sub = place.values
        else:
            sub = place.fields.get(key)
            if sub is None:
                if item is None:
                    continue
                return Problem(f"key {_name(inner)!r} appears in no generated case")
        problem = _problem(sub, item, inner, slack) if sub is not None else None
        if problem is not None:
            return problem
    return None


def _too_large(path: tuple[str, ...], value: float, largest: float) -> Problem:
    text = f"{_name(path)} = {_short(value)} (generated: |value| <= {_short(largest)})"
    return Problem(text, too_big=True)


def _limit(largest: float, slack: float) -> float:
    """`slack` times the largest generated magnitude (an int beyond floats stays an int)."""
    try:
        return slack * largest
    except OverflowError:
        return largest * math.ceil(slack)


def _name(path: tuple[str, ...]) -> str:
    """A place written as `clauses[][]` (the whole case: `the case`)."""
    if not path:
        return "the case"
    text = ""
    for part in path:
        shown = part if part == "[]" or part.isidentifier() else repr(_short(part))
        text += shown if part == "[]" or not text else "." + shown
    return text


def _short(value: Any) -> str:
    """A value (or key) shown in one short line."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, int) and value.bit_length() > 200:
        text = f"an int of {value.bit_length()} bits"
    else:
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
