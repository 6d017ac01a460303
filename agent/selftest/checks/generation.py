"""Checks of how cases are made: params, generate, determinism, diversity, difficulty, speed."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable
from pathlib import Path

from agent.selftest.candidate import Candidate
from agent.selftest.context import (
    CONTRACT_DIFFICULTIES,
    LOSSY,
    Context,
    PoolCase,
    canonical,
)
from agent.selftest.report import CheckResult, Evidence

UNKNOWN_PARAMETER = "campforge_unknown_parameter"
UNKNOWN_DIFFICULTY = "campforge_unknown_difficulty"
MIN_DISTINCT_SHARE = 0.3
MIN_SIZE_CHANGE = 0.1
# Solve effort: the lines of the bootcamp's own code `solve` runs on a case (caches cleared).
EFFORT_CASES = 20  # per difficulty
EFFORT_CAP = 100_000  # lines counted at most per case
# A harder preset's case must need more steps than an easier preset's case at least this often
# (the probability over random pairs, ties counting half: 0.5 means no difference).
MIN_EFFORT_ORDER = 0.6
EFFORT_TIE = 0.1  # two cases within 10% of each other's steps need the same effort
SEQUENCE_LENGTH = 5
HASH_SEED_SAMPLE = 8


def params(ctx: Context) -> CheckResult:
    """Every difficulty instantiates; an unknown parameter or difficulty raises ValueError."""
    problems: list[str] = []
    for difficulty in ctx.difficulties:
        outcome = ctx.candidate.instantiate(difficulty, {})
        if not outcome.ok:
            problems.append(f"difficulty {difficulty!r} does not instantiate: {outcome.error}")
    for label, difficulty, given in (
        ("an unknown parameter", None, {UNKNOWN_PARAMETER: 1}),
        ("an unknown difficulty", UNKNOWN_DIFFICULTY, {}),
    ):
        outcome = ctx.candidate.instantiate(difficulty, given)
        if outcome.ok:
            problems.append(f"{label} ({difficulty or given}) is accepted silently")
        elif not (outcome.error or "").startswith("ValueError"):
            problems.append(f"{label} raises {outcome.error}, not ValueError")
    if problems:
        return CheckResult(
            id="params",
            passed=False,
            summary="; ".join(problems),
            evidence=Evidence(detail={"problems": problems}),
        )
    return CheckResult(
        id="params",
        passed=True,
        summary=f"{len(ctx.difficulties)} difficulties instantiate; unknown names raise ValueError",
    )


def generate(ctx: Context) -> CheckResult:
    """N cases per difficulty with no exception; every case survives a JSON round trip."""
    total = ctx.settings.cases * len(ctx.difficulties)
    numbers = {"cases": total, "failed": len(ctx.generate_failures)}
    if ctx.generate_failures:
        by_difficulty = sorted({failure[0] for failure in ctx.generate_failures})
        difficulty, seed, error = ctx.generate_failures[0]
        return CheckResult(
            id="generate",
            passed=False,
            summary=(
                f"generate() failed on {len(ctx.generate_failures)}/{total} cases "
                f"(difficulties: {', '.join(by_difficulty)}); first at {difficulty} seed {seed}: "
                f"{error}"
            ),
            numbers=numbers,
            evidence=Evidence(got=error, detail={"difficulty": difficulty, "seed": seed}),
        )
    for difficulty in ctx.difficulties:
        sequence = ctx.candidate.generate_sequence(difficulty, 0, SEQUENCE_LENGTH)
        broken = next(
            (o for o in sequence if not o.ok or (o.extra or {}).get("lossless") is False), None
        )
        if broken is not None:
            return CheckResult(
                id="generate",
                passed=False,
                summary=(
                    f"calling generate() {SEQUENCE_LENGTH} times on one instance at {difficulty} "
                    f"fails: {broken.error or LOSSY}"
                ),
                numbers=numbers,
                evidence=Evidence(got=broken.error or LOSSY, detail={"difficulty": difficulty}),
            )
    return CheckResult(
        id="generate",
        passed=True,
        summary=f"{total} cases over {len(ctx.difficulties)} difficulties, all JSON round-trip",
        numbers=numbers,
    )


def determinism(ctx: Context, module: Path) -> CheckResult:
    """The same seed gives the same case, in this process and in a fresh one with another hash
    seed; prompt and solve give the same result every time they are asked."""
    pool = ctx.pool
    different = seeds_reproduce(ctx, module)
    if different is not None:
        return different
    usable = [case for case in pool if case.prompt is not None and case.solution is not None]
    for case, outcome in zip(usable, ctx.candidate.mutators([c.case for c in usable]), strict=True):
        if outcome.ok and outcome.value:
            return CheckResult(
                id="determinism",
                passed=False,
                summary=(
                    f"{outcome.value}() changes the case it is given (in-place sort, pop, "
                    "append?): the stored case stops matching its prompt; work on a copy"
                ),
                evidence=Evidence(case=case.case, detail={"mutated_by": outcome.value}),
            )
    backwards = usable[::-1]  # another order: state kept between calls cannot line up again
    for stage, method in (("prompt", "prompt"), ("solution", "solve")):
        repeated = ctx.candidate.map(method, [[case.case] for case in backwards])
        for case, outcome in zip(backwards, repeated, strict=True):
            first = getattr(case, stage)
            if not outcome.ok or canonical(outcome.value) != canonical(first):
                return CheckResult(
                    id="determinism",
                    passed=False,
                    summary=(
                        f"{method}() gave a different result the second time on the same case "
                        "(state kept between calls, or the case mutated in place?)"
                    ),
                    evidence=Evidence(
                        case=case.case,
                        expected=first,
                        got=outcome.value if outcome.ok else outcome.error,
                        detail={"difficulty": case.difficulty, "seed": case.seed},
                    ),
                )
    return CheckResult(
        id="determinism",
        passed=True,
        summary=(
            f"{len(pool)} cases reproduced by seed (also under another PYTHONHASHSEED); "
            "prompt and solve repeatable"
        ),
        numbers={"cases": len(pool)},
    )


def seeds_reproduce(ctx: Context, module: Path) -> CheckResult | None:
    """The determinism failure when a seed does not give the same case again (in this worker,
    and in a fresh one with another hash seed), else None."""
    by_difficulty: dict[str, list[PoolCase]] = {}
    for case in ctx.pool:
        by_difficulty.setdefault(case.difficulty, []).append(case)
    for difficulty, cases in by_difficulty.items():
        again = ctx.candidate.generate(difficulty, [case.seed for case in cases])
        for case, outcome in zip(cases, again, strict=True):
            if not outcome.ok or canonical(outcome.value) != canonical(case.case):
                return _differs(
                    f"generate() with seed {case.seed} at {difficulty} gave a different case the "
                    "second time (uses time, id(), global state or state kept between calls?)",
                    case,
                    outcome.value if outcome.ok else outcome.error,
                )
    sample = [cases[:HASH_SEED_SAMPLE] for cases in by_difficulty.values()]
    with Candidate(module, call_timeout=ctx.settings.call_timeout, hash_seed=1) as fresh:
        for cases in sample:
            if not cases:
                continue
            difficulty = cases[0].difficulty
            outcomes = fresh.generate(difficulty, [case.seed for case in cases])
            for case, outcome in zip(cases, outcomes, strict=True):
                if not outcome.ok or canonical(outcome.value) != canonical(case.case):
                    return _differs(
                        f"generate() with seed {case.seed} at {difficulty} gives another case in a "
                        "fresh process with a different PYTHONHASHSEED (iterating over a set or "
                        "using hash()?)",
                        case,
                        outcome.value if outcome.ok else outcome.error,
                    )
    return None


def _differs(summary: str, case: PoolCase, got: object) -> CheckResult:
    return CheckResult(
        id="determinism",
        passed=False,
        summary=summary,
        evidence=Evidence(
            case=case.case,
            expected=case.case,
            got=got,
            detail={"difficulty": case.difficulty, "seed": case.seed},
        ),
    )


def diversity(ctx: Context) -> CheckResult:
    """Different seeds give mostly different cases."""
    numbers: dict[str, float] = {}
    worst: tuple[float, str, int, int] | None = None
    for difficulty in ctx.difficulties:
        cases = [case for case in ctx.pool if case.difficulty == difficulty]
        if len(cases) < 2:
            continue
        distinct = len({canonical(case.case) for case in cases})
        share = distinct / len(cases)
        numbers[f"distinct_share_{difficulty}"] = round(share, 3)
        if worst is None or share < worst[0]:
            worst = (share, difficulty, distinct, len(cases))
    if worst is None:
        return CheckResult(id="diversity", passed=False, summary="too few cases to judge")
    share, difficulty, distinct, count = worst
    if share < MIN_DISTINCT_SHARE or distinct < 2:
        return CheckResult(
            id="diversity",
            passed=False,
            summary=(
                f"only {distinct} distinct cases from {count} seeds at {difficulty}: generate() "
                "does not use self.rng enough (or ignores the seed)"
            ),
            numbers=numbers,
        )
    return CheckResult(
        id="diversity",
        passed=True,
        summary=f"at least {share:.0%} of cases distinct at every difficulty",
        numbers=numbers,
    )


def difficulty(ctx: Context) -> CheckResult:
    """The presets really differ: cases change, and their size or the prompt's size moves."""
    if "difficulty" in ctx.lacks:
        return CheckResult.not_applicable("difficulty", ctx.lacks["difficulty"])
    presets = ctx.description.get("difficulties") or {}
    easy, hard = presets.get("easy"), presets.get("hard")
    if easy == hard:
        return CheckResult(
            id="difficulty",
            passed=False,
            summary=f"`difficulties['easy']` and `['hard']` are identical ({easy!r})",
        )
    measures: dict[str, Callable[[PoolCase], float]] = {
        "case_size": lambda case: len(canonical(case.case)),
        "prompt_size": lambda case: len(case.prompt or ""),
    }
    if not ctx.verifier_only:
        measures["answer_size"] = lambda case: len(canonical(case.solution))
    numbers: dict[str, float] = {}
    means: dict[str, dict[str, float]] = {}
    for level in CONTRACT_DIFFICULTIES:
        cases = ctx.prompted(level) if ctx.verifier_only else ctx.usable(level)
        if not cases:
            return CheckResult(
                id="difficulty", passed=False, summary=f"no usable cases at {level} to compare"
            )
        means[level] = {key: statistics.fmean(map(f, cases)) for key, f in measures.items()}
        for key, value in means[level].items():
            numbers[f"{key}_{level}"] = round(value, 1)
    cases_at = ctx.prompted if ctx.verifier_only else ctx.usable
    easy_cases = {case.seed: canonical(case.case) for case in cases_at("easy")}
    hard_cases = {case.seed: canonical(case.case) for case in cases_at("hard")}
    shared = [seed for seed in easy_cases if seed in hard_cases]
    same = sum(easy_cases[seed] == hard_cases[seed] for seed in shared)
    numbers["same_case_share"] = round(same / len(shared), 3) if shared else 0.0
    if shared and same / len(shared) >= 0.5:
        return CheckResult(
            id="difficulty",
            passed=False,
            summary=(
                f"easy and hard give the same case for {same}/{len(shared)} seeds: generate() "
                "ignores the parameters the presets change"
            ),
            numbers=numbers,
        )
    moved = {
        key: abs(means["hard"][key] - means["easy"][key]) / max(means["easy"][key], 1.0)
        for key in measures
    }
    if max(moved.values()) < MIN_SIZE_CHANGE:
        return CheckResult(
            id="difficulty",
            passed=False,
            summary=(
                f"easy and hard cases are the same size ({', '.join(measures)} within "
                f"{MIN_SIZE_CHANGE:.0%}): the presets do not change the task's difficulty"
            ),
            numbers=numbers,
        )
    key = max(moved, key=lambda name: moved[name])
    sizes = (
        f"mean {key.replace('_', ' ')} {means['easy'][key]:.0f} (easy) -> "
        f"{means['medium'][key]:.0f} (medium) -> {means['hard'][key]:.0f} (hard)"
    )
    effort = None if ctx.verifier_only else solve_effort(ctx, numbers)
    if effort is not None and not effort.passed:
        return effort
    note = f"; {effort.summary}" if effort is not None else ""
    return CheckResult(
        id="difficulty", passed=True, summary=f"presets differ: {sizes}{note}", numbers=numbers
    )


