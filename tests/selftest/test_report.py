"""The self-test report: deterministic, useful evidence, and the `campforge check` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import generated_bootcamps
from agent.selftest import Settings, run_selftest

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FAST = Settings(cases=15, hypothesis_examples=30)


def test_the_same_candidate_gives_the_same_report():
    path = CORPUS / "broken" / "soundness__substring_check.py"
    first, second = run_selftest(path, settings=FAST), run_selftest(path, settings=FAST)
    assert first.deterministic_dump() == second.deterministic_dump()
    assert first.verdict == "fail"


def test_failure_evidence_is_a_concrete_example():
    report = run_selftest(CORPUS / "broken" / "completeness__first_answer_wins.py", settings=FAST)
    check = report.check("completeness")
    assert check is not None and not check.passed
    evidence = check.evidence
    assert evidence is not None
    assert isinstance(evidence.case, dict) and evidence.response and evidence.expected == 1.0
    assert evidence.got != 1.0


@pytest.mark.parametrize("name", generated_bootcamps.names())
def test_every_catalog_bootcamp_passes(name):
    module = generated_bootcamps.catalog.catalog_dir() / generated_bootcamps.entry(name).path
    report = run_selftest(module)
    assert report.verdict == "pass", [(c.id, c.summary) for c in report.failed]
    assert report.isolation.get("uid_drop") is not None


def campforge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_check_command_exit_codes_and_json(tmp_path):
    passing = campforge(
        "check", str(CORPUS / "correct" / "text_caesar.py"), "--cases", "10", "--json"
    )
    assert passing.returncode == 0, passing.stderr
    report = json.loads(passing.stdout)
    assert report["verdict"] == "pass"
    assert {"id", "passed", "summary", "numbers", "evidence"} <= set(report["checks"][0])

    failing = campforge(
        "check", str(CORPUS / "broken" / "leakage__reference_result.py"), "--cases", "10"
    )
    assert failing.returncode == 1
    assert "leakage" in failing.stdout and "evidence" in failing.stdout

    for target in (str(tmp_path / "missing.py"), "no_such_bootcamp"):
        unusable = campforge("check", target)
        assert unusable.returncode == 2
        assert unusable.stderr.count("\n") == 1 and "Traceback" not in unusable.stderr

    no_class = campforge("check", str(CORPUS / "broken" / "contract__no_bootcamp_subclass.py"))
    assert no_class.returncode == 2 and "no Bootcamp subclass" in no_class.stderr

    bad_spec = tmp_path / "bad.md"
    bad_spec.write_text("---\nname: [unclosed\n---\n# x\n", encoding="utf-8")
    spec_error = campforge("check", "knapsack", "--spec", str(bad_spec))
    assert spec_error.returncode == 2 and "bad.md:" in spec_error.stderr
