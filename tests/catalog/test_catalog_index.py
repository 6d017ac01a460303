"""The catalog index (`catalog.json`), read and written with the standard library alone: the
shipped index survives a round trip byte for byte, fields a newer version adds to a provenance
are kept, and a damaged index is one line naming the file, the bootcamp and what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generated_bootcamps import catalog

SHIPPED = catalog.PACKAGE_DIR / catalog.INDEX_FILE
GOOD = {
    "path": "packed/bootcamp.py",
    "class_name": "PackedBootcamp",
    "domain": "algorithms",
    "description": "Pack items.",
    "answer_kind": "integer",
    "provenance": {"source": "generated", "rounds": 2, "reviewer": "ada"},
}


def write(directory: Path, bootcamps: Any) -> None:
    body = {"version": 1, "bootcamps": bootcamps}
    (directory / catalog.INDEX_FILE).write_text(json.dumps(body), encoding="utf-8")


def test_the_shipped_index_survives_a_round_trip_byte_for_byte(tmp_path: Path) -> None:
    catalog.write_index(catalog.read_index(SHIPPED.parent), tmp_path)
    assert (tmp_path / catalog.INDEX_FILE).read_bytes() == SHIPPED.read_bytes()


def test_provenance_fields_this_version_does_not_know_are_kept(tmp_path: Path) -> None:
    provenance = {**GOOD["provenance"], "licence": "MIT", "seeds": [1, 2]}
    write(tmp_path, {"packed": {**GOOD, "provenance": provenance}})
    entry = catalog.read_index(tmp_path)["packed"]
    assert entry.provenance.rounds == 2 and entry.provenance.extra == {
        "licence": "MIT",
        "seeds": [1, 2],
    }
    assert entry.as_dict()["provenance"] == provenance
    catalog.write_index(catalog.read_index(tmp_path), tmp_path)
    stored = json.loads((tmp_path / catalog.INDEX_FILE).read_text(encoding="utf-8"))
    assert stored["bootcamps"]["packed"] == {**GOOD, "provenance": provenance}


DAMAGED = {
    "a missing field": ({k: v for k, v in GOOD.items() if k != "domain"}, "lacks domain"),
    "an unknown field": ({**GOOD, "colour": "red"}, "has unknown colour"),
    "a number for text": ({**GOOD, "class_name": 7}, "class_name must be text, not int"),
    "no provenance source": ({**GOOD, "provenance": {"rounds": 1}}, "'source' text"),
    "text for rounds": (
        {**GOOD, "provenance": {"source": "generated", "rounds": "2"}},
        "provenance rounds must be int, not str",
    ),
    "not an object": ("packed/bootcamp.py", "is not an object"),
}


@pytest.mark.parametrize("damage", DAMAGED, ids=list(DAMAGED))
def test_a_damaged_entry_is_one_line_naming_the_file_the_bootcamp_and_the_problem(
    tmp_path: Path, damage: str
) -> None:
    fields, problem = DAMAGED[damage]
    write(tmp_path, {"packed": fields})
    with pytest.raises(catalog.CatalogError) as raised:
        catalog.read_index(tmp_path)
    message = str(raised.value)
    assert "\n" not in message
    assert str(tmp_path / catalog.INDEX_FILE) in message and "'packed'" in message
    assert problem in message


def test_an_index_that_is_not_json_is_one_line(tmp_path: Path) -> None:
    (tmp_path / catalog.INDEX_FILE).write_text('{"version": 1, "bootcamps": {', encoding="utf-8")
    with pytest.raises(catalog.CatalogError, match="is not JSON") as raised:
        catalog.read_index(tmp_path)
    assert "\n" not in str(raised.value)
