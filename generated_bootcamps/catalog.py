"""The catalog index: which bootcamps exist, where their code is, and where they came from.

The index is `catalog.json` in the catalog directory (this package's directory unless the
`CAMPFORGE_CATALOG` environment variable names another). Each entry points at a module file
`<name>/bootcamp.py` and its class, and carries the provenance a reviewer and a trainer need:
hand-written, or generated from a spec (spec hash, model, prompt version, repair rounds,
reviewer, self-test summary).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from generated_bootcamps.base import Bootcamp

INDEX_FILE = "catalog.json"
PACKAGE_DIR = Path(__file__).resolve().parent


class UnknownBootcampError(ValueError):
    """A name that is not in the catalog."""


class Provenance(BaseModel):
    """Where a catalog bootcamp came from."""

    model_config = ConfigDict(extra="allow")

    source: str = Field(description='"hand-written" or "generated"')
    spec_hash: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    rounds: int | None = None
    reviewer: str | None = None
    selftest: str | None = Field(default=None, description="one-line self-test summary")
    added: str | None = Field(default=None, description="date the bootcamp joined the catalog")


class CatalogEntry(BaseModel):
    """One bootcamp in the index."""

    model_config = ConfigDict(extra="forbid")

    name: str
    path: str = Field(description="module file, relative to the catalog directory")
    class_name: str
    domain: str
    description: str
    answer_kind: str
    provenance: Provenance


def catalog_dir() -> Path:
    """The catalog directory in use."""
    configured = os.environ.get("CAMPFORGE_CATALOG")
    return Path(configured).resolve() if configured else PACKAGE_DIR


def read_index(directory: Path | None = None) -> dict[str, CatalogEntry]:
    """The index of a catalog directory, by name (empty when it has no index yet)."""
    path = (directory or catalog_dir()) / INDEX_FILE
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: CatalogEntry(name=name, **fields) for name, fields in raw["bootcamps"].items()}


def write_index(entries: dict[str, CatalogEntry], directory: Path | None = None) -> Path:
    """Write the index, sorted by name, in a stable, diff-friendly layout."""
    path = (directory or catalog_dir()) / INDEX_FILE
    body = {
        "version": 1,
        "bootcamps": {
            name: entries[name].model_dump(exclude={"name"}, exclude_none=True)
            for name in sorted(entries)
        },
    }
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def names() -> list[str]:
    """Names of the catalog's bootcamps, sorted."""
    return sorted(read_index())


def entries() -> list[CatalogEntry]:
    """The catalog's entries, sorted by name."""
    index = read_index()
    return [index[name] for name in sorted(index)]


def entry(name: str) -> CatalogEntry:
    """The index entry of one bootcamp."""
    index = read_index()
    if name not in index:
        known = ", ".join(sorted(index)) or "none"
        raise UnknownBootcampError(f"unknown bootcamp {name!r} (catalog has: {known})")
    return index[name]


def get(name: str) -> type[Bootcamp]:
    """The class of a catalog bootcamp."""
    found = entry(name)
    return _import_class(str(catalog_dir()), found.name, found.path, found.class_name)


def load(
    name: str, difficulty: str | None = None, seed: int | None = None, **params: Any
) -> Bootcamp:
    """An instance of a catalog bootcamp: `load("game24", difficulty="hard", seed=0)`."""
    return get(name)(seed=seed, difficulty=difficulty, **params)


@functools.cache
def _import_class(directory: str, name: str, path: str, class_name: str) -> type[Bootcamp]:
    file = Path(directory) / path
    if Path(directory) == PACKAGE_DIR:
        module_name = "generated_bootcamps." + ".".join(Path(path).with_suffix("").parts)
        module = importlib.import_module(module_name)
    else:
        module_name = f"campforge_catalog.{name}"
        spec = importlib.util.spec_from_file_location(module_name, file)
        if spec is None or spec.loader is None:
            raise UnknownBootcampError(f"bootcamp {name!r}: cannot import {file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    cls = getattr(module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, Bootcamp)):
        raise UnknownBootcampError(f"bootcamp {name!r}: {file} defines no Bootcamp {class_name!r}")
    return cls
