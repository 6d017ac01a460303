"""The `fresh_process` check: everything but `generate` is a function of the stored case alone.

An RL reward worker loads a bootcamp in its own process and scores responses against cases read
from a dataset: it never ran `generate`. A bootcamp whose `solve`, `check`, `prompt` or `score`
leans on state that `generate` left behind (an answer memo in a class dict, a table built on the
first case, the last case generated) works in the self-test's worker and fails in training. So
this check opens a second sandboxed worker that never generates anything, gives it the
JSON-stored cases, and requires the same prompt, answer, formatted answer and scores as the
worker that generated them.
"""

from __future__ import annotations

import json
from typing import Any

from agent.selftest.candidate import Candidate, Outcome
from agent.selftest.checks.scoring import other_answer
from agent.selftest.context import Context, PoolCase, canonical
from agent.selftest.report import CheckResult, Evidence

CASES_PER_DIFFICULTY = 6


def fresh_process(ctx: Context) -> CheckResult:
    """prompt, solve, format_answer and score agree between the generating worker and a fresh one
    that only ever saw the cases as JSON."""
    sample = _sample(ctx)
    if not sample:
        return CheckResult(id="fresh_process", passed=False, summary="no usable cases to compare")
    stored = [json.loads(json.dumps(case.case)) for case in sample]
    wrong = [other_answer(sample, index) for index in range(len(sample))]
    pairs = [(case.formatted or "", stored[i]) for i, case in enumerate(sample)]
    pairs += [(answer, stored[i]) for i, answer in enumerate(wrong) if answer is not None]
    here = ctx.candidate.scores(pairs)
    with Candidate(ctx.module, call_timeout=ctx.settings.call_timeout) as fresh:
        there: dict[str, list[Outcome]] = {
            "prompt": fresh.map("prompt", [[case] for case in stored]),
            "solve": fresh.map("solve", [[case] for case in stored]),
        }
        there["format_answer"] = fresh.map("format_answer", [[case.solution] for case in sample])
        there_scores = fresh.scores(pairs)
    expected = {
        "prompt": [case.prompt for case in sample],
        "solve": [case.solution for case in sample],
        "format_answer": [case.formatted for case in sample],
    }
    for method, outcomes in there.items():
        for index, outcome in enumerate(outcomes):
            if _differs(expected[method][index], outcome):
                return _failure(method, sample[index], expected[method][index], outcome)
    for index, (first, second) in enumerate(zip(here, there_scores, strict=True)):
        if _differs(first.value if first.ok else first.error, second):
            response, case = pairs[index]
            owner = next(c for c in sample if canonical(c.case) == canonical(case))
            return _failure(
                "score",
                owner,
                first.value if first.ok else first.error,
                second,
                response=response,
            )
    return CheckResult(
        id="fresh_process",
        passed=True,
        summary=(
            f"a worker that never ran generate() gives the same prompts, answers and "
            f"{len(pairs)} scores on {len(sample)} stored cases"
        ),
        numbers={"cases": len(sample), "scores": len(pairs)},
    )


def _sample(ctx: Context) -> list[PoolCase]:
    return [case for level in ctx.difficulties for case in ctx.usable(level)[:CASES_PER_DIFFICULTY]]


def _differs(expected: Any, outcome: Outcome) -> bool:
    got = outcome.value if outcome.ok else outcome.error
    return canonical(got) != canonical(expected)


def _failure(
    method: str, case: PoolCase, expected: Any, outcome: Outcome, response: str | None = None
) -> CheckResult:
    got = outcome.value if outcome.ok else outcome.error
    return CheckResult(
        id="fresh_process",
        passed=False,
        summary=(
            f"{method}() gives {_short(got)} in a fresh worker that never ran generate(), but "
            f"{_short(expected)} where the case was generated: it depends on state that "
            "generate() left behind (a class or module variable), which a reward worker scoring "
            "stored cases never has; compute everything from the case"
        ),
        evidence=Evidence(
            case=case.case,
            response=response,
            expected=expected,
            got=got,
            detail={"method": method, "at": case.label()},
        ),
    )


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
