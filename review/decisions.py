"""A reviewer's decision, end to end: record it in the queue, then resume the graph thread.

Shared by the CLI and the web UI. Approve merges the candidate into the catalog (inside the
graph's merge step); changes redrafts the spec with the notes (this needs the LLM); reject ends
the thread. The decision is recorded only once the thread is found waiting for it, and before
the thread resumes, so it is never lost even if resuming fails.
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

    Raises UnknownCandidate or ValueError (unknown action, already decided, missing notes, the
    checkpoints unreachable or the thread not found waiting there)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown decision {action!r}: use one of {', '.join(ACTIONS)}")
    if action in ("reject", "changes") and not (notes or "").strip():
        raise ValueError(f"{action} needs a reason or notes")
    store = QueueStore(workspace.database)
    candidate = store.get(candidate_id)
    if candidate.status != "pending":
        status = candidate.status
        raise ValueError(f"candidate #{candidate_id} is already {status}: nothing to decide")
    spec = next(
        s for s in parse_specs(candidate.spec_text, candidate.spec_path) if s.name == candidate.name
    )
    options = PipelineOptions(use_llm=endpoint_configured(), run_id=candidate.run_id)
    # Open the graph's checkpoints and find the waiting thread before recording anything: a
    # decision that cannot be carried out is refused with nothing changed.
    pipeline = Pipeline(workspace, options, candidate.run_id)
    try:
        pipeline.ensure_waiting_for_review(spec)
        store.decide(candidate_id, action, reviewer=reviewer, notes=notes)
        decision: dict[str, Any] = {"action": action, "reviewer": reviewer, "notes": notes}
        return pipeline.resume(spec, decision, on_event=lambda event: None)
    finally:
        pipeline.close()
