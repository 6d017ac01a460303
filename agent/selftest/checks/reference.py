"""The `reference` check: an independent solver agrees with solve().

Two independent solvers count, and the check runs each that is there:
- the spec's reference program, on every sampled case. It runs in the sandbox on
  `to_reference_input(case)`; its output is read back with the bootcamp's `from_reference_output`
  and judged by `check` (so a different valid answer to a many-answer task still agrees), or,
  without that method, compared token by token with solve();
- the bootcamp's own `brute_force(case)`, an exhaustive solver, on easy cases (small enough to
  search): `check` must accept its answer. This catches a solve() built on a wrong algorithm (a
  greedy where only search is right) when the spec has no reference program.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from agent.sandbox import run_program
from agent.selftest.candidate import CandidateFailure
from agent.selftest.context import Context, PoolCase
from agent.selftest.report import CheckResult, Evidence
from agent.selftest.tokens import answer_tokens, output_tokens, tokens_agree

PROGRAMS_AT_ONCE = 4
BRUTE_FORCE_CASES = 30  # easy cases judged by brute_force()
BRUTE_FORCE_TIMEOUT = 2.0  # seconds per brute_force() call: easy cases must be small
BRUTE_FORCE_BATCH = 5


def _has_program(ctx: Context) -> bool:
    return ctx.spec is not None and bool(ctx.spec.reference_solution)


def _has_brute_force(ctx: Context) -> bool:
    return bool((ctx.description.get("optional") or {}).get("brute_force"))


def applies(ctx: Context) -> bool:
    """Whether there is an independent solver to compare solve() with."""
    return _has_program(ctx) or _has_brute_force(ctx)


def reference(ctx: Context) -> CheckResult:
    """Every independent solver there is agrees with solve() (the first to disagree fails)."""
    results: list[CheckResult] = []
    if _has_program(ctx):
        results.append(_reference_program(ctx))
    if _has_brute_force(ctx) and all(r.passed for r in results):
        results.append(_brute_force(ctx))
    failed = [r for r in results if not r.passed]
    if failed or len(results) == 1:
        return (failed or results)[0]
    return CheckResult(
        id="reference",
        passed=True,
        summary="; ".join(r.summary for r in results),
        numbers={key: value for r in results for key, value in r.numbers.items()},
    )


def _brute_force(ctx: Context) -> CheckResult:
    level = "easy" if "easy" in ctx.difficulties else ctx.difficulties[0]
    sample = ctx.usable(level)[:BRUTE_FORCE_CASES]
    if not sample:
        return CheckResult(id="reference", passed=False, summary=f"no usable {level} cases")
    answers = []
    for start in range(0, len(sample), BRUTE_FORCE_BATCH):  # a slow one stops it soon
        batch = sample[start : start + BRUTE_FORCE_BATCH]
        try:
            found = ctx.candidate.map(
                "brute_force", [[case.case] for case in batch], timeout=BRUTE_FORCE_TIMEOUT
            )
        except CandidateFailure as failure:
            if failure.timed_out_at is None:
                raise
            slow = batch[min(failure.timed_out_at, len(batch) - 1)]
            return _fail(
                f"brute_force() takes over {BRUTE_FORCE_TIMEOUT:g} s on case {slow.label()}: "
                f"keep {level} cases small enough to search exhaustively",
                slow,
            )
        for case, answer in zip(batch, found, strict=True):
            if not answer.ok:
                return _fail(f"brute_force() fails on case {case.label()}: {answer.error}", case)
        answers += found
    verdicts = ctx.candidate.map(
        "check", [[case.case, answer.value] for case, answer in zip(sample, answers, strict=True)]
    )
    for case, answer, verdict in zip(sample, answers, verdicts, strict=True):
        if not (verdict.ok and verdict.value not in (False, 0, None)):
            why = verdict.error if not verdict.ok else f"check() returns {verdict.value!r}"
            return _fail(
                f"solve() disagrees with brute_force(): check() rejects brute_force's answer "
                f"{answer.value!r} ({why}; solve() says {case.solution!r})",
                case,
                got=repr(answer.value)[:800],
            )
    return CheckResult(
        id="reference",
        passed=True,
        summary=f"brute_force() agrees with solve() on {len(sample)} {level} cases",
        numbers={"brute_force_cases": len(sample)},
    )


def _reference_program(ctx: Context) -> CheckResult:
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
