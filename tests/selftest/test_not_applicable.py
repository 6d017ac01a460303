"""A check that does not apply: a third state, never a pass, ignored by the verdict."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from agent.selftest import CheckResult, Report, Settings, print_report, run_selftest
from agent.selftest.checks.scoring import chance_level, guess_limit, wilson_lower_bound

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FAST = Settings(cases=12, hypothesis_examples=20)


def report_of(*checks: CheckResult) -> Report:
    return Report(
        verdict=Report.verdict_of(list(checks)),
        candidate="x.py",
        cases_per_difficulty=1,
        checks=list(checks),
    )


def test_a_check_that_does_not_apply_is_neither_a_pass_nor_a_failure():
    passed = CheckResult(id="contract", passed=True, summary="ok")
    missing = CheckResult.not_applicable("completeness", "no reference answer")
    report = report_of(passed, missing)
    assert missing.state == "n/a" and not missing.passed
    assert report.verdict == "pass"
    assert report.failed == [] and report.not_applicable == [missing]
    assert report.summary_line() == "pass: 1/1 checks, 1 not applicable"
    assert missing.summary == "not applicable: no reference answer"


def test_a_report_of_checks_that_do_not_apply_alone_fails():
    assert report_of(CheckResult.not_applicable("completeness", "nothing")).verdict == "fail"


def test_a_failure_beside_a_check_that_does_not_apply_fails_the_report():
    report = report_of(
        CheckResult(id="soundness", passed=False, summary="junk scores"),
        CheckResult.not_applicable("rendered", "no reference answer"),
    )
    assert report.verdict == "fail"
    assert [check.id for check in report.failed] == ["soundness"]
    assert report.summary_line() == "fail: soundness (0/1 passed, 1 not applicable)"


def test_the_printed_report_marks_a_check_that_does_not_apply_as_n_a():
    console = Console(record=True, width=120)
    print_report(
        report_of(
            CheckResult(id="contract", passed=True, summary="ok"),
            CheckResult.not_applicable("difficulty", "one level"),
        ),
        console,
    )
    text = console.export_text()
    line = next(line for line in text.splitlines() if "difficulty" in line)
    assert "n/a" in line and "not applicable: one level" in line and "✗" not in line


def test_a_stored_report_without_the_field_reads_as_applicable():
    stored = {"id": "lint", "passed": True, "summary": "ok"}
    assert CheckResult.model_validate(stored).applicable is True


def test_a_bootcamp_lacking_difficulty_gets_difficulty_not_applicable_with_the_reason():
    # identical presets fail `difficulty` (the corpus module says so); declared lacking, the
    # check does not apply and the rest of the report judges the bootcamp
    path = CORPUS / "broken" / "difficulty__identical_presets.py"
    assert run_selftest(path, settings=FAST).check("difficulty").state == "fail"
    report = run_selftest(path, settings=FAST, lacks={"difficulty": "the library has no levels"})
    check = report.check("difficulty")
    assert check.state == "n/a" and "the library has no levels" in check.summary
    assert report.verdict == "pass", [(c.id, c.summary) for c in report.failed]


def test_without_a_reference_answer_the_answer_checks_do_not_apply_and_the_rest_run():
    reason = "no stored answer"
    report = run_selftest(
        CORPUS / "correct" / "text_caesar.py", settings=FAST, lacks={"solve": reason}
    )
    states = {check.id: check.state for check in report.checks}
    for check_id in ("completeness", "rendered", "format", "fresh_process", "reference"):
        assert states[check_id] == "n/a", check_id
        assert reason in report.check(check_id).summary
    for check_id in ("contract", "generate", "determinism", "diversity", "soundness"):
        assert states[check_id] == "pass", (check_id, report.check(check_id).summary)
    for check_id in ("guessability", "leakage", "speed", "difficulty"):
        assert states[check_id] == "pass", (check_id, report.check(check_id).summary)
    assert report.verdict == "pass"


def test_a_yes_no_answer_is_judged_against_chance():
    # 60% "yes" over 40 cases is chance level for yes/no; 85% is not. Over a large answer space,
    # the old limit (30%) holds.
    assert chance_level(2) == 0.5 and chance_level(100) == 0.0
    assert wilson_lower_bound(0.6, 40) < guess_limit(chance_level(2))
    assert wilson_lower_bound(0.85, 40) > guess_limit(chance_level(2))
    assert guess_limit(chance_level(50)) == 0.3


SLOW_VERIFIER = """
from typing import Any

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp


class SlowVerifier(Bootcamp):
    name = "slow_verifier"
    description = "A sum whose verifier takes a tenth of a second."
    domain = "arithmetic"
    defaults = {"high": 100}
    difficulties = {"easy": {}, "medium": {}, "hard": {}}
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        return {"a": self.rng.randint(0, 100), "b": self.rng.randint(0, 100)}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return f"What is {case['a']} + {case['b']}? " + cls.answer_kind.instruction()

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        raise NotImplementedError("no answer kept")

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool:
        total = 0
        for step in range(3_000_000):  # a slow rule check
            total += step % 7
        return answer == case["a"] + case["b"] and total > 0
"""


def test_without_a_reference_answer_a_slow_verifier_fails_speed_at_once(tmp_path):
    module = tmp_path / "slow_verifier.py"
    module.write_text(SLOW_VERIFIER, encoding="utf-8")
    lacks = {"solve": "none kept", "difficulty": "one level"}
    report = run_selftest(module, settings=FAST, lacks=lacks)
    speed = report.check("speed")
    assert speed.state == "fail" and "score() p95" in speed.summary, speed.summary
    assert "sure to fail" in speed.summary
    assert report.check("soundness") is None  # not run: it would call score() hundreds of times
