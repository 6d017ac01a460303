"""Every self-test check fails on a candidate with the bug it targets, and passes correct ones.

The corpus (tests/corpus/) holds deliberately broken bootcamps, each declaring in
`EXPECTED_FAILURES` the checks that must fail on it, and correct bootcamps of every answer kind
that must pass every check. The modules are read with `ast` here, never imported: only the
sandbox runs them.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from agent.selftest import CHECK_IDS, Settings, UnusableInput, run_selftest
from agent.spec import load_specs
from tests import compilers

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
BROKEN = sorted((CORPUS / "broken").glob("*.py"))
CORRECT = sorted((CORPUS / "correct").glob("*.py"))
# Fewer cases than the default keeps the suite fast; every detection still holds at this size.
SETTINGS = Settings(
    cases=20, hypothesis_examples=40, call_timeout=5.0, total_budget=60.0, reference_cases=5
)
# Hostile candidates: contained, and the failing check says how (the sandbox's reason).
CONTAINED_BECAUSE = {
    "sandbox__exit": "exited with code",
    "sandbox__fork_bomb": "Resource temporarily unavailable",
    "sandbox__hang_in_solve": "timed out",
    "sandbox__import_hang": "does not load",
    "sandbox__memory_bomb": "MemoryError",
    "sandbox__network": "name resolution",
    "sandbox__output_flood": "output flood",
}
UNUSABLE = {"contract__no_bootcamp_subclass"}  # not a candidate at all: `campforge check` exits 2


# Checks that run only when the bootcamp (or its spec) has what they need.
OPTIONAL_CHECKS = {"consistency", "reference", "shortcuts"}


def expected_failures(path: Path) -> set[str]:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if getattr(target, "id", None) == "EXPECTED_FAILURES":
            return (
                set(ast.literal_eval(node.value)) if not isinstance(node.value, ast.Call) else set()
            )
    raise AssertionError(f"{path.name} declares no EXPECTED_FAILURES")


def assert_no_internal_error(report) -> None:
    """A check that raised inside the self-test caught nothing: it is a bug of the self-test."""
    internal = [check for check in report.checks if "self-test internal error" in check.summary]
    assert not internal, "\n".join(f"{check.id}: {check.summary}" for check in internal)


def selftest(path: Path):
    spec_path = path.with_suffix(".spec.md")
    spec = load_specs(spec_path)[0] if spec_path.exists() else None
    if spec is not None and not os.environ.get("CI"):  # CI installs the compilers (.ci/run)
        for language in {spec.reference_language, spec.checker_language}:
            if reason := compilers.missing(language):
                pytest.skip(reason)
    return run_selftest(path, spec=spec, settings=SETTINGS)


def test_every_check_has_a_broken_candidate():
    targeted = set().union(*(expected_failures(path) for path in BROKEN))
    assert targeted >= set(CHECK_IDS), f"no broken candidate for {set(CHECK_IDS) - targeted}"


@pytest.mark.parametrize("path", BROKEN, ids=lambda path: path.stem)
def test_broken_candidate_fails_the_check_it_targets(path):
    expected = expected_failures(path)
    if path.stem in UNUSABLE:
        with pytest.raises(UnusableInput, match="no Bootcamp subclass"):
            selftest(path)
        return
    report = selftest(path)
    failed = {check.id for check in report.failed}
    assert report.verdict == "fail"
    assert expected <= failed, (
        f"{path.name}: expected {expected} to fail, got {failed}:\n"
        + "\n".join(f"  {check.id}: {check.summary}" for check in report.checks)
    )
    for check in report.failed:  # a failure always says what is wrong
        assert len(check.summary) > 20, check
    assert_no_internal_error(report)
    if path.stem in CONTAINED_BECAUSE:
        reasons = " | ".join(check.summary for check in report.failed)
        assert CONTAINED_BECAUSE[path.stem] in reasons, reasons


@pytest.mark.parametrize("path", CORRECT, ids=lambda path: path.stem)
def test_correct_candidate_passes_every_check(path):
    report = selftest(path)
    assert report.verdict == "pass", "\n".join(
        f"{check.id}: {check.summary}" for check in report.failed
    )
    assert_no_internal_error(report)
    ran = {check.id for check in report.checks}
    assert ran >= set(CHECK_IDS) - OPTIONAL_CHECKS
    if path.with_suffix(".spec.md").exists():
        assert "reference" in ran


CATALOG = Path(__file__).resolve().parents[2] / "generated_bootcamps"


@pytest.mark.parametrize(
    "path", sorted(CATALOG.glob("*/bootcamp.py")), ids=lambda path: path.parent.name
)
def test_catalog_bootcamp_passes_every_check(path):
    """At the corpus's sample size too: sat_assignment once failed `soundness` at 20 cases, an
    answer dump whose last span was another case's assignment, valid for this case as well."""
    report = run_selftest(path, settings=SETTINGS)
    assert report.verdict == "pass", "\n".join(
        f"{check.id}: {check.summary}" for check in report.failed
    )
    assert_no_internal_error(report)
    if path.parent.name == "knapsack":  # its greedy shortcuts, held under the limit
        assert report.check("shortcuts") is not None
