"""The catalog index: which bootcamps exist, where their code is, and where they came from.

The index is `catalog.json` in the catalog directory. Each entry points at a module file
`<name>/bootcamp.py` and its class, and carries the provenance a reviewer and a trainer need:
hand-written, or generated from a spec (spec hash, model, prompt version, repair rounds,
reviewer, self-test summary). An entry may also carry a `calibration`: how often a solver model
answered each difficulty right (`campforge calibrate`), with the model and the date; `campforge
generate --band` reads it. Standard library only: a trainer's reward worker imports this.

Which catalog is in use, looked for in this order:

1. `CAMPFORGE_CATALOG`, when set: that directory, for reading and for merging.
2. The campforge repository you stand in: the nearest directory, from the current directory up
   (as git looks for `.git`), that holds `generated_bootcamps/catalog.json`; its
   `generated_bootcamps/` is the catalog, for reading and for merging.
3. For reading only (`load`, `get`, `campforge generate`, `generated_bootcamps.reward`): the
   catalog shipped in the installed package, so a trainer needs no checkout.

Merges (`writable_catalog_dir`) never fall back to the installed package: with neither 1 nor 2
they are refused with `NoCatalogError`, and so is a directory that is an installed copy of the
package (site-packages), however it was named. An editable install reads its own source tree's
catalog only when you stand in it.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import os
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from generated_bootcamps.base import Bootcamp

INDEX_FILE = "catalog.json"
PACKAGE_DIR = Path(__file__).resolve().parent
ENVIRONMENT_VARIABLE = "CAMPFORGE_CATALOG"
WHERE_TO_MERGE = (
    f"run it inside a campforge repository (a directory holding generated_bootcamps/{INDEX_FILE}) "
    f"or set {ENVIRONMENT_VARIABLE} to a catalog directory inside a git repository"
)


class UnknownBootcampError(ValueError):
    """A name that is not in the catalog."""


class CatalogError(ValueError):
    """A catalog index that cannot be read: the message names the file and what is wrong."""


class NoCatalogError(ValueError):
    """No catalog to merge into: neither CAMPFORGE_CATALOG nor a repository here."""


@dataclass(frozen=True)
class Provenance:
    """Where a catalog bootcamp came from."""

    source: str  # "hand-written" or "generated"
    spec_hash: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    rounds: int | None = None
    reviewer: str | None = None
    selftest: str | None = None  # one-line self-test summary
    added: str | None = None  # the date the bootcamp joined the catalog
    extra: dict[str, Any] = field(default_factory=dict)  # fields this version does not know

    def as_dict(self) -> dict[str, Any]:
        """The provenance as the index stores it: fields that are set, then the extra ones."""
        known = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        return {**{key: value for key, value in known.items() if value is not None}, **self.extra}


@dataclass(frozen=True)
class PresetCalibration:
    """How a solver model did on one difficulty: `accuracy` = correct / n, with its 95% Wilson
    interval [low, high]; `wrong` answers were extracted but scored below 1, `no_answer` replies
    had nothing to extract; `tokens` = prompt + completion tokens of the n requests."""

    accuracy: float
    low: float
    high: float
    n: int
    correct: int
    wrong: int
    no_answer: int
    tokens: int
    extra: dict[str, Any] = field(default_factory=dict)  # fields this version does not know

    def as_dict(self) -> dict[str, Any]:
        known = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        return {**known, **self.extra}


@dataclass(frozen=True)
class Calibration:
    """A catalog bootcamp measured against a solver model (`campforge calibrate`)."""

    model: str
    date: str  # YYYY-MM-DD
    difficulties: dict[str, PresetCalibration]
    extra: dict[str, Any] = field(default_factory=dict)  # fields this version does not know

    def accuracy(self, difficulty: str | None) -> float | None:
        """The measured accuracy of a difficulty, or None when it was not calibrated."""
        preset = self.difficulties.get(difficulty) if difficulty is not None else None
        return preset.accuracy if preset is not None else None

    def as_dict(self) -> dict[str, Any]:
        presets = {level: preset.as_dict() for level, preset in self.difficulties.items()}
        return {"model": self.model, "date": self.date, "difficulties": presets, **self.extra}


@dataclass(frozen=True)
class CatalogEntry:
    """One bootcamp in the index."""

    name: str
    path: str  # the module file, relative to the catalog directory
    class_name: str
    domain: str
    description: str
    answer_kind: str
    provenance: Provenance
    calibration: Calibration | None = None

    def as_dict(self) -> dict[str, Any]:
        """The entry as JSON-ready data (with its name); `calibration` only when it has one."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "calibration"}
        data["provenance"] = self.provenance.as_dict()
        if self.calibration is not None:
            data["calibration"] = self.calibration.as_dict()
        return data


