"""The agent graph: spec -> k parallel candidates -> select -> novelty -> review -> decision.

One graph thread per spec and run, checkpointed in SQLite, so a run killed at any point resumes
where it stopped: finished branches are not re-run (LangGraph keeps their writes) and a branch cut
off mid-way gets its finished LLM calls back from the transcript (`agent.develop`).

    load_spec -> develop x k (Send) -> select -> calibrate -> queue -> review (interrupt) -> ...
                     ^                      |          |         approve: merge
                     |                      |          |         changes: redraft
                     +------ redraft <------+----------+-------- reject: end
                        (no candidate passes: end, failed; calibrate: a preset far outside the
                         band, when the run calibrates: agent.calibrate_node)

With an LLM, quality gates (agent.gates) sit around calibrate and queue: select -> fidelity ->
shortcut_hunt -> (a failing gate check, rounds left: gate_repair -> fidelity) -> calibrate ->
queue -> novelty_judge -> review. Without one they pass the state through unchanged.

State is JSON-native (dicts, lists, strings) so the checkpointer stores it as is.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Annotated, Any, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import Send, interrupt

from agent import pysource
from agent.calibrate_node import after_calibration, calibrate_selected
from agent.develop import DevelopOptions, develop_candidate
from agent.gates.fidelity import fidelity
from agent.gates.gate_repair import after_gates, gate_repair
from agent.gates.novelty_judge import novelty_judge
from agent.gates.shortcut_hunt import shortcut_hunt
from agent.llm import LLMClient
from agent.novelty import novelty
from agent.prompts import PROMPT_VERSION
from agent.spec import Spec, parse_specs
from agent.workspace import Workspace
from review.store import QueueStore

Merge = Callable[[int, str | None], dict[str, Any]]


class SpecState(TypedDict, total=False):
    run_id: str
    thread_id: str
    spec_path: str
    spec_name: str
    spec_text: str
    samples: int
    rounds: int
    attempt: int
    notes: str | None
    candidates: Annotated[list[dict[str, Any]], operator.add]
    selected: dict[str, Any] | None
    candidate_id: int | None
    decision: dict[str, Any] | None
    outcome: str
    reason: str
    calibration_repairs: int


class BranchState(TypedDict):
    run_id: str
    spec_path: str
    spec_name: str
    spec_text: str
    sample: int
    rounds: int
    attempt: int
    notes: str | None


@dataclass
class Dependencies:
    """What the nodes use besides their state (not checkpointed: rebuilt by each process)."""

    workspace: Workspace
    store: QueueStore
    llm: LLMClient | None
    options: DevelopOptions
    merge: Merge | None = None


def spec_of(state: SpecState | BranchState) -> Spec:
    """The spec a thread works on, re-read from the text stored in its state."""
    specs = parse_specs(state["spec_text"], state["spec_path"])
    return next(spec for spec in specs if spec.name == state["spec_name"])


def build_graph(deps: Dependencies) -> StateGraph:
    """The graph's structure; compile it with a checkpointer."""

    def load_spec(state: SpecState) -> dict[str, Any]:
        spec_of(state)  # fails early, with the file and line, if the stored text is malformed
        return {"attempt": state.get("attempt", 0), "notes": state.get("notes")}

    def fan_out(state: SpecState) -> list[Send]:
        spec = spec_of(state)
        notes = state.get("notes")
        # An offline spec renders one deterministic candidate: more samples would be identical.
        count = 1 if spec.offline and not notes else max(1, state.get("samples", 1))
        return [
            Send(
                "develop",
                BranchState(
                    run_id=state["run_id"],
                    spec_path=state["spec_path"],
                    spec_name=state["spec_name"],
                    spec_text=state["spec_text"],
                    sample=sample,
                    rounds=state.get("rounds", deps.options.rounds),
                    attempt=state.get("attempt", 0),
                    notes=notes,
                ),
            )
            for sample in range(count)
        ]

    def develop(branch: BranchState) -> dict[str, Any]:
        from langgraph.config import get_stream_writer

        record = develop_candidate(
            spec_of(branch),
            sample=branch["sample"],
            attempt=branch["attempt"],
            notes=branch["notes"],
            llm=deps.llm,
            drafts=deps.workspace.drafts(branch["run_id"], branch["spec_name"]),
            options=replace(deps.options, rounds=branch["rounds"]),
            emit=get_stream_writer(),
        )
        return {"candidates": [record]}

    def select(state: SpecState) -> dict[str, Any]:
        attempt = state.get("attempt", 0)
        mine = [c for c in state.get("candidates", []) if c["attempt"] == attempt]
        passing = [c for c in mine if c["status"] == "pass"]
        if passing:
            best = min(passing, key=lambda c: (c["rounds"], len(c.get("code", "")), c["sample"]))
            return {"selected": best}
        reasons = "; ".join(f"sample {c['sample']}: {c['reason']}" for c in mine) or "no draft"
        status = "error" if mine and all(c["status"] == "error" for c in mine) else "failed"
        return {"selected": None, "outcome": status, "reason": reasons}

    def queue(state: SpecState) -> dict[str, Any]:
        spec, chosen = spec_of(state), state["selected"]
        assert chosen is not None
        description = _class_attribute(chosen["code"], "description") or spec.title
        # Other specs' candidates still in play: two specs of a batch may describe one task.
        queued = [
            (other.id, other.name, other.description)
            for other in deps.store.list()
            if other.name != spec.name and other.status in ("pending", "approved")
        ]
        candidate_id = deps.store.add(
            run_id=state["run_id"],
            thread_id=state["thread_id"],
            attempt=state.get("attempt", 0),
            name=spec.name,
            domain=spec.domain,
            description=description,
            spec_path=spec.path,
            spec_text=spec.text,
            spec_hash=spec.hash,
            code=chosen["code"],
            report=chosen["report"],
            rounds=chosen["rounds"],
            model=chosen.get("model"),
            prompt_version=PROMPT_VERSION,
            novelty=novelty(spec.name, description, queued),
        )
        return {"candidate_id": candidate_id, "outcome": "queued", "reason": "awaiting review"}

    def review(state: SpecState) -> dict[str, Any]:
        # Nothing before interrupt() has side effects: this node re-runs from the top on resume.
        decision = interrupt({"candidate_id": state["candidate_id"], "name": state["spec_name"]})
        return {"decision": decision}

    def after_review(state: SpecState) -> str:
        action = (state.get("decision") or {}).get("action")
        return {"approve": "merge", "changes": "redraft"}.get(action or "", "rejected")

    def merge(state: SpecState) -> dict[str, Any]:
        if deps.merge is None:
            return {"outcome": "approved", "reason": "approved; merge it with `campforge review`"}
        decision = state.get("decision") or {}
        result = deps.merge(state["candidate_id"], decision.get("reviewer"))
        return {"outcome": result["outcome"], "reason": result["reason"]}

    def redraft(state: SpecState) -> dict[str, Any]:
        decision = state.get("decision") or {}
        return {
            "attempt": state.get("attempt", 0) + 1,
            "notes": decision.get("notes") or "",
            "selected": None,
            "decision": None,
        }

    def rejected(state: SpecState) -> dict[str, Any]:
        decision = state.get("decision") or {}
        return {"outcome": "rejected", "reason": decision.get("notes") or "rejected by reviewer"}

    builder = StateGraph(SpecState)
    builder.add_node("load_spec", load_spec)
    builder.add_node("develop", develop)
    builder.add_node("select", select)
    builder.add_node("queue", queue)
    builder.add_node("review", review)
    builder.add_node("merge", merge)
    builder.add_node("redraft", redraft)
    builder.add_node("rejected", rejected)
    builder.add_node("calibrate", functools.partial(calibrate_selected, deps=deps))
    builder.add_edge(START, "load_spec")
    builder.add_conditional_edges("load_spec", fan_out, ["develop"])
    builder.add_edge("develop", "select")
    builder.add_conditional_edges(
        "select", lambda state: "fidelity" if state.get("selected") else END, ["fidelity", END]
    )
    builder.add_conditional_edges(
        "calibrate", lambda s: after_calibration(s) or fan_out(s), ["queue", "develop"]
    )
    for name, node in (("fidelity", fidelity), ("shortcut_hunt", shortcut_hunt)):
        builder.add_node(name, partial(node, deps=deps))
    builder.add_node("gate_repair", partial(gate_repair, deps=deps))
    builder.add_edge("fidelity", "shortcut_hunt")
    builder.add_conditional_edges(
        "shortcut_hunt",
        lambda s: "calibrate" if after_gates(s) == "queue" else "gate_repair",
        ["gate_repair", "calibrate"],
    )
    builder.add_edge("gate_repair", "fidelity")
    builder.add_node("novelty_judge", partial(novelty_judge, deps=deps))
    builder.add_edge("queue", "novelty_judge")
    builder.add_edge("novelty_judge", "review")
    builder.add_conditional_edges("review", after_review, ["merge", "redraft", "rejected"])
    builder.add_conditional_edges("redraft", fan_out, ["develop"])
    builder.add_edge("merge", END)
    builder.add_edge("rejected", END)
    return builder


def _class_attribute(code: str, attribute: str) -> str | None:
    """A string class attribute read from source with ast (the candidate is never imported)."""
    import ast

    try:
        tree = pysource.parse(code)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(getattr(t, "id", None) == attribute for t in targets):
                value = node.value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    return value.value
    return None
