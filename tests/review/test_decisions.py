"""A decision and its merge are atomic from the reviewer's view.

Everything is checked before a decision is recorded; a recorded approval whose merge failed, or
whose process was killed, is visible as "approved, not merged" and landed by one repeatable
command (`campforge review merge ID`); a merge killed half-way is undone or finished by the next
one; and `campforge draft` delivers a decision that was recorded but never reached its thread.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import git
import pytest

from agent.pipeline import PipelineOptions, collect_specs, run_batch
from agent.workspace import Workspace
from generated_bootcamps import catalog
from review import merge as merge_module
from review.decisions import decide
from review.identity import InvalidReviewer
from review.merge import JOURNAL, merge_candidate
from review.store import QueueStore
from tests.review.support import make_catalog, offline_spec
from tests.review.test_merge import approved

NAMES = ("refused", "emailed", "unmerged", "killed", "late_reject", "late_approve")


@dataclass
class Queue:
    workspace: Workspace
    store: QueueStore
    repo: git.Repo
    directory: Path
    spec_file: Path
    ids: dict[str, int]

    def draft_again(self) -> dict[str, str]:
        """Run `campforge draft` over the same specs again: each spec's outcome."""
        specs, _ = collect_specs([self.spec_file])
        _, outcomes = run_batch(specs, PipelineOptions(use_llm=False, samples=2), self.workspace)
        return {outcome.spec: outcome.outcome for outcome in outcomes}

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "agent.cli", *args, "--home", str(self.workspace.root)]
        return subprocess.run(command, capture_output=True, text=True, timeout=300, env=ENV)

    def merge_commits(self) -> list[str]:
        return [c.summary for c in self.repo.iter_commits() if c.summary.startswith("Add ")]


ENV: dict[str, str] = {}


@pytest.fixture(scope="module")
def queue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Queue]:
    root = tmp_path_factory.mktemp("decisions")
    repo, directory = make_catalog(root / "catalog-repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CAMPFORGE_CATALOG", str(directory))
        patch.delenv("OPENAI_BASE_URL", raising=False)
        patch.delenv("OPENAI_API_KEY", raising=False)
        ENV.clear()
        ENV.update(os.environ)
        spec_file = root / "specs.md"
        spec_file.write_text("\n".join(offline_spec(name) for name in NAMES), encoding="utf-8")
        workspace = Workspace.open(root / "home")
        queue = Queue(workspace, QueueStore(workspace.database), repo, directory, spec_file, {})
        specs, invalid = collect_specs([spec_file])
        assert not invalid
        _, outcomes = run_batch(specs, PipelineOptions(use_llm=False, samples=2), workspace)
        assert all(outcome.outcome == "queued" for outcome in outcomes), outcomes
        queue.ids = {outcome.spec: outcome.candidate_id for outcome in outcomes}  # type: ignore[misc]
        yield queue


@pytest.mark.parametrize("reviewer", ["ada\nN", "nul\x00", "", "<ada>", "a" * 81])
def test_an_unusable_reviewer_is_refused_before_anything_is_recorded(queue: Queue, reviewer):
    candidate_id = queue.ids["refused"]
    with pytest.raises(InvalidReviewer):
        decide(queue.workspace, candidate_id, "approve", reviewer=reviewer)
    assert queue.store.get(candidate_id).status == "pending"
    assert queue.store.events(candidate_id) == []


def test_a_name_with_an_email_is_the_merge_commits_author(queue: Queue) -> None:
    reviewer = "Ada Lovelace <ada@example.com>"
    outcome = decide(queue.workspace, queue.ids["emailed"], "approve", reviewer=reviewer)
    assert outcome.outcome == "merged", outcome.reason
    commit = queue.repo.head.commit
    assert (commit.author.name, commit.author.email) == ("Ada Lovelace", "ada@example.com")
    assert f"Campforge-Reviewer: {reviewer}\n" in commit.message
    assert catalog.read_index(queue.directory)["emailed"].provenance.reviewer == reviewer


def test_a_failed_merge_stays_visible_and_review_merge_lands_it(queue: Queue) -> None:
    candidate_id = queue.ids["unmerged"]
    stray = queue.directory / "notes.txt"  # the catalog has uncommitted changes: merge refused
    stray.write_text("work in progress\n", encoding="utf-8")
    try:
        outcome = decide(queue.workspace, candidate_id, "approve", reviewer="ada")
        assert outcome.outcome == "merge_failed" and "uncommitted changes" in outcome.reason
        listed = queue.cli("review", "list")
        assert "approved, not merged" in listed.stdout
        assert f"campforge review merge {candidate_id}" in listed.stderr
        again = queue.cli("review", "approve", str(candidate_id), "--reviewer", "ada")
        assert again.returncode == 2
        assert f"approved but not merged: run `campforge review merge {candidate_id}`" in (
            " ".join(again.stderr.split())
        )
        still = queue.cli("review", "merge", str(candidate_id))
        assert still.returncode == 1 and "uncommitted changes" in " ".join(still.stdout.split())
    finally:
        stray.unlink()
    merged = queue.cli("review", "merge", str(candidate_id))
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "merge -> merged" in merged.stdout
    candidate = queue.store.get(candidate_id)
    assert candidate.status == "merged" and candidate.commit_sha == queue.repo.head.commit.hexsha
    repeated = queue.cli("review", "merge", str(candidate_id))
    assert repeated.returncode == 0 and "already merged" in repeated.stdout
    assert queue.merge_commits().count("Add bootcamp unmerged") == 1
    assert queue.draft_again()["unmerged"] == "merged"  # the graph thread ended the same way


