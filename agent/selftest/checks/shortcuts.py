"""The `shortcuts` check: no plausible wrong method earns the reward on many cases.

A reward that a wrong algorithm collects most of the time teaches the wrong algorithm. A bootcamp
may name such methods in `shortcuts(case) -> {name: answer}`: greedy where search is needed, a
constraint ignored, the first idea a hurried solver has. For every difficulty, each shortcut's
answer is scored like a model's; the check fails when any shortcut is right on more than
`MAX_SHORTCUT_SHARE` of a difficulty's cases, with every share in the report, so the fix is to
make the cases where the shortcut fails common, not to loosen the check.
"""

from __future__ import annotations

from typing import Any

from agent.selftest.context import Context, PoolCase
from agent.selftest.report import CheckResult, Evidence

MAX_SHORTCUT_SHARE = 0.2


def applies(ctx: Context) -> bool:
    return bool((ctx.description.get("optional") or {}).get("shortcuts"))


def shortcuts(ctx: Context) -> CheckResult:
    """Each shortcut is right on at most MAX_SHORTCUT_SHARE of the cases of every difficulty."""
    shares: dict[str, dict[str, float]] = {}
    worst: tuple[float, str, str, PoolCase | None, Any] = (-1.0, "", "", None, None)
    for level in ctx.difficulties:
        cases = ctx.usable(level)
        if not cases:
            continue
        found = ctx.candidate.map("shortcuts", [[case.case] for case in cases])
        probes: list[tuple[str, PoolCase, Any]] = []
        for case, outcome in zip(cases, found, strict=True):
            if not outcome.ok or not isinstance(outcome.value, dict):
                why = outcome.error or f"returns {type(outcome.value).__name__}, not a dict"
                return CheckResult(
                    id="shortcuts",
                    passed=False,
                    summary=f"shortcuts() fails on {case.label()}: {why}",
                    evidence=Evidence(case=case.case, got=why, detail={"at": case.label()}),
                )
            probes += [(str(name), case, answer) for name, answer in outcome.value.items()]
        formatted = ctx.candidate.map("format_answer", [[answer] for _, _, answer in probes])
        scores = ctx.candidate.scores(
            [
                (text.value if text.ok and isinstance(text.value, str) else "", case.case)
                for (_, case, _), text in zip(probes, formatted, strict=True)
            ]
        )
        right: dict[str, list[tuple[PoolCase, Any]]] = {}
        seen: dict[str, int] = {}
        for (name, case, answer), score in zip(probes, scores, strict=True):
            seen[name] = seen.get(name, 0) + 1
            if score.ok and isinstance(score.value, int | float) and score.value >= 0.5:
                right.setdefault(name, []).append((case, answer))
        for name, count in seen.items():
            share = len(right.get(name, [])) / count
            shares.setdefault(name, {})[level] = round(share, 3)
            if share > worst[0]:
                example = (right.get(name) or [(None, None)])[0]
                worst = (share, name, level, example[0], example[1])
    if not shares:
        return CheckResult(id="shortcuts", passed=False, summary="shortcuts() names no method")
    share, name, level, case, answer = worst
    numbers = {"limit": MAX_SHORTCUT_SHARE, "shares": shares}
    if share > MAX_SHORTCUT_SHARE:
        return CheckResult(
            id="shortcuts",
            passed=False,
            summary=(
                f"the shortcut {name!r} is right on {share:.0%} of {level} cases (limit "
                f"{MAX_SHORTCUT_SHARE:.0%}): the reward teaches it; make the cases where it "
                "fails common"
            ),
            numbers=numbers,
            evidence=Evidence(
                case=case.case if case else None,
                got=answer,
                expected=case.solution if case else None,
                detail={"shortcut": name, "at": case.label() if case else level},
            ),
        )
    return CheckResult(
        id="shortcuts",
        passed=True,
        summary=(
            f"{len(shares)} shortcut(s) right on at most {max(share, 0.0):.0%} of the cases of any "
            f"difficulty (limit {MAX_SHORTCUT_SHARE:.0%})"
        ),
        numbers=numbers,
    )
