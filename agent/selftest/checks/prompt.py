"""Checks of what the prompt shows: `rendered` (everything the answer depends on) and `leakage`
(not the answer itself)."""

from __future__ import annotations

import re

from agent.selftest.checks.scoring import split_formatted
from agent.selftest.context import Context, PoolCase, canonical
from agent.selftest.mutate import CaseEdit, case_edits
from agent.selftest.report import CheckResult, Evidence

RENDERED_CASES_PER_DIFFICULTY = 3
MIN_LEAK_SHARE = 0.5
MIN_LEAK_MARGIN = 0.3


def rendered(ctx: Context) -> CheckResult:
    """Change one field of a case (keeping its type): when solve() changes, prompt() must too;
    otherwise the model is asked for something it cannot know. A field that simply stores the
    answer, which solve() returns as it is, is exempt."""
    sample: list[PoolCase] = []
    for level in ctx.difficulties:
        sample.extend(ctx.usable(level)[:RENDERED_CASES_PER_DIFFICULTY])
    edits: list[tuple[PoolCase, CaseEdit]] = [
        (case, edit) for case in sample for edit in case_edits(case.case)
    ]
    cases = [[edit.case] for _, edit in edits]
    solutions = ctx.candidate.map("solve", cases)
    prompts = ctx.candidate.map("prompt", cases)
    tried = 0
    for (case, edit), solved, prompted in zip(edits, solutions, prompts, strict=True):
        if not (solved.ok and prompted.ok):
            continue  # the edit made an invalid case: nothing to learn
        tried += 1
        if canonical(solved.value) == canonical(case.solution) or prompted.value != case.prompt:
            continue
        stored = edit.case[edit.path[0]] if isinstance(edit.case, dict) else None
        if canonical(solved.value) in (canonical(stored), canonical(edit.new)):
            continue  # the field stores the answer itself
        return CheckResult(
            id="rendered",
            passed=False,
            summary=(
                f"the prompt does not show {edit.where}: changing it from {edit.old!r} to "
                f"{edit.new!r} changes solve() from {case.solution!r} to {solved.value!r} but "
                "leaves the prompt unchanged, so the model cannot know the answer"
            ),
            numbers={"edits": len(edits), "valid_edits": tried},
            evidence=Evidence(
                case=case.case,
                expected=case.solution,
                got=solved.value,
                detail={"field": edit.where, "old": edit.old, "new": edit.new, "at": case.label()},
            ),
        )
    return CheckResult(
        id="rendered",
        passed=True,
        summary=f"every answer-changing edit of a case field shows in the prompt ({tried} edits)",
        numbers={"edits": len(edits), "valid_edits": tried},
    )


def _shows(prompt: str, text: str) -> bool:
    """Whether `text` stands in `prompt` as a whole token (not inside a longer number/word)."""
    if not text.strip():
        return False
    return re.search(rf"(?<![\w.]){re.escape(text)}(?![\w])", prompt) is not None


def leakage(ctx: Context) -> CheckResult:
    """The prompt does not contain the answer (more often than it contains other cases' answers,
    which measures chance: a small number shows up in many prompts)."""
    usable = ctx.usable()
    if len(usable) < 2:
        return CheckResult(id="leakage", passed=False, summary="too few usable cases to judge")
    inners = [split_formatted(case.formatted or "")[1].strip() for case in usable]
    own = [_shows(case.prompt or "", inner) for case, inner in zip(usable, inners, strict=True)]
    cross = []
    for index, case in enumerate(usable):
        other = next(
            (
                inners[(index + step) % len(usable)]
                for step in range(1, len(usable))
                if inners[(index + step) % len(usable)] != inners[index]
            ),
            None,
        )
        cross.append(other is not None and _shows(case.prompt or "", other))
    own_share, cross_share = sum(own) / len(own), sum(cross) / len(cross)
    numbers = {"own_answer_share": round(own_share, 3), "other_answer_share": round(cross_share, 3)}
    if own_share >= MIN_LEAK_SHARE and own_share - cross_share >= MIN_LEAK_MARGIN:
        index = own.index(True)
        case, inner = usable[index], inners[index]
        at = (case.prompt or "").find(inner)
        excerpt = (case.prompt or "")[max(0, at - 120) : at + len(inner) + 120]
        return CheckResult(
            id="leakage",
            passed=False,
            summary=(
                f"the prompt contains the answer in {own_share:.0%} of cases (another case's "
                f"answer: {cross_share:.0%}): e.g. {inner!r}"
            ),
            numbers=numbers,
            evidence=Evidence(
                case=case.case, expected=case.solution, got=excerpt, detail={"at": case.label()}
            ),
        )
    return CheckResult(
        id="leakage",
        passed=True,
        summary=(
            f"answers appear in {own_share:.0%} of their prompts, other answers in "
            f"{cross_share:.0%}: no leak"
        ),
        numbers=numbers,
    )
