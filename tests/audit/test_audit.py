"""`campforge audit`: InternBootcamp modules through the sandboxed self-test, one row each.

`internbootcamp/` holds a few of InternBootcamp's auto-generated modules (Apache-2.0, see its
README), each picked because the audit of all 951 found it correct or found one defect, which a
reading by hand confirmed; plus `py2sumpair`, written for these tests in Python 2.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.audit import core
from agent.audit import internbootcamp as ib

HERE = Path(__file__).resolve().parent
LIBRARY = HERE / "internbootcamp"

# name -> (verdict, failing checks, words of the evidence line, answer key found)
EXPECTED = {
    # correct, with its answer stored under "ans"
    "aalmostarithmeticalprogression": ("pass", [], "pass", "ans"),
    # correct, no answer kept (the verifier recomputes it): the verifier-only checks pass
    "afoxandnames": ("pass", [], "pass", None),
    # a yes/no task whose majority answer is right ~60% of the time: chance level, not a defect
    "cacookieforyou": ("pass", [], "pass", None),
    # `consonants = list(set(...))`: cases depend on PYTHONHASHSEED
    "adidyoumean": ("fail", ["determinism"], "different PYTHONHASHSEED", None),
    # a third of the cases expect an empty output, which extract_output's `[01]+` cannot read:
    # the module rejects its own ground truth there
    "aunusualproduct": ("fail", ["completeness", "format"], "[answer][/answer]", "expected_output"),
    # "yes" is right for 90-95% of cases: a constant answer earns nearly full reward
    "bmodulosum": ("fail", ["guessability"], "always answering '[answer]yes[/answer]'", None),
    # the identity holds a set: not JSON, so InternBootcamp's own export of it fails too
    "caquamoonandpermutations": ("fail", ["generate"], "set is not JSON serializable", None),
    # N queens with N drawn from 4..8: five distinct cases in all
    "chess": ("fail", ["diversity"], "only 5 distinct cases", None),
    # the extractor takes the 2nd and 3rd numbers of the span and the verifier never checks the
    # claimed beauty: when it is 0 (most cases) any swap is accepted, so a dump scores
    "d2theworldisjustaprogrammingtaskhardversion": (
        "fail",
        ["soundness"],
        "junk scores: an answer dump",
        None,
    ),
    # every case's answer is its length n, which the prompt states
    "dfibonacciish": ("fail", ["leakage"], "the prompt contains the answer in 100%", "expected"),
    # correct: the prompt's example "[answer]2[/answer]" is right for some cases, and the
    # extractor returns the text "2" for the answer 2 (the echo reads as the answer)
    "comkarandbaseball": ("pass", [], "pass", "answer"),
    # correct: probabilities with a tolerance; the extractor reads "0." (the answer cut by one
    # character) as 0.0, the same number: not junk
    "clru": ("pass", [], "pass", "expected"),
    # `_candidates` is accepted (the extractor keeps the first number of the list, and the
    # arrival time 0 is right for 98% of cases) but is not read back whole: not the answer
    "bthequeue": ("fail", ["guessability"], "always answering '[answer]0[/answer]'", None),
    # the answer is 1 for every random string: a constant, which fuzzed text finding
    # "[answer]1[/answer]" right on every case must not call junk
    "cdnaalignment": ("fail", ["guessability"], "always answering '[answer]1[/answer]'", None),
    # answers in <answer>...</answer>, read; but `self.rng = Random(None)`: cases never repeat
    # (and its seed cannot be passed: `super().__init__(**params)` rejects any argument)
    "ccowboys": ("fail", ["determinism"], "gave a different case the second time", "answer"),
    # its own random.Random(seed): the adapter seeds it, so cases reproduce; the answer (a
    # count of most frequent letters, to the power n) is 1 for every random string
    "adnaalignment": ("fail", ["guessability"], "always answering '[answer]1[/answer]'", None),
}
ANSWER_NEEDED = ("completeness", "rendered", "format", "fresh_process")


def audit(name: str) -> dict:
    _, found = core.targets(str(LIBRARY))
    [target] = core.select(found, [name], None)
    return core.audit_target(target)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_module_gets_its_verdict_failing_checks_and_evidence(name):
    verdict, failing, evidence, key = EXPECTED[name]
    row = audit(name)
    assert row["verdict"] == verdict, row["evidence"]
    assert row["failing"] == failing, row["evidence"]
    assert evidence in row["evidence"]
    assert row["answer_key"] == key
    report = row["report"]
    states = {check["id"]: check for check in report["checks"]}
    assert not states["reference"]["applicable"]  # InternBootcamp carries no solver
    if "difficulty" in states:  # absent when the self-test stopped at `generate`
        assert not states["difficulty"]["applicable"]  # nor difficulty levels
    if key is None:  # verifier-only: the checks that need an answer say why they do not apply
        for check_id in ANSWER_NEEDED:
            if check_id in states and check_id not in failing:
                assert not states[check_id]["applicable"]
                assert "no identity key" in states[check_id]["summary"]
    else:
        assert all(states[check_id]["applicable"] for check_id in ANSWER_NEEDED)


def test_a_yes_no_answer_at_chance_level_passes_guessability():
    check = next(
        c for c in audit("cacookieforyou")["report"]["checks"] if c["id"] == "guessability"
    )
    assert check["passed"] and check["numbers"]["chance_level"] == 0.5
    assert 0.5 <= check["numbers"]["best_constant_share"] <= 0.7


def test_a_dump_that_reads_as_one_of_its_items_is_not_junk():
    # The extractor reads only probabilities ("0", "0.xxxxxxxxxxxx", "1.000000000000"): of a dump
    # of the integers -3..60 in many spans it reads "0", right by chance for the ~40% of cases
    # whose answer is 0 (that share is guessability's to judge: 42%, within its limit).
    checks = {c["id"]: c for c in audit("bdreamoonandwifi")["report"]["checks"]}
    assert checks["soundness"]["passed"], checks["soundness"]["summary"]
    assert 0.3 <= checks["guessability"]["numbers"]["best_constant_share"] <= 0.5


def test_python_2_code_is_unusable_without_running_it():
    row = audit("py2sumpair")
    assert row["verdict"] == "unusable: Python 2 syntax (a print statement at line 17)"
    assert row["report"] is None


def test_modules_are_found_by_parsing_when_there_is_no_index(tmp_path):
    copy = tmp_path / "library"
    shutil.copytree(LIBRARY, copy)
    (copy / "index.json").unlink()
    found = {module.name: module.class_name for module in ib.discover(copy)}
    indexed = json.loads((LIBRARY / "index.json").read_text())
    assert found == {Path(entry["module"]).stem: entry["class"] for entry in indexed}
    assert found["py2sumpair"] == "Py2sumpairbootcamp"  # found by its text: it does not parse


def test_the_adapter_passes_the_contract_and_the_modules_own_findings_are_reported(tmp_path):
    source = (
        LIBRARY
        / "bootcamp"
        / "aalmostarithmeticalprogression"
        / "aalmostarithmeticalprogression.py"
    )
    library = tmp_path / "library"
    (library / "bootcamp" / "evalextract").mkdir(parents=True)
    shutil.copy(LIBRARY / "bootcamp" / "base.py", library / "bootcamp" / "base.py")
    shutil.copy(LIBRARY / "bootcamp" / "__init__.py", library / "bootcamp" / "__init__.py")
    text = source.read_text(encoding="utf-8").replace(
        "Aalmostarithmeticalprogressionbootcamp", "Evalextractbootcamp"
    )
    # an extractor that evaluates the model's text: a real hazard, found by the static scan
    text = text.replace(
        "    def extract_output(output):", "    def extract_output(output):\n        eval('0')", 1
    )
    (library / "bootcamp" / "evalextract" / "evalextract.py").write_text(text, encoding="utf-8")
    [target] = core.targets(str(library))[1]
    row = core.audit_target(target)
    contract = next(c for c in row["report"]["checks"] if c["id"] == "contract")
    assert not contract["passed"]
    assert "InternBootcamp module line" in contract["summary"] and "eval()" in contract["summary"]
    assert "contract" in row["failing"]


def campforge(*args: str, home: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", "audit", *args, "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=600,
        **kwargs,
    )


def test_json_and_jsonl_output(tmp_path):
    out = tmp_path / "rows.jsonl"
    names = "aalmostarithmeticalprogression,py2sumpair"
    done = campforge(
        str(LIBRARY), "--only", names, "--json", "-o", str(out), "-q", home=tmp_path / "h"
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [row["name"] for row in rows] == names.split(",")
    assert [row["verdict"] for row in rows] == [
        "pass",
        "unusable: Python 2 syntax (a print statement at line 17)",
    ]
    for row in rows:
        assert {"verdict", "failing", "evidence", "seconds", "not_applicable"} <= set(row)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines == rows


def test_bad_sources_and_options_are_one_line_errors(tmp_path):
    for args in (
        [str(tmp_path / "missing")],
        [str(HERE / "test_audit.py")],
        [str(tmp_path)],  # no module in it
        [str(LIBRARY), "--only", "nosuchbootcamp"],
        [str(LIBRARY), "--limit", "0"],
    ):
        done = campforge(*args, home=tmp_path / "h")
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr


def test_the_catalog_is_a_source_too(tmp_path):
    done = campforge("catalog", "--only", "knapsack", "--json", "-q", home=tmp_path / "h")
    assert done.returncode == 0, done.stderr
    [row] = json.loads(done.stdout)
    assert row["name"] == "knapsack" and row["verdict"] == "pass" and row["not_applicable"] == []


def stored(database: Path) -> dict[str, str]:
    if not database.exists():
        return {}
    with sqlite3.connect(database) as db:
        try:
            return dict(db.execute("SELECT name, audited_at FROM audit_results").fetchall())
        except sqlite3.OperationalError:  # the table is not made yet
            return {}


def test_a_killed_audit_resumes_where_it_stopped(tmp_path):
    home = tmp_path / "h"
    names = ["aalmostarithmeticalprogression", "afoxandnames", "adidyoumean", "bmodulosum"]
    args = [str(LIBRARY), "--only", ",".join(names), "--workers", "1", "-q"]
    command = [sys.executable, "-m", "agent.cli", "audit", *args, "--home", str(home)]
    first = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 300
    try:
        while len(stored(home / "campforge.db")) < 1:  # kill once one row is finished
            assert first.poll() is None, "the audit ended before it could be killed"
            assert time.monotonic() < deadline, "no row finished in 300 s"
            time.sleep(0.05)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    before = stored(home / "campforge.db")
    assert 1 <= len(before) < len(names)
    again = campforge(*args, "--json", home=home)
    assert again.returncode == 0, again.stderr
    assert f"resuming: {len(before)} of {len(names)} already audited" in again.stderr
    rows = json.loads(again.stdout)
    assert [row["name"] for row in rows] == sorted(names)  # in the index's order
    after = stored(home / "campforge.db")
    assert set(after) == set(names)
    assert {name: after[name] for name in before} == before  # not audited again
