"""The `consistency` check: a check() of its own reads the case it judges, and follows it.

It runs when a bootcamp overrides `check` (the default compares with `solve`, so it reads what
solve reads and follows every change of the case). Two probes, one verdict:

- **Read coverage.** The sandbox records which fields of the case (paths, list positions as
  `[*]`) `solve` and `check` read, on solve's answer for a sample of cases. A field that `solve`
  reads and `check` never reads is one check() cannot be verifying. That alone is no proof (a
  field may only pick one of many valid answers, or repeat another's size), so the field is
  confirmed by editing it (values drawn from other generated cases, then small changes): the
  edit counts when it makes a case the bootcamp itself calls valid (`solve` answers, `check`
  accepts that answer), changes the prompt (the field is part of the question) and changes
  `solve`'s answer, while `check` still accepts the old answer. A field whose values are the
  sizes of the case's lists (`n`, `num_nodes`) is a size, not a constraint, and is not judged.
- **Consistency under edits.** Where an oracle says which answers are valid (the bootcamp's
  `all_answers`), an answer check() accepted for a case must be rejected once an edit of the
  case takes it off the oracle's list.

Either failure comes with the counter-example: the edited case, the old answer check() still
accepts, and what solve() (or the oracle) says now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from agent.selftest.candidate import CandidateFailure, Outcome
from agent.selftest.context import Context, PoolCase, canonical
from agent.selftest.mutate import CaseEdit, ValuePool, case_edits, field_name
from agent.selftest.report import CheckResult, Evidence

CASES_PER_DIFFICULTY = 4  # cases whose reads are recorded
EDIT_CASES_PER_DIFFICULTY = 3  # cases whose unread fields are edited
EDITS_PER_FIELD = 3
ORACLE_CASES = 6  # easy cases whose edits all_answers() judges
ORACLE_EDITS = 12  # edits per case judged by all_answers()
ORACLE_TIMEOUT = 2.0  # seconds per all_answers() call, as in the reference check
ORACLE_PER_FIELD = 2
ORACLE_BATCH = 6  # edited cases per all_answers() request: a slow one costs only its batch
MAX_SLOW_BATCHES = 2  # batches that time out before the oracle edits stop

Field = tuple[str | None, ...]


def applies(ctx: Context) -> bool:
    """Whether the bootcamp has a check() of its own (and a solve() to compare with)."""
    return ctx.overrides_check and not ctx.verifier_only


@dataclass
class Coverage:
    """The case's leaf fields, and which of them solve() and check() read."""

    fields: set[str] = field(default_factory=set)
    solve_reads: set[str] = field(default_factory=set)
    check_reads: set[str] = field(default_factory=set)
    recorded: int = 0  # cases whose reads were recorded (the recorded call gave the plain result)

    def unread(self) -> list[str]:
        """Fields solve() reads and check() never does."""
        return sorted(self.solve_reads - self.check_reads)

    def numbers(self) -> dict[str, Any]:
        return {
            "recorded_cases": self.recorded,
            "fields": len(self.fields),
            "solve_reads": len(self.solve_reads),
            "check_reads": len(self.check_reads),
            "unread_by_check": self.unread(),
        }


def consistency(ctx: Context) -> CheckResult:
    """check() reads the fields that decide solve()'s answer, and rejects an answer once an edit
    of the case makes it wrong."""
    sample = [
        case for level in ctx.difficulties for case in ctx.usable(level)[:CASES_PER_DIFFICULTY]
    ]
    if not sample:
        return CheckResult(id="consistency", passed=False, summary="no usable cases to probe")
    coverage = read_coverage(ctx, sample)
    numbers: dict[str, Any] = coverage.numbers()
    values = ValuePool(
        {level: [case.case for case in ctx.usable(level)] for level in ctx.difficulties},
        params=_parameter_sets(ctx),
    )
    unread = [name for name in coverage.unread() if not _is_size(name, ctx.usable())]
    numbers["unread_constraints_probed"] = unread
    failure = _confirm_unread(ctx, unread, values, numbers)
    if failure is not None:
        return failure
    if (ctx.description.get("optional") or {}).get("all_answers"):
        failure = _oracle_edits(ctx, numbers)
        if failure is not None:
            return failure
    summary = (
        f"check() reads {len(coverage.check_reads)} of the {len(coverage.solve_reads)} fields "
        f"solve() reads ({coverage.recorded} cases)"
    )
    if unread:
        summary += (
            f"; editing the others ({', '.join(unread)}) never made check() keep an answer "
            "solve() moved away from"
        )
    if "oracle_edits" in numbers:
        summary += (
            f"; check() rejects the old answer on all {numbers['oracle_edits']} edited cases "
            "where all_answers() no longer lists it"
        )
    return CheckResult(id="consistency", passed=True, summary=summary, numbers=numbers)


