"""`campforge audit reasoning-gym:NAME,...`: reasoning-gym datasets, adapted and self-tested in the
sandbox (reasoning-gym is provided there read-only; this process never imports it)."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.audit import core
from agent.audit import reasoning_gym as rg

try:
    importlib.metadata.version("reasoning-gym")
except importlib.metadata.PackageNotFoundError:  # pragma: no cover - requirements.lock has it
    pytest.skip(
        "reasoning-gym is not installed (scripts/setup.sh installs it)", allow_module_level=True
    )


def campforge(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", "audit", *args, "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=600,
    )


def states(row: dict) -> dict[str, dict]:
    return {check["id"]: check for check in row["report"]["checks"]}


def test_named_datasets_get_verdicts_with_evidence(tmp_path):
    done = campforge("reasoning-gym:leg_counting,composite", "--json", "-q", home=tmp_path / "h")
    assert done.returncode == 0, done.stderr
    legs, composite = json.loads(done.stdout)
    # reasoning-gym's default score_answer credits len(answer)/len(response) to any response
    # that contains the answer: a dump of numbers earns reward
    assert legs["verdict"] == "fail" and legs["failing"] == ["soundness"], legs["evidence"]
    assert "answer dump" in legs["evidence"]
    checks = states(legs)
    assert checks["difficulty"]["applicable"]  # presets from leg_counting's curriculum
    assert not checks["reference"]["applicable"]
    assert "no reference program" in checks["reference"]["summary"]
    assert composite["verdict"] == (
        "unusable: cannot create the dataset at its defaults "
        "(AssertionError: Must specify at least one dataset)"
    )


def test_a_dataset_without_answers_gets_the_verifier_only_checks():
    _, [target] = core.targets("reasoning-gym:boxnet")
    row = core.audit_target(target)
    checks = states(row)
    for check_id in ("completeness", "rendered", "format", "fresh_process"):
        assert not checks[check_id]["applicable"], check_id
        assert "carry no answer" in checks[check_id]["summary"]
    for check_id in ("soundness", "guessability", "determinism", "leakage"):
        assert checks[check_id]["passed"], checks[check_id]["summary"]


def test_broken_datasets_get_a_failing_verdict_not_a_crash(tmp_path):
    # a dataset the installed reasoning-gym does not have; one whose config fails its validation
    facts = {"defaults": {"min_animals": 1, "max_animals": 3}, "single_level": "one level"}
    invalid = {**facts, "defaults": {"min_animals": 5, "max_animals": 3}}
    rows = {}
    for name, given in (("no_such_dataset", facts), ("leg_counting", invalid)):
        path = rg.write_adapter(name, given, "0.1.25", tmp_path)
        rows[name] = core.audit_target(core.Target(rg.SOURCE, name, rg.KIND, path, name))
    missing = rows["no_such_dataset"]
    assert missing["verdict"] == "fail" and missing["failing"] == ["contract"]
    assert "Dataset 'no_such_dataset' not registered" in missing["evidence"]
    invalid_row = rows["leg_counting"]
    assert invalid_row["verdict"] == "fail" and invalid_row["failing"][0] == "params"
    assert "max_animals must be >= min_animals" in invalid_row["evidence"], invalid_row["evidence"]


def test_bad_dataset_names_are_one_line_errors(tmp_path):
    for source, words in (
        ("reasoning-gym:", "name at least one dataset"),
        ("reasoning-gym:leg_counting,no_such_dataset", "has no dataset no_such_dataset"),
    ):
        done = campforge(source, home=tmp_path / "h")
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and words in done.stderr, done.stderr


def test_case_and_parameter_values_become_exact_json_types():
    import enum

    import numpy

    from agent.audit import rg_support

    class Kind(enum.StrEnum):  # like aiw's task types: equal to its string, not one
        FRIENDS = "friends"

    names = rg_support.jsonable({"names": [numpy.str_("Oliver")], 3: (numpy.int64(2), 0.5)})
    assert names == {"names": ["Oliver"], "3": [2, 0.5]}
    assert type(names["names"][0]) is str and type(names["3"][0]) is int
    assert rg_support.jsonable(Kind.FRIENDS) == "friends"
    assert not rg_support._plain([Kind.FRIENDS])  # kept at its default, not passed as a string
    assert rg_support._plain({"weights": (0.5, 0.5), "n": 3})
    assert rg_support.restore([[1, 2]], ((0, 0),)) == ((1, 2),)
