"""Case bounds learned from a bootcamp's generator: every case it generates at its presets is
within them (fresh seeds); maps (keys that vary) share bounds; a generator that makes nothing
teaches none. (Reward calls refused by the bounds: test_reward_work.py.)"""

from __future__ import annotations

import json
import random
from typing import Any, ClassVar

import pytest

import generated_bootcamps
from generated_bootcamps import case_bounds
from generated_bootcamps.base import Bootcamp

FRESH_SEEDS = range(10_000, 10_200)  # not among the seeds the bounds are learned from


@pytest.mark.parametrize("name", generated_bootcamps.names())
def test_fresh_cases_of_every_preset_are_within_bounds(name):
    cls = generated_bootcamps.get(name)
    for difficulty in [None, *cls.difficulties]:
        bootcamp = cls(difficulty=difficulty)
        for seed in FRESH_SEEDS:
            bootcamp.rng.seed(seed)
            case_bounds.check(cls, json.loads(json.dumps(bootcamp.generate())))


class Routes(Bootcamp):
    """A bootcamp whose case holds a map (keys differ from case to case)."""

    name = "routes"
    defaults: ClassVar[dict[str, Any]] = {"towns": 5}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"towns": 3},
        "medium": {"towns": 5},
        "hard": {"towns": 8},
    }

    def generate(self):
        towns = [f"t{self.rng.randrange(1000)}" for _ in range(self.params["towns"])]
        return {"roads": {town: self.rng.sample(towns, 2) for town in towns}}


def test_an_object_whose_keys_vary_is_bounded_as_a_map():
    fresh = Routes(seed=99_999, difficulty="hard").generate()
    case_bounds.check(Routes, fresh)  # town names never generated before: a map's keys
    many = {"roads": {f"t{index}": ["t1", "t2"] for index in range(100)}}
    with pytest.raises(case_bounds.CaseBoundsError, match="roads has length 100"):
        case_bounds.check(Routes, many)
    long_key = {"roads": {"t" * 50: ["t1"]}}
    with pytest.raises(case_bounds.CaseBoundsError, match="roads has a key of length 50"):
        case_bounds.check(Routes, long_key)


class Broken(Bootcamp):
    name = "broken"
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {"easy": {}, "medium": {}, "hard": {}}

    def generate(self):
        raise RuntimeError("no cases here")


def test_a_bootcamp_that_generates_nothing_teaches_no_bounds():
    assert case_bounds.learned_bounds(Broken) is None
    case_bounds.check(Broken, {"anything": [random.random() * 10**9]})


class BigNumbers(Bootcamp):
    """Cases holding ints beyond the range of floats."""

    name = "big_numbers"
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {"easy": {}, "medium": {}, "hard": {}}

    def generate(self):
        return {"n": self.rng.randrange(10**400, 10**401)}


def test_ints_beyond_the_range_of_floats_are_bounded_exactly():
    case_bounds.check(BigNumbers, {"n": 10**401})
    with pytest.raises(case_bounds.CaseBoundsError, match="n = an int of 1366 bits"):
        case_bounds.check(BigNumbers, {"n": 10**411})