def read_coverage(ctx: Context, sample: list[PoolCase]) -> Coverage:
    """Record the reads of solve(case) and check(case, solve(case)) on `sample`. A case counts
    only when both recorded calls give what the plain calls gave (code that tests `type(x) is
    dict` sees the recording dicts and may behave otherwise)."""
    coverage = Coverage()
    solved = ctx.candidate.map("solve", [[case.case] for case in sample], record=0)
    checked = ctx.candidate.map("check", [[case.case, case.solution] for case in sample], record=0)
    for case, solve, check in zip(sample, solved, checked, strict=True):
        coverage.fields |= leaf_fields(case.case)
        if not (solve.ok and canonical(solve.value) == canonical(case.solution)):
            continue
        if not (check.ok and _accepts(check.value)):
            continue
        coverage.recorded += 1
        leaves = leaf_fields(case.case)
        coverage.solve_reads |= fields_read(_reads(solve), leaves)
        coverage.check_reads |= fields_read(_reads(check), leaves)
    return coverage


def leaf_fields(value: Any, path: Field = ()) -> set[str]:
    """The names of the leaf fields of a case (`items[*].weight`)."""
    if isinstance(value, dict):
        found: set[str] = set()
        for key, item in value.items():
            found |= leaf_fields(item, (*path, key))
        return found
    if isinstance(value, list):
        return (
            set().union(*(leaf_fields(item, (*path, None)) for item in value)) if value else set()
        )
    return {_name(path)} if path else set()


def fields_read(paths: Iterable[Field], leaves: set[str]) -> set[str]:
    """The leaf fields a call read: those it was handed, and the items of lists it was handed
    (a list can be read whole by C code that never calls back into it: `" ".join(words)`)."""
    read: set[str] = set()
    for path in paths:
        if not path:
            continue
        read.add(_name(path))
        stretched = path
        while True:  # a list handed out: its items (and theirs, for a grid) count as read
            stretched = (*stretched, None)
            name = _name(stretched)
            if not any(leaf == name or leaf.startswith(name + "[*]") for leaf in leaves):
                break
            read.add(name)
    return read & leaves


def _name(path: Field) -> str:
    return field_name(tuple(0 if step is None else step for step in path))


def _reads(outcome: Outcome) -> list[Field]:
    paths = (outcome.extra or {}).get("reads") or []
    return [tuple(path) for path in paths if isinstance(path, list)]


def _accepts(value: Any) -> bool:
    return value is True or (
        isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    )


def _is_size(name: str, cases: list[PoolCase]) -> bool:
    """Whether every integer the cases hold at field `name` is the length of one of the case's
    lists or strings: a size (`n`, `num_nodes`), which a check() may take from the data itself."""
    seen = False
    for case in cases:
        sizes = _lengths(case.case)
        for value in _values_at(case.case, name):
            if not isinstance(value, int) or isinstance(value, bool) or value not in sizes:
                return False
            seen = True
    return seen


def _lengths(value: Any) -> set[int]:
    if isinstance(value, str):
        return {len(value)}
    if isinstance(value, dict):
        return set().union(*(_lengths(item) for item in value.values())) if value else set()
    if isinstance(value, list):
        return {len(value)}.union(*(_lengths(item) for item in value))
    return set()


def _values_at(value: Any, name: str, path: Field = ()) -> list[Any]:
    if isinstance(value, dict):
        return [
            found for key, item in value.items() for found in _values_at(item, name, (*path, key))
        ]
    if isinstance(value, list):
        return [found for item in value for found in _values_at(item, name, (*path, None))]
    return [value] if path and _name(path) == name else []


@dataclass(frozen=True)
class _Edit:
    case: PoolCase
    edit: CaseEdit


