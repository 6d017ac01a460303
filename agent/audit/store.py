"""Audit results in the workspace's database, so an audit resumes.

One table, `audit_results`: a row per (source, bootcamp) with the fingerprint of what was
audited (the module's source, the audit's version and settings) and the row as JSON. An audit
skips every bootcamp whose stored fingerprint matches, so after a kill it goes on where it
stopped, and a changed module (or a newer audit) is audited again.

The table lives in the workspace's database (`agent.database`: `.campforge/campforge.db`, or the
PostgreSQL database of `CAMPFORGE_DATABASE_URL`), with its own numbered schema (`MIGRATIONS`,
component "audit"), applied when the store opens. A damaged SQLite file raises
`BrokenStateError`, which the CLI prints as one line; `campforge doctor --repair` carries the
table over with the other readable rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.database import Connection, Database
from review.store import QueueStore

COMPONENT = "audit"
SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_results (
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    verdict TEXT NOT NULL,
    row TEXT NOT NULL,
    audited_at TEXT NOT NULL,
    PRIMARY KEY (source, name)
)
"""
TABLES = frozenset({"audit_results"})


def create_schema(db: Connection) -> None:
    """Version 1: the results table (already there in databases from before versions)."""
    db.script(SCHEMA)


# MIGRATIONS[n] takes the schema from version n to n + 1 (inside one transaction).
MIGRATIONS: list[Callable[[Connection], None]] = [create_schema]


class AuditStore:
    """The audit results of one workspace database. Used from one thread (the audit's parent)."""

    def __init__(self, database: Path | str | Database):
        self.database = database if isinstance(database, Database) else Database.open(database)
        self._queue: QueueStore | None = None
        try:
            self.database.migrate(COMPONENT, MIGRATIONS, tables=TABLES)
        except BaseException:
            self.close()
            raise

    @property
    def queue(self) -> QueueStore:
        """The review queue in the same database (opened, and migrated, when first asked for)."""
        if self._queue is None:
            self._queue = QueueStore(self.database)
        return self._queue

    def close(self) -> None:
        self.database.close()

    def done(self, source: str, fingerprints: dict[str, str]) -> dict[str, dict[str, Any]]:
        """The stored rows of `source` whose fingerprint is still the one given, by name."""
        with self.database.connection() as db:
            rows = db.execute(
                "SELECT name, fingerprint, row FROM audit_results WHERE source = ?", (source,)
            ).fetchall()
        return {
            row["name"]: json.loads(row["row"])
            for row in rows
            if fingerprints.get(row["name"]) == row["fingerprint"]
        }

    def save(self, source: str, name: str, fingerprint: str, row: dict[str, Any]) -> None:
        """Keep one bootcamp's result (replacing an older one)."""
        with self.database.connection() as db:
            db.execute(
                "INSERT INTO audit_results (source, name, fingerprint, verdict, row, audited_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, name) DO UPDATE SET "
                "fingerprint = excluded.fingerprint, verdict = excluded.verdict, "
                "row = excluded.row, audited_at = excluded.audited_at",
                (source, name, fingerprint, row["verdict"], json.dumps(row), _now()),
            )

    def rows(self, source: str, names: Iterable[str]) -> list[dict[str, Any]]:
        wanted = set(names)
        with self.database.connection() as db:
            found = db.execute(
                "SELECT name, row FROM audit_results WHERE source = ? ORDER BY name", (source,)
            ).fetchall()
        return [json.loads(row["row"]) for row in found if row["name"] in wanted]


# A row without its report, and the (id, passed, applicable) of each check of the report: what
# a listing needs, taken out by SQLite so that a listing does not parse every report.
BRIEF = """
SELECT rowid AS id, source, name, verdict, audited_at, json_remove(row, '$.report') AS brief,
       (SELECT json_group_array(json_array(json_extract(value, '$.id'),
                                           json_extract(value, '$.passed'),
                                           json_extract(value, '$.applicable')))
        FROM json_each(row, '$.report.checks')) AS states
FROM audit_results
"""


def check_states(states: str | None) -> dict[str, str]:
    """Check id -> "pass", "fail" or "n/a", from the listing's `states` column."""
    found: dict[str, str] = {}
    for check_id, passed, applicable in json.loads(states or "[]"):
        if applicable is not None and not applicable:
            found[str(check_id)] = "n/a"
        else:
            found[str(check_id)] = "pass" if passed else "fail"
    return found


class AuditListing(AuditStore):
    """The stored rows for people to browse (the review web UI's audit page): every row in
    brief with its checks' states, and one row whole, by its id (its SQLite rowid, which an
    audit that replaces the row keeps)."""

    def brief_rows(self) -> list[dict[str, Any]]:
        """Every stored row without its report, with `id`, `audited_at` and `states`."""
        with self.queue.connection() as db:
            found = db.execute(BRIEF + " ORDER BY source, name").fetchall()
        return [
            {
                **json.loads(row["brief"]),
                "id": row["id"],
                "audited_at": row["audited_at"],
                "states": check_states(row["states"]),
            }
            for row in found
        ]

    def whole_row(self, row_id: int) -> dict[str, Any] | None:
        """One stored row with its report, or None."""
        with self.queue.connection() as db:
            found = db.execute(
                "SELECT rowid AS id, row, audited_at FROM audit_results WHERE rowid = ?",
                (row_id,),
            ).fetchone()
        if found is None:
            return None
        return {**json.loads(found["row"]), "id": found["id"], "audited_at": found["audited_at"]}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")
