"""Health of campforge's SQLite files: spotting damage, backups, and `campforge doctor`.

Every place that opens `campforge.db` (the review queue, `review.store.QueueStore`) or a SQLite
`checkpoints.db` (`agent.checkpoints.open_store`) checks the file first and raises
`BrokenStateError` when it is damaged; the CLI prints that as one line and exits 2.

Before the queue's schema changes, `backup_database` copies it (sqlite3's online backup API) into
`<home>/backups/campforge-<version>-<timestamp>.db`; the newest few are kept.

`campforge doctor` checks both files (`PRAGMA integrity_check`, the queue's tables, its schema
version) and the workspace's mode; with `--repair` it moves a damaged file aside (never deletes
it), then restores the queue's newest good backup or, when there is none, starts a fresh file
holding the rows it could still read from the damaged one.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

CORRUPTION_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
QUEUE_NAME = "campforge.db"
BACKUPS = "backups"
KEEP_BACKUPS = 5
BACKUP_NAME = re.compile(r"^campforge-(\d+)-(\d{8}T\d{12}Z)\.db$")
SIDE_FILES = ("-wal", "-shm")  # SQLite's write-ahead log and its index travel with the file


class BrokenStateError(ValueError):
    """A state file campforge cannot use as it is: which file, what is wrong, what to do."""

    def __init__(self, path: Path | str, problem: str, remedy: str | None = None):
        self.path = Path(path)
        self.problem = problem
        self.remedy = remedy or doctor_remedy(self.path)
        super().__init__(f"{self.path}: {problem}; {self.remedy}")


def doctor_remedy(path: Path) -> str:
    """What to do about a damaged file: the doctor command that repairs it."""
    if path.name == QUEUE_NAME:
        return (
            f"run `campforge doctor --home {path.parent} --repair` to move it aside and restore "
            f"its newest good backup (from {path.parent / BACKUPS}) or, without one, recover the "
            "rows that can still be read"
        )
    where = f"--home {path.parent}" if path.name == "checkpoints.db" else f"--checkpoints {path}"
    return (
        f"run `campforge doctor {where} --repair` to move it aside and start a fresh one with the "
        "rows that can still be read"
    )


def is_corruption(error: BaseException) -> bool:
    """Whether a sqlite3 error says the file is damaged (malformed, or not a database at all)."""
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(error, sqlite3.DatabaseError) or code is None:
        return False
    return (code & 0xFF) in CORRUPTION_CODES


def damaged(path: Path, error: sqlite3.Error) -> BrokenStateError:
    return BrokenStateError(path, f"the database is damaged ({error})")


def quick_check(db: sqlite3.Connection) -> str | None:
    """None when SQLite finds the open database sound, else the first problem it reports."""
    return _check(db, "quick_check")


def integrity_check(db: sqlite3.Connection) -> str | None:
    """Like `quick_check`, and also checks that indexes match their tables (slower)."""
    return _check(db, "integrity_check")


def _check(db: sqlite3.Connection, pragma: str) -> str | None:
    try:
        rows = [row[0] for row in db.execute(f"PRAGMA {pragma}").fetchall()]
    except sqlite3.DatabaseError as error:
        return str(error)
    return None if rows == ["ok"] else "; ".join(str(row) for row in rows[:3])


def ensure_sound(db: sqlite3.Connection, path: Path) -> None:
    """Raise BrokenStateError unless SQLite finds the database at `path` sound."""
    problem = quick_check(db)
    if problem is not None:
        raise BrokenStateError(path, f"the database is damaged ({problem})")


def table_names(db: sqlite3.Connection) -> set[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {row[0] for row in rows if not row[0].startswith("sqlite_")}


def user_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def timestamp() -> str:
    """Now, sortable and safe in a file name (microseconds: two in a second stay distinct)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


# -- backups ---------------------------------------------------------------------------------------


def backup_database(db: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the open database (at schema `version`) into `<home>/backups`; keep the newest few.

    The copy is written under a temporary name and renamed when complete, so a backup that
    exists is whole."""
    directory = path.parent / BACKUPS
    directory.mkdir(mode=0o700, exist_ok=True)
    target = directory / f"campforge-{version}-{timestamp()}.db"
    partial = target.with_name(target.name + ".partial")
    with contextlib.closing(sqlite3.connect(partial)) as copy:
        db.backup(copy)
    partial.replace(target)
    for old in backups(path.parent)[KEEP_BACKUPS:]:
        old.unlink(missing_ok=True)
    return target


def backups(home: Path) -> list[Path]:
    """The queue's backups in `home`, newest first."""
    directory = home / BACKUPS
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if BACKUP_NAME.match(p.name)]
    return sorted(found, key=_taken_at, reverse=True)


