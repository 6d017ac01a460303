"""The graph's calibration node: the selected candidate against a solver model, after the self-test.

    develop x k -> select -> calibrate -> queue
                                 |
                                 +-> a preset far outside the band: back to develop, with a message

On only when the run has an LLM endpoint and asks for it (`DevelopOptions.calibration`, set by
`campforge draft --calibrate`); otherwise the node passes the candidate on untouched, so the
offline path sends no request. The candidate is untrusted code: its cases, prompts and scores are
made in the sandbox (`SandboxSubject`), and only the requests leave it.

Its numbers reach the reviewer as a `calibration` check in the candidate's report (per
difficulty: accuracy, 95% interval, n, failure modes, tokens). A preset whose whole interval lies
outside the band (surely too easy or too hard for the model) sends the spec back to the drafter
once per `Settings.repairs`, with a message naming the preset, the numbers and the presets the
draft had; when the repairs are spent the candidate is queued with the check failed, for the
reviewer to judge. A calibration that cannot run (endpoint down, budget spent, sandbox error)
leaves a check that does not apply, with the reason.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.calibrate import BootcampResult, Judgement, Settings, calibrate
from agent.llm import LLMClient
from agent.sandbox import Sandbox, SandboxError
from agent.selftest import CheckResult

if TYPE_CHECKING:
    from agent.graph import Dependencies

CHECK_ID = "calibration"


class CalibrationUnusable(Exception):
    """The candidate could not be calibrated (its code failed in the sandbox)."""


class SandboxSubject:
    """A candidate bootcamp as calibration uses it, every call made in its sandbox."""

    batch = 256  # each call is a round trip to the sandbox: a difficulty's cases at once

    def __init__(self, sandbox: Sandbox, name: str) -> None:
        self.sandbox, self.name = sandbox, name
        self.presets: dict[str, Any] = dict(sandbox.describe().get("difficulties") or {})

    def difficulties(self) -> list[str]:
        return list(self.presets)

    def cases(self, difficulty: str, seeds: list[int]) -> list[dict[str, Any]]:
        return _values(self.sandbox.generate_seeds(difficulty, {}, seeds), "generate")

    def prompts(self, cases: list[dict[str, Any]]) -> list[str]:
        return _values(self.sandbox.map("prompt", [[case] for case in cases]), "prompt")

    def judge(self, replies: list[str], cases: list[dict[str, Any]]) -> list[Judgement]:
        extracted = self.sandbox.map("extract", [[reply] for reply in replies])
        pairs = [[reply, case] for reply, case in zip(replies, cases, strict=True)]
        scores = self.sandbox.map("score", pairs)
        return [
            Judgement(
                found.get("ok") is True and found.get("value") is not None,
                float(score["value"]) if score.get("ok") is True else 0.0,
            )
            for found, score in zip(extracted, scores, strict=True)
        ]


def _values(items: list[dict[str, Any]], what: str) -> list[Any]:
    failed = next((item for item in items if item.get("ok") is not True), None)
    if failed is not None:
        error = failed.get("error") or {}
        raise CalibrationUnusable(f"{what} failed: {error.get('type')}: {error.get('message')}")
    return [item["value"] for item in items]


def calibrate_selected(state: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
    """The node: calibrate the selected candidate; keep it (with the numbers in its report), or
    send the spec back to the drafter when a preset is far outside the band."""
    settings: Settings | None = getattr(deps.options, "calibration", None)
    chosen = state.get("selected")
    if settings is None or deps.llm is None or not chosen:
        return {}
    name, attempt = state["spec_name"], state.get("attempt", 0)
    key_prefix = f"{name}/a{attempt}-s{chosen.get('sample', 0)}/calibrate/"
    try:
        result, presets = _measure(chosen["code"], name, deps, settings, key_prefix)
    except (CalibrationUnusable, SandboxError) as error:
        check = CheckResult.not_applicable(CHECK_ID, f"calibration could not run: {error}")
        return {"selected": _with_check(chosen, check)}
    if result.stopped:
        check = CheckResult.not_applicable(CHECK_ID, f"calibration stopped: {result.stopped}")
        check.numbers = result.as_dict()
        return {"selected": _with_check(chosen, check)}
    far = result.far_outside_band()
    repairs = state.get("calibration_repairs", 0)
    if far and repairs < settings.repairs:
        message = repair_message(result, presets)
        notes = "\n\n".join(filter(None, [state.get("notes"), message]))
        return {
            "attempt": attempt + 1,
            "notes": notes,
            "selected": None,
            "calibration_repairs": repairs + 1,
        }
    return {"selected": _with_check(chosen, calibration_check(result, repairs))}


def after_calibration(state: dict[str, Any]) -> str | None:
    """Where the graph goes next: "queue" with a candidate, None to draft again (fan out)."""
    return "queue" if state.get("selected") else None


def _measure(
    code: str, name: str, deps: Dependencies, settings: Settings, key_prefix: str
) -> tuple[BootcampResult, dict[str, Any]]:
    """Calibrate `code` in a sandbox against the solver model; the result and the presets."""
    llm = deps.llm
    assert llm is not None
    client = llm
    if settings.model and settings.model != llm.settings.model:
        solver = replace(llm.settings, model=settings.model)
        client = LLMClient(solver, llm.store, llm.run_id, replay_from=llm.replay_from)
    timeout = deps.options.selftest.call_timeout
    try:
        with tempfile.TemporaryDirectory(prefix="campforge-calibrate-") as scratch:
            module = Path(scratch) / f"{name}.py"
            module.write_text(code, encoding="utf-8")
            with Sandbox(module, call_timeout=timeout) as sandbox:
                subject = SandboxSubject(sandbox, name)
                (result,) = calibrate([subject], client, settings, key_prefix=key_prefix)
                return result, subject.presets
    finally:
        if client is not llm:
            client.close()


def calibration_check(result: BootcampResult, repairs: int) -> CheckResult:
    """The check the reviewer reads: per difficulty, the numbers; failed when a preset is still
    far outside the band."""
    low, high = result.band
    measured = ", ".join(
        f"{p.difficulty} {p.accuracy:.0%} ({p.interval[0]:.0%}..{p.interval[1]:.0%}, n {p.n})"
        for p in result.presets
    )
    flags = result.flags()
    summary = f"against {result.model}, band {low:g}..{high:g}: {measured}"
    if flags:
        summary += "; " + "; ".join(flags)
    if repairs:
        summary += f" (after {repairs} redraft(s) asked for by calibration)"
    return CheckResult(
        id=CHECK_ID,
        passed=not result.far_outside_band(),
        summary=summary,
        numbers=result.as_dict(),
    )


def repair_message(result: BootcampResult, presets: dict[str, Any]) -> str:
    """What the drafter is told about presets far outside the band."""
    low, high = result.band
    lines = [
        f"Calibration against the solver model {result.model}: every difficulty should be "
        f"answered right between {low:.0%} and {high:.0%} of the time, and less often as it "
        "gets harder."
    ]
    for preset in result.far_outside_band():
        lower, upper = preset.interval
        easy = preset.accuracy > high
        lines.append(
            f"- `{preset.difficulty}` was answered right {preset.correct} of {preset.n} times "
            f"({preset.accuracy:.0%}, 95% interval {lower:.0%}..{upper:.0%}): too "
            f"{'easy' if easy else 'hard'}. Make `{preset.difficulty}` "
            f"{'harder (larger or more constrained cases)' if easy else 'easier (smaller cases)'}."
        )
    lines.append(
        "Change the presets (`difficulties`, and `generate` if the sizes alone cannot do it); "
        "keep the presets inside the band as they are. The previous draft's presets were: "
        + json.dumps(presets, sort_keys=True)
    )
    return "\n".join(lines)


def _with_check(chosen: dict[str, Any], check: CheckResult) -> dict[str, Any]:
    """The candidate record with `check` added to its report (replacing an earlier one); a
    failed check fails the report's verdict (the reviewer sees "fail: calibration")."""
    report = dict(chosen.get("report") or {})
    checks = [c for c in report.get("checks", []) if c.get("id") != CHECK_ID]
    report["checks"] = [*checks, check.model_dump(mode="json")]
    if check.applicable and not check.passed:
        report["verdict"] = "fail"
    return {**chosen, "report": report}
