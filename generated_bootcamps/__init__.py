"""campforge's catalog of bootcamps: verifiable reasoning-task environments for RL training.

    import generated_bootcamps
    bootcamp = generated_bootcamps.load("game24", difficulty="hard", seed=0)
    case = bootcamp.generate()
    prompt = bootcamp.prompt(case)
    reward = bootcamp.score(model_response, case)   # float in [0, 1]

`names()` and `entries()` list the catalog; `generated_bootcamps.reward` scores responses for verl,
TRL and OpenRLHF; `campforge generate` exports training data.
"""

from typing import TYPE_CHECKING, Any

from generated_bootcamps.base import Bootcamp

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    """The catalog's names, imported on first use: the contract modules (`contract`, `base`,
    `answers`) stay importable with the standard library alone, as the sandbox needs."""
    if name in __all__:
        from generated_bootcamps import catalog

        return getattr(catalog, name)
    raise AttributeError(f"module 'generated_bootcamps' has no attribute {name!r}")
