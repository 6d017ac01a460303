"""The review queue: candidates waiting for a human, their decisions, and an audit trail.

A candidate is the best passing draft of one spec in one run (its graph thread). Every decision
(approve, reject, request changes) is kept as an event, with who made it and when; a candidate's
`status` is derived from its last decision (pending -> approved/merged, rejected, changes).

The queue lives in the workspace's database (`agent.database`): SQLite in `.campforge/` by
default, or the PostgreSQL database a team shares (`CAMPFORGE_DATABASE_URL`). Several reviewers
can work one queue at once: a decision is a conditional update of a pending candidate, so of two
reviewers deciding the same candidate at once exactly one wins, and the other gets
`AlreadyDecided` ("already approved by ada ...") with nothing recorded.

The schema is numbered: `MIGRATIONS[n]` takes the queue from version n to n + 1 (a function of an
`agent.database.Connection`, so one step serves both dialects); they run when the store opens.
In SQLite the version is `PRAGMA user_version`, and the file is backed up into `<home>/backups`
before a migration (`agent.dbhealth.backup_database`); a damaged file raises
`agent.dbhealth.BrokenStateError` (one line: the file, the problem, what to do).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agent.database import SQLITE, Connection, Database

MAX_ID = 2**63 - 1  # the largest SQLite rowid
STATUSES = ("pending", "approved", "merged", "rejected", "changes_requested", "superseded")
SCHEMA = """
CREATE TABLE IF NOT EXISTS candidates (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    name TEXT NOT NULL,
    domain TEXT NOT NULL,
    description TEXT NOT NULL,
    spec_path TEXT NOT NULL,
    spec_text TEXT NOT NULL,
    spec_hash TEXT NOT NULL,
    code TEXT NOT NULL,
    report TEXT NOT NULL,
    rounds INTEGER NOT NULL,
    model TEXT,
    prompt_version TEXT,
    novelty TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'pending',
    reviewer TEXT,
    notes TEXT,
    commit_sha TEXT,
    created_at TEXT NOT NULL,
    decided_at TEXT,
    UNIQUE (thread_id, attempt)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates(id),
    action TEXT NOT NULL,
    reviewer TEXT,
    notes TEXT,
    created_at TEXT NOT NULL
);
"""
QUEUE_TABLES = frozenset({"candidates", "events"})


COMPONENT = "queue"  # its name among the database's schema versions (agent.database)


def create_schema(db: Connection) -> None:
    """Version 1: the queue's tables."""
    db.script(SCHEMA)


def add_import_columns(db: Connection) -> None:
    """Version 2: candidates imported from a library (`campforge audit --queue`) carry their
    provenance (library, version or commit, module, class: JSON) and the companion files their
    code imports (relative path -> text, JSON); both stay NULL for a drafted candidate."""
    db.execute("ALTER TABLE candidates ADD COLUMN provenance TEXT")
    db.execute("ALTER TABLE candidates ADD COLUMN companion TEXT")


# MIGRATIONS[n] takes the schema from version n to n + 1 (inside one transaction).
MIGRATIONS: list[Callable[[Connection], None]] = [create_schema, add_import_columns]
SCHEMA_VERSION = len(MIGRATIONS)


def create_newest(db: sqlite3.Connection) -> None:
    """The newest schema in an empty SQLite database, stamped with its version (the doctor's
    fresh file for the rows it salvages)."""
    connection = Connection(db, SQLITE)
    for step in MIGRATIONS:
        step(connection)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


class Candidate(BaseModel):
    """A candidate in the queue."""

    id: int
    run_id: str
    thread_id: str
    attempt: int
    name: str
    domain: str
    description: str
    spec_path: str
    spec_text: str
    spec_hash: str
    code: str
    report: dict[str, Any]
    rounds: int
    model: str | None
    prompt_version: str | None
    novelty: dict[str, Any]
    status: str
    reviewer: str | None
    notes: str | None
    commit_sha: str | None
    created_at: str
    decided_at: str | None
    provenance: dict[str, Any] | None = None  # imported from a library: where from
    companion: dict[str, str] | None = None  # files beside the code: `<module stem>.d/<path>`

    @property
    def imported(self) -> bool:
        """Imported from a library by `campforge audit --queue`, not drafted from a spec."""
        return self.provenance is not None

    @property
    def unmerged(self) -> bool:
        """Approved, but not in the catalog: its merge failed or was interrupted."""
        return self.status == "approved" and not self.commit_sha