def effort_order(easier: list[int], harder: list[int], cap: int = EFFORT_CAP) -> float | None:
    """The probability that a random harder case needs more steps than a random easier one
    (steps within EFFORT_TIE of each other tie, and ties count half): 0.5 when the two presets
    need the same effort, 1 when harder always needs more. The Mann-Whitney statistic, free of
    the scale of the steps; the tie band keeps a line more or less from counting as harder.
    Pairs where both cases reached the `cap` cannot be compared; None when no pair can."""

    def compare(e: int, h: int) -> float:
        if abs(h - e) <= EFFORT_TIE * max(e, h):
            return 0.5
        return 1.0 if h > e else 0.0

    wins = [compare(e, h) for e in easier for h in harder if min(e, h) < cap]
    return sum(wins) / len(wins) if wins else None


def solve_effort(ctx: Context, numbers: dict[str, float]) -> CheckResult | None:
    """Harder presets need more work from `solve`: on EFFORT_CASES cases per preset, each
    harder preset's case needs more steps than the easier one's at least MIN_EFFORT_ORDER of
    the time. When `solve` does the same work at every preset (a closed form, a lookup: easy and
    hard within MIN_EFFORT_ORDER of 0.5 of each other), its effort says nothing and is not
    judged. Adds the medians and orders to `numbers`; None when no effort was measured."""
    steps: dict[str, list[int]] = {}
    for level in CONTRACT_DIFFICULTIES:
        cases = ctx.usable(level)[:EFFORT_CASES]
        outcomes = ctx.candidate.effort("solve", [case.case for case in cases], EFFORT_CAP)
        steps[level] = [o.value for o in outcomes if o.ok and isinstance(o.value, int)]
        if not steps[level]:
            return None
        numbers[f"solve_steps_median_{level}"] = statistics.median(steps[level])
    pairs = list(itertools.pairwise(CONTRACT_DIFFICULTIES))
    orders = {pair: effort_order(steps[pair[0]], steps[pair[1]]) for pair in pairs}
    for (easier, harder), order in orders.items():
        numbers[f"effort_order_{easier}_{harder}"] = None if order is None else round(order, 3)
    overall = effort_order(steps["easy"], steps["hard"])
    numbers["effort_order_easy_hard"] = None if overall is None else round(overall, 3)
    medians = " -> ".join(f"{statistics.median(steps[level]):.0f}" for level in steps)
    if overall is not None and abs(overall - 0.5) < MIN_EFFORT_ORDER - 0.5:
        return CheckResult(
            id="difficulty",
            passed=True,
            summary=f"solve() does the same work at every preset (median steps {medians})",
        )
    for (easier, harder), order in orders.items():
        if order is not None and order < MIN_EFFORT_ORDER:
            return CheckResult(
                id="difficulty",
                passed=False,
                summary=(
                    f"{harder} is not harder than {easier} for solve(): median "
                    f"{statistics.median(steps[harder]):.0f} vs "
                    f"{statistics.median(steps[easier]):.0f} steps, a {harder} case needs more "
                    f"in {order:.0%} of pairs (at least {MIN_EFFORT_ORDER:.0%} wanted): make the "
                    f"{harder} preset need more search, not only bigger numbers"
                ),
                numbers=numbers,
                evidence=Evidence(detail={"solve_steps": steps}),
            )
    return CheckResult(
        id="difficulty", passed=True, summary=f"solve() effort rises (median steps {medians})"
    )


