"""One team database in a real PostgreSQL server: a spec drafted in one process waits for review
in Postgres (its candidate, transcript and graph thread all there), and a reviewer's approval in
another process, on another machine's workspace, resumes it from there and merges it.

The tests that need a server skip only where PostgreSQL is not installed and CI is not set
(`.ci/run` installs it); the others always run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

import agent.transcripts
import review.store
from agent.checkpoints import CheckpointStoreError, open_store
from agent.pipeline import PipelineOptions, collect_specs, run_batch
from agent.selftest import Settings
from agent.workspace import Workspace
from generated_bootcamps import catalog
from review.decisions import decide
from review.store import QueueStore
from tests.postgres_server import fresh_database, start_or_skip
from tests.review.support import make_catalog, offline_spec

ROOT = Path(__file__).resolve().parents[2]
NAME = "power_mod_postgres"


@pytest.fixture(scope="module")
def postgres_url():
    with start_or_skip() as url:
        yield url


def draft_offline(tmp_path: Path, workspace: Workspace, name: str = NAME) -> str:
    """Draft an offline spec to the review queue; its graph thread's id. (Each test drafts its
    own spec name: the server, and so the threads, are shared by the module's tests.)"""
    spec_file = tmp_path / f"{name}.md"
    spec_file.write_text(offline_spec(name), encoding="utf-8")
    specs, invalid = collect_specs([spec_file])
    assert not invalid
    options = PipelineOptions(samples=1, rounds=0, concurrency=1, use_llm=False)
    options.develop.selftest = Settings(cases=15, hypothesis_examples=25)
    run_id, (outcome,) = run_batch(specs, options, workspace)
    assert outcome.outcome == "queued", outcome.reason
    return f"{run_id}/{name}"


def test_a_team_drafts_and_reviews_through_one_database_url(tmp_path, postgres_url, monkeypatch):
    repo, directory = make_catalog(tmp_path / "catalog-repo")
    database = fresh_database(postgres_url, "team")
    drafter = Workspace.open(tmp_path / "drafter", database=database)
    thread = draft_offline(tmp_path, drafter)

    assert not (drafter.root / "checkpoints.db").exists()
    assert not (drafter.root / "campforge.db").exists()  # the queue is in Postgres too
    with psycopg.connect(database) as db:
        (threads,) = db.execute(
            "SELECT count(*) FROM checkpoints WHERE thread_id = %s", (thread,)
        ).fetchone()
        (queued,) = db.execute("SELECT count(*) FROM candidates").fetchone()
    assert threads > 0 and queued == 1

    (candidate,) = QueueStore(database).list()
    env = {**os.environ, "CAMPFORGE_DATABASE_URL": database, "CAMPFORGE_CATALOG": str(directory)}
    env.pop("CAMPFORGE_CHECKPOINTS", None)
    reviewer_home = tmp_path / "reviewer"  # another machine: nothing of the drafter's but the URL
    command = [sys.executable, "-m", "agent.cli", "review", "approve", str(candidate.id),
               "--reviewer", "ada", "--home", str(reviewer_home)]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "merged" in result.stdout

    decided = QueueStore(database).get(candidate.id)
    assert decided.status == "merged" and decided.reviewer == "ada"
    assert repo.head.commit.message.startswith(f"Add bootcamp {NAME}")
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(directory))
    assert NAME in catalog.read_index(directory)
    assert not (reviewer_home / "campforge.db").exists()
    doctor = subprocess.run([sys.executable, "-m", "agent.cli", "doctor", "--home",
                             str(reviewer_home)], env=env, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    queue, transcripts = len(review.store.MIGRATIONS), len(agent.transcripts.MIGRATIONS)
    versions = f"queue schema {queue}, transcripts schema {transcripts}, audit schema 0"
    assert f"(PostgreSQL: {versions})" in doctor.stdout  # no audit ran: its tables are not made


def test_a_review_against_other_checkpoints_is_refused_and_changes_nothing(tmp_path, postgres_url):
    """The deprecated CAMPFORGE_CHECKPOINTS (checkpoints alone in Postgres) still works."""
    drafted = Workspace.open(tmp_path / "state", checkpoints=postgres_url)
    draft_offline(tmp_path, drafted, name=f"{NAME}_elsewhere")
    (candidate,) = QueueStore(drafted.database).list()

    elsewhere = Workspace(drafted.root, checkpoint_url=None)  # SQLite: the thread is not there
    with pytest.raises(ValueError, match=r"has no checkpoint in .*checkpoints\.db"):
        decide(elsewhere, candidate.id, "approve", reviewer="ada")
    assert QueueStore(drafted.database).get(candidate.id).status == "pending"


def test_an_unreachable_database_is_a_clear_error_without_the_password(postgres_url):
    port = postgres_url.rsplit(":", 1)[1].split("/")[0]
    wrong = f"postgresql://campforge:hunter2@127.0.0.1:{int(port) + 1}/postgres"
    with pytest.raises(CheckpointStoreError, match=r"campforge:\*\*\*@") as caught:
        open_store(wrong)
    assert "hunter2" not in str(caught.value)


def test_an_unsupported_url_is_named_as_such():
    with pytest.raises(CheckpointStoreError, match=r"u:\*\*\*@db.*mysql:// is not supported"):
        open_store("mysql://u:secret@db/checkpoints")


def test_the_draft_command_fails_fast_on_an_unreachable_database(tmp_path):
    env = {**os.environ, "CAMPFORGE_CHECKPOINTS": "postgresql://nobody:pw@127.0.0.1:1/none"}
    spec_file = tmp_path / f"{NAME}.md"
    spec_file.write_text(offline_spec(NAME), encoding="utf-8")
    command = [sys.executable, "-m", "agent.cli", "draft", str(spec_file), "--home",
               str(tmp_path / "state")]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "cannot connect to the checkpoint database" in result.stderr
    assert "Traceback" not in result.stderr and "pw@" not in result.stderr
