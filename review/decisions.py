"""A reviewer's decision, end to end: record it in the queue, then resume the graph thread.

Shared by the CLI and the web UI. Approve merges the candidate into the catalog (inside the
graph's merge step); changes redrafts the spec with the notes (this needs the LLM); reject ends
the thread. Everything is checked before the decision is recorded (the reviewer's name, the
candidate still pending, its thread found waiting, and for an approval a catalog to merge
into: `review.merge.merge_target`), so a decision that cannot be carried out is refused with
nothing changed. Once recorded it is never lost: if resuming fails or the process
dies, `campforge draft` resumes the thread with the recorded decision, and an approval whose
merge failed stays approved until `campforge review merge ID` (`merge_again`) lands it.

A candidate imported from a library (`campforge audit --queue`) has no graph thread: approving it
merges it directly (`review.merge.merge_candidate`), rejecting it ends it, and changes are
refused (there is no spec to draft again: reject it, or fix the module and audit it again).
"""

from __future__ import annotations

from typing import Any

from agent.llm import endpoint_configured
from agent.pipeline import Pipeline, PipelineOptions, SpecOutcome
from agent.spec import Spec, parse_specs
from agent.workspace import Workspace
from review.identity import parse_reviewer
from review.merge import MergeError, merge_target
from review.store import Candidate, QueueStore, unmerged_hint

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
    reviewer = str(parse_reviewer(reviewer))
    store = QueueStore(workspace.database)
    candidate = store.get(candidate_id)
    if candidate.status != "pending":
        status = candidate.status
        hint = unmerged_hint(candidate_id) if candidate.unmerged else "nothing to decide"
        raise ValueError(f"candidate #{candidate_id} is already {status}: {hint}")
    if action == "approve":
        _ensure_merge_target()
    if candidate.imported:
        return _decide_imported(store, candidate, action, reviewer, notes)
    spec = _spec_of(candidate)
    # Open the graph's checkpoints and find the waiting thread before recording anything: a
    # decision that cannot be carried out is refused with nothing changed.
    pipeline = _pipeline(workspace, candidate)
    try:
        pipeline.ensure_waiting_for_review(spec)
        store.decide(candidate_id, action, reviewer=reviewer, notes=notes)
        decision: dict[str, Any] = {"action": action, "reviewer": reviewer, "notes": notes}
        return pipeline.resume(spec, decision, on_event=lambda event: None)
    finally:
        pipeline.close()


def merge_again(
    workspace: Workspace, candidate_id: int, *, reviewer: str | None = None
) -> SpecOutcome:
    """Merge an approved candidate whose merge failed or was interrupted; a merged one is reported
    as it is. `reviewer` replaces the recorded approver as the commit's author (e.g. when the
    recorded name cannot be a git identity). Raises UnknownCandidate or ValueError."""
    store = QueueStore(workspace.database)
    candidate = store.get(candidate_id)
    if candidate.commit_sha:
        reason = f"already merged in {candidate.commit_sha[:12]}"
        return SpecOutcome(candidate.name, candidate.spec_path, "merged", reason, candidate_id)
    if candidate.status != "approved":
        raise ValueError(
            f"candidate #{candidate_id} is {candidate.status}: only an approved candidate is "
            "merged (approve it with `campforge review approve`)"
        )
    who = str(parse_reviewer(reviewer or candidate.reviewer or ""))
    _ensure_merge_target()
    if candidate.imported:
        return _merge_imported(store, candidate, who)
    pipeline = _pipeline(workspace, candidate)
    try:
        return pipeline.finish_merge(_spec_of(candidate), candidate_id, who)
    finally:
        pipeline.close()


def _decide_imported(
    store: QueueStore, candidate: Candidate, action: str, reviewer: str, notes: str | None
) -> SpecOutcome:
    """Record a decision on an imported candidate and carry it out (no graph thread)."""
    if action == "changes":
        raise ValueError(
            f"candidate #{candidate.id} was imported from a library, not drafted from a spec: "
            "there is nothing to draft again; reject it, or fix the module and run "
            "`campforge audit SOURCE --queue` again"
        )
    store.decide(candidate.id, action, reviewer=reviewer, notes=notes)
    if action == "reject":
        return SpecOutcome(
            candidate.name, candidate.spec_path, "rejected", notes or "rejected", candidate.id
        )
    return _merge_imported(store, candidate, reviewer)


def _merge_imported(store: QueueStore, candidate: Candidate, reviewer: str) -> SpecOutcome:
    """Merge an approved import; a failure leaves it approved, with the reason in its history
    (as the graph's merge step does), for `campforge review merge`."""
    from review.merge import merge_for_graph

    merged = merge_for_graph(store)(candidate.id, reviewer)
    return SpecOutcome(
        candidate.name, candidate.spec_path, merged["outcome"], merged["reason"], candidate.id
    )


def _ensure_merge_target() -> None:
    """Refuse, before anything is recorded, an approval with no catalog here to merge into."""
    try:
        merge_target()
    except MergeError as error:
        raise ValueError(str(error)) from None


def _spec_of(candidate: Candidate) -> Spec:
    specs = parse_specs(candidate.spec_text, candidate.spec_path)
    return next(spec for spec in specs if spec.name == candidate.name)


def _pipeline(workspace: Workspace, candidate: Candidate) -> Pipeline:
    options = PipelineOptions(use_llm=endpoint_configured(), run_id=candidate.run_id)
    return Pipeline(workspace, options, candidate.run_id)
