"""Checks of the verifier: completeness, soundness, guessability and format.

A right answer must score 1 however it is surrounded (reasoning before it, a wrong draft answer
earlier: the last answer wins); nothing else may score: junk, empty answers, the prompt echoed,
answer dumps, prefixes, the wrong type, near-miss mutants and other cases' answers. Hypothesis
fuzzes the text around and instead of answers, derandomized and shrunk to a minimal example.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from agent.selftest.context import BudgetSpent, Context, Deadline, PoolCase, canonical, shortest
from agent.selftest.mutate import answer_mutants
from agent.selftest.report import CheckResult, Evidence
from agent.selftest.tokens import answer_tokens, tokens_agree
from generated_bootcamps.answers import braces_balanced

REASONING = (
    "Let me think step by step. First I restate the problem, then I work through it carefully, "
    "checking each intermediate result (1, 2, 3) before I commit to an answer.\n"
)
RECONSIDER = "\nWait, that draft was wrong. Let me recompute.\n"
MAX_MUTANT_ACCEPTANCE = 0.5
MAX_GUESS_SHARE = 0.3  # a constant right beyond this share (99% confident) fails guessability
MAX_GUESS_CASES = 640  # per difficulty: the most cases guessability draws to decide
GUESS_Z = 2.576  # 99% intervals: the sample may be looked at up to 5 times (40 -> 640 cases)
# An answer space of at most this many values (seen over the sample) is small and known: a
# constant answer is judged against its chance level 1/k, not against zero.
SMALL_ANSWER_SPACE = 4
SOUNDNESS_CASES = 24
GENERIC_GUESSES: list[Any] = [0, 1, -1, 2, 10, True, False, "yes", "no", "A", "B", "true", [], [0]]
_BOXED = re.compile(r"^\s*\\boxed\s*\{(.*)\}\s*$", re.DOTALL)
_TAGS = re.compile(r"^\s*\[answer\](.*)\[/answer\]\s*$", re.DOTALL | re.IGNORECASE)
_XML = re.compile(r"^\s*<answer>(.*)</answer>\s*$", re.DOTALL | re.IGNORECASE)
# The answer-span styles a prompt can name, with the marker that names them.
STYLE_MARKERS = (("boxed", "\\boxed"), ("tags", "[answer]"), ("xml", "<answer>"))
# Prose for fuzzing: no character that could open an answer span.
PROSE = st.text(
    alphabet=st.characters(blacklist_characters="\\[]{}", blacklist_categories=("Cs",)),
    max_size=80,
)


def split_formatted(formatted: str) -> tuple[str, str]:
    """(style, inner text) of a formatted answer: style is "boxed", "tags", "xml"
    (`<answer>...</answer>`) or "custom"."""
    if match := _BOXED.match(formatted):
        return "boxed", match.group(1)
    if match := _TAGS.match(formatted):
        return "tags", match.group(1)
    if match := _XML.match(formatted):
        return "xml", match.group(1)
    return "custom", formatted


def wrap(style: str, inner: str) -> str:
    """An answer span of `style` around `inner`."""
    if style == "boxed":
        return f"\\boxed{{{inner}}}"
    if style == "xml":
        return f"<answer>{inner}</answer>"
    return f"[answer]{inner}[/answer]"


def hypothesis_settings(examples: int) -> settings:
    return settings(
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=examples,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )


def minimal_example(
    strategy: st.SearchStrategy[Any], bad: Callable[[Any], bool], examples: int, seconds: float
) -> Any | None:
    """Hypothesis' minimal value for which `bad` holds, or None (none found, or out of time)."""
    deadline = Deadline(seconds)
    found: list[Any] = []

    def condition(value: Any) -> bool:
        deadline.spend()
        if bad(value):
            found.append(value)
            return True
        return False

    try:
        return find(strategy, condition, settings=hypothesis_settings(examples))
    except (NoSuchExample, Unsatisfiable):
        return None
    except BudgetSpent:
        return found[-1] if found else None


