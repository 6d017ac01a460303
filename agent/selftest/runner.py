"""Run every self-test check on a candidate module and assemble the report.

The order matters: the static checks first (nothing of the candidate runs), then the checks that
need a loaded class, then those that need a pool of sample cases. When the candidate cannot be
loaded, or lacks the members the later checks call, the report stops at `contract`: the later
checks would only repeat the same failure in other words. A hang or crash of the candidate during
a check fails that check with the reason and the run goes on (the sandbox restarts the worker).
"""

from __future__ import annotations

import contextlib
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path

from agent.selftest.candidate import Candidate, CandidateFailure, OutOfTime
from agent.selftest.checks import (
    consistency,
    generation,
    prompt,
    reference,
    scoring,
    static,
    verifier_only,
)
from agent.selftest.checks import shortcuts as shortcut_checks
from agent.selftest.checks.fresh_process import fresh_process
from agent.selftest.context import Context, Settings
from agent.selftest.report import CheckResult, Evidence, Report
from agent.spec import Spec
from generated_bootcamps.contract import REQUIRED_METHODS

CHECK_IDS = (
    "contract",
    "lint",
    "params",
    "generate",
    "determinism",
    "diversity",
    "difficulty",
    "completeness",
    "soundness",
    "consistency",
    "rendered",
    "guessability",
    "leakage",
    "format",
    "fresh_process",
    "shortcuts",
    "reference",
    "speed",
)


class UnusableInput(ValueError):
    """The input is not something to self-test (no such file, no Bootcamp subclass, ...)."""


def run_selftest(
    module: Path | str,
    *,
    spec: Spec | None = None,
    settings: Settings | None = None,
    progress: Callable[[str], None] | None = None,
    lacks: Mapping[str, str] | None = None,
) -> Report:
    """Self-test the bootcamp module at `module`. Raises UnusableInput for unusable input.

    `lacks` names parts the bootcamp does not have, each with the reason (an audited library
    bootcamp, say): "solve" (no reference answer: the verifier-only checks run, see
    `checks.verifier_only`, and the checks that need an answer are reported not applicable)
    and "difficulty" (no real levels: cases come from one level, and the `difficulty` check is
    not applicable). A check that does not apply is never a pass."""
    module = Path(module)
    settings = settings or Settings()
    started = time.perf_counter()
    try:
        source = module.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UnusableInput(f"cannot read {module}: {error}") from None
    notify = progress or (lambda _: None)
    results: list[CheckResult] = []
    with Candidate(
        module, call_timeout=settings.call_timeout, budget_seconds=settings.total_budget
    ) as candidate:
        ctx = Context(candidate, module, source, settings, spec=spec, lacks=dict(lacks or {}))
        loaded = _load(ctx, results)
        notify("contract")
        results.append(static.lint(module))
        notify("lint")
        if loaded:
            with contextlib.suppress(OutOfTime):  # recorded on the check it interrupted
                _run_checks(ctx, results, notify)
        isolation = candidate.isolation  # what the sandbox achieved, known once it has started
        isolation.pop("uid", None)  # leased per run: not part of a reproducible report
    verdict = Report.verdict_of(results)
    ordered = sorted(results, key=lambda check: CHECK_IDS.index(check.id))
    return Report(
        verdict=verdict,
        candidate=str(module),
        bootcamp=ctx.description.get("name") if ctx.description else None,
        cases_per_difficulty=settings.cases,
        checks=ordered,
        isolation=isolation,
        seconds=round(time.perf_counter() - started, 3),
    )


def _load(ctx: Context, results: list[CheckResult]) -> bool:
    """Describe the candidate; append the contract result; whether later checks can run."""
    try:
        ctx.description = ctx.candidate.describe()
    except CandidateFailure as failure:
        if "Bootcamp subclass" in failure.reason and "found none" in failure.reason:
            raise UnusableInput(f"{ctx.module}: no Bootcamp subclass defined") from None
        results.append(
            CheckResult(
                id="contract",
                passed=False,
                summary=f"the module does not load: {failure.reason}",
                evidence=Evidence(got=failure.reason),
            )
        )
        return False
    result = static.contract(ctx)
    results.append(result)
    overrides = set(ctx.description.get("overrides") or [])
    return all(method in overrides for method in REQUIRED_METHODS) and bool(ctx.difficulties)


