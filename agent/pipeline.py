"""Running the graph over a batch of specs: concurrently, resumably, one thread per spec.

A run's id is derived from what it was asked to do (the specs' hashes, samples, rounds and
model), so running the same command again finds the same graph threads: finished specs are
reported as they ended, interrupted ones resume from their last checkpoint, and specs waiting
for review stay queued. A thread still waiting for a decision that the queue has recorded (the
process died between the two) is resumed with that decision. A malformed spec or a spec whose
thread fails is reported with its reason; the rest of the batch goes on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langgraph.types import Command

from agent.checkpoints import open_store, redact
from agent.develop import DevelopOptions
from agent.graph import Dependencies, SpecState, build_graph
from agent.llm import LLMClient, LLMSettings, TranscriptStore
from agent.spec import Spec, SpecError, load_specs
from agent.workspace import Workspace
from review.store import QueueStore

Event = dict[str, Any]
RECURSION_LIMIT = 200  # supersteps per invocation: rounds are bounded in the nodes anyway


@dataclass
class PipelineOptions:
    samples: int = 2
    rounds: int = 2
    concurrency: int = 4  # specs at once
    llm: LLMSettings = field(default_factory=LLMSettings)
    use_llm: bool = True  # False: no endpoint configured, only offline specs can be drafted
    replay_from: str | None = None
    run_id: str | None = None
    develop: DevelopOptions = field(default_factory=DevelopOptions)


@dataclass
class SpecOutcome:
    spec: str
    path: str
    outcome: str  # queued, failed, error, invalid, rejected, merged, approved
    reason: str
    candidate_id: int | None = None
    tokens: int = 0


def collect_specs(targets: Iterable[str | Path]) -> tuple[list[Spec], list[SpecOutcome]]:
    """Every spec in the given files and directories (*.md, README.md excluded), and an
    `invalid` outcome for each file that does not parse."""
    files: list[Path] = []
    for target in map(Path, targets):
        if target.is_dir():
            files += sorted(p for p in target.rglob("*.md") if p.name.lower() != "readme.md")
        else:
            files.append(target)
    specs: list[Spec] = []
    invalid: list[SpecOutcome] = []
    seen: dict[str, str] = {}
    for file in files:
        try:
            found = load_specs(file)
        except SpecError as error:
            invalid.append(SpecOutcome(file.stem, str(file), "invalid", str(error)))
            continue
        for spec in found:
            if spec.name in seen:
                reason = (
                    f"{file}:{spec.line}: spec name {spec.name!r} is also used in {seen[spec.name]}"
                )
                invalid.append(SpecOutcome(spec.name, str(file), "invalid", reason))
                continue
            seen[spec.name] = str(file)
            specs.append(spec)
    return specs, invalid


def run_id_for(specs: list[Spec], options: PipelineOptions) -> str:
    """The same request gives the same run id: re-running a command resumes it."""
    if options.run_id:
        return options.run_id
    digest = hashlib.sha256()
    for spec in sorted(specs, key=lambda s: s.name):
        digest.update(f"{spec.name}:{spec.hash}\n".encode())
    digest.update(f"{options.samples}/{options.rounds}/{options.llm.model}".encode())
    return "run-" + digest.hexdigest()[:10]


class Pipeline:
    """The compiled graph with its stores, for one process."""

    def __init__(self, workspace: Workspace, options: PipelineOptions, run_id: str):
        self.workspace, self.options, self.run_id = workspace, options, run_id
        self.store = QueueStore(workspace.database)
        self.transcripts = TranscriptStore(workspace.database)
        llm = None
        if options.use_llm or options.replay_from:
            llm = LLMClient(options.llm, self.transcripts, run_id, replay_from=options.replay_from)
        self.llm = llm
        from review.merge import merge_for_graph

        self.deps = Dependencies(
            workspace, self.store, llm, options.develop, merge=merge_for_graph(self.store)
        )
        self._checkpoints = open_store(workspace.checkpoints)
        self.graph = build_graph(self.deps).compile(checkpointer=self._checkpoints.saver)

    def close(self) -> None:
        self._checkpoints.close()

    def config(self, thread_id: str) -> dict[str, Any]:
        return {
            "configurable": {"thread_id": thread_id},
            "recursion_limit": RECURSION_LIMIT,
            # Branches at once. Never 1: langgraph 1.2.22 deadlocks with max_concurrency=1 when
            # streaming custom events (the writer needs a second slot).
            "max_concurrency": max(2, self.options.samples + 1),
        }

    def thread_id(self, spec: Spec) -> str:
        return f"{self.run_id}/{spec.name}"

    def run_spec(self, spec: Spec, on_event: Callable[[Event], None]) -> SpecOutcome:
        """Start, resume or report one spec's thread."""
        thread = self.thread_id(spec)
        config = self.config(thread)
        state = self.graph.get_state(config)
        if state.values and not state.next:
            return self._outcome(spec, state.values)  # finished earlier
        if _waiting_for_review(state):
            decision = self._recorded_decision(state.values)
            if decision is None:
                return self._outcome(spec, state.values)  # waiting for a reviewer
            on_event({"spec": spec.name, "phase": "resuming"})
            return self._stream(spec, Command(resume=decision), config, on_event)
        initial: SpecState | None = None
        if not state.values:
            initial = SpecState(
                run_id=self.run_id,
                thread_id=thread,
                spec_path=spec.path,
                spec_name=spec.name,
                spec_text=spec.text,
                samples=self.options.samples,
                rounds=self.options.rounds,
                attempt=0,
                notes=None,
                candidates=[],
            )
        else:
            on_event({"spec": spec.name, "phase": "resuming"})
        return self._stream(spec, initial, config, on_event)

    def ensure_waiting_for_review(self, spec: Spec) -> None:
        """Raise ValueError unless the spec's thread is stopped at the review interrupt."""
        state = self.graph.get_state(self.config(self.thread_id(spec)))
        if not _waiting_for_review(state):
            where = redact(self.workspace.checkpoints)
            found = "has no checkpoint" if not state.values else "is not waiting for review"
            raise ValueError(
                f"graph thread {self.thread_id(spec)!r} {found} in {where}: was it drafted with "
                "other checkpoints (CAMPFORGE_CHECKPOINTS / --checkpoints)?"
            )

    def resume(
        self, spec: Spec, decision: dict[str, Any], on_event: Callable[[Event], None]
    ) -> SpecOutcome:
        """Resume a thread waiting for review with a reviewer's decision."""
        return self._stream(
            spec, Command(resume=decision), self.config(self.thread_id(spec)), on_event
        )

    def finish_merge(self, spec: Spec, candidate_id: int, reviewer: str) -> SpecOutcome:
        """Merge an approved candidate whose merge failed or never ran, and bring its thread to
        the same end: a thread still waiting (for review, or at its merge step) is resumed, a
        finished one is updated with the new outcome."""
        config = self.config(self.thread_id(spec))
        state = self.graph.get_state(config)
        decision = {"action": "approve", "reviewer": reviewer, "notes": None}
        if _waiting_for_review(state):
            return self._stream(spec, Command(resume=decision), config, lambda event: None)
        result = self.deps.merge(candidate_id, reviewer)
        if state.values and state.values.get("candidate_id") == candidate_id:
            self.graph.update_state(config, {**result, "decision": decision}, as_node="merge")
        return SpecOutcome(spec.name, spec.path, result["outcome"], result["reason"], candidate_id)

    def _recorded_decision(self, values: dict[str, Any]) -> dict[str, Any] | None:
        """The decision the queue holds for a thread's candidate, if one was recorded."""
        candidate = self.store.get(values["candidate_id"])
        action = {"approved": "approve", "rejected": "reject", "changes_requested": "changes"}
        if candidate.status not in action:
            return None
        return {
            "action": action[candidate.status],
            "reviewer": candidate.reviewer,
            "notes": candidate.notes,
        }

    def _stream(
        self, spec: Spec, payload: Any, config: dict[str, Any], on_event: Callable[[Event], None]
    ) -> SpecOutcome:
        try:
            for mode, chunk in self.graph.stream(
                payload, config, stream_mode=["updates", "custom"]
            ):
                if mode == "custom":
                    on_event(chunk)
                elif (
                    "select" in chunk
                    and chunk["select"]
                    and chunk["select"].get("selected") is None
                ):
                    on_event({"spec": spec.name, "phase": "failed"})
        except Exception as error:  # the thread stopped: report it, the batch goes on
            reason = f"{type(error).__name__}: {error}"
            return SpecOutcome(spec.name, spec.path, "error", reason)
        return self._outcome(spec, self.graph.get_state(config).values)

    def _outcome(self, spec: Spec, values: dict[str, Any]) -> SpecOutcome:
        tokens = sum(c.get("tokens", 0) for c in values.get("candidates", []))
        return SpecOutcome(
            spec.name,
            spec.path,
            values.get("outcome", "error"),
            values.get("reason", "stopped before an outcome"),
            values.get("candidate_id"),
            tokens,
        )


def _waiting_for_review(state: Any) -> bool:
    """Whether a thread's state is stopped at the review interrupt."""
    return bool(state.next) and "review" in state.next and any(t.interrupts for t in state.tasks)


def run_batch(
    specs: list[Spec],
    options: PipelineOptions,
    workspace: Workspace,
    on_event: Callable[[Event], None] = lambda event: None,
    on_outcome: Callable[[SpecOutcome], None] = lambda outcome: None,
) -> tuple[str, list[SpecOutcome]]:
    """Draft every spec (concurrently), returning the run id and each spec's outcome."""
    run_id = run_id_for(specs, options)
    pipeline = Pipeline(workspace, options, run_id)
    try:

        def one(spec: Spec) -> SpecOutcome:
            on_event({"spec": spec.name, "phase": "started"})
            outcome = pipeline.run_spec(spec, on_event)
            on_outcome(outcome)
            return outcome

        with ThreadPoolExecutor(max(1, options.concurrency)) as pool:
            outcomes = list(pool.map(one, specs))
    finally:
        pipeline.close()
    return run_id, outcomes
