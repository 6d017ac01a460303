"""Support code of adapted reasoning-gym datasets: runs only in the sandbox, beside the adapter.

`campforge audit reasoning-gym` copies this file into each adapter's companion directory as
`campforge_rg_support.py`. It imports reasoning_gym, which the sandbox provides because the
adapter declares `requires = ["reasoning-gym"]`; campforge's own process never imports either.

- `survey()`: what the audit needs to know of every registered dataset, read in the sandbox:
  the config's parameters with JSON defaults, difficulty presets from the dataset's curriculum,
  and whether its entries carry an oracle answer.
- `Source`: a dataset at a configuration, as the adapter uses it (cases, prompt, scoring).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
import time
from typing import Any

# Entries of one dataset instance (reasoning-gym's default size: some datasets make them all
# when created): the adapter walks them in order, from the start again after the last.
SIZE = 500
HIDDEN = ("seed", "size")  # config fields the adapter sets itself
LEVELS = {"easy": 0.0, "medium": 0.5, "hard": 1.0}  # share of the curriculum's top level
SAMPLE = 4  # entries looked at for an oracle answer


def jsonable(value: Any) -> Any:
    """`value` as JSON data: tuples as lists, sets sorted, numbers of numpy as Python numbers,
    anything else as its repr (the case then says so)."""
    if value is None or type(value) in (bool, int, str):
        return value
    if isinstance(value, bool):  # numpy's and other subclasses: the plain value
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):  # numpy.str_ (knights_knaves' names), str enums
        return str(value.value) if isinstance(value, enum.Enum) else str(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else repr(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, set | frozenset):
        items = [jsonable(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return jsonable(value.tolist())
    return repr(value)


def restore(value: Any, like: Any) -> Any:
    """A JSON parameter back in the type of the config's default `like` (tuples)."""
    if isinstance(like, tuple) and isinstance(value, list):
        inner = like[0] if like else None
        return tuple(restore(item, inner) for item in value)
    return value


def _plain(value: Any) -> bool:
    """Whether a config value is JSON data of exactly the types JSON gives back, up to tuples
    (restored by `restore`): not an enum that merely compares equal to its string."""
    if value is None or type(value) in (bool, int, str):
        return True
    if type(value) is float:
        return math.isfinite(value)
    if type(value) in (list, tuple):
        return all(_plain(item) for item in value)
    if type(value) is dict:
        return all(type(key) is str and _plain(item) for key, item in value.items())
    return False


def config_class(name: str) -> type:
    from reasoning_gym.factory import DATASETS

    return DATASETS[name][1]


def config_defaults(name: str) -> dict[str, Any]:
    """The config's fields with a default, as Python values (seed and size left out)."""
    found = {}
    for field in dataclasses.fields(config_class(name)):
        if field.name in HIDDEN:
            continue
        if field.default is not dataclasses.MISSING:
            found[field.name] = field.default
        elif field.default_factory is not dataclasses.MISSING:
            found[field.name] = field.default_factory()
    return found


class Source:
    """One reasoning-gym dataset at a configuration (JSON parameters, as campforge passes them)."""

    def __init__(self, name: str, params: dict[str, Any], seed: int):
        import reasoning_gym

        like = config_defaults(name)
        config = {key: restore(value, like.get(key)) for key, value in params.items()}
        self.dataset = reasoning_gym.create_dataset(name, seed=seed, size=SIZE, **config)
        self.index = 0

    def next_case(self) -> dict[str, Any]:
        entry = self.dataset[self.index % SIZE]
        self.index += 1
        return jsonable(entry)


def scorer(name: str) -> Any:
    """reasoning-gym's own scoring, `get_score_answer_fn(name)`: score_answer of a dataset at the
    default config (as reasoning-gym scores an entry without the dataset that made it). The
    adapter makes it when imported: a dataset that loads data files when created (arc_agi)
    pays that once, not in the first score() the speed check times."""
    from reasoning_gym import get_score_answer_fn

    return get_score_answer_fn(name)


def instruction() -> str:
    """reasoning-gym's default system prompt: how to write the answer (`<answer>` tags)."""
    from reasoning_gym.utils import SYSTEM_PROMPTS

    return SYSTEM_PROMPTS["default"].strip()


def extract(response: str) -> Any:
    from reasoning_gym.utils import extract_answer

    return extract_answer(response)


# -- the survey ------------------------------------------------------------------------------------


def survey(names: list[str] | None = None) -> dict[str, Any]:
    """{"names": every registered dataset, "datasets": {name: facts}} for `names` (every
    dataset when None; unknown names are left out). Facts: {"defaults", "difficulties",
    "single_level", "no_answer", "skipped"} or {"unusable": why}."""
    from reasoning_gym.factory import DATASETS

    every = sorted(DATASETS)
    wanted = every if names is None else [name for name in names if name in DATASETS]
    return {"names": every, "datasets": {name: _facts(name) for name in wanted}}


def _facts(name: str) -> dict[str, Any]:
    facts: dict[str, Any] = {"defaults": {}, "difficulties": {}, "skipped": []}
    try:
        defaults = config_defaults(name)
        facts["defaults"] = {k: jsonable(v) for k, v in defaults.items() if _plain(v)}
        facts["skipped"] = sorted(k for k in defaults if not _plain(defaults[k]))
        facts["difficulties"], facts["single_level"] = _difficulties(name, facts["defaults"])
        started = time.process_time()
        facts["no_answer"] = _no_answer(name)
        facts["case_seconds"] = (time.process_time() - started) / SAMPLE
    except Exception as error:  # the dataset cannot be made at its defaults
        facts["unusable"] = f"{type(error).__name__}: {error}"[:300]
    return facts


def _difficulties(name: str, defaults: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Presets from the dataset's curriculum (reasoning-gym's own statement of which config
    parameters set the difficulty): easy at its first level, hard at its last, medium between;
    each preset lists the parameters that differ from the defaults."""
    from reasoning_gym.factory import CURRICULA, create_curriculum

    same = {level: {} for level in LEVELS}
    if name not in CURRICULA:
        return same, (
            f"reasoning-gym's {name} has no curriculum, so which config parameters set its "
            "difficulty is not stated: judged at the config's defaults, one level"
        )
    curriculum = create_curriculum(name)
    top = max((len(attr.levels) for attr in curriculum.attributes.values()), default=1) - 1
    if top < 1:
        return same, f"reasoning-gym's {name} curriculum has one level: judged at it, one level"
    presets = {}
    for level, share in LEVELS.items():
        curriculum.set_global_level(round(share * top))
        config = dataclasses.asdict(curriculum.generate_configuration())
        presets[level] = {
            key: jsonable(value)
            for key, value in config.items()
            if key in defaults and _plain(value) and jsonable(value) != defaults[key]
        }
    return presets, None


def _no_answer(name: str) -> bool:
    """Whether the dataset's entries carry no oracle answer (`answer` None: `score_answer`
    verifies an answer against the rules instead)."""
    import reasoning_gym

    entries = []
    for seed in range(SAMPLE):  # a dataset per entry, as campforge makes a case per seed
        entries.append(reasoning_gym.create_dataset(name, seed=seed, size=SIZE)[0])
    return all(entry.get("answer") is None for entry in entries)