def _taken_at(backup: Path) -> str:
    return backup.name.rsplit("-", 1)[1]  # campforge-<version>-<timestamp>.db


# -- checks ----------------------------------------------------------------------------------------


@dataclass
class Diagnosis:
    """One file's state: `problem` is None when it is usable."""

    path: Path
    problem: str | None = None
    detail: str = ""  # what a healthy file holds
    repairable: bool = True


@contextlib.contextmanager
def opened(path: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(path, isolation_level=None)
    try:
        yield db
    finally:
        db.close()


def diagnose_queue(path: Path, tables: set[str], newest_version: int) -> Diagnosis:
    """Check campforge.db: not truncated, sound, with the queue's tables and a known version."""
    if not path.exists():
        return Diagnosis(path, detail="not created yet")
    if path.stat().st_size == 0:
        return Diagnosis(path, "it is empty (0 bytes): it was truncated")
    with opened(path) as db:
        problem = integrity_check(db)
        if problem is not None:
            return Diagnosis(path, f"the database is damaged ({problem})")
        version = user_version(db)
        if version > newest_version:
            return Diagnosis(
                path,
                f"its schema version {version} is newer than this campforge knows "
                f"({newest_version}): upgrade campforge",
                repairable=False,
            )
        missing = tables - table_names(db)
        if missing and version == 0:
            return Diagnosis(path, detail="the queue's tables are made on first use")
        if missing:
            return Diagnosis(path, f"the queue's tables are missing: {', '.join(sorted(missing))}")
        count = db.execute("SELECT COUNT(*) FROM candidates").fetchone()[0]
    return Diagnosis(path, detail=f"schema version {version}, {count} candidate(s)")


def diagnose_checkpoints(path: Path) -> Diagnosis:
    """Check a SQLite checkpoints file: sound (an empty file is a store with no threads yet)."""
    if not path.exists():
        return Diagnosis(path, detail="not created yet")
    with opened(path) as db:
        problem = integrity_check(db)
        if problem is not None:
            return Diagnosis(path, f"the database is damaged ({problem})")
        threads = 0
        if "checkpoints" in table_names(db):
            query = "SELECT COUNT(DISTINCT thread_id) FROM checkpoints"
            threads = db.execute(query).fetchone()[0]
    return Diagnosis(path, detail=f"{threads} graph thread(s)")


# -- repairs ---------------------------------------------------------------------------------------


def move_aside(path: Path) -> Path:
    """Rename a damaged file (and its WAL files) to `<name>.broken-<timestamp>`; nothing is lost."""
    aside = path.with_name(f"{path.name}.broken-{timestamp()}")
    for suffix in SIDE_FILES:
        side = Path(str(path) + suffix)
        if side.exists():
            side.rename(Path(str(aside) + suffix))
    path.rename(aside)
    return aside


def newest_good_backup(home: Path, tables: set[str]) -> Path | None:
    """The newest backup that SQLite finds sound and that holds the queue's tables."""
    for candidate in backups(home):
        try:
            with opened(candidate) as db:
                if quick_check(db) is None and tables <= table_names(db):
                    return candidate
        except sqlite3.Error:
            continue
    return None


def restore(backup: Path, path: Path) -> None:
    """Put a copy of `backup` at `path` (written aside, then renamed into place)."""
    partial = path.with_name(path.name + ".restoring")
    partial.unlink(missing_ok=True)
    with opened(backup) as source, opened(partial) as target:
        source.backup(target)
    partial.replace(path)


def salvage(
    damaged_file: Path, path: Path, create: Callable[[sqlite3.Connection], None] | None = None
) -> dict[str, int]:
    """A fresh database at `path` with every row still readable from `damaged_file`.

    `create` makes the expected tables first (else none); tables the damaged file still
    describes are made as it describes them. Rows are read one by one, so a damaged row costs
    only itself. Returns the rows copied per table."""
    partial = path.with_name(path.name + ".recovering")
    partial.unlink(missing_ok=True)
    copied: dict[str, int] = {}
    with _whole_pages_of(damaged_file) as readable, opened(partial) as target:
        target.execute("BEGIN")
        if create is not None:
            create(target)
        with opened(readable) as source:
            # Lets SQLite read a file shorter than its header says (a truncated one); read only.
            source.execute("PRAGMA writable_schema = ON")
            for name, sql in _readable_schema(source):
                if name not in table_names(target):
                    with contextlib.suppress(sqlite3.Error):
                        target.execute(sql)
                if name in table_names(target):
                    copied[name] = _copy_rows(source, target, name)
        target.execute("COMMIT")
    partial.replace(path)
    return copied


@contextlib.contextmanager
def _whole_pages_of(damaged_file: Path) -> Iterator[Path]:
    """A scratch copy of the damaged file (and its WAL) cut to whole pages.

    SQLite reads the missing end of a cut page as zeros, without an error: a row running into
    it would come back with zeros in place of its text. Cut away, that row is an error instead."""
    scratch = damaged_file.with_name(damaged_file.name + ".reading")
    paths = [scratch, *(Path(f"{scratch}{side}") for side in SIDE_FILES)]
    try:
        shutil.copyfile(damaged_file, scratch)
        wal = Path(f"{damaged_file}-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(f"{scratch}-wal"))
        size = scratch.stat().st_size
        page_size = _page_size(scratch)
        if page_size and size % page_size:
            os.truncate(scratch, size - size % page_size)
        yield scratch
    finally:
        for leftover in paths:
            leftover.unlink(missing_ok=True)


def _page_size(path: Path) -> int | None:
    """The page size the SQLite header declares; None when the header is not SQLite's."""
    with path.open("rb") as file:
        header = file.read(18)
    if not header.startswith(b"SQLite format 3\x00") or len(header) < 18:
        return None
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def _readable_schema(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """The (name, CREATE statement) of each table the damaged file still describes."""
    try:
        rows = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL"
        ).fetchall()
    except sqlite3.DatabaseError:
        return []
    return [(name, sql) for name, sql in rows if not name.startswith("sqlite_")]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _copy_rows(source: sqlite3.Connection, target: sqlite3.Connection, table: str) -> int:
    """Copy the readable rows of `table` (the columns both sides have); the number copied."""
    try:
        wanted = [row[1] for row in source.execute(f"PRAGMA table_info({_quoted(table)})")]
        present = {row[1] for row in target.execute(f"PRAGMA table_info({_quoted(table)})")}
    except sqlite3.DatabaseError:
        return 0
    kept = [c for c in wanted if c in present]
    columns = ", ".join(_quoted(c) for c in kept)
    insert = (
        f"INSERT OR IGNORE INTO {_quoted(table)} ({columns}) VALUES ({', '.join('?' * len(kept))})"
    )
    select = f"SELECT {columns} FROM {_quoted(table)} WHERE rowid = ?"
    copied = 0
    for rowid in _rowids(source, table):
        try:
            row = source.execute(select, (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            continue  # this row's pages are lost
        if row is None or any(isinstance(value, str) and "\x00" in value for value in row):
            continue  # zeros in text: read from a page that is not there any more
        with contextlib.suppress(sqlite3.Error):
            copied += target.execute(insert, tuple(row)).rowcount
    return copied


def _rowids(db: sqlite3.Connection, table: str) -> set[int]:
    """The rowids still listed in the table's b-tree, read from the start and from the end."""
    found: set[int] = set()
    for order in ("", " ORDER BY rowid DESC"):
        with contextlib.suppress(sqlite3.DatabaseError):
            for (rowid,) in db.execute(f"SELECT rowid FROM {_quoted(table)}{order}"):
                found.add(rowid)
    return found


# -- the doctor ------------------------------------------------------------------------------------


@dataclass
class DoctorReport:
    lines: list[str] = field(default_factory=list)
    unrepaired: int = 0  # problems found and still there

    def ok(self, path: Path | str, detail: str) -> None:
        self.lines.append(f"ok: {path} ({detail})")

    def problem(self, path: Path | str, problem: str) -> None:
        self.lines.append(f"problem: {path}: {problem}")

    def did(self, what: str) -> None:
        self.lines.append(f"repaired: {what}")

    @property
    def exit_code(self) -> int:
        return 1 if self.unrepaired else 0


def doctor(
    root: Path, checkpoints: str, *, repair: bool, database: Path | str | None = None
) -> DoctorReport:
    """Check the workspace at `root`, its database (default: `campforge.db` in it; a
    postgresql:// URL is checked for reach and schema versions only) and its checkpoints;
    repair what it can when asked.

    Raises WorkspaceError when `root` is missing or not a campforge workspace."""
    from agent.checkpoints import is_postgres, redact
    from agent.workspace import PRIVATE, Workspace, WorkspaceError

    report = DoctorReport()
    if not root.is_dir():
        raise WorkspaceError(f"no campforge workspace at {root}: nothing to check")
    Workspace.ensure_campforge_directory(root)
    mode = stat.S_IMODE(root.stat().st_mode)
    if mode & 0o077:
        report.problem(root, f"other users can open it (mode {mode:o}); it must be private (700)")
        if repair:
            root.chmod(PRIVATE)  # a campforge workspace: the doctor was asked to repair it
            report.did(f"{root} is private again (mode 700)")
        else:
            report.unrepaired += 1
    else:
        report.ok(root, "private")
    if database is not None and is_postgres(database):
        _doctor_postgres(str(database), report)
    else:
        _doctor_queue(root / QUEUE_NAME, report, repair)
    if is_postgres(checkpoints):
        report.lines.append(f"skipped: checkpoints in {redact(checkpoints)} (Postgres)")
    else:
        _doctor_checkpoints(Path(checkpoints), report, repair)
    if report.unrepaired and not repair:
        default = is_postgres(checkpoints) or checkpoints == str(root / "checkpoints.db")
        elsewhere = "" if default else f" --checkpoints {checkpoints}"
        report.lines.append(
            f"to repair: campforge doctor --home {root}{elsewhere} --repair (a damaged file is "
            "moved aside, never deleted)"
        )
    return report


def _doctor_queue(path: Path, report: DoctorReport, repair: bool) -> None:
    from review.store import QUEUE_TABLES, SCHEMA_VERSION, create_newest

    found = diagnose_queue(path, QUEUE_TABLES, SCHEMA_VERSION)
    if found.problem is None:
        report.ok(path, found.detail)
        return
    report.problem(path, found.problem)
    if not repair or not found.repairable:
        report.unrepaired += 1
        return
    aside = move_aside(path)
    backup = newest_good_backup(path.parent, QUEUE_TABLES)
    if backup is not None:
        restore(backup, path)
        report.did(
            f"restored {path} from the backup {backup.name}: what was queued or decided after "
            f"that backup is not in it; the damaged file is kept as {aside}"
        )
    else:
        copied = salvage(aside, path, create=create_newest)
        report.did(
            f"no backup: started a fresh {path} with the rows still readable from the damaged "
            f"one ({_counts(copied)}); the damaged file is kept as {aside}"
        )
    _recheck(diagnose_queue(path, QUEUE_TABLES, SCHEMA_VERSION), report)


def _doctor_postgres(url: str, report: DoctorReport) -> None:
    """Reach the shared database and read its schema versions (nothing there is repaired)."""
    from agent.checkpoints import redact
    from agent.database import Database, DatabaseError

    try:
        database = Database.open(url)
        try:
            parts = ("queue", "transcripts", "audit")
            versions = ", ".join(f"{part} schema {database.version(part)}" for part in parts)
        finally:
            database.close()
    except DatabaseError as error:
        report.problem(redact(url), str(error))
        report.unrepaired += 1
        return
    report.ok(redact(url), f"PostgreSQL: {versions}")


def _doctor_checkpoints(path: Path, report: DoctorReport, repair: bool) -> None:
    found = diagnose_checkpoints(path)
    if found.problem is None:
        report.ok(path, found.detail)
        return
    report.problem(path, found.problem)
    if not repair:
        report.unrepaired += 1
        return
    aside = move_aside(path)
    copied = salvage(aside, path)
    report.did(
        f"started a fresh {path} with the rows still readable from the damaged one "
        f"({_counts(copied)}); a candidate whose graph thread was lost cannot be decided: draft "
        f"its spec again; the damaged file is kept as {aside}"
    )
    _recheck(diagnose_checkpoints(path), report)


def _recheck(found: Diagnosis, report: DoctorReport) -> None:
    if found.problem is not None:
        report.unrepaired += 1
        report.lines.append(f"still broken: {found.path}: {found.problem}")
    else:
        report.ok(found.path, found.detail)


def _counts(copied: dict[str, int]) -> str:
    if not copied:
        return "nothing could be read from it"
    return ", ".join(f"{rows} row(s) of {table}" for table, rows in sorted(copied.items()))
