"""The review queue: candidates waiting for a human, their decisions, and an audit trail.

A candidate is the best passing draft of one spec in one run (its graph thread). Every decision
(approve, reject, request changes) is kept as an event, with who made it and when; a candidate's
`status` is derived from its last decision (pending -> approved/merged, rejected, changes).

The schema's version is kept in `PRAGMA user_version`; `MIGRATIONS[n]` takes a database from
version n to n + 1. Before migrating a database that holds tables, the store backs it up into
`<home>/backups` (`agent.dbhealth.backup_database`). A damaged file raises
`agent.dbhealth.BrokenStateError` (one line: the file, the problem, what to do).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agent.dbhealth import (
    BrokenStateError,
    backup_database,
    damaged,
    ensure_sound,
    is_corruption,
    table_names,
    user_version,
)

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


def create_schema(db: sqlite3.Connection) -> None:
    """Version 1: the queue's tables."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)


def add_import_columns(db: sqlite3.Connection) -> None:
    """Version 2: candidates imported from a library (`campforge audit --queue`) carry their
    provenance (library, version or commit, module, class: JSON) and the companion files their
    code imports (relative path -> text, JSON); both stay NULL for a drafted candidate."""
    db.execute("ALTER TABLE candidates ADD COLUMN provenance TEXT")
    db.execute("ALTER TABLE candidates ADD COLUMN companion TEXT")


# MIGRATIONS[n] takes the schema from version n to n + 1 (inside one transaction).
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [create_schema, add_import_columns]
SCHEMA_VERSION = len(MIGRATIONS)


def create_newest(db: sqlite3.Connection) -> None:
    """The newest schema in an empty database, stamped with its version."""
    for step in MIGRATIONS:
        step(db)
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


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class QueueStore:
    """The queue in SQLite (WAL mode, safe across threads and processes)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        if not self.path.exists():
            _create_database(self.path)
        elif self.path.stat().st_size == 0:  # campforge never leaves it empty: it was truncated
            raise BrokenStateError(self.path, "it is empty (0 bytes): it was truncated")
        try:
            with self.connection() as db:
                ensure_sound(db, self.path)
                _migrate(db, self.path)
        except BaseException:
            self.close()
            raise

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection; a damaged file raises BrokenStateError, naming it."""
        try:
            db = getattr(self._local, "db", None)
            if db is None:
                db = _connect(self.path)
                self._local.db = db
            yield db
        except sqlite3.DatabaseError as error:
            if is_corruption(error):
                raise damaged(self.path, error) from None
            raise

    def close(self) -> None:
        """Close this thread's connection (the next use opens another)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            self._local.db = None
            db.close()

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
        return int(row["id"])

    def get(self, candidate_id: int) -> Candidate:
        if not 1 <= candidate_id <= MAX_ID:  # SQLite's integers are 64-bit: no such row
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
            rows = db.execute("SELECT status, COUNT(*) FROM candidates GROUP BY status").fetchall()
        return {row[0]: row[1] for row in rows}

    def decide(
        self, candidate_id: int, action: str, *, reviewer: str | None, notes: str | None = None
    ) -> Candidate:
        """Record a decision as an event and move the candidate to its status."""
        status = {"approve": "approved", "reject": "rejected", "changes": "changes_requested"}
        if action not in status:
            raise ValueError(f"unknown decision {action!r}: approve, reject or changes")
        stamp = now()
        with self.connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute(
                    "SELECT status FROM candidates WHERE id = ?", (candidate_id,)
                ).fetchone()
                if row is None:
                    raise UnknownCandidate(f"no candidate #{candidate_id} in the queue")
                if row["status"] != "pending":
                    raise ValueError(
                        f"candidate #{candidate_id} is already {row['status']}: nothing to decide"
                    )
                db.execute(
                    "UPDATE candidates SET status = ?, reviewer = ?, notes = ?, decided_at = ? "
                    "WHERE id = ?",
                    (status[action], reviewer, notes, stamp, candidate_id),
                )
                db.execute(
                    "INSERT INTO events (candidate_id, action, reviewer, notes, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (candidate_id, action, reviewer, notes, stamp),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return self.get(candidate_id)

    def mark(
        self, candidate_id: int, status: str, *, commit_sha: str | None = None, note: str = ""
    ) -> None:
        """Set a status reached outside a decision (e.g. merged), as an event too."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self.connection() as db:
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
        return [Event(**dict(row)) for row in rows]


def _candidate(row: sqlite3.Row) -> Candidate:
    data = dict(row)
    data["report"] = json.loads(data["report"])
    data["novelty"] = json.loads(data["novelty"] or "{}")
    for key in ("provenance", "companion"):
        data[key] = json.loads(data[key]) if data.get(key) else None
    return Candidate(**data)


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA busy_timeout=30000")
    return db


def _create_database(path: Path) -> None:
    """Make a new queue at `path`, whole or not at all: built aside, then linked into place.

    So campforge never leaves an empty campforge.db behind (an empty one was truncated), and two
    processes creating it at once end with one of their files."""
    partial = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.new")
    try:
        with contextlib.closing(_connect(partial)) as db:
            db.execute("BEGIN IMMEDIATE")
            create_newest(db)
            db.execute("COMMIT")
        try:
            os.link(partial, path)  # fails if another process made it first: theirs is kept
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the schema to SCHEMA_VERSION, backing the database up first if it holds tables."""
    version = user_version(db)
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise BrokenStateError(
            path,
            f"its schema version {version} is newer than this campforge knows ({SCHEMA_VERSION})",
            "upgrade campforge (the file is left as it is)",
        )
    tables = table_names(db)
    if tables:
        backup_database(db, path, version)
    # Version 0 with the queue's tables: the schema before versions existed, i.e. version 1.
    first = 1 if version == 0 and tables >= QUEUE_TABLES else version
    db.execute("BEGIN IMMEDIATE")
    try:
        if user_version(db) == version:  # not migrated meanwhile by another process
            for step in MIGRATIONS[first:]:
                step(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
