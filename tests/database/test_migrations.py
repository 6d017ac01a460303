"""Numbered schema migrations applied on open, on SQLite and on PostgreSQL, and the upgrade of a
database written by the code before one-database (tests/state/fixtures/campforge-main.db)."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

import agent.audit.store
import agent.transcripts
import review.store
from agent.audit.store import AuditStore
from agent.database import Connection, Database, DatabaseError
from agent.dbhealth import BrokenStateError, backups
from agent.transcripts import TranscriptStore
from review.store import QueueStore

FIXTURE = Path(__file__).resolve().parents[1] / "state" / "fixtures" / "campforge-main.db"

# The newest schema version of each part, as this campforge's numbered migrations say.
NEWEST = {
    "queue": len(review.store.MIGRATIONS),
    "transcripts": len(agent.transcripts.MIGRATIONS),
    "audit": len(agent.audit.store.MIGRATIONS),
}


def add_priority(db: Connection) -> None:
    """A migration as a helper would append it: plain SQL both dialects accept."""
    db.execute("ALTER TABLE candidates ADD COLUMN priority INTEGER NOT NULL DEFAULT 0")


def columns(location: str | Path, table: str) -> set[str]:
    database = Database.open(location)
    with database.connection() as db:
        if db.dialect == "sqlite":
            found = {r["name"] for r in db.execute(f"PRAGMA table_info({table})").fetchall()}
        else:
            found = {
                r["column_name"]
                for r in db.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                    (table,),
                ).fetchall()
            }
    database.close()
    return found


def test_an_appended_queue_migration_runs_once_on_open(
    location: str | Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = QueueStore(location)
    store.add(run_id="r", thread_id="r/a", attempt=0, name="a", domain="d", description="d",
              spec_path="a.md", spec_text="s", spec_hash="h", code="c", report={}, rounds=0,
              model=None, prompt_version=None)  # fmt: skip
    store.close()
    ran: list[str] = []

    def counted(db: Connection) -> None:
        ran.append(db.dialect)
        add_priority(db)

    monkeypatch.setattr(review.store, "MIGRATIONS", [*review.store.MIGRATIONS, counted])
    migrated = QueueStore(location)
    QueueStore(location).close()  # already at version 2: nothing runs again

    assert len(ran) == 1 and "priority" in columns(location, "candidates")
    assert migrated.database.version("queue") == NEWEST["queue"] + 1
    assert [c.name for c in migrated.list()] == ["a"]  # the rows are kept
    migrated.close()


def test_a_failed_migration_changes_nothing(
    location: str | Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    TranscriptStore(location).close()

    def half_done(db: Connection) -> None:
        db.execute("ALTER TABLE llm_exchanges ADD COLUMN cost REAL")
        raise RuntimeError("the migration crashed halfway")

    monkeypatch.setattr(agent.transcripts, "MIGRATIONS", [*agent.transcripts.MIGRATIONS, half_done])
    with pytest.raises(RuntimeError, match="halfway"):
        TranscriptStore(location)

    assert "cost" not in columns(location, "llm_exchanges")
    database = Database.open(location)
    assert database.version("transcripts") == NEWEST["transcripts"]
    database.close()


def test_a_schema_newer_than_campforge_is_refused_in_one_line(location: str | Path) -> None:
    AuditStore(location).close()
    database = Database.open(location)
    with database.connection() as db:
        db.execute("UPDATE schema_versions SET version = 7 WHERE component = 'audit'")
    database.close()

    with pytest.raises((DatabaseError, BrokenStateError)) as raised:
        AuditStore(location)

    message = str(raised.value)
    known = NEWEST["audit"]
    assert f"audit schema version 7 is newer than this campforge knows ({known})" in message
    assert "upgrade campforge" in message and "\n" not in message


def test_concurrent_first_opens_create_each_table_once(location: str | Path) -> None:
    """Four processes' worth of openers at once on an empty database: none fails."""
    from concurrent.futures import ThreadPoolExecutor

    def open_all(_: int) -> None:
        for store in (QueueStore(location), TranscriptStore(location), AuditStore(location)):
            store.close()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(open_all, range(4)))
    database = Database.open(location)
    assert {p: database.version(p) for p in NEWEST} == NEWEST
    database.close()


def test_a_database_written_by_the_previous_code_opens_and_migrates(tmp_path: Path) -> None:
    """The fixture was written by main's stores before this module: queue at user_version 1,
    transcripts and audit results in tables with no version. It opens, keeps every row, and
    the parts without a version are stamped (after a backup), not rebuilt."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    path = home / "campforge.db"
    shutil.copyfile(FIXTURE, path)

    queue, transcripts, audit = QueueStore(path), TranscriptStore(path), AuditStore(path)

    assert [(c.name, c.status, c.reviewer) for c in queue.list()] == [
        ("old_pending", "pending", None),
        ("old_approved", "merged", "ada"),
        ("old_rejected", "rejected", "grace"),
    ]
    assert [e.action for e in queue.events(2)] == ["approve", "merged"]
    assert [e["attempt"] for e in transcripts.exchanges("run-main")] == [1, 2]
    assert transcripts.lookup("run-main", "old_pending/0/0").text == "hello"
    assert transcripts.tokens_used("run-main") == 7
    assert audit.rows("catalog", ["knapsack"])[0]["verdict"] == "pass"
    assert {p: queue.database.version(p) for p in NEWEST} == NEWEST
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == NEWEST["queue"]
    # a backup before each part's first change: the transcripts and audit results (stamped),
    # and the queue if this campforge has a migration past the fixture's version 1
    assert len(backups(home)) == 2 + (NEWEST["queue"] > 1)
    queue.decide(1, "approve", reviewer="ada")  # and it works on as before
    new = queue.add(run_id="r2", thread_id="r2/x", attempt=0, name="x", domain="d",
                    description="d", spec_path="x.md", spec_text="s", spec_hash="h", code="c",
                    report={}, rounds=0, model=None, prompt_version=None)  # fmt: skip
    assert new == 4
    for store in (queue, transcripts, audit):
        store.close()
