"""Checks for a bootcamp with no reference answer: what the verifier alone can be held to.

An audited library bootcamp may keep no answer anywhere (its verifier recomputes it), so there is
no `solve()`. Then the checks that need a right answer (completeness, rendered, format, the
near-miss part of soundness, fresh_process) do not apply, and these run instead, on the cases'
prompts and the verifier (`score`):

- `soundness`: junk never scores: an empty response, empty answer spans, no answer, text of
  the wrong type, a dict, answer dumps (every integer from -3 to 60 in one span, or in many
  spans; not counted when extract() reads the dump as one of its items, an ordinary answer),
  and Hypothesis-fuzzed text, bare or in a span. Without a right answer to compare with, a junk
  response could be some case's answer by chance (the empty list, a "3" in the reasoning
  text), so a probe counts when it scores on a third of the sampled cases, and fuzzed text
  when it scores on half of a few cases;
- `guessability`: no constant (generic guesses, small integers, yes/no words, the example
  answer the prompt shows with its format) is right for a large share of cases, judged against
  the chance level when a few constants together cover nearly every case (the answer space is
  then small and known);
- `leakage`: no word or number the prompt shows beyond the case's own data (a value the prompt
  computed) is accepted as the answer on most cases (more often than such values of another
  case's prompt are); values of the case itself are left out, since where the answer is one
  of the inputs (the largest number, a chosen item) the prompt must show them. And the prompt
  echoed back does not score, unless it reads as the same answer every time (the format's
  example: a constant, for guessability to judge);
- `determinism` (seeds reproduce cases; prompt repeats), `diversity`, `difficulty` (sizes of
  cases and prompts), `generate` and `speed` as usual; a prompt() that raises fails
  `completeness`, which otherwise does not apply.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from agent.selftest.checks import generation
from agent.selftest.checks.scoring import (
    GENERIC_GUESSES,
    PROSE,
    REASONING,
    STYLE_MARKERS,
    chance_level,
    guess_limit,
    minimal_example,
    wilson_lower_bound,
    wrap,
)
from agent.selftest.context import Context, PoolCase, canonical, shortest
from agent.selftest.report import CheckResult, Evidence

SAMPLE_CASES = 24
LEAK_CASES = 12
LEAK_TOKENS = 120  # distinct tokens per prompt, the last ones (case data and instruction)
LEAK_MIN_TOKENS = 10
LEAK_BYTES = 4_000_000  # of cases sent with the leakage probes, at most (large cases: fewer)
MIN_LEAK_SHARE = 0.5
MIN_LEAK_MARGIN = 0.3
FUZZ_CROSS_CASES = 6
# Without a reference answer a junk probe may be some case's right answer by chance (the
# reasoning text's "3", the empty list): it counts as junk when it scores on this share of cases.
JUNK_MIN_SHARE = 1 / 3
DUMP = list(range(-3, 61))
GUESSES: list[Any] = [*GENERIC_GUESSES, *range(3, 11), "YES", "NO", "Yes", "No", "-1"]
COVER_SHARE = 0.95  # a few constants right on this share of cases make a known answer space
_TOKEN = re.compile(r"-?\d+(?:\.\d+)?|[^\W\d_][\w'-]*", re.UNICODE)


def steps(
    ctx: Context, module: Path, score_seconds: list[float]
) -> list[tuple[str, Callable[[], CheckResult]]]:
    """The checks to run, in order, for a bootcamp without a reference answer."""
    reason = ctx.lacks["solve"]
    return [
        ("determinism", lambda: determinism(ctx, module)),
        ("diversity", lambda: generation.diversity(ctx)),
        ("difficulty", lambda: generation.difficulty(ctx)),
        ("completeness", lambda: completeness(ctx)),
        ("soundness", lambda: soundness(ctx, score_seconds)),
        ("rendered", lambda: CheckResult.not_applicable("rendered", _needs_answer(reason))),
        ("guessability", lambda: guessability(ctx)),
        ("leakage", lambda: leakage(ctx)),
        ("format", lambda: CheckResult.not_applicable("format", _needs_answer(reason))),
        (
            "fresh_process",
            lambda: CheckResult.not_applicable("fresh_process", _needs_answer(reason)),
        ),
        (
            "reference",
            lambda: CheckResult.not_applicable(
                "reference", f"no reference answer to compare an independent solver with: {reason}"
            ),
        ),
    ]


def _needs_answer(reason: str) -> str:
    return f"needs a reference answer, and {reason}"


def _styles(cases: list[PoolCase]) -> list[str]:
    """The answer-span styles the prompts name (tags and boxed when they name none)."""
    text = "\n".join(case.prompt or "" for case in cases).lower()
    named = [name for name, marker in STYLE_MARKERS if marker in text]
    return named or ["tags", "boxed"]


def _sample(ctx: Context, size: int) -> list[PoolCase]:
    prompted = ctx.prompted()
    step = max(1, len(prompted) // size)
    return prompted[::step][:size]


def _positive(outcome: Any) -> bool:
    return outcome.ok and isinstance(outcome.value, int | float) and outcome.value > 0


def _right(outcome: Any) -> bool:
    """A score that counts as a right answer: at least half credit, as in the guessability check
    with a reference answer (a small credit for any well-formed answer, reasoning-gym's 0.05
    format reward say, is junk credit for `soundness` to judge, not a right guess)."""
    return outcome.ok and isinstance(outcome.value, int | float) and outcome.value >= 0.5


def speed_gate(ctx: Context, score_seconds: list[float]) -> CheckResult | None:
    """Like `generation.speed_gate`, with a junk response for the answer: a generate() or a
    score() sure to fail `speed` fails it at once, before the checks that call them hundreds of
    times."""
    sample = ctx.prompted()[: generation.GATE_SAMPLE]
    style = _styles(sample)[0] if sample else "tags"
    outcomes = ctx.candidate.scores([(wrap(style, "0"), case.case) for case in sample])
    score_seconds.extend(outcome.seconds for outcome in outcomes)
    return generation.sure_to_fail_speed(ctx, score_seconds)


def completeness(ctx: Context) -> CheckResult:
    """prompt() must not raise; a right answer scoring 1 cannot be checked without one."""
    reason = ctx.lacks["solve"]
    broken = [case for case in ctx.pool if "prompt" in case.errors]
    if broken:
        case = shortest(broken)
        return CheckResult(
            id="completeness",
            passed=False,
            summary=f"prompt() fails on {len(broken)}/{len(ctx.pool)} cases: "
            f"{case.errors['prompt']}",
            numbers={"cases": len(ctx.pool), "failed": len(broken)},
            evidence=Evidence(
                case=case.case, got=case.errors["prompt"], detail={"at": case.label()}
            ),
        )
    return CheckResult.not_applicable(
        "completeness", f"needs a reference answer to score, and {reason}"
    )


def determinism(ctx: Context, module: Path) -> CheckResult:
    """Seeds reproduce cases (also under another hash seed); prompt() and score() repeat."""
    different = generation.seeds_reproduce(ctx, module)
    if different is not None:
        return different
    cases = ctx.prompted()
    backwards = cases[::-1]
    again = ctx.candidate.map("prompt", [[case.case] for case in backwards])
    for case, outcome in zip(backwards, again, strict=True):
        if not outcome.ok or outcome.value != case.prompt:
            return CheckResult(
                id="determinism",
                passed=False,
                summary="prompt() gave a different result the second time on the same case "
                "(randomness or state kept between calls?)",
                evidence=Evidence(
                    case=case.case,
                    expected=case.prompt,
                    got=outcome.value if outcome.ok else outcome.error,
                    detail={"at": case.label()},
                ),
            )
    return CheckResult(
        id="determinism",
        passed=True,
        summary=f"{len(ctx.pool)} cases reproduced by seed (also under another PYTHONHASHSEED); "
        "prompt repeatable",
        numbers={"cases": len(ctx.pool)},
    )


def _junk(style: str, case: PoolCase) -> list[tuple[str, str]]:
    dump = [str(number) for number in DUMP]
    return [
        ("an empty response", ""),
        ("empty answer tags", "[answer][/answer]"),
        ("an empty box", "\\boxed{}"),
        ("an empty <answer> span", "<answer></answer>"),
        ("a response with no answer", REASONING),
        ("text of the wrong type", wrap(style, "banana")),
        ("a dict of the wrong type", wrap(style, '{"answer": null}')),
        ("an answer dump in one span (', ')", wrap(style, ", ".join(dump))),
        ("an answer dump in one span (' or ')", wrap(style, " or ".join(dump))),
        ("an answer dump over lines", wrap(style, "\n".join(dump))),
        ("an answer dump of many spans", " ".join(wrap(style, item) for item in dump)),
    ]


def soundness(ctx: Context, score_seconds: list[float]) -> CheckResult:
    """Junk, answer dumps and fuzzed text never score."""
    sample = _sample(ctx, SAMPLE_CASES)
    if not sample:
        return CheckResult(id="soundness", passed=False, summary="no cases with a prompt to probe")
    style = _styles(sample)[0]
    probes = [(label, case, text) for case in sample for label, text in _junk(style, case)]
    outcomes = ctx.candidate.scores([(text, case.case) for _, case, text in probes])
    score_seconds.extend(outcome.seconds for outcome in outcomes)
    scoring = [
        (probe, outcome.value)
        for probe, outcome in zip(probes, outcomes, strict=True)
        if _positive(outcome)
    ]
    ordinary = _single_answers(ctx, style)
    read = ctx.candidate.map("extract", [[text] for (_, _, text), _ in scoring])
    hits: dict[str, list[tuple[PoolCase, str, Any]]] = {}
    for ((label, case, text), got), extracted in zip(scoring, read, strict=True):
        if "dump" in label and extracted.ok and canonical(extracted.value) in ordinary:
            continue  # the dump reads as one of its items: right by chance, not credited
        hits.setdefault(label, []).append((case, text, got))
    if hits:
        label, found = max(hits.items(), key=lambda item: len(item[1]))
        if len(found) >= max(2, JUNK_MIN_SHARE * len(sample)):
            case, text, got = found[0]
            return _junk_scores(label, case, text, got, len(found), len(sample))
    fuzzed = _fuzz(ctx, sample)
    if fuzzed is not None:
        return fuzzed
    return CheckResult(
        id="soundness",
        passed=True,
        summary=f"{len(probes)} junk responses and fuzzed text score 0 (no reference answer: "
        "near misses and other cases' answers not probed)",
        numbers={"junk_probes": len(probes)},
    )


def _guess_answers(ctx: Context, style: str) -> set[str]:
    """What extract() reads from each constant guess, as canonical text."""
    outcomes = ctx.candidate.map("extract", [[wrap(style, str(guess))] for guess in GUESSES])
    return {canonical(outcome.value) for outcome in outcomes if outcome.ok}


def _single_answers(ctx: Context, style: str) -> set[str]:
    """What extract() reads from each item of the dumps written alone, as canonical text."""
    outcomes = ctx.candidate.map("extract", [[wrap(style, str(item))] for item in DUMP])
    return {canonical(outcome.value) for outcome in outcomes if outcome.ok}


def _junk_scores(
    label: str, case: PoolCase, text: str, got: Any, count: int, total: int
) -> CheckResult:
    return CheckResult(
        id="soundness",
        passed=False,
        summary=f"junk scores: {label} got {got} (expected 0) on {count}/{total} cases",
        numbers={"junk_scoring_cases": count, "cases": total},
        evidence=Evidence(
            case=case.case,
            response=text[:2000],
            expected=0.0,
            got=got,
            detail={"probe": label, "at": case.label()},
        ),
    )


def _fuzz(ctx: Context, sample: list[PoolCase]) -> CheckResult | None:
    """Hypothesis: a text that scores on at least half of a few cases is junk the verifier
    credits (one case's answer by chance would not score on the others)."""
    cross = sample[:FUZZ_CROSS_CASES]
    style = _styles(sample)[0]
    strategy = st.one_of(PROSE, PROSE.map(lambda body: wrap(style, body)))

    def scoring_cases(text: str) -> int:
        outcomes = ctx.candidate.scores([(text, case.case) for case in cross])
        return sum(_positive(outcome) for outcome in outcomes)

    ordinary = _single_answers(ctx, style) | _guess_answers(ctx, style)

    def bad(text: str) -> bool:
        if len(cross) < 2 or 2 * scoring_cases(text) < len(cross):
            return False
        read = ctx.candidate.map("extract", [[text]])[0]
        # an ordinary constant right on many cases is for guessability to judge, not junk
        return not (read.ok and canonical(read.value) in ordinary)

    text = minimal_example(
        strategy, bad, ctx.settings.hypothesis_examples, ctx.settings.check_budget
    )
    if text is None:
        return None
    return CheckResult(
        id="soundness",
        passed=False,
        summary=f"arbitrary text scores: {text!r} scores on {scoring_cases(text)}/{len(cross)} "
        "cases (expected 0)",
        evidence=Evidence(case=cross[0].case, response=text, expected=0.0),
    )


def guessability(ctx: Context) -> CheckResult:
    """No constant answer is right for a large share of a difficulty's cases, beyond chance."""
    cases = ctx.prompted()
    if len(cases) < 10:
        return CheckResult(id="guessability", passed=False, summary="too few cases to judge")
    style = _styles(cases)[0]
    right: dict[str, set[int]] = {}
    responses = [wrap(style, str(guess)) for guess in GUESSES] + _example_answers(cases)
    for response in dict.fromkeys(responses):
        outcomes = ctx.candidate.scores([(response, case.case) for case in cases])
        hits = {i for i, outcome in enumerate(outcomes) if _right(outcome)}
        if hits:
            right.setdefault(response, set()).update(hits)
    covering = _cover(right, len(cases))
    chance = chance_level(len(covering)) if covering else 0.0
    limit = guess_limit(chance)
    best = (0.0, "", "", 0)
    for response, hits in right.items():
        by_level = Counter(cases[i].difficulty for i in hits)
        for level, count in by_level.items():
            total = sum(case.difficulty == level for case in cases)
            if count / total > best[0]:
                best = (count / total, response, level, total)
    share, response, level, total = best
    lower = wilson_lower_bound(share, total)
    numbers = {
        "cases": len(cases),
        "best_constant_share": round(share, 3),
        "best_constant_share_lower_bound": round(lower, 3),
        "chance_level": round(chance, 3),
    }
    if lower > limit:
        return CheckResult(
            id="guessability",
            passed=False,
            summary=f"always answering {response!r} is right for {share:.0%} of {level} cases "
            f"(at least {lower:.0%} at 95% confidence; limit {limit:.0%}"
            + (
                f", chance level {chance:.0%}: {len(covering)} constants cover the cases"
                if chance
                else ""
            )
            + ")",
            numbers=numbers,
            evidence=Evidence(response=response, got=share, detail={"at": level}),
        )
    return CheckResult(
        id="guessability",
        passed=True,
        summary=f"the best constant answer of {len(GUESSES)} tried is right for {share:.0%} of "
        "cases" + (f" (chance level {chance:.0%})" if chance else ""),
        numbers=numbers,
    )


_SPANS = re.compile(
    r"\[answer\].*?\[/answer\]|\\boxed\{[^{}]*\}|<answer>.*?</answer>", re.DOTALL | re.IGNORECASE
)


def _example_answers(cases: list[PoolCase]) -> list[str]:
    """The answer spans the prompts show as examples of the format (the last of each prompt),
    as they stand: a model copying the instruction's example answers with them."""
    found: dict[str, None] = {}
    for case in cases:
        spans = _SPANS.findall(case.prompt or "")
        if spans:
            found.setdefault(spans[-1], None)
    return list(found)[:8]


def _cover(right: dict[str, set[int]], count: int) -> list[str]:
    """A few constants (greedy) that together are right on COVER_SHARE of the cases, or []."""
    chosen: list[str] = []
    covered: set[int] = set()
    while len(covered) < COVER_SHARE * count and len(chosen) < 4:
        remaining = {r: hits - covered for r, hits in right.items() if r not in chosen}
        if not remaining:
            return []
        response = max(remaining, key=lambda r: len(remaining[r]))
        if not remaining[response]:
            return []
        chosen.append(response)
        covered |= right[response]
    return chosen if len(covered) >= COVER_SHARE * count else []


def _tokens(prompt: str, data: set[str], count: int) -> list[str]:
    """The last `count` distinct words and numbers of a prompt that are not values of the case
    (input the task shows: the answer may be one of them)."""
    seen: dict[str, None] = {}
    for token in reversed(_TOKEN.findall(prompt)):
        if token not in data:
            seen.setdefault(token, None)
            if len(seen) >= count:
                break
    return list(seen)


def leakage(ctx: Context) -> CheckResult:
    """No word or number of its own prompt is accepted as the answer on most cases (more often
    than another case's prompt's words are), and the prompt echoed back does not score."""
    sample = _sample(ctx, LEAK_CASES)
    if len(sample) < 2:
        return CheckResult(id="leakage", passed=False, summary="too few cases to judge")
    style = _styles(sample)[0]
    echoed = ctx.candidate.scores([(case.prompt or "", case.case) for case in sample])
    echo_hits = [case for case, outcome in zip(sample, echoed, strict=True) if _positive(outcome)]
    read = ctx.candidate.map("extract", [[case.prompt or ""] for case in echo_hits])
    # An echo that reads as the same answer in every prompt is the format's example answer
    # being right: a constant answer, for guessability to judge, not a leak of each answer.
    echo_answers = {canonical(outcome.value) for outcome in read if outcome.ok}
    pairs: list[tuple[str, dict[str, Any]]] = []
    owners: list[tuple[int, bool, str]] = []
    # Every score() call carries its case: a few tokens per prompt when cases are large.
    size = max(len(canonical(case.case)) for case in sample)
    per_prompt = max(LEAK_MIN_TOKENS, min(LEAK_TOKENS, LEAK_BYTES // (2 * len(sample) * size)))
    for index, case in enumerate(sample):
        other = sample[(index + 1) % len(sample)]
        data = set(_TOKEN.findall(canonical(case.case)))
        for own, source in ((True, case), (False, other)):
            for token in _tokens(source.prompt or "", data, per_prompt):
                pairs.append((wrap(style, token), case.case))
                owners.append((index, own, token))
    own_hits: dict[int, str] = {}
    cross_hits: set[int] = set()
    for (index, own, token), outcome in zip(owners, ctx.candidate.scores(pairs), strict=True):
        if _positive(outcome):
            if own:
                own_hits.setdefault(index, token)
            else:
                cross_hits.add(index)
    own_share, cross_share = len(own_hits) / len(sample), len(cross_hits) / len(sample)
    echo_share = len(echo_hits) / len(sample)
    numbers = {
        "own_prompt_token_share": round(own_share, 3),
        "other_prompt_token_share": round(cross_share, 3),
        "echo_share": round(echo_share, 3),
    }
    if echo_share >= MIN_LEAK_SHARE and len(echo_answers) > 1:
        case = echo_hits[0]
        return CheckResult(
            id="leakage",
            passed=False,
            summary=f"the prompt echoed back scores on {echo_share:.0%} of cases, read as "
            f"{len(echo_answers)} different answers: each prompt carries its own answer",
            numbers=numbers,
            evidence=Evidence(case=case.case, response=(case.prompt or "")[-2000:], expected=0.0),
        )
    if own_share >= MIN_LEAK_SHARE and own_share - cross_share >= MIN_LEAK_MARGIN:
        index, token = next(iter(own_hits.items()))
        case = sample[index]
        prompt = case.prompt or ""
        at = prompt.rfind(token)
        return CheckResult(
            id="leakage",
            passed=False,
            summary=f"the prompt shows a value the verifier accepts as the answer in "
            f"{own_share:.0%} of cases (another case's prompt: {cross_share:.0%}): e.g. {token!r}",
            numbers=numbers,
            evidence=Evidence(
                case=case.case,
                response=wrap(style, token),
                got=prompt[max(0, at - 120) : at + len(token) + 120],
                detail={"at": case.label()},
            ),
        )
    return CheckResult(
        id="leakage",
        passed=True,
        summary=f"values shown in a prompt are accepted in {own_share:.0%} of cases, another "
        f"prompt's in {cross_share:.0%}: no leak",
        numbers=numbers,
    )
