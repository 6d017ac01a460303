"""A reviewer's decision, end to end: record it in the queue, then resume the graph thread.

Shared by the CLI and the web UI. Approve merges the candidate into the catalog (inside the
graph's merge step); changes redrafts the spec with the notes (this needs the LLM); reject ends
the thread. The decision is recorded first, so it is never lost even if resuming fails.
"""

from __future__ import annotations

from typing import Any

from agent.llm import endpoint_configured
from agent.pipeline import Pipeline, PipelineOptions, SpecOutcome
from agent.spec import parse_specs
from agent.workspace import Workspace
from review.store import QueueStore

ACTIONS = ("approve", "reject", "changes")


def decide(
    workspace: Workspace,
    candidate_id: int,
    action: str,
    *,
    reviewer: str,
    notes: str | None = None,
) -> SpecOutcome:
    """Record `action` on the candidate and resume its thread; the thread's new outcome.

    Raises UnknownCandidate or ValueError (unknown action, already decided, missing notes)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown decision {action!r}: use one of {', '.join(ACTIONS)}")
    if action in ("reject", "changes") and not (notes or "").strip():
        raise ValueError(f"{action} needs a reason or notes")
    store = QueueStore(workspace.database)
    candidate = store.decide(candidate_id, action, reviewer=reviewer, notes=notes)
    spec = next(
        s for s in parse_specs(candidate.spec_text, candidate.spec_path) if s.name == candidate.name
    )
    options = PipelineOptions(use_llm=endpoint_configured(), run_id=candidate.run_id)
    pipeline = Pipeline(workspace, options, candidate.run_id)
    try:
        decision: dict[str, Any] = {"action": action, "reviewer": reviewer, "notes": notes}
        return pipeline.resume(spec, decision, on_event=lambda event: None)
    finally:
        pipeline.close()