def unmerged_hint(candidate_id: int) -> str:
    return f"approved but not merged: run `campforge review merge {candidate_id}`"


class Event(BaseModel):
    id: int
    candidate_id: int
    action: str
    reviewer: str | None
    notes: str | None
    created_at: str


class UnknownCandidate(LookupError):
    pass


class AlreadyDecided(ValueError):
    """The candidate is no longer pending: another reviewer (or an earlier decision) got there."""

    def __init__(self, candidate_id: int, status: str, reviewer: str | None, at: str | None):
        self.candidate_id, self.status, self.reviewer = candidate_id, status, reviewer
        who = f" by {reviewer}" if reviewer else ""
        when = f" at {at}" if at else ""
        super().__init__(
            f"candidate #{candidate_id} is already {status}{who}{when}: nothing to decide "
            "(`campforge review show` has its history)"
        )


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


DECISION_STATUS = {"approve": "approved", "reject": "rejected", "changes": "changes_requested"}


class QueueStore:
    """The queue in the workspace's database: a SQLite file (WAL mode) or a PostgreSQL URL; safe
    across threads and processes, and across reviewers on one Postgres database."""

    def __init__(self, location: Path | str | Database):
        self.database = location if isinstance(location, Database) else Database.open(location)
        self.path: Path | None = getattr(self.database, "path", None)  # a SQLite file's
        try:
            self.database.migrate(COMPONENT, MIGRATIONS, tables=QUEUE_TABLES)
        except BaseException:
            self.close()
            raise

    @property
    def identity(self) -> str:
        """Which queue this is, the same from every process: the file's absolute path, or the
        database's URL without its password."""
        return str(self.path.resolve()) if self.path is not None else self.database.shown

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection (this thread's, in SQLite); a damaged file raises BrokenStateError."""
        with self.database.connection() as db:
            yield db

    def close(self) -> None:
        """Close this thread's connection (SQLite) or the pool (Postgres); used again, the store
        opens another."""
        self.database.close()

    def add(self, **fields: Any) -> int:
        """Queue a candidate; the same (thread, attempt) queued again returns the same id."""
        fields = {**fields, "report": json.dumps(fields["report"]), "created_at": now()}
        fields["novelty"] = json.dumps(fields.get("novelty") or {})
        for key in ("provenance", "companion"):
            if fields.get(key) is not None:
                fields[key] = json.dumps(fields[key])
        columns = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        with self.connection() as db:
            db.execute(
                f"INSERT INTO candidates ({columns}) VALUES ({marks}) "
                "ON CONFLICT (thread_id, attempt) DO NOTHING",
                list(fields.values()),
            )
            row = db.execute(
                "SELECT id FROM candidates WHERE thread_id = ? AND attempt = ?",
                (fields["thread_id"], fields["attempt"]),
            ).fetchone()
            db.execute(
                "UPDATE candidates SET status = 'superseded' WHERE thread_id = ? AND attempt < ? "
                "AND status = 'changes_requested'",
                (fields["thread_id"], fields["attempt"]),
            )
        assert row is not None
        return int(row["id"])

    def get(self, candidate_id: int) -> Candidate:
        if not 1 <= candidate_id <= MAX_ID:  # ids are 64-bit integers: no such row
            raise UnknownCandidate(f"no candidate #{candidate_id} in the queue")
        with self.connection() as db:
            row = db.execute("SELECT * FROM candidates WHERE id = ?", (candidate_id,)).fetchone()
        if row is None:
            raise UnknownCandidate(f"no candidate #{candidate_id} in the queue")
        return _candidate(row)

    def list(self, status: str | None = None, domain: str | None = None) -> list[Candidate]:
        query, args = "SELECT * FROM candidates WHERE 1=1", []
        if status:
            query += " AND status = ?"
            args.append(status)
        if domain:
            query += " AND domain = ?"
            args.append(domain)
        with self.connection() as db:
            rows = db.execute(query + " ORDER BY id", args).fetchall()
        return [_candidate(row) for row in rows]

    def counts(self) -> dict[str, int]:
        with self.connection() as db:
            rows = db.execute(
                "SELECT status, COUNT(*) AS n FROM candidates GROUP BY status"
            ).fetchall()
        return {row["status"]: int(row["n"]) for row in rows}

    def decide(
        self, candidate_id: int, action: str, *, reviewer: str | None, notes: str | None = None
    ) -> Candidate:
        """Record a decision as an event and move the candidate to its status.

        Only a pending candidate is decided, and the check is the update itself (`... WHERE
        status = 'pending'`): of two reviewers deciding at once, the second finds the row
        already decided (Postgres re-reads a row another transaction just changed; SQLite lets
        one writer in at a time) and gets AlreadyDecided, naming who decided."""
        if action not in DECISION_STATUS:
            raise ValueError(f"unknown decision {action!r}: approve, reject or changes")
        if not 1 <= candidate_id <= MAX_ID:
            raise UnknownCandidate(f"no candidate #{candidate_id} in the queue")
        stamp = now()
        with self.connection() as db, db.transaction():
            changed = db.execute(
                "UPDATE candidates SET status = ?, reviewer = ?, notes = ?, decided_at = ? "
                "WHERE id = ? AND status = 'pending'",
                (DECISION_STATUS[action], reviewer, notes, stamp, candidate_id),
            ).rowcount
            if changed != 1:
                raise self._not_pending(db, candidate_id)
            db.execute(
                "INSERT INTO events (candidate_id, action, reviewer, notes, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (candidate_id, action, reviewer, notes, stamp),
            )
        return self.get(candidate_id)

    @staticmethod
    def _not_pending(db: Connection, candidate_id: int) -> Exception:
        row = db.execute(
            "SELECT status, reviewer, decided_at FROM candidates WHERE id = ?", (candidate_id,)
        ).fetchone()
        if row is None:
            return UnknownCandidate(f"no candidate #{candidate_id} in the queue")
        return AlreadyDecided(candidate_id, row["status"], row["reviewer"], row["decided_at"])

    def mark(
        self, candidate_id: int, status: str, *, commit_sha: str | None = None, note: str = ""
    ) -> None:
        """Set a status reached outside a decision (e.g. merged), as an event too."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self.connection() as db, db.transaction():
            db.execute(
                "UPDATE candidates SET status = ?, commit_sha = COALESCE(?, commit_sha) "
                "WHERE id = ?",
                (status, commit_sha, candidate_id),
            )
            db.execute(
                "INSERT INTO events (candidate_id, action, reviewer, notes, created_at) "
                "VALUES (?, ?, NULL, ?, ?)",
                (candidate_id, status, note or None, now()),
            )

    def set_novelty(self, candidate_id: int, novelty: dict[str, Any]) -> None:
        """Replace a candidate's novelty record (the LLM judge adds its verdicts after queueing)."""
        with self.connection() as db:
            db.execute(
                "UPDATE candidates SET novelty = ? WHERE id = ?",
                (json.dumps(novelty), candidate_id),
            )

    def events(self, candidate_id: int) -> list[Event]:
        with self.connection() as db:
            rows = db.execute(
                "SELECT * FROM events WHERE candidate_id = ? ORDER BY id", (candidate_id,)
            ).fetchall()
        return [Event(**row) for row in rows]


def _candidate(row: dict[str, Any]) -> Candidate:
    data = dict(row)
    data["report"] = json.loads(data["report"])
    data["novelty"] = json.loads(data["novelty"] or "{}")
    for key in ("provenance", "companion"):
        data[key] = json.loads(data[key]) if data.get(key) else None
    return Candidate(**data)