def _confirm_unread(
    ctx: Context, unread: list[str], values: ValuePool, numbers: dict[str, Any]
) -> CheckResult | None:
    """Edit each unread field; the failure when an edit keeps check() accepting an answer that
    solve() moved away from, on a case the bootcamp calls valid with a changed prompt."""
    if not unread:
        return None
    edits = [
        _Edit(case, edit)
        for level in ctx.difficulties
        for index, case in enumerate(ctx.usable(level)[:EDIT_CASES_PER_DIFFICULTY])
        for edit in case_edits(
            case.case,
            per_field=EDITS_PER_FIELD,
            values=values,
            group=level,
            rotate=index,
            fields=set(unread),
        )
    ]
    numbers["unread_field_edits"] = len(edits)
    if not edits:
        return None
    answers = ctx.candidate.map("solve", [[item.edit.case] for item in edits])
    prompts = ctx.candidate.map("prompt", [[item.edit.case] for item in edits])
    old_kept = ctx.candidate.map("check", [[item.edit.case, item.case.solution] for item in edits])
    suspects = [
        (item, answer.value)
        for item, answer, prompt, kept in zip(edits, answers, prompts, old_kept, strict=True)
        if answer.ok
        and prompt.ok
        and prompt.value != item.case.prompt
        and canonical(answer.value) != canonical(item.case.solution)
        and kept.ok
        and _accepts(kept.value)
    ]
    if not suspects:
        return None
    own = ctx.candidate.map("check", [[item.edit.case, answer] for item, answer in suspects])
    confirmed = [
        (item, answer)
        for (item, answer), verdict in zip(suspects, own, strict=True)
        if verdict.ok and _accepts(verdict.value)
    ]
    numbers["unread_confirmed"] = len(confirmed)
    if not confirmed:
        return None
    item, answer = min(confirmed, key=lambda found: len(canonical(found[0].edit.case)))
    edit = item.edit
    return CheckResult(
        id="consistency",
        passed=False,
        summary=(
            f"check() never reads {edit.field}, which solve() reads and the prompt shows: "
            f"changing {edit.where} from {edit.old!r} to {edit.new!r} changes the prompt and "
            f"solve()'s answer from {_short(item.case.solution)} to {_short(answer)}, yet "
            f"check() still accepts {_short(item.case.solution)}: its verdicts are the same "
            f"whatever {edit.field} holds, so it cannot be verifying it (fields solve() reads "
            f"and check() does not: {', '.join(numbers['unread_constraints_probed'])})"
        ),
        numbers=numbers,
        evidence=Evidence(
            case=edit.case,
            response=None,
            expected=answer,
            got=item.case.solution,
            detail={
                "field": edit.where,
                "old": edit.old,
                "new": edit.new,
                "new_from": edit.source,
                "original_case": item.case.case,
                "accepted_answer": item.case.solution,
                "solve_now": answer,
                "at": item.case.label(),
            },
        ),
    )


def _oracle_edits(ctx: Context, numbers: dict[str, Any]) -> CheckResult | None:
    """On easy cases: after each edit, an old answer that all_answers() no longer lists must be
    rejected by check(). New values come from other easy cases (so the edited case stays small
    enough to enumerate), then small changes."""
    level = "easy" if "easy" in ctx.difficulties else ctx.difficulties[0]
    values = ValuePool({level: [case.case for case in ctx.usable(level)]})
    edits = [
        _Edit(case, edit)
        for index, case in enumerate(ctx.usable(level)[:ORACLE_CASES])
        for edit in case_edits(
            case.case, per_field=ORACLE_PER_FIELD, values=values, group=level, rotate=index
        )[:ORACLE_EDITS]
    ]
    judged: list[tuple[_Edit, list[Any]]] = []
    slow = 0
    for start in range(0, len(edits), ORACLE_BATCH):
        batch = edits[start : start + ORACLE_BATCH]
        try:
            listed = ctx.candidate.map(
                "all_answers", [[item.edit.case] for item in batch], timeout=ORACLE_TIMEOUT
            )
        except CandidateFailure as failure:  # an edit made the case too big: skip the batch
            if failure.timed_out_at is None:
                raise
            slow += 1
            if slow >= MAX_SLOW_BATCHES:
                break
            continue
        judged += [
            (item, answers.value)
            for item, answers in zip(batch, listed, strict=True)
            if answers.ok and isinstance(answers.value, list) and answers.value
        ]
    numbers["oracle_edits_judged"] = len(judged)
    invalidated = [
        (item, answers)
        for item, answers in judged
        if canonical(item.case.solution) not in {canonical(answer) for answer in answers}
    ]
    numbers["oracle_edits"] = len(invalidated)
    verdicts = ctx.candidate.map(
        "check", [[item.edit.case, item.case.solution] for item, _ in invalidated]
    )
    for (item, answers), verdict in zip(invalidated, verdicts, strict=True):
        if verdict.ok and _accepts(verdict.value):
            edit = item.edit
            return CheckResult(
                id="consistency",
                passed=False,
                summary=(
                    f"check() still accepts {_short(item.case.solution)} after {edit.where} "
                    f"changes from {edit.old!r} to {edit.new!r}, though all_answers() no "
                    f"longer lists it (it lists {len(answers)} answer(s), e.g. "
                    f"{_short(answers[0])}): check() does not follow {edit.field}"
                ),
                numbers=numbers,
                evidence=Evidence(
                    case=edit.case,
                    expected=0.0,
                    got=verdict.value,
                    detail={
                        "field": edit.where,
                        "old": edit.old,
                        "new": edit.new,
                        "original_case": item.case.case,
                        "accepted_answer": item.case.solution,
                        "valid_answers": answers[:10],
                        "at": item.case.label(),
                    },
                ),
            )
    return None


def _parameter_sets(ctx: Context) -> list[dict[str, Any]]:
    """The bootcamp's defaults and difficulty presets: the values its parameters take."""
    presets = ctx.description.get("difficulties") or {}
    sets = [ctx.description.get("defaults") or {}, *(presets[level] for level in ctx.difficulties)]
    return [params for params in sets if isinstance(params, dict)]


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
