"""One candidate's life: draft it, autofix it, self-test it, repair it from the report.

A spec that carries all its parts is rendered with no LLM call; otherwise the LLM drafts the
parts, and a failing candidate goes back to the LLM with its self-test report, up to `rounds`
times. With an LLM, a candidate that passes is then attacked by the reward hacker
(`agent.exploits`): a confirmed exploit fails it like any check, and the report keeps the hunt.
A reply that cannot be read (truncated, garbled) counts as a failed round, with the reason fed
back like a report. Every LLM call has a stable key (spec, attempt, sample, round), so a run
that is killed and started again gets finished calls from the transcript instead of asking
again; every draft is kept on disk.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.exploits import hunt_exploits
from agent.llm import LLMClient, LLMError
from agent.parts import Parts, PartsError, parse_response, parts_from_spec, render_module
from agent.prompts import PROMPT_VERSION, render_messages
from agent.selftest import CheckResult, Report, Settings, UnusableInput, run_selftest
from agent.spec import Spec

Emit = Callable[[dict[str, Any]], None]
AUTOFIX_RULES = "E4,E7,E9,F,I"


@dataclass
class DevelopOptions:
    rounds: int = 2
    selftest: Settings = field(default_factory=Settings)
    exploit_hunt: bool = True  # with an LLM: attack passing candidates (agent.exploits)
    calibration: Any = None  # agent.calibrate.Settings: the graph's calibrate node (None: off)
    gates: tuple[str, ...] = (
        "novelty_judge",
        "fidelity",
        "shortcut_hunt",
    )  # agent.gates, with an LLM
    # Self-tests are CPU-bound and start sandboxes: at most this many at once in the process.
    testing_slots: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(2)
    )


def autofix(path: Path) -> None:
    """ruff's safe fixes and formatting on a drafted module (ruff parses; it never runs code)."""
    ruff = [sys.executable, "-m", "ruff"]
    subprocess.run(
        [*ruff, "check", "--isolated", "--fix-only", "--select", AUTOFIX_RULES, "-q", str(path)],
        capture_output=True,
        timeout=60,
    )
    subprocess.run(
        [*ruff, "format", "--isolated", "-q", str(path)], capture_output=True, timeout=60
    )


def unreadable_report(reason: str) -> Report:
    """A report for a reply that could not be turned into a module (fed back like any report)."""
    return Report(
        verdict="fail",
        candidate="<unreadable reply>",
        cases_per_difficulty=0,
        checks=[
            CheckResult(
                id="contract", passed=False, summary=f"the reply could not be used: {reason}"
            )
        ],
    )


def develop_candidate(
    spec: Spec,
    *,
    sample: int,
    attempt: int,
    notes: str | None,
    llm: LLMClient | None,
    drafts: Path,
    options: DevelopOptions,
    emit: Emit,
) -> dict[str, Any]:
    """Develop one candidate; a JSON-native record of how it ended."""
    label = f"a{attempt}-s{sample}"
    parts: Parts | None = None
    report: Report | None = None
    record: dict[str, Any] = {"sample": sample, "attempt": attempt, "rounds": 0, "tokens": 0}
    offline = spec.offline and not notes
    for round_ in range(options.rounds + 1):
        record["rounds"] = round_
        if offline and round_ == 0:
            try:
                parts = parts_from_spec(spec)
            except PartsError as error:
                return {**record, "status": "error", "reason": f"spec parts unusable: {error}"}
        else:
            if llm is None:
                reason = (
                    "needs an LLM, and none is configured: set OPENAI_BASE_URL / OPENAI_API_KEY "
                    "(or --model), or give the spec all its parts to run offline"
                )
                if report is not None:
                    reason = f"fails the self-test ({report.failure_reason()}) and {reason}"
                return {**record, "status": "error", "reason": reason, **_report(report)}
            kind = "draft" if report is None else "repair"
            emit({"spec": spec.name, "candidate": label, "phase": "drafting", "round": round_})
            messages = render_messages(kind, spec=spec, parts=parts, report=report, notes=notes)
            try:
                completion = llm.complete(
                    messages, key=f"{spec.name}/{label}/r{round_}", purpose=f"{kind} {spec.name}"
                )
            except LLMError as error:
                return {**record, "status": "error", "reason": str(error), **_report(report)}
            record["tokens"] += completion.prompt_tokens + completion.completion_tokens
            record["model"] = completion.model
            try:
                parts = parse_response(
                    completion.text, finish_reason=completion.finish_reason, spec=spec
                )
            except PartsError as error:
                report = unreadable_report(str(error))
                continue
        assert parts is not None
        module = drafts / f"{spec.name}-{label}-r{round_}.py"
        module.write_text(render_module(parts, spec=spec), encoding="utf-8")
        autofix(module)
        emit({"spec": spec.name, "candidate": label, "phase": "testing", "round": round_})
        with options.testing_slots:
            try:
                report = run_selftest(module, spec=spec, settings=options.selftest)
            except UnusableInput as error:
                report = unreadable_report(str(error))
                continue
        record.update(module=str(module), code=module.read_text(encoding="utf-8"))
        if report.verdict == "pass" and llm is not None and options.exploit_hunt:
            emit({"spec": spec.name, "candidate": label, "phase": "attacking", "round": round_})
            hunt = hunt_exploits(
                module,
                llm,
                key=f"{spec.name}/{label}/r{round_}/exploits",
                call_timeout=options.selftest.call_timeout,
            )
            record["tokens"] += hunt.tokens
            report.checks.append(hunt.result())
            if hunt.confirmed:
                report.verdict = "fail"
        if report.verdict == "pass":
            return {**record, "status": "pass", "reason": report.summary_line(), **_report(report)}
    reason = report.failure_reason() if report else "no draft"
    return {**record, "status": "fail", "reason": reason, **_report(report)}


def _report(report: Report | None) -> dict[str, Any]:
    return {"report": report.model_dump(mode="json")} if report is not None else {}


__all__ = ["PROMPT_VERSION", "DevelopOptions", "autofix", "develop_candidate"]
