"""The `reference` check: the spec's reference program agrees with solve() on every case.

The program runs in the sandbox on `to_reference_input(case)`. Its output is read back with the
bootcamp's `from_reference_output` and judged by `check` (so a different valid answer to a
many-answer task still agrees), or, without that method, compared token by token with solve().
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from agent.sandbox import run_program
from agent.selftest.context import Context, PoolCase
from agent.selftest.report import CheckResult, Evidence
from agent.selftest.tokens import answer_tokens, output_tokens, tokens_agree

PROGRAMS_AT_ONCE = 4


def reference(ctx: Context) -> CheckResult:
    assert ctx.spec is not None and ctx.spec.reference_solution is not None
    optional = ctx.description.get("optional") or {}
    if not optional.get("to_reference_input"):
        return CheckResult(
            id="reference",
            passed=False,
            summary="the spec has a reference program but the bootcamp lacks to_reference_input()",
        )
    if ctx.spec.reference_language not in ("python", "py", "python3"):
        return CheckResult(
            id="reference",
            passed=False,
            summary=f"reference programs in {ctx.spec.reference_language!r} are not supported",
        )
    sample: list[PoolCase] = []
    for level in ctx.difficulties:
        sample.extend(ctx.usable(level)[: ctx.settings.reference_cases])
    inputs = ctx.candidate.map("to_reference_input", [[case.case] for case in sample])
    for case, stdin in zip(sample, inputs, strict=True):
        if not stdin.ok or not isinstance(stdin.value, str):
            return _fail(f"to_reference_input() fails: {stdin.error or 'returns no text'}", case)
    source, timeout = ctx.spec.reference_solution, ctx.settings.reference_timeout
    with ThreadPoolExecutor(PROGRAMS_AT_ONCE) as pool:  # each run is its own sandbox
        results = list(pool.map(lambda s: run_program(source, s.value, timeout=timeout), inputs))
    outputs: list[tuple[PoolCase, str, str]] = []
    for case, stdin, result in zip(sample, inputs, results, strict=True):
        if result.timed_out or result.returncode != 0:
            reason = result.reason or f"exit code {result.returncode}"
            return _fail(
                f"the reference program fails on to_reference_input(case): {reason}",
                case,
                stdin=stdin.value,
                got=result.stderr[-800:],
            )
        outputs.append((case, stdin.value, result.stdout))
    if optional.get("from_reference_output"):
        parsed = ctx.candidate.map("from_reference_output", [[out] for _, _, out in outputs])
        checks = ctx.candidate.map(
            "check",
            [
                [case.case, answer.value]
                for (case, _, _), answer in zip(outputs, parsed, strict=True)
            ],
        )
        for (case, stdin, out), answer, verdict in zip(outputs, parsed, checks, strict=True):
            if not answer.ok:
                return _fail(f"from_reference_output() fails: {answer.error}", case, stdin, out)
            if not (verdict.ok and verdict.value not in (False, 0, None)):
                return _fail(
                    "solve() disagrees with the reference program: check() rejects the "
                    f"reference's answer {answer.value!r} (solve() says {case.solution!r})",
                    case,
                    stdin,
                    out,
                )
    else:
        for case, stdin, out in outputs:
            if not tokens_agree(answer_tokens(case.solution), output_tokens(out)):
                return _fail(
                    f"solve() says {case.solution!r} but the reference program prints "
                    f"{out.strip()[:200]!r}",
                    case,
                    stdin,
                    out,
                )
    return CheckResult(
        id="reference",
        passed=True,
        summary=f"the reference program agrees with solve() on {len(outputs)} cases",
        numbers={"cases": len(outputs)},
    )


def _fail(
    summary: str, case: PoolCase, stdin: str | None = None, got: str | None = None
) -> CheckResult:
    return CheckResult(
        id="reference",
        passed=False,
        summary=summary,
        evidence=Evidence(
            case=case.case,
            expected=case.solution,
            got=got,
            detail={"stdin": stdin, "at": case.label()},
        ),
    )
