"""Checks of what the prompt shows: `rendered` (everything the answer depends on) and `leakage`
(not the answer itself)."""

from __future__ import annotations

import json
import re
from typing import Any

from agent.selftest.checks.scoring import split_formatted
from agent.selftest.context import Context, PoolCase, canonical
from agent.selftest.mutate import CaseEdit, ValuePool, case_edits
from agent.selftest.report import CheckResult, Evidence

RENDERED_CASES_PER_DIFFICULTY = 3
MAX_FIELDS_NAMED = 8  # untested fields named in the summary; the numbers list them all
MIN_LEAK_SHARE = 0.5
MIN_LEAK_MARGIN = 0.3


def rendered(ctx: Context) -> CheckResult:
    """Change one field of a case (keeping its type): when solve() changes, prompt() must too;
    otherwise the model is asked for something it cannot know. A field that simply stores the
    answer, which solve() returns as it is, is exempt.

    New values come first from other generated cases at the same field and from the parameters,
    so that an edit keeps the case valid ("add" -> "mul", where a blind "add" -> "ddd" only makes
    solve() raise); blind changes fill in. A field that no valid edit reached is named in the
    summary but does not fail the check: some fields cannot change alone by design (a length
    that must match a list, a witness that must solve the puzzle), and nothing shows a bug there.
    """
    edits = _sample_edits(ctx)
    cases = [[edit.case] for _, edit in edits]
    solutions = ctx.candidate.map("solve", cases)
    prompts = ctx.candidate.map("prompt", cases)
    tally = FieldTally()
    hidden: tuple[PoolCase, CaseEdit, Any] | None = None
    for (case, edit), solved, prompted in zip(edits, solutions, prompts, strict=True):
        tally.add(edit.field)
        if not (solved.ok and prompted.ok):
            continue  # the edit made an invalid case: nothing to learn
        changed = canonical(solved.value) != canonical(case.solution)
        tally.valid(edit.field, changed)
        if hidden is None and changed and prompted.value == case.prompt:
            stored = edit.case[edit.path[0]] if isinstance(edit.case, dict) else None
            if canonical(solved.value) not in (canonical(stored), canonical(edit.new)):
                hidden = (case, edit, solved.value)  # else the field stores the answer itself
    if hidden is None:
        return CheckResult(
            id="rendered",
            passed=True,
            summary=_rendered_summary(tally),
            numbers=tally.numbers(len(edits)),
        )
    return _hidden_field(*hidden, tally.numbers(len(edits)))


def _sample_edits(ctx: Context) -> list[tuple[PoolCase, CaseEdit]]:
    """Edits of the first few usable cases of every difficulty, each paired with its case."""
    values = ValuePool(
        {level: [case.case for case in ctx.usable(level)] for level in ctx.difficulties},
        params=_parameter_sets(ctx),
    )
    edits: list[tuple[PoolCase, CaseEdit]] = []
    for level in ctx.difficulties:
        for index, case in enumerate(ctx.usable(level)[:RENDERED_CASES_PER_DIFFICULTY]):
            edited = case_edits(case.case, values=values, group=level, rotate=index)
            edits.extend((case, edit) for edit in edited)
    return edits


def _hidden_field(
    case: PoolCase, edit: CaseEdit, answer: Any, numbers: dict[str, Any]
) -> CheckResult:
    """The failure: an edit that moves the answer and leaves the prompt as it was."""
    return CheckResult(
        id="rendered",
        passed=False,
        summary=(
            f"the prompt does not show {edit.where}: changing it from {edit.old!r} to "
            f"{edit.new!r} changes solve() from {case.solution!r} to {answer!r} but "
            "leaves the prompt unchanged, so the model cannot know the answer"
        ),
        numbers=numbers,
        evidence=Evidence(
            case=case.case,
            expected=case.solution,
            got=answer,
            detail={
                "field": edit.where,
                "old": edit.old,
                "new": edit.new,
                "new_from": edit.source,
                "at": case.label(),
            },
        ),
    )


def _parameter_sets(ctx: Context) -> list[dict[str, Any]]:
    """The bootcamp's defaults and difficulty presets: the values its parameters take."""
    presets = ctx.description.get("difficulties") or {}
    sets = [ctx.description.get("defaults") or {}, *(presets[level] for level in ctx.difficulties)]
    return [params for params in sets if isinstance(params, dict)]


class FieldTally:
    """Per field: how many edits were tried, how many made a valid case (solve() and prompt()
    succeeded on it) and how many of those changed the answer."""

    def __init__(self) -> None:
        self.fields: dict[str, dict[str, int]] = {}

    def add(self, field: str) -> None:
        counts = self.fields.setdefault(field, {"edits": 0, "valid": 0, "answer_changed": 0})
        counts["edits"] += 1

    def valid(self, field: str, answer_changed: bool) -> None:
        self.fields[field]["valid"] += 1
        self.fields[field]["answer_changed"] += answer_changed

    @property
    def untested(self) -> list[str]:
        """Fields that no valid edit reached: the check says nothing about them."""
        return [field for field, counts in self.fields.items() if not counts["valid"]]

    @property
    def valid_edits(self) -> int:
        return sum(counts["valid"] for counts in self.fields.values())

    def numbers(self, edits: int) -> dict[str, Any]:
        return {
            "edits": edits,
            "valid_edits": self.valid_edits,
            "fields": self.fields,
            "untested_fields": self.untested,
        }