def test_review_merge_refuses_what_is_not_approved(queue: Queue) -> None:
    result = queue.cli("review", "merge", str(queue.ids["refused"]))
    assert result.returncode == 2 and "only an approved candidate" in result.stderr
    missing = queue.cli("review", "merge", str(2**63))
    assert missing.returncode == 2 and "no candidate" in missing.stderr


def test_review_approve_killed_after_recording_is_finished_by_review_merge(queue: Queue) -> None:
    candidate_id = queue.ids["killed"]
    command = [sys.executable, "-m", "agent.cli", "review", "approve", str(candidate_id)]
    command += ["--reviewer", "ada", "--home", str(queue.workspace.root)]
    process = subprocess.Popen(command, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while queue.store.get(candidate_id).status == "pending" and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)  # the decision is recorded; the merge re-runs a self-test
    process.communicate(timeout=60)
    candidate = queue.store.get(candidate_id)
    assert candidate.unmerged, candidate.status  # killed before the merge could land
    merged = queue.cli("review", "merge", str(candidate_id))
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert queue.store.get(candidate_id).status == "merged"
    assert queue.merge_commits().count("Add bootcamp killed") == 1
    assert not queue.repo.is_dirty(untracked_files=True)


def test_draft_delivers_a_decision_recorded_before_a_crash(queue: Queue) -> None:
    # What a process killed between recording a decision and resuming its thread leaves behind.
    queue.store.decide(queue.ids["late_reject"], "reject", reviewer="ada", notes="too easy")
    queue.store.decide(queue.ids["late_approve"], "approve", reviewer="ada")
    outcomes = queue.draft_again()
    assert outcomes["late_reject"] == "rejected"
    assert outcomes["late_approve"] == "merged"
    assert queue.store.get(queue.ids["late_approve"]).status == "merged"


# -- a merge killed half-way: the journal lets the next merge undo or finish it ------------------


@pytest.fixture
def catalog_store(tmp_path, monkeypatch):
    repo, directory = make_catalog(tmp_path / "catalog-repo")
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(directory))
    return repo, directory, QueueStore(Workspace.open(tmp_path / "state").database)


def test_a_merge_killed_before_its_commit_is_undone_by_the_next(catalog_store, monkeypatch):
    repo, directory, store = catalog_store
    candidate_id = approved(store, "packing")

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # like SIGKILL: no cleanup of the files already written

    with monkeypatch.context() as patch:
        patch.setattr(merge_module, "_commit", killed)
        with pytest.raises(KeyboardInterrupt):
            merge_candidate(store, candidate_id, reviewer="ada")
    assert (directory / "packing" / "bootcamp.py").exists()  # the half-done merge
    assert (Path(repo.git_dir) / JOURNAL).exists()
    merged = merge_candidate(store, candidate_id, reviewer="ada")
    assert not merged.already and repo.head.commit.hexsha == merged.commit
    assert store.get(candidate_id).status == "merged"
    assert not repo.is_dirty(untracked_files=True) and not (Path(repo.git_dir) / JOURNAL).exists()


def test_a_merge_killed_after_its_commit_is_recognised_by_the_next(catalog_store, monkeypatch):
    repo, _, store = catalog_store
    candidate_id = approved(store, "packing")
    real_mark = QueueStore.mark

    def killed_on_merged(self, candidate, status, **kwargs):
        if status == "merged":
            raise KeyboardInterrupt  # the commit landed; the queue never heard of it
        return real_mark(self, candidate, status, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(QueueStore, "mark", killed_on_merged)
        with pytest.raises(KeyboardInterrupt):
            merge_candidate(store, candidate_id, reviewer="ada")
    landed = repo.head.commit.hexsha
    assert store.get(candidate_id).unmerged
    merged = merge_candidate(store, candidate_id, reviewer="ada")
    assert merged.already and merged.commit == landed == repo.head.commit.hexsha
    assert store.get(candidate_id).commit_sha == landed
    assert not (Path(repo.git_dir) / JOURNAL).exists()


@pytest.mark.parametrize(
    "command",
    [
        ["show"],
        ["history"],
        ["approve", "--reviewer", "ada"],
        ["reject", "--reason", "no"],
        ["merge"],
    ],
    ids=lambda command: command[0],
)
def test_an_id_past_sqlites_range_is_an_unknown_candidate(tmp_path, command):
    """2**63 overflowed SQLite's integer and gave an OverflowError traceback."""
    from typer.testing import CliRunner

    from agent.cli import app

    home = str(tmp_path / "home")
    result = CliRunner().invoke(
        app, ["review", command[0], str(2**63), *command[1:], "--home", home]
    )
    assert result.exit_code == 2, result.output
    assert "no candidate #9223372036854775808" in result.output
    assert "Traceback" not in result.output
