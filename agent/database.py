"""One database for campforge's state: SQLite in the workspace by default, PostgreSQL for a team.

The review queue (`review.store`), the LLM transcripts (`agent.transcripts`), the audit results
(`agent.audit.store`) and the graph's checkpoints (`agent.checkpoints`) sit behind one location:

- unset: SQLite files in the workspace (`.campforge/campforge.db`; the checkpoints stay in
  `.campforge/checkpoints.db`, as they always were);
- `CAMPFORGE_DATABASE_URL=postgresql://user:password@host/db` (or `campforge draft --database
  URL`): all of them in that one database, which a team of drafters and reviewers shares.

Why psycopg with this thin layer rather than SQLAlchemy: psycopg 3 is already pinned (LangGraph's
Postgres checkpointer needs it), so the layer adds no dependency; campforge's SQL is a couple of
dozen plain statements that both dialects already accept as written (`ON CONFLICT`, `COALESCE`,
`GROUP BY`), and what differs is three things, each handled here in a few lines: the placeholder
(`?` becomes `%s`), identity and float columns in DDL (`INTEGER PRIMARY KEY` becomes an identity
`BIGINT`, `REAL` becomes `DOUBLE PRECISION`) and where a schema version is kept. SQLAlchemy Core
would replace those few lines with a second way of writing every statement and a new dependency
of the base pipeline, and the SQLite side would lose the direct `sqlite3` handle that backups,
`PRAGMA` checks and `campforge doctor` (`agent.dbhealth`) work on.

Schema migrations are numbered, per part of the state (a "component": the queue, the transcripts,
the audit results): `MIGRATIONS[n]` takes a component from version n to n + 1. A step is a
function of a `Connection`, so it is written once for both dialects (`connection.dialect` where it
must differ). `Database.migrate` applies the missing steps when a store opens, in one transaction
with the new version (DDL is transactional in both dialects: a failed step changes nothing):

- versions are kept in the table `schema_versions (component, version)`; in SQLite the queue's
  version stays in `PRAGMA user_version`, where it always was, so files made before this module,
  their backups and `campforge doctor` read it as before;
- SQLite: the migration takes the write lock (`BEGIN IMMEDIATE`) and reads the version again under
  it; a component that already holds tables is backed up first (`agent.dbhealth.backup_database`:
  the whole file, into `<home>/backups`); a damaged file raises `agent.dbhealth.BrokenStateError`;
- PostgreSQL: the migration runs under a transaction-scoped advisory lock, so concurrent first
  opens apply each step once; back the server up with its own tools (pg_dump).

Errors name the location with its password replaced by `***` (`redact`), never the password.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.dbhealth import (
    BrokenStateError,
    backup_database,
    damaged,
    ensure_sound,
    is_corruption,
    table_names,
    user_version,
)
from agent.workspace import WorkspaceError

SQLITE = "sqlite"
POSTGRES = "postgresql"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
VERSIONS_TABLE = "schema_versions"
USER_VERSION_COMPONENT = "queue"  # in SQLite, the queue's version is PRAGMA user_version
ADVISORY_LOCK = 0x63616D70666F7267  # "campforg": serializes migrations in one Postgres database
POOL_SIZE = 8  # Postgres connections per open database (the review server's threads share them)


class DatabaseError(WorkspaceError):
    """The database cannot be used (bad URL, unreachable server, a schema newer than campforge's).

    A WorkspaceError, so every command prints it as one line and exits 2. No password in it."""


def is_postgres(location: str | Path) -> bool:
    return str(location).startswith(POSTGRES_SCHEMES)


def redact(location: str | Path) -> str:
    """The location without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", str(location))


def check_url(url: str) -> str:
    """The database URL if campforge can use it; DatabaseError (one line) otherwise."""
    if is_postgres(url):
        return url
    shown = redact(url)
    if "://" in url:
        scheme = url.split("://", 1)[0]
        raise DatabaseError(
            f"database {shown}: {scheme}:// is not supported; give a postgresql:// URL, or "
            "leave CAMPFORGE_DATABASE_URL unset for SQLite in the workspace (--home)"
        )
    raise DatabaseError(
        f"database {shown!r} is not a URL; give postgresql://user:password@host/db, or leave "
        "CAMPFORGE_DATABASE_URL unset for SQLite in the workspace (--home)"
    )


def without_password(message: str, location: str) -> str:
    """`message` with the location's password (if any) blanked, wherever it appears."""
    found = re.search(r"://[^:/@]+:([^@/]*)@", location)
    message = redact(message)
    if found and found.group(1):
        message = message.replace(found.group(1), "***")
    return message


# -- connections ---------------------------------------------------------------------------------


@dataclass
class Result:
    """What a statement returned: its rows as dicts, and how many rows it changed."""

    rows: list[dict[str, Any]]
    rowcount: int

    def fetchone(self) -> dict[str, Any] | None:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[dict[str, Any]]:
        return self.rows


IDENTITY = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
_POSTGRES_DDL = (
    (re.compile(r"\bINTEGER PRIMARY KEY( AUTOINCREMENT)?\b"), IDENTITY),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
)


class Connection:
    """One connection, either dialect: `?` placeholders, rows as dicts, `transaction()`."""

    def __init__(self, raw: Any, dialect: str):
        self.raw = raw  # sqlite3.Connection or psycopg.Connection
        self.dialect = dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        """Run one statement written with `?` placeholders (and no literal `?`)."""
        if self.dialect == SQLITE:
            cursor = self.raw.execute(sql, tuple(params))
            rows = [dict(row) for row in cursor.fetchall()] if cursor.description else []
            return Result(rows, cursor.rowcount)
        with self.raw.cursor() as cursor:
            cursor.execute(sql.replace("%", "%%").replace("?", "%s"), tuple(params))
            rows = list(cursor.fetchall()) if cursor.description else []
            return Result(rows, cursor.rowcount)

    def ddl(self, sql: str) -> str:
        """`sql` (written for SQLite) in this connection's dialect."""
        if self.dialect == POSTGRES:
            for pattern, replacement in _POSTGRES_DDL:
                sql = pattern.sub(replacement, sql)
        return sql

    def script(self, sql: str) -> None:
        """Run `;`-separated DDL statements written for SQLite, in this dialect."""
        for statement in self.ddl(sql).split(";"):
            if statement.strip():
                self.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back when it raises. In SQLite
        it takes the write lock at once (`BEGIN IMMEDIATE`), so writers queue rather than fail."""
        if self.dialect == POSTGRES:
            with self.raw.transaction():
                yield self
            return
        self.raw.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        self.raw.execute("COMMIT")

    def table_names(self) -> set[str]:
        if self.dialect == SQLITE:
            return table_names(self.raw)
        rows = self.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
        return {row["table_name"] for row in rows}


Migration = Callable[[Connection], None]


# -- databases -----------------------------------------------------------------------------------


class Database:
    """An open database: SQLite (a file) or PostgreSQL (a URL). Safe to share across threads."""

    dialect: str
    location: str  # the path or URL, as given
    shown: str  # the location without its password

    @staticmethod
    def open(location: str | Path) -> Database:
        """The database at `location`: a postgresql:// URL, or the path of a SQLite file (made,
        whole, when missing). Raises DatabaseError or BrokenStateError, one line each."""
        if isinstance(location, str) and "://" in location:
            return PostgresDatabase(check_url(location))
        return SqliteDatabase(Path(location))

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        raise NotImplementedError
        yield

    def close(self) -> None:
        raise NotImplementedError

    def migrate(
        self, component: str, migrations: Sequence[Migration], *, tables: frozenset[str]
    ) -> None:
        """Bring `component` to version `len(migrations)`. At version 0 with all its `tables`
        present, the component predates versions: it is at version 1 (its first step made them)."""
        raise NotImplementedError

    def version(self, component: str) -> int:
        """The component's schema version (0: never migrated)."""
        with self.connection() as db:
            return _read_version(db, component)

    def newer_schema(self, component: str, found: int, known: int) -> Exception:
        return DatabaseError(
            f"{self.shown}: its {component} schema version {found} is newer than this campforge "
            f"knows ({known}): upgrade campforge (the database is left as it is)"
        )