def _rendered_summary(tally: FieldTally) -> str:
    summary = (
        "every answer-changing edit of a case field shows in the prompt "
        f"({tally.valid_edits} valid edits "
        f"over {len(tally.fields)} field{'' if len(tally.fields) == 1 else 's'})"
    )
    if tally.untested:
        names = ", ".join(tally.untested[:MAX_FIELDS_NAMED])
        more = len(tally.untested) - MAX_FIELDS_NAMED
        summary += (
            f"; untested fields: {names}{f' and {more} more' if more > 0 else ''} (every edit "
            "of them made solve() or prompt() raise, so whether the prompt shows them is unknown)"
        )
    return summary


def _shows(prompt: str, text: str) -> bool:
    """Whether `text` stands in `prompt` as a whole token (not inside a longer number/word)."""
    if not text.strip():
        return False
    return re.search(_whole(text), prompt) is not None


def leakage(ctx: Context) -> CheckResult:
    """The prompt does not contain the answer (more often than it contains other cases' answers,
    which measures chance: a small number shows up in many prompts).

    Where the answer is one of the inputs ("which of these items ...", the largest number of a
    list) the prompt must show it, among the others: an answer the prompt shows only as one of
    the options it presents (`presented_as_option`) is not counted as shown."""
    usable = ctx.usable()
    if len(usable) < 2:
        return CheckResult(id="leakage", passed=False, summary="too few usable cases to judge")
    inners = [split_formatted(case.formatted or "")[1].strip() for case in usable]
    shown = [_shows(case.prompt or "", inner) for case, inner in zip(usable, inners, strict=True)]
    options = [
        visible and presented_as_option(case.case, case.prompt or "", inner)
        for case, inner, visible in zip(usable, inners, shown, strict=True)
    ]
    own = [visible and not option for visible, option in zip(shown, options, strict=True)]
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
    numbers = {
        "own_answer_share": round(own_share, 3),
        "other_answer_share": round(cross_share, 3),
        "answer_as_option_share": round(sum(options) / len(options), 3),
    }
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
    as_option = (
        f" (besides {sum(options) / len(options):.0%} shown only as one of the options)"
        if any(options)
        else ""
    )
    return CheckResult(
        id="leakage",
        passed=True,
        summary=(
            f"answers appear in {own_share:.0%} of their prompts{as_option}, other answers in "
            f"{cross_share:.0%}: no leak"
        ),
        numbers=numbers,
    )


MAX_OPTIONS = 256  # a longer list is not a set of options a prompt presents


def presented_as_option(case: Any, prompt: str, answer: str) -> bool:
    """Whether the prompt shows `answer` (the answer's text) only as one of several options it
    presents, so that it does not single the answer out.

    The options are a list in the case's own data holding the answer among at least one other
    distinct value (scalars, at any depth: "which of these words ...", "the largest of these
    numbers"). Every option must appear in the prompt, and the answer no more often than some
    other option: a prompt that also states the answer on its own ("..., the answer is 17")
    names it more often than the rest, and that is a leak. A value stored only outside such a
    list (a field holding the answer) is never an option."""
    counts: dict[str, int] = {}

    def count(text: str) -> int:
        if text not in counts:
            counts[text] = len(re.findall(_whole(text), prompt))
        return counts[text]

    for group in _option_groups(case):
        if answer not in group or len(group) < 2 or len(group) > MAX_OPTIONS:
            continue
        if any(count(option) == 0 for option in group):
            continue
        if count(answer) <= max(count(option) for option in group if option != answer):
            return True
    return False


def _option_groups(value: Any) -> list[set[str]]:
    """The distinct texts of every list of scalars in `value` (at any depth)."""
    groups: list[set[str]] = []
    if isinstance(value, dict):
        for item in value.values():
            groups.extend(_option_groups(item))
    elif isinstance(value, list | tuple):
        scalars = {_option_text(item) for item in value if _is_scalar(item)}
        scalars.discard("")
        if scalars:
            groups.append(scalars)
        for item in value:
            if isinstance(item, list | tuple | dict):
                groups.extend(_option_groups(item))
    return groups


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _option_text(value: Any) -> str:
    """An option as an answer writes it: text as it is, a number as JSON writes it."""
    return value.strip() if isinstance(value, str) else json.dumps(value)


def _whole(text: str) -> str:
    """A pattern for `text` as a whole token (as `_shows` looks for it)."""
    return rf"(?<![\w.]){re.escape(text)}(?![\w])"
