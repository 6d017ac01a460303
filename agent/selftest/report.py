"""The self-test report: a verdict and, per check, what was measured and a falsifying example.

It is what the repair loop feeds back to the LLM and what a reviewer reads, so a failure's
`summary` says what is wrong in terms of the bootcamp's own members, and its `evidence` is one
concrete, minimal example (case, response, expected, got). Everything but `timing` and `seconds`
is deterministic: the same candidate gives the same report.

A check has three states: passed, failed, and not applicable (`applicable=False`: the bootcamp
lacks a part the check needs, e.g. an audited library bootcamp with no reference answer; its
`summary` gives the reason). A check that does not apply is never a pass: `passed` stays False,
and the verdict is taken over the applicable checks only.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Evidence(BaseModel):
    """One falsifying example. Fields that do not apply stay None; `detail` holds the rest."""

    model_config = ConfigDict(extra="forbid")

    case: Any = None
    response: str | None = None
    expected: Any = None
    got: Any = None
    detail: dict[str, Any] = Field(default_factory=dict)


class CheckResult(BaseModel):
    """The outcome of one check."""

    model_config = ConfigDict(extra="forbid")

    id: str
    passed: bool
    summary: str
    numbers: dict[str, Any] = Field(default_factory=dict)
    evidence: Evidence | None = None
    timing: dict[str, float] = Field(default_factory=dict, description="not deterministic")
    applicable: bool = True

    @classmethod
    def not_applicable(cls, check_id: str, reason: str) -> CheckResult:
        """A check the bootcamp gives no way to run: never a pass; `reason` says what is missing."""
        return cls(id=check_id, passed=False, applicable=False, summary=f"not applicable: {reason}")

    @property
    def state(self) -> Literal["pass", "fail", "n/a"]:
        if not self.applicable:
            return "n/a"
        return "pass" if self.passed else "fail"


class Report(BaseModel):
    """The whole self-test of one candidate."""

    model_config = ConfigDict(extra="forbid")

    verdict: Literal["pass", "fail"]
    candidate: str
    bootcamp: str | None = None
    cases_per_difficulty: int
    checks: list[CheckResult]
    isolation: dict[str, Any] = Field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failed(self) -> list[CheckResult]:
        """The applicable checks that did not pass."""
        return [check for check in self.checks if check.applicable and not check.passed]

    @property
    def not_applicable(self) -> list[CheckResult]:
        return [check for check in self.checks if not check.applicable]

    def check(self, check_id: str) -> CheckResult | None:
        return next((check for check in self.checks if check.id == check_id), None)

    def summary_line(self) -> str:
        """One line: "pass: 15/15 checks" or "fail: completeness, soundness (13/15 passed)";
        checks that do not apply are counted apart: "pass: 9/9 checks, 6 not applicable"."""
        passed = sum(check.passed for check in self.checks)
        applicable = len(self.checks) - len(self.not_applicable)
        skipped = f", {len(self.not_applicable)} not applicable" if self.not_applicable else ""
        if self.verdict == "pass":
            return f"pass: {passed}/{applicable} checks{skipped}"
        names = ", ".join(check.id for check in self.failed)
        return f"fail: {names} ({passed}/{applicable} passed{skipped})"

    def failure_reason(self, limit: int = 300) -> str:
        """The summary line and what the first failed check says: enough to act on."""
        if self.verdict == "pass" or not self.failed:
            return self.summary_line()
        first = self.failed[0]
        return f"{self.summary_line()}; {first.id}: {first.summary}"[:limit]

    @staticmethod
    def verdict_of(checks: list[CheckResult]) -> Literal["pass", "fail"]:
        """Pass when at least one check applies and every applicable check passed."""
        applicable = [check for check in checks if check.applicable]
        return "pass" if applicable and all(check.passed for check in applicable) else "fail"

    def deterministic_dump(self) -> dict[str, Any]:
        """The report without its timings: equal for equal candidates."""
        return self.model_dump(exclude={"seconds": True, "checks": {"__all__": {"timing"}}})