def speed(ctx: Context, score_seconds: list[float]) -> CheckResult:
    """generate and score stay under their per-call budgets at the 95th percentile."""
    budget = ctx.settings
    timing: dict[str, float] = {}
    slow: list[str] = []
    for level in ctx.difficulties:
        seconds = [
            case.seconds.get("generate", 0.0) for case in ctx.pool if case.difficulty == level
        ]
        if not seconds:
            continue
        p95 = _p95(seconds)
        timing[f"generate_p95_{level}_s"] = round(p95, 5)
        timing[f"cases_per_s_{level}"] = round(len(seconds) / max(sum(seconds), 1e-9), 1)
        if p95 > budget.generate_p95_budget:
            slow.append(
                f"generate() p95 {p95:.3f} CPU s at {level} > {budget.generate_p95_budget} s"
            )
    if score_seconds:
        p95 = _p95(score_seconds)
        timing["score_p95_s"] = round(p95, 6)
        timing["scores_per_s"] = round(len(score_seconds) / max(sum(score_seconds), 1e-9), 1)
        if p95 > budget.score_p95_budget:
            slow.append(f"score() p95 {p95:.4f} CPU s > {budget.score_p95_budget} s")
    if slow:
        return CheckResult(
            id="speed", passed=False, summary="too slow: " + "; ".join(slow), timing=timing
        )
    return CheckResult(
        id="speed", passed=True, summary="generate and score within budget", timing=timing
    )


