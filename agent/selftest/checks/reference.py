"""The `reference` check: an independent solver agrees with solve().

Independent oracles count, and the check runs each that is there:
- the spec's reference program, on every sampled case. It runs in the sandbox on
  `to_reference_input(case)`; its output is read back with the bootcamp's `from_reference_output`
  and judged by `check` (so a different valid answer to a many-answer task still agrees), or,
  without that method, compared token by token with solve();
- the spec's reference checker, a program that reads `to_reference_input(case)`, then an answer
  (see `checker_answer`), and prints 1 if the answer is valid and 0 if not. On a sample of cases
  check() must agree with it on solve()'s answer and on probe answers: near misses of it and
  other cases' answers. This pins the rules independently of the LLM's code, and catches a
  lenient check() that the soundness check must tolerate;
- the bootcamp's own `brute_force(case)`, an exhaustive solver, on easy cases (small enough to
  search): `check` must accept its answer. This catches a solve() built on a wrong algorithm (a
  greedy where only search is right) when the spec has no reference program;
- the bootcamp's own `all_answers(case)`, which lists every valid answer of a small case: on easy
  cases `check` is held to it in both directions. solve()'s answer is listed, every listed answer
  scores 1, and every probe answer that is not listed (near misses of listed answers, other cases'
  answers) scores 0. This catches a lenient check() that the soundness check must tolerate when
  it cannot tell a right near miss from a wrong one.

Reference programs may be written in Python, C, C++, Java, Go or Rust (agent/sandbox/programs.py):
each is compiled once, in a sandbox, and a compile error or a missing compiler fails this check
with the compiler's words: it is a verdict on the spec.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from agent.sandbox.programs import (
    LANGUAGES,
    CompileError,
    CompilerMissing,
    Program,
    build,
    language_of,
    run_many,
)
from agent.selftest.candidate import CandidateFailure, Outcome
from agent.selftest.context import Context, PoolCase, canonical
from agent.selftest.mutate import answer_mutants
from agent.selftest.report import CheckResult, Evidence
from agent.selftest.tokens import answer_tokens, output_tokens, tokens_agree

PROGRAMS_AT_ONCE = 2  # sandboxes running a reference program's batches at once
CHECKER_MUTANTS = 8  # near misses of solve()'s answer judged by the reference checker, per case
CHECKER_OTHERS = 2  # other cases' answers judged by the reference checker, per case
VALID_WORDS = frozenset({"1", "yes", "ok", "true", "accepted", "correct", "valid"})
INVALID_WORDS = frozenset({"0", "no", "false", "wrong", "rejected", "incorrect", "invalid"})
BRUTE_FORCE_CASES = 30  # easy cases judged by brute_force()
BRUTE_FORCE_TIMEOUT = 2.0  # seconds per brute_force() call: easy cases must be small
BRUTE_FORCE_BATCH = 5
ORACLE_CASES = 20  # easy cases judged by all_answers()
ORACLE_LISTED = 30  # listed answers scored per case
ORACLE_MUTATED = 3  # listed answers whose near misses are probed, per case


def _has_program(ctx: Context) -> bool:
    return ctx.spec is not None and bool(ctx.spec.reference_solution)


def _has_checker(ctx: Context) -> bool:
    return ctx.spec is not None and bool(ctx.spec.reference_checker)


def _has_brute_force(ctx: Context) -> bool:
    return bool((ctx.description.get("optional") or {}).get("brute_force"))


def _has_oracle(ctx: Context) -> bool:
    return bool((ctx.description.get("optional") or {}).get("all_answers"))


def applies(ctx: Context) -> bool:
    """Whether there is an independent solver to compare solve() with."""
    return _has_program(ctx) or _has_checker(ctx) or _has_brute_force(ctx) or _has_oracle(ctx)


def reference(ctx: Context) -> CheckResult:
    """Every independent solver there is agrees with solve() (the first to disagree fails)."""
    results: list[CheckResult] = []
    if _has_program(ctx):
        results.append(_reference_program(ctx))
    if _has_checker(ctx) and all(r.passed for r in results):
        results.append(_reference_checker(ctx))
    if _has_brute_force(ctx) and all(r.passed for r in results):
        results.append(_brute_force(ctx))
    if _has_oracle(ctx) and all(r.passed for r in results):
        results.append(_all_answers(ctx))
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
    answers = _exhaustive(ctx, "brute_force", sample, f"keep {level} cases small enough to search")
    if isinstance(answers, CheckResult):
        return answers
    for case, answer in zip(sample, answers, strict=True):
        if not answer.ok:
            return _fail(f"brute_force() fails on case {case.label()}: {answer.error}", case)
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


def _exhaustive(
    ctx: Context, method: str, sample: list[PoolCase], advice: str
) -> list[Outcome] | CheckResult:
    """`method` (brute_force or all_answers) on each case, in small batches so that a slow one
    stops it soon; the failure when a call takes over BRUTE_FORCE_TIMEOUT."""
    found: list[Outcome] = []
    for start in range(0, len(sample), BRUTE_FORCE_BATCH):
        batch = sample[start : start + BRUTE_FORCE_BATCH]
        try:
            found += ctx.candidate.map(
                method, [[case.case] for case in batch], timeout=BRUTE_FORCE_TIMEOUT
            )
        except CandidateFailure as failure:
            if failure.timed_out_at is None:
                raise
            slow = batch[min(failure.timed_out_at, len(batch) - 1)]
            return _fail(
                f"{method}() takes over {BRUTE_FORCE_TIMEOUT:g} s on case {slow.label()}: {advice}",
                slow,
            )
    return found


def _all_answers(ctx: Context) -> CheckResult:
    """check() accepts exactly what all_answers() lists, on easy cases."""
    level = "easy" if "easy" in ctx.difficulties else ctx.difficulties[0]
    sample = ctx.usable(level)[:ORACLE_CASES]
    if not sample:
        return CheckResult(id="reference", passed=False, summary=f"no usable {level} cases")
    found = _exhaustive(ctx, "all_answers", sample, f"keep {level} cases small enough to enumerate")
    if isinstance(found, CheckResult):
        return found
    listed: list[list[object]] = []
    for case, answers in zip(sample, found, strict=True):
        if not answers.ok or not isinstance(answers.value, list) or not answers.value:
            why = answers.error if not answers.ok else f"returns {answers.value!r}"[:200]
            return _fail(f"all_answers() gives no list of answers ({why})", case)
        listed.append(answers.value)
    for case, answers in zip(sample, listed, strict=True):
        if canonical(case.solution) not in {canonical(answer) for answer in answers}:
            return _fail(
                f"all_answers() does not list solve()'s answer {case.solution!r}: one of the two "
                "is wrong",
                case,
                got=repr(answers[:10])[:800],
            )
    probes: list[tuple[PoolCase, object, bool, str]] = []  # case, answer, valid, how
    for index, (case, answers) in enumerate(zip(sample, listed, strict=True)):
        valid = {canonical(answer) for answer in answers}
        probes += [(case, answer, True, "a listed answer") for answer in answers[:ORACLE_LISTED]]
        outside: dict[str, tuple[object, str]] = {}
        for answer in [case.solution, *answers[:ORACLE_MUTATED]]:
            for mutant in answer_mutants(answer):
                outside.setdefault(canonical(mutant.value), (mutant.value, mutant.how))
        for other in sample[index + 1 : index + 4] + sample[:1]:
            outside.setdefault(canonical(other.solution), (other.solution, "another case's answer"))
        probes += [
            (case, answer, False, how)
            for text, (answer, how) in outside.items()
            if text not in valid
        ]
    formatted = ctx.candidate.map("format_answer", [[answer] for _, answer, _, _ in probes])
    kept = [
        (probe, text.value)
        for probe, text in zip(probes, formatted, strict=True)
        if text.ok and isinstance(text.value, str)
    ]
    scores = ctx.candidate.scores([(response, probe[0].case) for probe, response in kept])
    for ((case, answer, valid, how), response), score in zip(kept, scores, strict=True):
        value = score.value if score.ok else score.error
        if valid and value != 1.0:
            return _fail(
                f"check() rejects {answer!r}, a valid answer that all_answers() lists "
                f"(score {value!r}): it is stricter than the rules, or all_answers() is wrong",
                case,
                got=response,
            )
        if not valid and score.ok and isinstance(value, int | float) and value > 0:
            return _fail(
                f"check() accepts {answer!r} ({how}), which all_answers() does not list "
                f"(score {value!r}): check() is too lenient, or all_answers() misses an answer",
                case,
                got=response,
            )
    accepted = sum(1 for probe, _ in kept if probe[2])
    return CheckResult(
        id="reference",
        passed=True,
        summary=(
            f"check() accepts exactly what all_answers() lists on {len(sample)} {level} cases "
            f"({accepted} listed answers score 1, {len(kept) - accepted} others score 0)"
        ),
        numbers={"oracle_cases": len(sample), "oracle_probes": len(kept)},
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
    program = _build(ctx.spec.reference_solution, ctx.spec.reference_language, "program")
    if isinstance(program, CheckResult):
        return program
    found = _reference_inputs(ctx)
    if isinstance(found, CheckResult):
        return found
    sample, inputs = found
    results = run_many(
        program,
        [stdin.value for stdin in inputs],
        timeout=ctx.settings.reference_timeout,
        parallel=PROGRAMS_AT_ONCE,
        stop_at_failure=True,  # the first failure decides
    )
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


def _build(source: str, language: str, role: str) -> Program | CheckResult:
    """The spec's reference `role` ("program" or "checker") built, or the verdict on the spec."""
    canonical_name = language_of(language)
    if canonical_name is None:
        return CheckResult(
            id="reference",
            passed=False,
            summary=f"the reference {role} is in {language!r}, which cannot be run: write it in "
            f"one of {', '.join(LANGUAGES)}",
        )
    language, title = canonical_name, LANGUAGES[canonical_name].title
    try:
        return build(source, language)
    except CompilerMissing as error:
        return CheckResult(
            id="reference",
            passed=False,
            summary=f"{error} (the spec's reference {role} is in {title}): install it, or "
            "write the program in another language",
            evidence=Evidence(detail={"language": language, "role": role}),
        )
    except CompileError as error:
        return CheckResult(
            id="reference",
            passed=False,
            summary=f"the reference {role} does not compile: {error}",
            evidence=Evidence(
                got=error.output[-4000:], detail={"language": language, "role": role}
            ),
        )


