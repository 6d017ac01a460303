"""campforge's catalog of bootcamps: verifiable reasoning-task environments for RL training.

    import generated_bootcamps
    bootcamp = generated_bootcamps.load("game24", difficulty="hard", seed=0)
    case = bootcamp.generate()
    prompt = bootcamp.prompt(case)
    reward = bootcamp.score(model_response, case)   # float in [0, 1]

`names()` and `entries()` list the catalog; `generated_bootcamps.reward` scores responses for verl,
TRL and OpenRLHF; `campforge generate` exports training data.
"""

from generated_bootcamps.base import Bootcamp
from generated_bootcamps.catalog import (
    CatalogEntry,
    UnknownBootcampError,
    entries,
    entry,
    get,
    load,
    names,
)

__all__ = [
    "Bootcamp",
    "CatalogEntry",
    "UnknownBootcampError",
    "entries",
    "entry",
    "get",
    "load",
    "names",
]