def completeness(ctx: Context, score_seconds: list[float]) -> CheckResult:
    """score(format_answer(solve(c)), c) == 1 for every case, also after reasoning text and after
    a wrong draft answer earlier in the response (the last answer wins)."""
    broken = [case for case in ctx.pool if case.errors]
    if broken:
        case = shortest(broken)
        stage, error = next(iter(case.errors.items()))
        method = {"prompt": "prompt", "solution": "solve", "formatted": "format_answer"}[stage]
        return CheckResult(
            id="completeness",
            passed=False,
            summary=f"{method}() fails on {len(broken)}/{len(ctx.pool)} cases: {error}",
            numbers={"cases": len(ctx.pool), "failed": len(broken)},
            evidence=Evidence(case=case.case, got=error, detail={"at": case.label()}),
        )
    usable = ctx.usable()
    if not usable:
        return CheckResult(id="completeness", passed=False, summary="no usable cases to score")
    probes: list[tuple[str, PoolCase, str]] = []
    for index, case in enumerate(usable):
        assert case.formatted is not None
        probes.append(("the reference answer alone", case, case.formatted))
        probes.append(("the reference answer after reasoning", case, REASONING + case.formatted))
        draft = other_answer(usable, index)
        if draft is not None:
            response = REASONING + draft + RECONSIDER + case.formatted
            probes.append(("the reference answer after a wrong draft answer", case, response))
    outcomes = ctx.candidate.scores([(response, case.case) for _, case, response in probes])
    score_seconds.extend(outcome.seconds for outcome in outcomes)
    failures = [
        (label, case, response, outcome.value if outcome.ok else outcome.error)
        for (label, case, response), outcome in zip(probes, outcomes, strict=True)
        if not (outcome.ok and outcome.value == 1.0)
    ]
    numbers = {"cases": len(usable), "responses": len(probes), "failed": len(failures)}
    if failures:
        kinds = Counter(label for label, *_ in failures)
        label, case, response, got = min(
            failures, key=lambda item: (len(canonical(item[1].case)), len(item[2]))
        )
        return CheckResult(
            id="completeness",
            passed=False,
            summary=(
                f"a right answer does not score 1 in {len(failures)}/{len(probes)} responses ("
                + ", ".join(f"{k}: {v}" for k, v in kinds.items())
                + "): extract() cannot read what format_answer() writes, or check() rejects "
                "solve()'s answer"
            ),
            numbers=numbers,
            evidence=Evidence(
                case=case.case,
                response=response,
                expected=1.0,
                got=got,
                detail={"probe": label, "solution": case.solution, "at": case.label()},
            ),
        )
    fuzzed = _fuzz_prose(ctx, usable)
    if fuzzed is not None:
        return fuzzed
    return CheckResult(
        id="completeness",
        passed=True,
        summary=f"the reference answer scores 1 in {len(probes)} responses ({len(usable)} cases)",
        numbers=numbers,
    )


def other_answer(usable: list[PoolCase], index: int) -> str | None:
    """Another case's formatted answer that differs from case `index`'s answer."""
    own = canonical(usable[index].solution)
    for offset in range(1, len(usable)):
        other = usable[(index + offset) % len(usable)]
        if canonical(other.solution) != own:
            return other.formatted
    return None


def _fuzz_prose(ctx: Context, usable: list[PoolCase]) -> CheckResult | None:
    """Hypothesis: reasoning text of any shape before and after the answer keeps the score at 1."""
    strategy = st.tuples(st.integers(0, len(usable) - 1), PROSE, PROSE)

    def bad(example: tuple[int, str, str]) -> bool:
        index, before, after = example
        case = usable[index]
        outcome = ctx.candidate.scores(
            [(before + "\n" + (case.formatted or "") + "\n" + after, case.case)]
        )[0]
        return not (outcome.ok and outcome.value == 1.0)

    example = minimal_example(
        strategy, bad, ctx.settings.hypothesis_examples, ctx.settings.check_budget
    )
    if example is None:
        return None
    index, before, after = example
    case = usable[index]
    response = before + "\n" + (case.formatted or "") + "\n" + after
    got = ctx.candidate.scores([(response, case.case)])[0]
    return CheckResult(
        id="completeness",
        passed=False,
        summary=(
            "the reference answer stops scoring 1 when ordinary text surrounds it "
            f"(minimal text before: {before!r}, after: {after!r})"
        ),
        evidence=Evidence(
            case=case.case,
            response=response,
            expected=1.0,
            got=got.value if got.ok else got.error,
            detail={"at": case.label()},
        ),
    )