ENTRY_TEXT_FIELDS = ("path", "class_name", "domain", "description", "answer_kind")
OPTIONAL_ENTRY_FIELDS = ("calibration",)
PROVENANCE_FIELDS = {f.name: f for f in fields(Provenance) if f.name != "extra"}
PRESET_SHARES = ("accuracy", "low", "high")  # numbers in [0, 1]
PRESET_COUNTS = ("n", "correct", "wrong", "no_answer", "tokens")  # whole numbers >= 0


def catalog_dir() -> Path:
    """The catalog directory to read: CAMPFORGE_CATALOG, the repository you stand in, or the
    catalog shipped in the package (see the module's docstring)."""
    return _configured() or _repository_catalog() or PACKAGE_DIR


def writable_catalog_dir() -> Path:
    """The catalog directory to merge into: CAMPFORGE_CATALOG or the repository you stand in;
    never the installed package. Raises NoCatalogError saying what to do."""
    directory = _configured() or _repository_catalog()
    if directory is None:
        raise NoCatalogError(f"no catalog to merge into here ({Path.cwd()}): {WHERE_TO_MERGE}")
    if installed_copy(directory):
        raise NoCatalogError(
            f"the catalog at {directory} is the installed campforge package, not a repository: "
            f"{WHERE_TO_MERGE}"
        )
    return directory


def installed_copy(directory: Path) -> bool:
    """Whether `directory` is the package as pip installed it (campforge's .dist-info beside it)."""
    return any(directory.resolve().parent.glob("campforge-*.dist-info"))


def _configured() -> Path | None:
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    return Path(configured).resolve() if configured else None


def _repository_catalog() -> Path | None:
    """`generated_bootcamps/` of the nearest directory from the current one up that holds
    `generated_bootcamps/catalog.json` (os.path, not pathlib: reward functions call this often)."""
    directory = os.getcwd()
    while True:
        if os.path.isfile(os.path.join(directory, "generated_bootcamps", INDEX_FILE)):
            return Path(directory, "generated_bootcamps")  # getcwd() is a resolved path
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def read_index(directory: Path | None = None) -> dict[str, CatalogEntry]:
    """The index of a catalog directory, by name (empty when it has no index yet). Raises
    CatalogError, naming the file and the problem, when the index is malformed."""
    path = (directory or catalog_dir()) / INDEX_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as error:
        raise CatalogError(f"the catalog index {path} is not UTF-8 text ({error})") from None
    return dict(_parsed_index(path, text))


