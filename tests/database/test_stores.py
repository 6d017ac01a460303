"""The queue, the transcripts and the audit results, each on SQLite and on a real PostgreSQL
database: what one stores another process reads back, decisions record who made them, and two
reviewers deciding one candidate at once yield exactly one decision."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import agent.audit.store
import agent.transcripts
import review.store
from agent.audit.store import AuditStore
from agent.database import Database
from agent.llm import LLMClient, LLMSettings, ReplayMiss
from agent.transcripts import Completion, TranscriptStore
from review.store import AlreadyDecided, QueueStore, UnknownCandidate
from tests.llm_server import Reply, ScriptedLLMServer, closed_port_url

REPORT = {"verdict": "pass", "checks": [{"id": "contract", "passed": True}]}
MESSAGES = [{"role": "user", "content": "Draft a bootcamp: 50% harder? yes"}]

# The newest schema version of each part, as this campforge's numbered migrations say.
NEWEST = {
    "queue": len(review.store.MIGRATIONS),
    "transcripts": len(agent.transcripts.MIGRATIONS),
    "audit": len(agent.audit.store.MIGRATIONS),
}


def queue_one(store: QueueStore, name: str, attempt: int = 0) -> int:
    return store.add(
        run_id="run-1",
        thread_id=f"run-1/{name}",
        attempt=attempt,
        name=name,
        domain="algorithms",
        description="Packs a knapsack; 100% of the time? ",
        spec_path=f"{name}.md",
        spec_text="---\nname: x\n---\n",
        spec_hash="0" * 64,
        code="print('?')",
        report=REPORT,
        rounds=1,
        model="m",
        prompt_version="v1",
        novelty={"duplicate": False, "similarity": 0.25},
    )


def test_the_queue_adds_lists_decides_and_keeps_events(location: str | Path) -> None:
    store = QueueStore(location)
    first = queue_one(store, "knapsack")
    assert queue_one(store, "knapsack") == first  # the same (thread, attempt): the same id
    second = queue_one(store, "coins")

    store.decide(first, "changes", reviewer="ada", notes="harder cases")
    redrafted = queue_one(store, "knapsack", attempt=1)
    decided = store.decide(second, "approve", reviewer="grace")
    store.mark(second, "merged", commit_sha="c" * 40, note="commit cccc")

    other = QueueStore(location)  # another opener (a reviewer's process) reads the same queue
    assert [c.name for c in other.list()] == ["knapsack", "coins", "knapsack"]
    assert other.get(first).status == "superseded"  # its redraft is queued
    assert other.get(redrafted).status == "pending" and other.get(redrafted).attempt == 1
    assert decided.status == "approved" and decided.reviewer == "grace"
    merged = other.get(second)
    assert merged.status == "merged" and merged.commit_sha == "c" * 40
    assert merged.report == REPORT and merged.novelty["similarity"] == 0.25
    assert merged.description.endswith("100% of the time? ")
    assert other.counts() == {"superseded": 1, "pending": 1, "merged": 1}
    assert [c.id for c in other.list(status="pending", domain="algorithms")] == [redrafted]
    events = other.events(second)
    assert [(e.action, e.reviewer, e.notes) for e in events] == [
        ("approve", "grace", None),
        ("merged", None, "commit cccc"),
    ]
    assert [(e.action, e.reviewer) for e in other.events(first)] == [("changes", "ada")]
    with pytest.raises(UnknownCandidate):
        other.get(999)
    with pytest.raises(UnknownCandidate):
        other.decide(999, "approve", reviewer="ada")
    store.close()
    other.close()


def test_deciding_a_decided_candidate_names_who_decided_and_records_nothing(
    location: str | Path,
) -> None:
    store = QueueStore(location)
    candidate = queue_one(store, "knapsack")
    store.decide(candidate, "reject", reviewer="ada", notes="a copy")

    with pytest.raises(AlreadyDecided, match=r"#\d+ is already rejected by ada at ") as raised:
        store.decide(candidate, "approve", reviewer="grace")

    assert isinstance(raised.value, ValueError)  # the CLI and the web print it as a user error
    assert store.get(candidate).reviewer == "ada"
    assert [e.reviewer for e in store.events(candidate)] == ["ada"]
    store.close()


def test_two_reviewers_deciding_at_once_yield_exactly_one_decision(location: str | Path) -> None:
    """Each reviewer has a store of their own (their own connection, as two processes would);
    they decide the same candidates at the same moment, candidate after candidate."""
    setup = QueueStore(location)
    candidates = [queue_one(setup, f"race_{number}") for number in range(12)]
    reviewers = {"ada": "approve", "grace": "reject"}
    stores = {name: QueueStore(location) for name in reviewers}
    start = threading.Barrier(len(reviewers))
    won: dict[str, list[int]] = {name: [] for name in reviewers}
    lost: dict[str, list[AlreadyDecided]] = {name: [] for name in reviewers}
    crashed: list[BaseException] = []

    def review(name: str) -> None:
        try:
            for candidate in candidates:
                start.wait(timeout=30)
                try:
                    stores[name].decide(candidate, reviewers[name], reviewer=name, notes="n")
                    won[name].append(candidate)
                except AlreadyDecided as error:
                    lost[name].append(error)
        except BaseException as error:  # reported below: a thread's failure is not lost
            crashed.append(error)
            start.abort()
        finally:
            stores[name].close()

    threads = [threading.Thread(target=review, args=(name,)) for name in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert crashed == []
    assert sorted(won["ada"] + won["grace"]) == candidates  # each candidate won exactly once
    assert len(lost["ada"]) + len(lost["grace"]) == len(candidates)
    for name, other in (("ada", "grace"), ("grace", "ada")):
        for error in lost[name]:  # the loser is told who got there first
            assert error.reviewer == other and f"by {other}" in str(error)
    for candidate in candidates:
        (event,) = setup.events(candidate)
        row = setup.get(candidate)
        assert (event.reviewer, event.action) == (row.reviewer, reviewers[row.reviewer])
    setup.close()


def test_transcripts_record_and_replay_a_run(location: str | Path) -> None:
    settings = LLMSettings(model="scripted", api_key="k", max_retries=1, retry_backoff=0.01)
    with ScriptedLLMServer([Reply("busy", status=503), Reply("def generate(): ...")]) as server:
        with TranscriptStore(location) as store:
            client = LLMClient(LLMSettings(**{**settings.__dict__, "base_url": server.base_url}),
                               store, "run-1")  # fmt: skip
            answered = client.complete(MESSAGES, key="knapsack/0/0", purpose="draft")
            client.close()
        assert server.errors == []

    with TranscriptStore(location) as store:  # another process: no endpoint at all
        replay = LLMClient(
            LLMSettings(**{**settings.__dict__, "base_url": closed_port_url()}),
            store,
            "run-2",
            replay_from="run-1",
        )
        replayed = replay.complete(MESSAGES, key="knapsack/0/0", purpose="draft")
        with pytest.raises(ReplayMiss):
            replay.complete(MESSAGES, key="never/asked", purpose="draft")
        failed, succeeded = store.exchanges("run-1")
        assert store.tokens_used("run-1") == 15 and store.tokens_used("run-2") == 0
        assert store.lookup("run-1", "knapsack/0/0") == Completion(
            "def generate(): ...", "scripted", "stop", 10, 5, answered.latency, True
        )

    assert replayed.text == answered.text == "def generate(): ..." and replayed.replayed
    assert failed["error"].startswith("HTTP 503") and failed["usage"] is None
    assert (failed["attempt"], succeeded["attempt"]) == (1, 2)
    assert succeeded["messages"] == MESSAGES and succeeded["response"] == answered.text
    assert succeeded["usage"] == {"prompt_tokens": 10, "completion_tokens": 5, "estimated": False}
    assert succeeded["latency"] == pytest.approx(answered.latency)


def test_audit_results_resume_by_fingerprint(location: str | Path) -> None:
    store = AuditStore(location)
    store.save("catalog", "knapsack", "f1", {"name": "knapsack", "verdict": "pass"})
    store.save("catalog", "coins", "f2", {"name": "coins", "verdict": "fail"})
    store.save("catalog", "coins", "f3", {"name": "coins", "verdict": "pass", "again": True})
    store.close()

    reopened = AuditStore(location)
    done = reopened.done("catalog", {"knapsack": "f1", "coins": "f2"})
    assert done == {"knapsack": {"name": "knapsack", "verdict": "pass"}}  # coins changed: f3
    assert reopened.rows("catalog", ["coins", "knapsack"]) == [
        {"name": "coins", "verdict": "pass", "again": True},
        {"name": "knapsack", "verdict": "pass"},
    ]
    assert reopened.rows("elsewhere", ["coins"]) == []
    reopened.close()


def test_every_part_shares_one_database_with_its_own_schema_version(location: str | Path) -> None:
    QueueStore(location).close()
    TranscriptStore(location).close()
    AuditStore(location).close()

    database = Database.open(location)
    assert {part: database.version(part) for part in ("queue", "transcripts", "audit")} == NEWEST
    with database.connection() as db:
        assert {"candidates", "events", "llm_exchanges", "audit_results"} <= db.table_names()
    database.close()