def soundness(ctx: Context) -> CheckResult:
    """Junk never scores; near misses and other cases' answers score 0 unless check() has a
    principled reason to accept them, and a check() that accepts most of them fails."""
    usable = ctx.usable()
    if not usable:
        return CheckResult(id="soundness", passed=False, summary="no usable cases to probe")
    step = max(1, len(usable) // SOUNDNESS_CASES)
    sample = usable[::step][:SOUNDNESS_CASES]
    junk: list[tuple[str, PoolCase, str]] = []
    near: list[tuple[str, PoolCase, str]] = []
    for position, case in enumerate(sample):
        style, inner = split_formatted(case.formatted or "")
        style = "boxed" if style == "custom" else style
        junk.extend(_junk_probes(case, style, inner, sample, position))
        near.extend(_near_miss_probes(ctx, case, usable))
    # With a check() of its own, a dump whose last span is another case's answer that check()
    # accepts is that answer, not junk (it may be valid here too): near misses judge it.
    others = {canonical(case.solution) for case in sample} if ctx.overrides_check else set()
    problem = _first_scoring(ctx, junk, also_answers=others)
    if problem is not None:
        label, case, response, got = problem
        return CheckResult(
            id="soundness",
            passed=False,
            summary=f"junk scores: {label} got {got} (expected 0)",
            numbers={"junk_probes": len(junk)},
            evidence=Evidence(
                case=case.case,
                response=response[:2000],
                expected=0.0,
                got=got,
                detail={"probe": label, "solution": case.solution, "at": case.label()},
            ),
        )
    near_outcomes = ctx.candidate.scores([(response, case.case) for _, case, response in near])
    accepted = [
        (label, case, response, outcome.value)
        for (label, case, response), outcome in zip(near, near_outcomes, strict=True)
        if outcome.ok and isinstance(outcome.value, int | float) and outcome.value > 0
    ]
    share = len(accepted) / len(near) if near else 0.0
    numbers = {
        "junk_probes": len(junk),
        "near_miss_probes": len(near),
        "near_misses_accepted": len(accepted),
        "near_miss_acceptance": round(share, 3),
    }
    strict = not ctx.overrides_check
    if accepted and (strict or share > MAX_MUTANT_ACCEPTANCE):
        label, case, response, got = min(accepted, key=lambda item: len(canonical(item[1].case)))
        reason = (
            "check() is the default comparison with solve(), so any accepted different answer "
            "means extract() or the answer kind's comparison is too lenient"
            if strict
            else f"check() accepts {share:.0%} of near-miss answers: it does not verify the rules"
        )
        return CheckResult(
            id="soundness",
            passed=False,
            summary=f"a wrong answer scores: {label} got {got}; {reason}",
            numbers=numbers,
            evidence=Evidence(
                case=case.case,
                response=response,
                expected=0.0,
                got=got,
                detail={"probe": label, "solution": case.solution, "at": case.label()},
            ),
        )
    foreign = _foreign_items(ctx, sample)
    if foreign is not None:
        foreign.numbers.update(numbers)
        return foreign
    fuzzed = _fuzz_junk(ctx, sample)
    if fuzzed is not None:
        fuzzed.numbers.update(numbers)
        return fuzzed
    summary = f"{len(junk)} junk and {len(near)} near-miss responses score 0"
    if accepted:
        summary = (
            f"{len(junk)} junk responses score 0; check() accepts {len(accepted)}/{len(near)} "
            "near misses by its rules"
        )
    return CheckResult(id="soundness", passed=True, summary=summary, numbers=numbers)


def _junk_probes(
    case: PoolCase, style: str, inner: str, sample: list[PoolCase], position: int
) -> list[tuple[str, PoolCase, str]]:
    probes = [
        ("an empty response", case, ""),
        ("empty answer tags", case, "[answer][/answer]"),
        ("an empty box", case, "\\boxed{}"),
        ("a response with no answer", case, REASONING),
        ("the prompt echoed back", case, case.prompt or ""),
        ("text of the wrong type", case, wrap(style, "banana")),
        ("a dict of the wrong type", case, '[answer]{"answer": null}[/answer]'),
    ]
    others = [other for other in sample if canonical(other.solution) != canonical(case.solution)]
    other_inners = [split_formatted(other.formatted or "")[1] for other in others[:8]]
    if other_inners:
        dump = [*other_inners[:4], inner, *other_inners[4:]]
        probes.append(("an answer dump in one span (', ')", case, wrap(style, ", ".join(dump))))
        probes.append(("an answer dump in one span (' or ')", case, wrap(style, " or ".join(dump))))
        probes.append(("an answer dump over lines", case, wrap("tags", "\n".join(dump))))
        spans = [wrap(style, text) for text in dump]  # the right one is not the last
        probes.append(("an answer dump of many spans", case, " ".join(spans)))
    if not isinstance(case.solution, float) and len(inner) >= 2:
        for label, part in (
            ("a prefix of the right answer", inner[: len(inner) // 2]),
            ("the right answer minus its last character", inner[:-1]),
            ("the right answer minus its first character", inner[1:]),
        ):
            # In a box, a cut brace would end the span early and extract something else.
            probes.append((label, case, wrap(style if braces_balanced(part) else "tags", part)))
    return probes


def _near_miss_probes(
    ctx: Context, case: PoolCase, usable: list[PoolCase]
) -> list[tuple[str, PoolCase, str]]:
    mutants = answer_mutants(case.solution)
    formatted = ctx.candidate.map("format_answer", [[mutant.value] for mutant in mutants])
    probes = [
        (f"a near miss ({mutant.how})", case, outcome.value)
        for mutant, outcome in zip(mutants, formatted, strict=True)
        if outcome.ok and isinstance(outcome.value, str)
    ]
    own = canonical(case.solution)
    others = [other for other in usable if canonical(other.solution) != own][:3]
    probes.extend(
        (f"the answer of another case ({other.label()})", case, other.formatted or "")
        for other in others
    )
    return probes


def _foreign_items(ctx: Context, sample: list[PoolCase]) -> CheckResult | None:
    """A membership probe that needs no oracle, for a check() of its own whose answers are lists.

    When every item of every sampled answer of solve() occurs in its case (pick numbers from the
    list, order the given nodes, choose coins among the denominations), the answers are drawn from
    the case. Then an answer with one item replaced by a value found nowhere in the case (for
    numbers, with another item moved the other way so that the sum and the count stay put) must
    score 0: a check() that accepts it does not verify that the items come from the case."""
    if not ctx.overrides_check or not sample:
        return None
    if not all(_drawn_from_case(case.solution, case.case) for case in sample):
        return None
    probes = [
        (case, mutant, how)
        for case in sample
        for mutant, how in _foreign_mutants(case.solution, _atoms(case.case))
    ]
    formatted = ctx.candidate.map("format_answer", [[mutant] for _, mutant, _ in probes])
    kept = [
        (probe, text.value)
        for probe, text in zip(probes, formatted, strict=True)
        if text.ok and isinstance(text.value, str)
    ]
    scores = ctx.candidate.scores([(response, probe[0].case) for probe, response in kept])
    for ((case, mutant, how), response), score in zip(kept, scores, strict=True):
        if score.ok and isinstance(score.value, int | float) and score.value > 0:
            return CheckResult(
                id="soundness",
                passed=False,
                summary=(
                    f"a wrong answer scores: {mutant!r} ({how}) got {score.value}, though every "
                    f"answer of solve() on {len(sample)} cases is made of the case's own items: "
                    "check() does not verify that the items of an answer come from the case"
                ),
                numbers={"foreign_item_probes": len(kept)},
                evidence=Evidence(
                    case=case.case,
                    response=response,
                    expected=0.0,
                    got=score.value,
                    detail={"probe": how, "solution": case.solution, "at": case.label()},
                ),
            )
    return None


def _atoms(value: Any) -> set[str]:
    """The leaves of a JSON value (numbers and strings), as canonical text."""
    if isinstance(value, dict):
        return set().union(*(_atoms(item) for item in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_atoms(item) for item in value)) if value else set()
    return {canonical(value)}


def _drawn_from_case(answer: Any, case: dict[str, Any]) -> bool:
    """Whether `answer` is a non-empty flat list whose every item occurs in the case."""
    if not isinstance(answer, list) or not answer:
        return False
    if any(isinstance(item, dict | list | bool) or item is None for item in answer):
        return False
    return {canonical(item) for item in answer} <= _atoms(case)


def _foreign_mutants(answer: list[Any], present: set[str]) -> list[tuple[list[Any], str]]:
    """The answer with one item replaced by a value absent from the case; for integers, another
    item moves the other way, so the sum and the count are those of the right answer."""
    found: list[tuple[list[Any], str]] = []
    for index in sorted({0, len(answer) - 1}):
        item = answer[index]
        if isinstance(item, int):
            for step in range(1, 50):
                changed = _sum_kept(answer, index, step, present)
                if changed is not None:
                    found.append((changed, f"item {index} moved by {step}, another item back"))
                    break
        elif isinstance(item, str):
            stranger = item + "x"
            while canonical(stranger) in present:
                stranger += "x"
            changed = [*answer[:index], stranger, *answer[index + 1 :]]
            found.append((changed, f"item {index} replaced by {stranger!r}, not in the case"))
    return found


def _sum_kept(answer: list[Any], index: int, step: int, present: set[str]) -> list[Any] | None:
    """`answer` with item `index` raised by `step` to a value absent from the case, and another
    integer item lowered by `step` (or, alone, lowered instead), or None if none is absent."""
    for direction in (step, -step):
        raised = answer[index] + direction
        if canonical(raised) in present:
            continue
        changed = list(answer)
        changed[index] = raised
        for other in range(len(answer)):
            if other != index and isinstance(answer[other], int):
                changed[other] = answer[other] - direction
                return changed
        return changed if len(answer) == 1 else None
    return None


def _first_scoring(
    ctx: Context, probes: list[tuple[str, PoolCase, str]], also_answers: set[str] | None = None
) -> tuple[str, PoolCase, str, Any] | None:
    """The first probe that scores above 0, unless what it extracts is the right answer itself
    (or one of `also_answers`, canonical texts of answers judged elsewhere)."""
    outcomes = ctx.candidate.scores([(response, case.case) for _, case, response in probes])
    scoring = [
        (probe, outcome.value)
        for probe, outcome in zip(probes, outcomes, strict=True)
        if outcome.ok and isinstance(outcome.value, int | float) and outcome.value > 0
    ]
    if not scoring:
        return None
    extracted = ctx.candidate.map("extract", [[response] for (_, _, response), _ in scoring])
    for ((label, case, response), got), outcome in zip(scoring, extracted, strict=True):
        if outcome.ok and reads_as(outcome.value, case.solution):
            continue  # e.g. the prompt's own example happens to be this case's answer
        if outcome.ok and canonical(outcome.value) in (also_answers or set()):
            continue
        return label, case, response, got
    return None


def reads_as(extracted: Any, solution: Any) -> bool:
    """Whether an extracted answer says the same as the solution: equal, or equal token by
    token (numbers by value, words by case), as when an extractor returns the text "2" for the
    answer 2 (library bootcamps do)."""
    if canonical(extracted) == canonical(solution):
        return True
    return tokens_agree(answer_tokens(solution), answer_tokens(extracted))


def _fuzz_junk(ctx: Context, sample: list[PoolCase]) -> CheckResult | None:
    """Hypothesis: arbitrary text, bare or inside an answer span, never scores."""
    text = st.one_of(
        PROSE,
        PROSE.map(lambda body: wrap("boxed", body)),
        PROSE.map(lambda body: wrap("tags", body)),
    )
    strategy = st.tuples(st.integers(0, len(sample) - 1), text)

    def bad(example: tuple[int, str]) -> bool:
        index, response = example
        case = sample[index]
        outcome = ctx.candidate.scores([(response, case.case)])[0]
        if not (outcome.ok and isinstance(outcome.value, int | float) and outcome.value > 0):
            return False
        extracted = ctx.candidate.map("extract", [[response]])[0]
        return not (extracted.ok and reads_as(extracted.value, case.solution))

    example = minimal_example(
        strategy, bad, ctx.settings.hypothesis_examples, ctx.settings.check_budget
    )
    if example is None:
        return None
    index, response = example
    case = sample[index]
    got = ctx.candidate.scores([(response, case.case)])[0]
    return CheckResult(
        id="soundness",
        passed=False,
        summary=f"arbitrary text scores: {response!r} got {got.value} (expected 0)",
        evidence=Evidence(
            case=case.case,
            response=response,
            expected=0.0,
            got=got.value,
            detail={"solution": case.solution, "at": case.label()},
        ),
    )


def guessability(ctx: Context) -> CheckResult:
    """No constant answer is right for a large share of the cases of any difficulty: the task is
    not a coin flip. Tried: each difficulty's most common answers and a few generic guesses.

    Decided sequentially: while the best constant's 99% interval at some difficulty straddles the
    limit, that difficulty's sample is doubled with fresh seeds (up to MAX_GUESS_CASES), so a
    constant slightly above the limit fails and one slightly below passes, instead of both
    passing on a wide interval."""
    usable = ctx.usable()
    if len(usable) < 10:
        return CheckResult(id="guessability", passed=False, summary="too few usable cases to judge")
    samples = {level: ctx.usable(level) for level in ctx.difficulties}
    judge = _GuessJudge(ctx)
    exhausted: set[str] = set()  # levels where no more cases can be drawn
    while True:
        best = judge.best_per_level(samples)
        limit = guess_limit(judge.chance(samples))
        undecided = [
            level
            for level, found in best.items()
            if wilson_lower_bound(found.share, found.cases, GUESS_Z) <= limit
            and wilson_upper_bound(found.share, found.cases, GUESS_Z) > limit
            and 0 < found.cases < MAX_GUESS_CASES
            and level not in exhausted
        ]
        decided_fail = any(
            wilson_lower_bound(found.share, found.cases, GUESS_Z) > limit for found in best.values()
        )
        if decided_fail or not undecided:
            break
        for level in undecided:
            more = _more_cases(ctx, level, samples[level])
            samples[level] = samples[level] + more
            if not more:
                exhausted.add(level)
    return _guess_verdict(ctx, samples, best, judge)


@dataclass
class _Guess:
    """The best constant at one difficulty: its share of `cases` cases."""

    share: float = 0.0
    cases: int = 0
    guess: Any = None
    response: str = ""


class _GuessJudge:
    """Scores constant answers on sample cases, each (answer, case) pair once."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.right: dict[tuple[str, str, int], bool] = {}
        self.formatted: dict[str, str | None] = {}

    def answers(self, samples: dict[str, list[PoolCase]]) -> dict[str, Any]:
        return {
            canonical(case.solution): case.solution for cases in samples.values() for case in cases
        }

    def chance(self, samples: dict[str, list[PoolCase]]) -> float:
        return chance_level(len(self.answers(samples)))

    def guesses(self, samples: dict[str, list[PoolCase]]) -> list[Any]:
        by_text = self.answers(samples)
        guesses: list[Any] = []
        for cases in samples.values():
            common = Counter(canonical(case.solution) for case in cases).most_common(3)
            guesses += [by_text[text] for text, _ in common if by_text[text] not in guesses]
        return guesses + [guess for guess in GENERIC_GUESSES if canonical(guess) not in by_text]

    def responses(self, guesses: list[Any]) -> list[tuple[Any, str]]:
        fresh = [guess for guess in guesses if canonical(guess) not in self.formatted]
        outcomes = self.ctx.candidate.map("format_answer", [[guess] for guess in fresh])
        for guess, outcome in zip(fresh, outcomes, strict=True):
            ok = outcome.ok and isinstance(outcome.value, str)
            self.formatted[canonical(guess)] = outcome.value if ok else None
        pairs = [(guess, self.formatted[canonical(guess)]) for guess in guesses]
        return [(guess, response) for guess, response in pairs if response is not None]

    def best_per_level(self, samples: dict[str, list[PoolCase]]) -> dict[str, _Guess]:
        responses = self.responses(self.guesses(samples))
        todo = [
            (response, case)
            for _, response in responses
            for cases in samples.values()
            for case in cases
            if (response, case.difficulty, case.seed) not in self.right
        ]
        outcomes = self.ctx.candidate.scores([(response, case.case) for response, case in todo])
        for (response, case), score in zip(todo, outcomes, strict=True):
            right = score.ok and isinstance(score.value, int | float) and score.value >= 0.5
            self.right[(response, case.difficulty, case.seed)] = right
        best: dict[str, _Guess] = {}
        for level, cases in samples.items():
            found = _Guess(cases=len(cases))
            for guess, response in responses:
                hits = sum(self.right[(response, level, case.seed)] for case in cases)
                if cases and hits / len(cases) > found.share:
                    found = _Guess(hits / len(cases), len(cases), guess, response)
            best[level] = found
        return best


def _more_cases(ctx: Context, level: str, have: list[PoolCase]) -> list[PoolCase]:
    """As many fresh cases at `level` as `have` holds (seeds after every seed used so far),
    with their answers; cases whose answer cannot be computed are left out."""
    first = max([ctx.settings.cases - 1, *(case.seed for case in have)]) + 1
    count = min(len(have), MAX_GUESS_CASES - len(have))
    seeds = list(range(first, first + count))
    made = ctx.candidate.generate(level, seeds)
    cases = [
        PoolCase(level, seed, outcome.value)
        for seed, outcome in zip(seeds, made, strict=True)
        if outcome.ok and isinstance(outcome.value, dict)
    ]
    solved = ctx.candidate.map("solve", [[case.case] for case in cases])
    for case, outcome in zip(cases, solved, strict=True):
        case.solution = outcome.value if outcome.ok else None
        if not outcome.ok:
            case.errors["solution"] = outcome.error or "failed"
    return [case for case in cases if case.complete]


def _guess_verdict(
    ctx: Context, samples: dict[str, list[PoolCase]], best: dict[str, _Guess], judge: _GuessJudge
) -> CheckResult:
    level = max(best, key=lambda name: best[name].share)
    found = best[level]
    by_text = judge.answers(samples)
    cases = sum(len(level_cases) for level_cases in samples.values())
    lower = wilson_lower_bound(found.share, found.cases, GUESS_Z)
    upper = wilson_upper_bound(found.share, found.cases, GUESS_Z)
    numbers = {
        "cases": cases,
        "cases_at_best_level": found.cases,
        "best_constant_share": round(found.share, 3),
        "best_constant_share_lower_bound": round(lower, 3),
        "best_constant_share_upper_bound": round(upper, 3),
        "distinct_answers": len(by_text),
    }
    if len(by_text) <= 2 and not ctx.overrides_check:
        return CheckResult(
            id="guessability",
            passed=False,
            summary=(
                f"only {len(by_text)} distinct answers over {cases} cases: the task is a "
                "coin flip; ask for something with a larger answer space"
            ),
            numbers=numbers,
            evidence=Evidence(detail={"answers": sorted(by_text)}),
        )
    chance = chance_level(len(by_text))
    limit = guess_limit(chance)
    numbers["chance_level"] = round(chance, 3)
    failing = [
        name
        for name, guess in best.items()
        if wilson_lower_bound(guess.share, guess.cases, GUESS_Z) > limit
    ]
    undecided = lower <= limit < upper  # at MAX_GUESS_CASES: the observed share decides
    if failing or (undecided and found.share > limit):
        level = failing[0] if failing else level
        found = best[level]
        bound = wilson_lower_bound(found.share, found.cases, GUESS_Z)
        return CheckResult(
            id="guessability",
            passed=False,
            summary=(
                f"always answering {found.guess!r} is right for {found.share:.0%} of "
                f"{found.cases} {level} cases (at least {bound:.0%} at 99% confidence; limit "
                f"{limit:.0%}{_chance_note(chance)}): balance the answers or widen the answer "
                "space"
            ),
            numbers=numbers,
            evidence=Evidence(
                response=found.response,
                got=found.share,
                detail={"constant": found.guess, "at": level},
            ),
        )
    where = f" ({level}, {found.cases} cases)" if found.guess is not None else ""
    return CheckResult(
        id="guessability",
        passed=True,
        summary=(
            f"the best constant answer is right for {found.share:.0%} of cases{where}, at most "
            f"{upper:.0%} at 99% confidence (limit {limit:.0%})"
        ),
        numbers=numbers,
    )


def chance_level(answer_space: int) -> float:
    """The share a constant answer gets by chance when the answer space is small and known
    (2 to SMALL_ANSWER_SPACE values, balanced); 0 for a large space. One answer is no space
    at all: its constant is right every time, which is no chance."""
    return 1 / answer_space if 2 <= answer_space <= SMALL_ANSWER_SPACE else 0.0


def guess_limit(chance: float) -> float:
    """The largest share (its 95% lower bound) a constant answer may be right for: chance, plus
    MAX_GUESS_SHARE of the room above chance. Over a large answer space (chance 0) that is
    MAX_GUESS_SHARE; for yes/no (chance 1/2) 65%, so a 60% majority passes and 80% fails."""
    return chance + MAX_GUESS_SHARE * (1 - chance)


def _chance_note(chance: float) -> str:
    return f", chance level {chance:.0%}" if chance else ""


def wilson_upper_bound(share: float, count: int, z: float = 1.96) -> float:
    """The upper end of the Wilson interval of a proportion observed on `count` samples."""
    if count == 0:
        return 1.0
    denominator = 1 + z * z / count
    centre = share + z * z / (2 * count)
    margin = z * math.sqrt(share * (1 - share) / count + z * z / (4 * count * count))
    return min(1.0, (centre + margin) / denominator)


def wilson_lower_bound(share: float, count: int, z: float = 1.96) -> float:
    """The lower end of the 95% Wilson interval of a proportion observed on `count` samples."""
    if count == 0:
        return 0.0
    denominator = 1 + z * z / count
    centre = share + z * z / (2 * count)
    margin = z * math.sqrt(share * (1 - share) / count + z * z / (4 * count * count))
    return max(0.0, (centre - margin) / denominator)


def answer_format(ctx: Context) -> CheckResult:
    """The prompt names an answer style, and a right answer written in every style the prompt
    names scores 1."""
    usable = ctx.usable()
    if not usable:
        return CheckResult(id="format", passed=False, summary="no usable cases")
    probes: list[tuple[str, PoolCase, str]] = []
    for case in usable:
        prompt = case.prompt or ""
        style, inner = split_formatted(case.formatted or "")
        named = [name for name, marker in STYLE_MARKERS if marker in prompt.lower()]
        if style == "custom":  # an extractor of its own: the prompt must show its marker
            lead = (case.formatted or "").strip().split(maxsplit=1)
            if lead and lead[0] in prompt:
                continue
            return CheckResult(
                id="format",
                passed=False,
                summary=(
                    f"format_answer() writes {case.formatted!r}, a style the prompt never shows"
                ),
                evidence=Evidence(case=case.case, got=prompt[-600:], detail={"at": case.label()}),
            )
        if not named:
            return CheckResult(
                id="format",
                passed=False,
                summary=(
                    "the prompt never says how to write the final answer (no \\boxed{...}, "
                    "[answer]...[/answer] or <answer>...</answer> instruction)"
                ),
                evidence=Evidence(case=case.case, got=prompt[-600:], detail={"at": case.label()}),
            )
        probes.extend(
            (f"the right answer in the {name} style the prompt asks for", case, wrap(name, inner))
            for name in named
        )
    outcomes = ctx.candidate.scores([(response, case.case) for _, case, response in probes])
    for (label, case, response), outcome in zip(probes, outcomes, strict=True):
        if not (outcome.ok and outcome.value == 1.0):
            return CheckResult(
                id="format",
                passed=False,
                summary=f"{label} does not score 1: extract() cannot read what the prompt asks for",
                evidence=Evidence(
                    case=case.case,
                    response=response,
                    expected=1.0,
                    got=outcome.value if outcome.ok else outcome.error,
                    detail={"at": case.label()},
                ),
            )
    return CheckResult(
        id="format",
        passed=True,
        summary=f"every answer style the prompts name is read ({len(probes)} responses)",
        numbers={"responses": len(probes)},
    )