@functools.lru_cache(maxsize=16)
def _parsed_index(path: Path, text: str) -> dict[str, CatalogEntry]:
    """The entries of an index text, parsed once (reward functions read the index per call)."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogError(f"the catalog index {path} is not JSON ({error})") from None
    bootcamps = raw.get("bootcamps") if isinstance(raw, dict) else None
    if not isinstance(bootcamps, dict):
        raise CatalogError(f"the catalog index {path} has no 'bootcamps' object")
    return {name: _entry(path, name, fields) for name, fields in bootcamps.items()}


def _entry(path: Path, name: str, data: Any) -> CatalogEntry:
    where = f"the catalog index {path}: bootcamp {name!r}"
    if not isinstance(data, dict):
        raise CatalogError(f"{where} is not an object")
    expected = {*ENTRY_TEXT_FIELDS, "provenance"}
    missing, unknown = expected - data.keys(), data.keys() - expected - {*OPTIONAL_ENTRY_FIELDS}
    if missing or unknown:
        problems = [f"lacks {', '.join(sorted(missing))}"] if missing else []
        problems += [f"has unknown {', '.join(sorted(unknown))}"] if unknown else []
        raise CatalogError(f"{where} {' and '.join(problems)}")
    for key in ENTRY_TEXT_FIELDS:
        if not isinstance(data[key], str):
            raise CatalogError(f"{where}: {key} must be text, not {type(data[key]).__name__}")
    texts = {key: data[key] for key in ENTRY_TEXT_FIELDS}
    calibration = _calibration(where, data["calibration"]) if "calibration" in data else None
    provenance = _provenance(where, data["provenance"])
    return CatalogEntry(name=name, **texts, provenance=provenance, calibration=calibration)


def _calibration(where: str, data: Any) -> Calibration:
    if not isinstance(data, dict):
        raise CatalogError(f"{where}: calibration must be an object")
    for key in ("model", "date"):
        if not isinstance(data.get(key), str):
            raise CatalogError(f"{where}: calibration {key} must be text")
    presets = data.get("difficulties")
    if not isinstance(presets, dict):
        raise CatalogError(f"{where}: calibration difficulties must be an object")
    extra = {k: v for k, v in data.items() if k not in ("model", "date", "difficulties")}
    return Calibration(
        model=data["model"],
        date=data["date"],
        difficulties={
            level: _preset(f"{where}: calibration of {level!r}", value)
            for level, value in presets.items()
        },
        extra=extra,
    )


def _preset(where: str, data: Any) -> PresetCalibration:
    if not isinstance(data, dict):
        raise CatalogError(f"{where} is not an object")
    for key in PRESET_SHARES:
        value = data.get(key)
        if type(value) not in (int, float) or not 0 <= value <= 1:
            raise CatalogError(f"{where}: {key} must be a number from 0 to 1, not {value!r}")
    for key in PRESET_COUNTS:
        value = data.get(key)
        if type(value) is not int or value < 0:
            raise CatalogError(f"{where}: {key} must be a whole number >= 0, not {value!r}")
    known = {key: data[key] for key in (*PRESET_SHARES, *PRESET_COUNTS)}
    extra = {k: v for k, v in data.items() if k not in known}
    return PresetCalibration(**known, extra=extra)


def _provenance(where: str, data: Any) -> Provenance:
    if not isinstance(data, dict) or not isinstance(data.get("source"), str):
        raise CatalogError(f"{where}: provenance must be an object with a 'source' text")
    for key, value in data.items():
        wanted = int if key == "rounds" else str
        if key in PROVENANCE_FIELDS and value is not None and type(value) is not wanted:
            raise CatalogError(
                f"{where}: provenance {key} must be {wanted.__name__}, not {type(value).__name__}"
            )
    known = {key: value for key, value in data.items() if key in PROVENANCE_FIELDS}
    extra = {key: value for key, value in data.items() if key not in PROVENANCE_FIELDS}
    return Provenance(**known, extra=extra)


def write_index(entries: dict[str, CatalogEntry], directory: Path | None = None) -> Path:
    """Write the index, sorted by name, in a stable, diff-friendly layout."""
    path = (directory or catalog_dir()) / INDEX_FILE
    body = {
        "version": 1,
        "bootcamps": {name: _stored(entries[name]) for name in sorted(entries)},
    }
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _stored(entry: CatalogEntry) -> dict[str, Any]:
    """An entry as the index stores it: without its name (the key)."""
    data = entry.as_dict()
    del data["name"]
    return data


def record_calibration(name: str, calibration: Calibration, directory: Path | None = None) -> Path:
    """Store `calibration` in bootcamp `name`'s entry (replacing any earlier one) in the catalog
    to merge into (`writable_catalog_dir`, unless `directory` is given); the index's path."""
    directory = directory or writable_catalog_dir()
    index = read_index(directory)
    current = entry(name, directory)
    index[name] = CatalogEntry(
        **{f.name: getattr(current, f.name) for f in fields(current) if f.name != "calibration"},
        calibration=calibration,
    )
    return write_index(index, directory)


def names() -> list[str]:
    """Names of the catalog's bootcamps, sorted."""
    return sorted(read_index())


def entries() -> list[CatalogEntry]:
    """The catalog's entries, sorted by name."""
    index = read_index()
    return [index[name] for name in sorted(index)]


def entry(name: str, directory: Path | None = None) -> CatalogEntry:
    """The index entry of one bootcamp (in the catalog in use, or the one at `directory`)."""
    index = read_index(directory)
    if name not in index:
        known = ", ".join(sorted(index)) or "none"
        raise UnknownBootcampError(f"unknown bootcamp {name!r} (catalog has: {known})")
    return index[name]


def get(name: str) -> type[Bootcamp]:
    """The class of a catalog bootcamp."""
    directory = catalog_dir()
    found = entry(name, directory)
    return _import_class(str(directory), found.name, found.path, found.class_name)


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
