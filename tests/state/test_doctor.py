"""`campforge doctor`: checks a real workspace, reports damage (exit 1) without touching it, and
with --repair moves damaged files aside (never deleting them), restores the queue's newest good
backup or recovers what rows it can, after which the commands work again."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

import review.store
from agent.cli import app
from agent.dbhealth import backups
from review.store import SCHEMA_VERSION, QueueStore
from tests.review.support import make_catalog
from tests.state.support import (
    DAMAGES,
    DRAFTED,
    QUEUED,
    candidate_ids,
    copy_workspace,
    overwrite_header,
    run_campforge,
    truncate_to_half,
)

ALL = len(DRAFTED) + QUEUED


@pytest.fixture
def home(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CAMPFORGE_HOME", raising=False)
    monkeypatch.delenv("CAMPFORGE_CHECKPOINTS", raising=False)
    return copy_workspace(template, tmp_path / "home")


def rows(database: Path) -> dict[int, tuple]:
    """Every candidate row, whole, by id."""
    with closing(sqlite3.connect(database)) as db:
        return {row[0]: tuple(row) for row in db.execute("SELECT * FROM candidates")}


def doctor(home: Path, *flags: str):
    return CliRunner().invoke(app, ["doctor", "--home", str(home), *flags])


def aside_files(home: Path, name: str) -> list[Path]:
    return sorted(home.glob(f"{name}.broken-*"))


def test_a_healthy_workspace_is_exit_0(home: Path) -> None:
    result = doctor(home)

    assert result.exit_code == 0, result.output
    assert f"ok: {home} (private)" in result.stdout
    queue = f"ok: {home / 'campforge.db'} (schema version {SCHEMA_VERSION}, {ALL} candidate(s))"
    assert queue in result.stdout
    assert f"ok: {home / 'checkpoints.db'} (2 graph thread(s))" in result.stdout


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_damage_is_reported_with_exit_1_and_left_alone(home: Path, damage: str) -> None:
    database = home / "campforge.db"
    DAMAGES[damage](database)
    before = database.read_bytes()

    result = doctor(home)

    assert result.exit_code == 1
    assert f"problem: {database}: " in result.stdout
    assert f"campforge doctor --home {home} --repair" in result.stdout
    assert database.read_bytes() == before and aside_files(home, "campforge.db") == []


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_repair_without_a_backup_keeps_the_damaged_file_and_recovers_the_readable_rows(
    template: Path, home: Path, damage: str
) -> None:
    database = home / "campforge.db"
    DAMAGES[damage](database)
    damaged = database.read_bytes()

    result = doctor(home, "--repair")

    assert result.exit_code == 0, result.output
    (aside,) = aside_files(home, "campforge.db")
    assert aside.read_bytes() == damaged  # moved aside, not deleted or changed
    assert f"the damaged file is kept as {aside}" in result.stdout
    recovered = candidate_ids(database)
    if damage == "truncated":  # the first pages survive: the first candidates with them
        assert recovered and set(recovered) < set(range(1, ALL + 1))
        assert f"{len(recovered)} row(s) of candidates" in result.stdout
        original = rows(template / "campforge.db")
        assert rows(database) == {i: original[i] for i in recovered}  # whole rows, unchanged
    else:
        assert recovered == [] and "nothing could be read from it" in result.stdout
    queue = f"ok: {database} (schema version {SCHEMA_VERSION}, {len(recovered)} candidate(s))"
    assert queue in result.stdout
    listed = CliRunner().invoke(app, ["review", "list", "--home", str(home)])
    assert listed.exit_code == 0 and f"{len(recovered)} candidate(s)" in listed.stdout
    assert doctor(home).exit_code == 0


def add_a_column(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE candidates ADD COLUMN priority INTEGER NOT NULL DEFAULT 0")


def test_repair_restores_the_newest_good_backup_taken_before_a_migration(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = home / "campforge.db"
    migrations = [*review.store.MIGRATIONS, add_a_column]
    monkeypatch.setattr(review.store, "MIGRATIONS", migrations)
    monkeypatch.setattr(review.store, "SCHEMA_VERSION", len(migrations))
    store = QueueStore(database)  # migrates one version up, after a backup
    (backup,) = backups(home)
    store.decide(4, "reject", reviewer="ada", notes="after the backup")  # not in the backup
    store.close()
    truncate_to_half(database)

    result = doctor(home, "--repair")

    assert result.exit_code == 0, result.output
    assert f"restored {database} from the backup {backup.name}" in result.stdout
    assert "is not in it" in result.stdout and aside_files(home, "campforge.db")
    assert candidate_ids(database) == list(range(1, ALL + 1))
    restored = QueueStore(database)  # migrates the restored copy again (backing it up first)
    assert restored.get(4).status == "pending" and len(backups(home)) == 2
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_a_damaged_backup_is_passed_over_for_an_older_good_one(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = home / "campforge.db"
    migrations = [*review.store.MIGRATIONS]
    for step in range(2):
        migrations = [*migrations, lambda db, n=step: db.execute(f"CREATE TABLE t{n} (x)")]
        monkeypatch.setattr(review.store, "MIGRATIONS", migrations)
        monkeypatch.setattr(review.store, "SCHEMA_VERSION", len(migrations))
        QueueStore(database).close()
    newest, older = backups(home)
    overwrite_header(newest)
    overwrite_header(database)

    result = doctor(home, "--repair")

    assert result.exit_code == 0, result.output
    assert f"from the backup {older.name}" in result.stdout
    assert candidate_ids(database) == list(range(1, ALL + 1))


def test_repair_of_a_truncated_checkpoints_file_lets_approve_say_what_is_lost(
    home: Path, tmp_path: Path
) -> None:
    checkpoints = home / "checkpoints.db"
    truncate_to_half(checkpoints)
    damaged = checkpoints.read_bytes()

    result = doctor(home, "--repair")

    assert result.exit_code == 0, result.output
    (aside,) = aside_files(home, "checkpoints.db")
    assert aside.read_bytes() == damaged
    assert "row(s) of checkpoints" in result.stdout and "draft its spec again" in result.stdout
    assert f"ok: {checkpoints}" in result.stdout
    _, catalog = make_catalog(tmp_path / "catalog-repo")
    approved = run_campforge(
        "review", "approve", "1", "--reviewer", "ada", "--home", str(home),
        env={**os.environ, "CAMPFORGE_CATALOG": str(catalog)},
    )  # fmt: skip
    assert approved.returncode == 2 and "Traceback" not in approved.stderr
    assert "is not waiting for review" in approved.stderr or "has no checkpoint" in approved.stderr
    assert QueueStore(home / "campforge.db").get(1).status == "pending"


def test_doctor_needs_a_campforge_workspace_and_creates_none(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    result = doctor(missing)
    assert result.exit_code == 2 and f"no campforge workspace at {missing}" in result.stderr
    assert not missing.exists()

    other = tmp_path / "other"
    other.mkdir()
    (other / "file.txt").write_text("x")
    result = doctor(other, "--repair")
    assert result.exit_code == 2 and "is not a campforge workspace" in result.stderr
    assert [p.name for p in other.iterdir()] == ["file.txt"]


def test_a_queue_from_a_newer_campforge_is_reported_but_never_repaired(home: Path) -> None:
    database = home / "campforge.db"
    with closing(sqlite3.connect(database)) as db:
        db.execute("PRAGMA user_version = 9")
    before = database.read_bytes()

    result = doctor(home, "--repair")

    assert result.exit_code == 1
    newer = f"schema version 9 is newer than this campforge knows ({SCHEMA_VERSION})"
    assert f"{newer}: upgrade campforge" in result.stdout
    assert database.read_bytes() == before and aside_files(home, "campforge.db") == []