def checker_answer(answer: Any) -> str:
    """How an answer is written on the reference checker's stdin, after the case.

    A number as JSON writes it (floats in full precision), a bool as `true`/`false`, a string as
    it is, null as `null`; a list of scalars on one line, its items separated by spaces; a list of
    lists or of strings one item per line (a grid's rows, a list of pairs); a dict one line per key
    in sorted order, the key then its value's tokens."""
    if isinstance(answer, list):
        if answer and all(isinstance(item, list | str | dict) for item in answer):
            return "\n".join(checker_answer(item) for item in answer)
        return " ".join(checker_answer(item) for item in answer)
    if isinstance(answer, dict):
        return "\n".join(f"{key} {checker_answer(answer[key])}" for key in sorted(answer, key=str))
    if isinstance(answer, str):
        return answer
    if isinstance(answer, float) and not math.isfinite(answer):
        return str(answer)
    return json.dumps(answer)


@dataclass(frozen=True)
class _Probe:
    """An answer put to both check() and the reference checker for one case."""

    case: PoolCase
    stdin: str
    answer: Any
    how: str


def _checker_verdict(stdout: str) -> bool | None:
    """The reference checker's verdict: its first word (1/0, yes/no, ...), None if neither."""
    words = stdout.split()
    word = words[0].lower() if words else ""
    return True if word in VALID_WORDS else False if word in INVALID_WORDS else None