def _run_checks(ctx: Context, results: list[CheckResult], notify: Callable[[str], None]) -> None:
    score_seconds: list[float] = []
    if not _run(results, "params", lambda: generation.params(ctx), notify):
        return
    try:
        ctx.build_pool()
    except CandidateFailure as failure:
        results.append(_crashed("generate", failure))
        return
    gate = generation.speed_gate(ctx, score_seconds)
    if gate is not None:
        results.append(gate)
        notify("speed")
        return
    if not _run(results, "generate", lambda: generation.generate(ctx), notify):
        return
    if ctx.verifier_only:
        if not ctx.prompted():  # every later check needs cases with their prompts
            if ctx.pool:
                _run(results, "completeness", lambda: verifier_only.completeness(ctx), notify)
            return
        gate = verifier_only.speed_gate(ctx, score_seconds)
        if gate is not None:
            results.append(gate)
            notify("speed")
            return
        _run_steps(results, verifier_only.steps(ctx, ctx.module, score_seconds), notify)
        _run(results, "speed", lambda: generation.speed(ctx, score_seconds), notify)
        return
    if not ctx.usable():  # every later check needs sample cases
        if ctx.pool:  # cases exist but prompt/solve/format_answer fail on them: say which
            _run(results, "completeness", lambda: scoring.completeness(ctx, score_seconds), notify)
        return
    steps: list[tuple[str, Callable[[], CheckResult]]] = [
        ("determinism", lambda: generation.determinism(ctx, ctx.module)),
        ("diversity", lambda: generation.diversity(ctx)),
        ("difficulty", lambda: generation.difficulty(ctx)),
        ("completeness", lambda: scoring.completeness(ctx, score_seconds)),
        ("soundness", lambda: scoring.soundness(ctx)),
        ("rendered", lambda: prompt.rendered(ctx)),
        ("guessability", lambda: scoring.guessability(ctx)),
        ("leakage", lambda: prompt.leakage(ctx)),
        ("format", lambda: scoring.answer_format(ctx)),
        ("fresh_process", lambda: fresh_process(ctx)),
    ]
    if consistency.applies(ctx):
        steps.append(("consistency", lambda: consistency.consistency(ctx)))
    if shortcut_checks.applies(ctx):
        steps.append(("shortcuts", lambda: shortcut_checks.shortcuts(ctx)))
    if reference.applies(ctx):
        steps.append(("reference", lambda: reference.reference(ctx)))
    _run_steps(results, steps, notify)
    _run(results, "speed", lambda: generation.speed(ctx, score_seconds), notify)


def _run_steps(
    results: list[CheckResult],
    steps: list[tuple[str, Callable[[], CheckResult]]],
    notify: Callable[[str], None],
) -> None:
    for check_id, run in steps:
        try:
            _run(results, check_id, run, notify)
        except OutOfTime:
            break  # recorded on the check it interrupted; the speed check says how slow


def _run(
    results: list[CheckResult],
    check_id: str,
    run: Callable[[], CheckResult],
    notify: Callable[[str], None],
) -> bool:
    """Run one check, turning a hang or crash of the candidate into its failure."""
    try:
        results.append(run())
        ok = True
    except CandidateFailure as failure:
        results.append(_crashed(check_id, failure))
        if isinstance(failure, OutOfTime):
            raise
        ok = False
    except Exception as error:  # a bug in the self-test: fail loudly, never pass silently
        results.append(
            CheckResult(
                id=check_id,
                passed=False,
                summary=f"self-test internal error in {check_id}: {type(error).__name__}: {error}",
                evidence=Evidence(detail={"traceback": traceback.format_exc(limit=-4)}),
            )
        )
        ok = False
    notify(check_id)
    return ok


def _crashed(check_id: str, failure: CandidateFailure) -> CheckResult:
    return CheckResult(
        id=check_id,
        passed=False,
        summary=f"the candidate failed while running {failure.what}: {failure.reason}",
        evidence=Evidence(got=failure.reason, detail={"during": failure.what}),
    )
