"""Checks that do not apply (`applicable: false`) are shown as n/a with their reason, never as a
pass or a failure: in the web UI's candidate report and in the repair prompt's check listing."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from agent.prompts import render_messages
from agent.selftest.report import CheckResult, Evidence, Report
from agent.spec import parse_specs
from agent.workspace import Workspace
from review.web import create_app
from tests.review.test_web import queue_candidate

NO_ANSWER = "InternBootcamp modules carry no reference program or brute-force solver"
ONE_LEVEL = "InternBootcamp has no difficulty presets: one level"
SPEC = """---
name: digit_sum
domain: arithmetic
---
# Digit sum

Sum the decimal digits of n.
"""


def report_with_not_applicable(verdict: str = "pass") -> Report:
    checks = [
        CheckResult(id="contract", passed=True, summary="one Bootcamp subclass, all members"),
        CheckResult.not_applicable("reference", NO_ANSWER),
        CheckResult.not_applicable("difficulty", ONE_LEVEL),
    ]
    if verdict == "fail":
        checks.append(
            CheckResult(
                id="soundness",
                passed=False,
                summary="junk scores",
                evidence=Evidence(response="[answer][/answer]", expected=0.0, got=1.0),
            )
        )
    return Report(
        verdict=verdict,  # type: ignore[arg-type]
        candidate="adapter.py",
        cases_per_difficulty=20,
        checks=checks,
    )


def test_the_candidate_page_shows_checks_that_do_not_apply_as_na(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path / "home")
    report = report_with_not_applicable().model_dump(mode="json")
    candidate_id = queue_candidate(workspace, "knap_na", report=report)
    html = TestClient(create_app(workspace)).get(f"/candidates/{candidate_id}").text
    table = html[html.index('id="checks"') : html.index("</table>", html.index('id="checks"'))]
    states = dict(re.findall(r'data-check="([^"]+)" data-state="([^"]+)"', table))
    assert states == {"contract": "pass", "reference": "n/a", "difficulty": "n/a"}
    assert table.count("✓") == 1 and "✗" not in table
    assert table.count("<td>n/a</td>") == 2
    assert f"not applicable: {NO_ANSWER}" in table and f"not applicable: {ONE_LEVEL}" in table
    assert "pass: 1/1 checks, 2 not applicable" in html


def test_the_repair_prompt_lists_checks_that_do_not_apply_apart() -> None:
    spec = parse_specs(SPEC, "examples/digit_sum.md")[0]
    report = report_with_not_applicable("fail")
    for given in (report, report.model_dump(mode="json")):
        _, user = render_messages("repair", spec=spec, report=given)
        text = user["content"]
        assert "1 of 2 checks failed" in text  # the checks that apply
        failed = text[text.index("Failed checks:") : text.index("Passed checks")]
        assert "`soundness`: junk scores" in failed
        assert "reference" not in failed and "difficulty" not in failed
        assert "Passed checks (keep them passing): contract." in text
        assert f"- `reference`: n/a, {NO_ANSWER}" in text
        assert f"- `difficulty`: n/a, {ONE_LEVEL}" in text