GATE_SAMPLE = 10


def speed_gate(ctx: Context, score_seconds: list[float]) -> CheckResult | None:
    """Right after the pool is built: a candidate sure to fail `speed` and slow to test fails it
    at once, instead of spending minutes in the checks that call it thousands of times.

    Sure: generate() far over budget at its p95 over the pool (the cases the speed check judges
    too), or score() with a sample whose median is over the p95 budget (a p95 is never below
    the median) or whose p95 is far over. Slow to test: most checks call score() again and again,
    so a score() 1.5x over budget made a self-test take 100 s instead of 1 s (measured)."""
    per_level = max(1, GATE_SAMPLE // max(1, len(ctx.difficulties)))
    sample = [case for level in ctx.difficulties for case in ctx.usable(level)[:per_level]]
    outcomes = ctx.candidate.scores([(case.formatted or "", case.case) for case in sample])
    score_seconds.extend(outcome.seconds for outcome in outcomes)
    return sure_to_fail_speed(ctx, score_seconds)


def sure_to_fail_speed(ctx: Context, score_seconds: list[float]) -> CheckResult | None:
    """The failing `speed` result when generate() (over the pool) or score() (over the
    sample in `score_seconds`) is sure to fail it, else None."""
    budget = ctx.settings
    generate_over = ctx.too_slow_to_sample()
    score_over = bool(score_seconds) and (
        statistics.median(score_seconds) > budget.score_p95_budget
        or _p95(score_seconds) > budget.slow_factor * budget.score_p95_budget
    )
    if not (generate_over or score_over):
        return None
    result = speed(ctx, score_seconds)
    result.summary += " (sure to fail: the remaining checks were not run)"
    return result


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