def _check_verdict(ok: bool, value: Any) -> float:
    """check()'s result as a score in [0, 1]: an exception scores 0, as in score()."""
    if not ok or value is None or value is False:
        return 0.0
    if value is True:
        return 1.0
    if isinstance(value, int | float) and math.isfinite(value):
        return min(max(float(value), 0.0), 1.0)
    return 0.0


def _checker_probes(sample: list[PoolCase], stdins: list[str]) -> list[_Probe]:
    """Per case: solve()'s answer, near misses of it and a few other cases' answers (distinct)."""
    probes: list[_Probe] = []
    for index, (case, stdin) in enumerate(zip(sample, stdins, strict=True)):
        answers = [(case.solution, "solve()'s answer")]
        answers += [
            (mutant.value, f"a near miss of solve()'s answer: {mutant.how}")
            for mutant in answer_mutants(case.solution)[:CHECKER_MUTANTS]
        ]
        others = sample[index + 1 :] + sample[:index]
        answers += [
            (other.solution, f"the answer of another case ({other.label()})")
            for other in others[:CHECKER_OTHERS]
        ]
        seen: set[str] = set()
        for answer, how in answers:
            if canonical(answer) not in seen:
                seen.add(canonical(answer))
                probes.append(_Probe(case, stdin, answer, how))
    return probes


def _reference_inputs(ctx: Context) -> tuple[list[PoolCase], list[Outcome]] | CheckResult:
    """`reference_cases` cases per difficulty and their to_reference_input() text."""
    sample: list[PoolCase] = []
    for level in ctx.difficulties:
        sample.extend(ctx.usable(level)[: ctx.settings.reference_cases])
    inputs = ctx.candidate.map("to_reference_input", [[case.case] for case in sample])
    for case, stdin in zip(sample, inputs, strict=True):
        if not stdin.ok or not isinstance(stdin.value, str):
            return _fail(f"to_reference_input() fails: {stdin.error or 'returns no text'}", case)
    return sample, inputs


