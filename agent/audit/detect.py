"""Filling in what an InternBootcamp module lacks: its reference answer and its answer format,
found by probing the module in the sandbox; and its difficulty.

- **The answer.** Many modules keep the ground truth under some key of the identity; which one
  varies. The answer key is the identity key whose value, written as an answer, the module's own
  verifier accepts on nearly every case: at least `ACCEPT_SHARE` (95%) of `PROBE_CASES` (20)
  cases (10 when a case takes more than 0.2 CPU s to make). A key named like an answer
  (`answer`, `solution`, `expected`, ...) that the verifier accepts on at least `PARTIAL_SHARE`
  of them is taken too: the writer round-trips, so the cases it fails on are the verifier
  rejecting its own ground truth, for the self-test to show.
- **The format.** A writer is an answer-span style (`[answer]...[/answer]`, `\\boxed{...}`,
  `<answer>...</answer>`, bare text; the styles the prompt names first) and a rendering of the
  value (as text, JSON, joined by spaces, commas or lines, a grid, ...). The first writer that
  round-trips through the module's `extract_output` and `_verify_correction`, and that the
  extractor reads back whole (not the first number of a list), is kept.
- **Difficulty.** InternBootcamp has none: one level, the constructor's defaults, and the
  `difficulty` check does not apply (`internbootcamp.single_level_reason` says why the
  constructor's parameters are not turned into presets).

Everything the module does runs in a sandboxed worker, as in the self-test.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.audit import ib_support
from agent.audit.internbootcamp import (
    IBModule,
    ModuleFacts,
    Wiring,
    single_level_reason,
    write_adapter,
)
from agent.selftest.candidate import Candidate, CandidateFailure
from agent.selftest.tokens import answer_tokens, tokens_agree

PROBE_CASES = 20
SLOW_PROBE_CASES = 10  # when a case takes more than SLOW_CASE_SECONDS to make
SLOW_CASE_SECONDS = 0.2
FIRST_ROUND = 4  # cases every writer is tried on; writers that score on one go on to all cases
ACCEPT_SHARE = 0.95
PARTIAL_SHARE = 0.25
WHOLE_SHARE = 0.5  # of the probe cases on which extract_output must read a written value whole
ANSWER_NAMES = re.compile(
    r"^(answer|answers|ans|solution|solutions|expected|expected_output|output|result|results|"
    r"correct|correct_answer|ground_truth|gt|target_answer|res|sol|true_answer|reference)$",
    re.IGNORECASE,
)


@dataclass
class Detection:
    """What probing found: the wiring for the adapter, and what to tell the reader."""

    wiring: Wiring
    acceptance: dict[str, float] = field(default_factory=dict)  # best share per identity key
    notes: list[str] = field(default_factory=list)
    single_level: str | None = None  # why there is only one difficulty level, if so
    no_answer: str | None = None  # why there is no reference answer, if so
    generate_seconds: list[float] = field(default_factory=list)  # CPU s per probed case


def detect(module: IBModule, facts: ModuleFacts, directory: Path, call_timeout: float) -> Detection:
    """Probe the module in a sandbox (through a provisional adapter in `directory`)."""
    adapter = write_adapter(module, facts, Wiring(), directory)
    single_level = single_level_reason(facts.params)
    with Candidate(adapter, call_timeout=call_timeout) as probe:
        try:
            probe.describe()
            outcomes = probe.generate("medium", list(range(FIRST_ROUND)))
            seconds = sorted(outcome.seconds for outcome in outcomes)
            slow = seconds[len(seconds) // 2] > SLOW_CASE_SECONDS
            count = SLOW_PROBE_CASES if slow else PROBE_CASES
            outcomes += probe.generate("medium", list(range(FIRST_ROUND, count)))
        except CandidateFailure as failure:  # the self-test reports it in full
            reason = f"the module could not be probed ({failure.reason})"
            return Detection(Wiring(), no_answer=reason, single_level=single_level)
        cases = [o.value for o in outcomes if o.ok and isinstance(o.value, dict)]
        if not cases:
            reason = "case_generator() made no case to probe"
            return Detection(Wiring(), no_answer=reason, single_level=single_level)
        try:
            prompts = [o.value if o.ok else "" for o in probe.map("prompt", [[c] for c in cases])]
            key, style, rendering, acceptance = _find_answer(probe, cases, prompts)
        except CandidateFailure as failure:  # a verifier that hangs: the self-test shows it
            reason = f"probing the verifier failed ({failure.reason})"
            return Detection(Wiring(), no_answer=reason, single_level=single_level)
    detection = Detection(
        Wiring(key, style, rendering),
        acceptance=acceptance,
        single_level=single_level,
        generate_seconds=[outcome.seconds for outcome in outcomes if outcome.ok],
    )
    if key is None:
        detection.no_answer = _no_answer_reason(acceptance, len(cases))
    elif acceptance[key] < ACCEPT_SHARE:
        detection.notes.append(
            f"answer key {key!r} is accepted by the module's own verifier on only "
            f"{acceptance[key]:.0%} of {len(cases)} probe cases"
        )
    return detection


def _styles(prompts: list[str]) -> list[str]:
    """Answer-span styles, those the prompts name first."""
    text = "\n".join(prompts).lower()
    named = [s for s, marker in ib_support.STYLE_MARKERS.items() if marker.lower() in text]
    return named + [style for style in ib_support.STYLES if style not in named]


def _writers(value: Any, styles: list[str]) -> list[tuple[str, str, str]]:
    """(style, rendering, response) for every distinct way to write `value`."""
    found: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for style in styles:
        for rendering in ib_support.RENDERINGS:
            text = ib_support.render(value, rendering)
            if text is None or not text.strip():
                continue
            response = ib_support.wrap(style, text)
            if response not in seen:
                seen.add(response)
                found.append((style, rendering, response))
    return found


def _find_answer(
    probe: Candidate, cases: list[dict[str, Any]], prompts: list[str]
) -> tuple[str | None, str, str, dict[str, float]]:
    """(answer key, style, rendering, best acceptance per key) over the probe cases."""
    styles = _styles(prompts)
    keys = [key for key in cases[0] if all(key in case for case in cases)]
    combos = [(key, style, rendering) for key in keys for style in styles
              for rendering in ib_support.RENDERINGS]  # fmt: skip
    accepted: Counter[tuple[str, str, str]] = Counter()
    alive = set(combos)
    for batch in (cases[:FIRST_ROUND], cases[FIRST_ROUND:]):
        pairs: list[tuple[str, dict[str, Any]]] = []
        owners: list[tuple[str, str, str]] = []
        for case in batch:
            for key in keys:
                for style, rendering, response in _writers(case[key], styles):
                    if (key, style, rendering) in alive:
                        pairs.append((response, case))
                        owners.append((key, style, rendering))
        for owner, outcome in zip(owners, probe.scores(pairs), strict=True):
            if outcome.ok and outcome.value == 1.0:
                accepted[owner] += 1
        alive = {combo for combo in alive if accepted[combo] > 0}
    share = {combo: accepted[combo] / len(cases) for combo in combos if accepted[combo]}
    best: dict[str, float] = {}
    for (key, _, _), value in share.items():
        best[key] = max(best.get(key, 0.0), value)
    order = {combo: index for index, combo in enumerate(combos)}
    for threshold, named_only in ((ACCEPT_SHARE, False), (PARTIAL_SHARE, True)):
        eligible = [
            combo
            for combo, value in share.items()
            if value >= threshold and (not named_only or ANSWER_NAMES.match(combo[0]))
        ]
        eligible.sort(key=lambda c: (not ANSWER_NAMES.match(c[0]), -share[c], order[c]))
        for key, style, rendering in eligible:
            if _reads_whole(probe, cases, key, style, rendering):
                return key, style, rendering, best
    return None, styles[0], "text", best


def _reads_whole(
    probe: Candidate, cases: list[dict[str, Any]], key: str, style: str, rendering: str
) -> bool:
    """Whether extract_output reads back the whole value written (its tokens: numbers by value,
    words by case), not a piece of it: an extractor that keeps the first number of a list is
    credited by a list whose first item is right, which makes that list no answer."""
    responses = [ib_support.write(case[key], style, rendering) for case in cases]
    read = probe.map("extract", [[response] for response in responses])
    whole = sum(
        outcome.ok and tokens_agree(answer_tokens(case[key]), answer_tokens(outcome.value))
        for case, outcome in zip(cases, read, strict=True)
    )
    return whole >= WHOLE_SHARE * len(cases)


def _no_answer_reason(acceptance: dict[str, float], count: int) -> str:
    if not acceptance:
        return (
            f"no identity key, written as an answer in any of {len(ib_support.STYLES)} styles "
            f"and {len(ib_support.RENDERINGS)} renderings, is accepted by the module's own "
            f"verifier on any of {count} cases (the module recomputes its answer in "
            "_verify_correction, or rejects its ground truth)"
        )
    key, share = max(acceptance.items(), key=lambda item: item[1])
    return (
        f"no identity key holds an answer the module's own verifier accepts on "
        f"{ACCEPT_SHARE:.0%} of {count} cases (best: {key!r} on {share:.0%})"
    )