def _read_version(db: Connection, component: str) -> int:
    if db.dialect == SQLITE and component == USER_VERSION_COMPONENT:
        return user_version(db.raw)
    if VERSIONS_TABLE not in db.table_names():
        return 0
    row = db.execute(
        f"SELECT version FROM {VERSIONS_TABLE} WHERE component = ?", (component,)
    ).fetchone()
    return int(row["version"]) if row else 0


def _write_version(db: Connection, component: str, version: int) -> None:
    if db.dialect == SQLITE and component == USER_VERSION_COMPONENT:
        db.raw.execute(f"PRAGMA user_version = {int(version)}")
        return
    db.execute(
        f"INSERT INTO {VERSIONS_TABLE} (component, version) VALUES (?, ?) "
        "ON CONFLICT (component) DO UPDATE SET version = excluded.version",
        (component, version),
    )


def _create_versions_table(db: Connection) -> None:
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {VERSIONS_TABLE} "
        "(component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
    )


def _steps_from(
    db: Connection, component: str, migrations: Sequence[Migration], tables: frozenset[str]
) -> tuple[int, int]:
    """(the version found, the first step to run) for `component` in the open database."""
    found = _read_version(db, component)
    first = 1 if found == 0 and tables and tables <= db.table_names() else found
    return found, first


def _apply(
    db: Connection, component: str, migrations: Sequence[Migration], found: int, first: int
) -> None:
    """Inside a transaction: the steps from `first` on, and the new version."""
    _create_versions_table(db)
    for step in migrations[first:]:
        step(db)
    if found != len(migrations):
        _write_version(db, component, len(migrations))


