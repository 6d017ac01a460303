"""The `calibration` field of a catalog entry (standard library only): stored by
`record_calibration` without touching the other entries, read back equal, fields a newer version
adds are kept, and a damaged one is a one-line CatalogError naming the file, bootcamp and field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generated_bootcamps import catalog
from tests.calibrate.conftest import ENTRY

PRESET = {"accuracy": 0.5, "low": 0.3, "high": 0.7, "n": 20, "correct": 10, "wrong": 8,
          "no_answer": 2, "tokens": 600}  # fmt: skip
STORED = {"model": "solver-7b", "date": "2026-03-04", "difficulties": {"easy": PRESET}}


def write(directory: Path, **entries: dict) -> Path:
    body = {"version": 1, "bootcamps": entries}
    path = directory / catalog.INDEX_FILE
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_record_calibration_stores_it_and_keeps_everything_else(tmp_path: Path) -> None:
    write(tmp_path, sum_pair=ENTRY, other={**ENTRY, "path": "other/bootcamp.py"})
    calibration = catalog.Calibration(
        model="solver-7b",
        date="2026-03-04",
        difficulties={"easy": catalog.PresetCalibration(**PRESET)},
    )
    catalog.record_calibration("sum_pair", calibration, tmp_path)
    index = catalog.read_index(tmp_path)
    assert index["sum_pair"].calibration == calibration
    assert index["sum_pair"].calibration.accuracy("easy") == 0.5
    assert index["sum_pair"].calibration.accuracy("hard") is None
    assert index["other"].calibration is None
    stored = json.loads((tmp_path / catalog.INDEX_FILE).read_text(encoding="utf-8"))
    assert stored["bootcamps"]["sum_pair"] == {**ENTRY, "calibration": STORED}
    assert stored["bootcamps"]["other"] == {**ENTRY, "path": "other/bootcamp.py"}  # no field


def test_record_calibration_of_an_unknown_bootcamp_names_the_known_ones(tmp_path: Path) -> None:
    write(tmp_path, sum_pair=ENTRY)
    calibration = catalog.Calibration(model="m", date="2026-03-04", difficulties={})
    with pytest.raises(catalog.UnknownBootcampError, match="catalog has: sum_pair"):
        catalog.record_calibration("nope", calibration, tmp_path)


def test_fields_a_newer_version_adds_are_kept(tmp_path: Path) -> None:
    newer = {**STORED, "endpoint": "vllm", "difficulties": {"easy": {**PRESET, "p50_s": 1.2}}}
    write(tmp_path, sum_pair={**ENTRY, "calibration": newer})
    catalog.write_index(catalog.read_index(tmp_path), tmp_path)
    stored = json.loads((tmp_path / catalog.INDEX_FILE).read_text(encoding="utf-8"))
    assert stored["bootcamps"]["sum_pair"]["calibration"] == newer


DAMAGED = {
    "not an object": ("high", "calibration must be an object"),
    "no model": ({**STORED, "model": None}, "calibration model must be text"),
    "no presets": ({**STORED, "difficulties": []}, "calibration difficulties must be an object"),
    "a share above 1": (
        {**STORED, "difficulties": {"easy": {**PRESET, "accuracy": 1.5}}},
        "calibration of 'easy': accuracy must be a number from 0 to 1, not 1.5",
    ),
    "a count as text": (
        {**STORED, "difficulties": {"easy": {**PRESET, "n": "20"}}},
        "calibration of 'easy': n must be a whole number >= 0, not '20'",
    ),
    "a boolean count": (
        {**STORED, "difficulties": {"easy": {**PRESET, "tokens": True}}},
        "tokens must be a whole number >= 0, not True",
    ),
}


@pytest.mark.parametrize("damage", DAMAGED, ids=list(DAMAGED))
def test_a_damaged_calibration_is_one_line_naming_file_bootcamp_and_field(
    tmp_path: Path, damage: str
) -> None:
    value, problem = DAMAGED[damage]
    path = write(tmp_path, sum_pair={**ENTRY, "calibration": value})
    with pytest.raises(catalog.CatalogError) as raised:
        catalog.read_index(tmp_path)
    message = str(raised.value)
    assert "\n" not in message and str(path) in message and "'sum_pair'" in message
    assert problem in message


def test_the_catalog_module_still_needs_only_the_standard_library(tmp_path: Path) -> None:
    write(tmp_path, sum_pair={**ENTRY, "calibration": STORED})
    code = (
        "import sys, pathlib\n"
        "before = set(sys.modules)\n"
        "from generated_bootcamps import catalog\n"
        f"index = catalog.read_index(pathlib.Path({str(tmp_path)!r}))\n"
        "print(index['sum_pair'].calibration.accuracy('easy'))\n"
        "roots = {name.split('.')[0] for name in set(sys.modules) - before}\n"
        "print(sorted(roots - set(sys.stdlib_module_names) - {'generated_bootcamps'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["0.5", "[]"]  # nothing outside the standard library