def _reference_checker(ctx: Context) -> CheckResult:
    """check() agrees with the spec's reference checker on solve()'s answers and probes."""
    assert ctx.spec is not None and ctx.spec.reference_checker is not None
    optional = ctx.description.get("optional") or {}
    if not optional.get("to_reference_input"):
        return CheckResult(
            id="reference",
            passed=False,
            summary="the spec has a reference checker but the bootcamp lacks to_reference_input()",
        )
    checker = _build(ctx.spec.reference_checker, ctx.spec.checker_language, "checker")
    if isinstance(checker, CheckResult):
        return checker
    found = _reference_inputs(ctx)
    if isinstance(found, CheckResult):
        return found
    sample, inputs = found
    probes = _checker_probes(sample, [stdin.value for stdin in inputs])
    said = ctx.candidate.map("check", [[probe.case.case, probe.answer] for probe in probes])
    stdins = [
        probe.stdin
        + ("" if probe.stdin.endswith("\n") else "\n")
        + checker_answer(probe.answer)
        + "\n"
        for probe in probes
    ]
    runs = run_many(
        checker,
        stdins,
        timeout=ctx.settings.reference_timeout,
        parallel=PROGRAMS_AT_ONCE,
        stop_at_failure=True,  # a checker that fails once fails the check: no need for more
    )
    accepted = 0
    disagreements: list[tuple[_Probe, str, str, bool, str]] = []  # ..., checker's output, verdict
    for probe, stdin, outcome, run in zip(probes, stdins, said, runs, strict=True):
        check_said = _said(outcome.ok, outcome.value, outcome.error)
        verdict = _checker_verdict(run.stdout) if run.returncode == 0 else None
        if verdict is None:  # the checker is broken: a verdict on the spec
            reason = run.reason or f"it prints {run.stdout.strip()[:80]!r}, not 1 or 0"
            return _checker_fail(
                f"the reference checker fails on {probe.how}: {reason}",
                (probe, stdin, run.stdout, None, check_said),
                stderr=run.stderr[-800:],
            )
        accepted += verdict
        score = _check_verdict(outcome.ok, outcome.value)
        if (verdict and score < 1.0) or (not verdict and score > 0.0):
            disagreements.append((probe, stdin, run.stdout, verdict, check_said))
    numbers = {
        "checker_cases": len(sample),
        "checker_probes": len(probes),
        "checker_valid": accepted,
        "checker_disagreements": len(disagreements),
    }
    if disagreements:  # the one on the smallest case is the most readable evidence
        probe, _, _, verdict, check_said = first = min(
            disagreements, key=lambda found: len(canonical(found[0].case.case))
        )
        if verdict:
            what = "rejects"
            blame = "check() is stricter than the rules, or the checker is wrong"
        else:
            what = "accepts"
            blame = (
                "solve() is wrong and check() accepts its answer, or the checker is wrong"
                if probe.how == "solve()'s answer"
                else "check() is too lenient, or the checker is wrong"
            )
        failed = _checker_fail(
            f"check() {what} {_short(probe.answer)} ({probe.how}), which the reference checker "
            f"{'accepts' if verdict else 'rejects'} (check() says {check_said}): {blame}; "
            f"{len(disagreements)} of {len(probes)} answers on {len(sample)} cases disagree",
            first,
        )
        failed.numbers = numbers
        return failed
    return CheckResult(
        id="reference",
        passed=True,
        summary=(
            f"check() agrees with the reference checker on {len(probes)} answers for "
            f"{len(sample)} cases ({accepted} valid, {len(probes) - accepted} not)"
        ),
        numbers=numbers,
    )


def _said(ok: bool, value: Any, error: str | None) -> str:
    return repr(value) if ok else f"raises {error}"


def _short(answer: Any) -> str:
    text = repr(answer)
    return text if len(text) <= 120 else text[:117] + "..."


def _checker_fail(
    summary: str, found: tuple[_Probe, str, str, bool | None, str], stderr: str = ""
) -> CheckResult:
    """A failed reference check with one probe as evidence: the case, the answer, what check()
    said (`got`) and what the checker said (`expected`: the score its verdict calls for)."""
    probe, stdin, output, verdict, check_said = found
    detail = {
        "at": probe.case.label(),
        "answer": probe.answer,
        "probe": probe.how,
        "solution": probe.case.solution,
        "check_says": check_said,
        "checker_says": output.strip()[:200],
        "checker_stdin": stdin[:4000],
    }
    if stderr:
        detail["checker_stderr"] = stderr
    return CheckResult(
        id="reference",
        passed=False,
        summary=summary,
        evidence=Evidence(
            case=probe.case.case,
            expected=None if verdict is None else float(verdict),
            got=check_said,
            detail=detail,
        ),
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