class SqliteDatabase(Database):
    """A SQLite file: one connection per thread (WAL mode), checked when opened."""

    dialect = SQLITE

    def __init__(self, path: Path):
        self.path = path
        self.location = self.shown = str(path)
        self._local = threading.local()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _create_file(path)
        elif path.stat().st_size == 0:  # campforge never leaves it empty: it was truncated
            raise BrokenStateError(path, "it is empty (0 bytes): it was truncated")
        try:
            with self.connection() as db:
                ensure_sound(db.raw, path)
        except BaseException:
            self.close()
            raise

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """This thread's connection; a damaged file raises BrokenStateError, naming it."""
        try:
            raw = getattr(self._local, "db", None)
            if raw is None:
                raw = _connect(self.path)
                self._local.db = raw
            yield Connection(raw, SQLITE)
        except sqlite3.DatabaseError as error:
            if is_corruption(error):
                raise damaged(self.path, error) from None
            raise

    def close(self) -> None:
        """Close this thread's connection (the next use opens another)."""
        raw = getattr(self._local, "db", None)
        if raw is not None:
            self._local.db = None
            raw.close()

    def migrate(
        self, component: str, migrations: Sequence[Migration], *, tables: frozenset[str]
    ) -> None:
        known = len(migrations)
        with self.connection() as db:
            found = _read_version(db, component)
            if found == known:
                return
            if found > known:
                raise self.newer_schema(component, found, known)
            if found > 0 or tables & table_names(db.raw):  # the component holds rows already
                backup_database(db.raw, self.path, user_version(db.raw))
            with db.transaction():
                found, first = _steps_from(db, component, migrations, tables)  # under the lock
                if found < known:
                    _apply(db, component, migrations, found, first)
            # The new schema into the file itself, not only the write-ahead log: a file damaged
            # later is then seen as damaged, its header not masked by a newer copy in the log.
            db.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def newer_schema(self, component: str, found: int, known: int) -> Exception:
        which = "" if component == USER_VERSION_COMPONENT else f"{component} "
        return BrokenStateError(
            self.path,
            f"its {which}schema version {found} is newer than this campforge knows ({known})",
            "upgrade campforge (the file is left as it is)",
        )


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA busy_timeout=30000")
    return db


def _create_file(path: Path) -> None:
    """Make a new database file at `path`, whole or not at all: built aside, then linked into
    place. So campforge never leaves an empty file behind (an empty one was truncated), and two
    processes creating it at once end with one of their files."""
    partial = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.new")
    try:
        with contextlib.closing(_connect(partial)) as raw:
            _create_versions_table(Connection(raw, SQLITE))
        try:
            os.link(partial, path)  # fails if another process made it first: theirs is kept
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(partial, path)
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)


class PostgresDatabase(Database):
    """A PostgreSQL database: a small pool of connections (autocommit; `transaction()` for more
    than one statement), opened when first used and again after `close()`."""

    dialect = POSTGRES

    def __init__(self, url: str):
        self.location = url
        self.shown = redact(url)
        self._pool: Any = None
        self._lock = threading.Lock()
        self._open_pool()

    def _open_pool(self) -> Any:
        import psycopg
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        with self._lock:
            if self._pool is not None:
                return self._pool
            settings = {"autocommit": True, "row_factory": dict_row, "prepare_threshold": None}
            try:  # one connection first: its failure says why, where the pool would only time out
                psycopg.connect(self.location, connect_timeout=10, **settings).close()
            except psycopg.Error as error:
                raise DatabaseError(
                    f"cannot connect to the database {self.shown}: {self._reason(error)}"
                ) from None
            self._pool = ConnectionPool(
                self.location,
                min_size=1,
                max_size=POOL_SIZE,
                kwargs={**settings, "connect_timeout": 10},
                open=True,
                name="campforge",
            )
            return self._pool

    def _reason(self, error: BaseException) -> str:
        text = str(error).strip()
        first = text.splitlines()[0] if text else type(error).__name__
        return without_password(first, self.location)

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        import psycopg

        pool = self._open_pool()
        try:
            with pool.connection(timeout=60) as raw:
                yield Connection(raw, POSTGRES)
        except psycopg.OperationalError as error:
            raise DatabaseError(
                f"the database {self.shown} failed: {self._reason(error)}"
            ) from None

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def migrate(
        self, component: str, migrations: Sequence[Migration], *, tables: frozenset[str]
    ) -> None:
        known = len(migrations)
        with self.connection() as db, db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(?)", (ADVISORY_LOCK,))
            found, first = _steps_from(db, component, migrations, tables)
            if found > known:
                raise self.newer_schema(component, found, known)
            if found < known:
                _apply(db, component, migrations, found, first)
