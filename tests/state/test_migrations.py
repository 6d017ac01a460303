"""The queue's schema version (PRAGMA user_version) and the backup taken before every migration.

Migrations are injected by the tests, after today's (`CURRENT`, version 2: version 1 is the
queue's tables, version 2 adds the columns of imported candidates); each is checked to run only
once a whole backup of the queue is in `<home>/backups`. The one real migration (1 -> 2) is
checked on a queue written at version 1.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

import review.store
from agent.cli import app
from agent.dbhealth import KEEP_BACKUPS, BrokenStateError, backups
from review.store import SCHEMA, QueueStore
from tests.state.support import PASSING_REPORT


def queue_one(store: QueueStore, name: str) -> int:
    return store.add(
        run_id="run-m",
        thread_id=f"run-m/{name}",
        attempt=0,
        name=name,
        domain="algorithms",
        description="d",
        spec_path=f"{name}.md",
        spec_text="spec",
        spec_hash="0" * 64,
        code="code",
        report=PASSING_REPORT,
        rounds=0,
        model=None,
        prompt_version=None,
    )


def version_of(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def names_in(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        return [row[0] for row in db.execute("SELECT name FROM candidates ORDER BY id")]


CURRENT = 2  # the schema version of this campforge


def columns_of(path: Path, table: str = "candidates") -> set[str]:
    with closing(sqlite3.connect(path)) as db:
        return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def inject(monkeypatch: pytest.MonkeyPatch, *steps) -> None:
    """Add migrations after today's; the schema version follows."""
    migrations = [*review.store.MIGRATIONS, *steps]
    monkeypatch.setattr(review.store, "MIGRATIONS", migrations)
    monkeypatch.setattr(review.store, "SCHEMA_VERSION", len(migrations))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    directory = tmp_path / "home"
    directory.mkdir(mode=0o700)
    return directory


def test_a_new_queue_is_at_the_current_version_with_no_backup(home: Path) -> None:
    QueueStore(home / "campforge.db").close()

    assert version_of(home / "campforge.db") == review.store.SCHEMA_VERSION == CURRENT
    assert backups(home) == []


def test_a_queue_from_before_versions_is_backed_up_then_stamped(home: Path) -> None:
    database = home / "campforge.db"
    with closing(sqlite3.connect(database)) as db:  # what campforge wrote before user_version
        db.executescript(SCHEMA)
        db.execute(
            "INSERT INTO candidates (run_id, thread_id, attempt, name, domain, description, "
            "spec_path, spec_text, spec_hash, code, report, rounds, created_at) VALUES "
            "('r', 'r/old', 0, 'old', 'd', 'd', 'p', 's', 'h', 'c', ?, 0, 'then')",
            (json.dumps(PASSING_REPORT),),
        )
        db.commit()

    store = QueueStore(database)

    assert version_of(database) == CURRENT and [c.name for c in store.list()] == ["old"]
    (backup,) = backups(home)
    assert backup.name.startswith("campforge-0-")
    assert version_of(backup) == 0 and names_in(backup) == ["old"]


def test_a_migration_runs_only_after_the_queue_is_backed_up(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = home / "campforge.db"
    store = QueueStore(database)
    queue_one(store, "before")
    store.close()
    seen: list[Path] = []

    def add_priority(db: sqlite3.Connection) -> None:
        (backup,) = backups(home)  # already written, whole, at the old version
        assert version_of(backup) == CURRENT and names_in(backup) == ["before"]
        assert "priority" not in columns_of(backup)
        seen.append(backup)
        db.execute("ALTER TABLE candidates ADD COLUMN priority INTEGER NOT NULL DEFAULT 0")

    inject(monkeypatch, add_priority)
    migrated = QueueStore(database)

    assert seen and seen[0].name.startswith(f"campforge-{CURRENT}-")
    assert version_of(database) == CURRENT + 1 and "priority" in columns_of(database)
    assert [c.name for c in migrated.list()] == ["before"]
    migrated.close()
    QueueStore(database).close()  # at the current version: no second migration, no backup
    assert len(backups(home)) == 1


def test_a_failed_migration_changes_nothing_and_keeps_the_backup(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = home / "campforge.db"
    store = QueueStore(database)
    queue_one(store, "kept")
    store.close()

    def half_done(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE candidates ADD COLUMN priority INTEGER")
        raise RuntimeError("the migration crashed halfway")

    inject(monkeypatch, half_done)
    with pytest.raises(RuntimeError, match="halfway"):
        QueueStore(database)

    assert version_of(database) == CURRENT and "priority" not in columns_of(database)
    assert names_in(database) == ["kept"] and len(backups(home)) == 1


def test_only_the_newest_backups_are_kept(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = home / "campforge.db"
    QueueStore(database).close()
    for number in range(KEEP_BACKUPS + 2):

        def add_column(db: sqlite3.Connection, number: int = number) -> None:
            db.execute(f"ALTER TABLE events ADD COLUMN extra_{number} TEXT")

        inject(monkeypatch, add_column)
        QueueStore(database).close()

    kept = backups(home)
    assert len(kept) == KEEP_BACKUPS
    # the newest first: taken at versions CURRENT + 6 ... CURRENT + 2 (the two oldest, at
    # CURRENT and CURRENT + 1, are gone)
    versions = [int(path.name.split("-")[1]) for path in kept]
    assert versions == list(range(CURRENT + KEEP_BACKUPS + 1, CURRENT + 1, -1))


def test_a_queue_from_a_newer_campforge_is_refused_in_one_line(home: Path) -> None:
    database = home / "campforge.db"
    QueueStore(database).close()
    with closing(sqlite3.connect(database)) as db:
        db.execute("PRAGMA user_version = 9")

    with pytest.raises(BrokenStateError, match="schema version 9 is newer"):
        QueueStore(database)
    result = CliRunner().invoke(app, ["review", "list", "--home", str(home)])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert str(database) in line and "upgrade campforge" in line
    assert version_of(database) == 9 and backups(home) == []


def test_a_version_1_queue_gains_the_columns_of_imported_candidates(home: Path) -> None:
    database = home / "campforge.db"
    with closing(sqlite3.connect(database)) as db:  # what campforge wrote at version 1
        db.executescript(SCHEMA)
        db.execute(
            "INSERT INTO candidates (run_id, thread_id, attempt, name, domain, description, "
            "spec_path, spec_text, spec_hash, code, report, rounds, created_at) VALUES "
            "('r', 'r/old', 0, 'old', 'd', 'd', 'p', 's', 'h', 'c', ?, 0, 'then')",
            (json.dumps(PASSING_REPORT),),
        )
        db.execute("PRAGMA user_version = 1")
        db.commit()

    store = QueueStore(database)

    assert version_of(database) == CURRENT
    assert {"provenance", "companion"} <= columns_of(database)
    (old,) = store.list()
    assert old.name == "old" and old.provenance is None and old.companion is None
    assert not old.imported
    (backup,) = backups(home)
    assert backup.name.startswith("campforge-1-") and "provenance" not in columns_of(backup)
