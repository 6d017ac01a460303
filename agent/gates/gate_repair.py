"""The gate repair node and the route into it: a candidate that an LLM gate found wanting goes
back to the LLM with the repair prompt, its report carrying the gates' failing checks (the
fidelity findings, the shortcut shares) as evidence.

The repaired draft is self-tested like any other; only a passing one replaces the selected
candidate, and the gates then look at it again. Each trip counts against the spec's repair
rounds, so the loop ends; what the gates still find then reaches the reviewer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from agent.develop import autofix
from agent.gates.common import gates_of
from agent.llm import LLMError
from agent.parts import PartsError, parse_response, render_module
from agent.prompts import render_messages
from agent.selftest import UnusableInput, run_selftest

if TYPE_CHECKING:
    from agent.graph import Dependencies, SpecState

GATE_CHECKS = ("fidelity", "shortcut_hunt")


def after_gates(state: Mapping[str, Any]) -> str:
    """ "gate_repair" while a gate's check fails and repair rounds are left, else "queue"."""
    selected = state.get("selected") or {}
    checks = (selected.get("report") or {}).get("checks", [])
    failing = any(c.get("id") in GATE_CHECKS and not c.get("passed") for c in checks)
    rounds_left = gates_of(selected)["round"] < max(1, state.get("rounds", 1))
    return "gate_repair" if failing and rounds_left and selected else "queue"


def gate_repair(state: SpecState, deps: Dependencies) -> dict[str, Any]:
    """One repair of the selected candidate from its gates' findings."""
    from agent.graph import spec_of  # late: agent.graph registers this node

    spec, selected = spec_of(state), dict(state["selected"] or {})
    gates = {**gates_of(selected), "round": gates_of(selected)["round"] + 1}
    round_ = gates["round"]
    assert deps.llm is not None
    try:
        previous = parse_response(f"```python\n{selected['code']}\n```\n", spec=spec)
        messages = render_messages("repair", spec=spec, parts=previous, report=selected["report"])
        completion = deps.llm.complete(
            messages,
            key=f"{spec.name}/a{state.get('attempt', 0)}/gate-repair/g{round_}",
            purpose=f"gate repair {spec.name}",
        )
        parts = parse_response(completion.text, finish_reason=completion.finish_reason, spec=spec)
    except (LLMError, PartsError) as error:
        return {"selected": {**selected, "gates": {**gates, "repair": f"no repair: {error}"}}}
    drafts = deps.workspace.drafts(state["run_id"], spec.name)
    module = drafts / f"{spec.name}-a{state.get('attempt', 0)}-gate{round_}.py"
    module.write_text(render_module(parts, spec=spec), encoding="utf-8")
    autofix(module)
    with deps.options.testing_slots:
        try:
            report = run_selftest(module, spec=spec, settings=deps.options.selftest)
        except UnusableInput as error:
            return {"selected": {**selected, "gates": {**gates, "repair": f"unusable: {error}"}}}
    if report.verdict != "pass":
        why = f"the repaired draft fails the self-test ({report.failure_reason()}): kept the old"
        return {"selected": {**selected, "gates": {**gates, "repair": why}}}
    repaired = {
        **selected,
        "module": str(module),
        "code": module.read_text(encoding="utf-8"),
        "report": report.model_dump(mode="json"),
        "rounds": selected.get("rounds", 0) + 1,
        "gates": {**gates, "repair": f"repaired in gate round {round_}"},
    }
    return {"selected": repaired}
