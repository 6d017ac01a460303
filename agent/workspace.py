"""Where campforge keeps its state: `.campforge/` under the working directory by default.

One SQLite database (`campforge.db`: the review queue and its audit trail, LLM transcripts,
audit results), the graph's checkpoints (`checkpoints.db`), every drafted module (`drafts/`)
and the queue's backups (`backups/`).

A team shares one PostgreSQL database instead: `CAMPFORGE_DATABASE_URL=postgresql://...` (or
`--database URL`) puts the queue, the transcripts, the audit results and the checkpoints there
(`agent.database`); drafts stay in the workspace. `CAMPFORGE_CHECKPOINTS` (`--checkpoints`), which
moved the checkpoints alone, still works and wins for the checkpoints, but is deprecated: use
the database URL.

The directory is private (mode 700): sandboxed candidates run under other uids and must not
read the review database. Campforge creates it with that mode and marks it as its own (a
`.campforge-workspace` file); it never changes the mode of a directory it did not create. Given
(`--home`, $CAMPFORGE_HOME) an existing directory, it uses it only if it is campforge's (marked,
holding a `campforge.db`, or holding nothing but campforge's files, e.g. empty) and private;
otherwise it refuses with one line saying why, and changes nothing.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

PRIVATE = 0o700
MARKER = ".campforge-workspace"
MARKER_TEXT = (
    "This directory holds campforge's state: the review queue (campforge.db), the graph's\n"
    "checkpoints, drafts and backups. Keep it private (mode 700). See `campforge doctor`.\n"
)
# What campforge itself puts in a workspace: a directory holding only these is campforge's.
DATABASE_FILES = {
    f"{db}{side}" for db in ("campforge.db", "checkpoints.db") for side in ("", "-wal", "-shm")
}
OWN_ENTRIES = frozenset({MARKER, "drafts", "backups", *DATABASE_FILES})


class WorkspaceError(ValueError):
    """The state directory cannot be used: not campforge's, open to other users, not a directory."""


@dataclass(frozen=True)
class Workspace:
    root: Path
    checkpoint_url: str | None = None  # deprecated: the checkpoints alone elsewhere
    database_url: str | None = None  # a postgresql:// URL; None: SQLite files in the workspace

    @classmethod
    def open(
        cls,
        root: Path | str | None = None,
        checkpoints: str | None = None,
        database: str | None = None,
    ) -> Workspace:
        """The workspace at `root` (default: $CAMPFORGE_HOME or ./.campforge), created if needed;
        its database at `database` (default: $CAMPFORGE_DATABASE_URL, else SQLite in the root);
        its checkpoints in `checkpoints` (deprecated; default: $CAMPFORGE_CHECKPOINTS, else in
        the database).

        Raises WorkspaceError for a directory that is not campforge's or not private, and
        `agent.database.DatabaseError` (a WorkspaceError) for a database URL campforge cannot
        use; either way nothing is created."""
        from agent.database import check_url

        url = database or os.environ.get("CAMPFORGE_DATABASE_URL") or None
        if url is not None:
            check_url(url)
        path = cls.location(root)
        if not _create_private(path):
            cls.ensure_campforge_directory(path)
            _ensure_private(path)
            if not (path / MARKER).exists():
                (path / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        (path / "drafts").mkdir(exist_ok=True)
        return cls(path, checkpoints or os.environ.get("CAMPFORGE_CHECKPOINTS") or None, url)

    @staticmethod
    def location(root: Path | str | None = None) -> Path:
        """Where the workspace is (nothing is created): `root`, $CAMPFORGE_HOME or ./.campforge."""
        return Path(root or os.environ.get("CAMPFORGE_HOME") or ".campforge").resolve()

    @staticmethod
    def ensure_campforge_directory(path: Path) -> None:
        """Raise WorkspaceError unless `path` is a directory campforge may use as its own."""
        if not path.is_dir():
            raise WorkspaceError(f"{path} is not a directory: give --home a directory")
        if (path / MARKER).exists() or (path / "campforge.db").exists():
            return
        strangers = sorted(entry.name for entry in path.iterdir() if entry.name not in OWN_ENTRIES)
        if strangers:
            raise WorkspaceError(
                f"{path} is not a campforge workspace (it holds {strangers[0]!r} and no "
                f"{MARKER}): campforge changes nothing there; give --home (or $CAMPFORGE_HOME) "
                "a new or empty directory"
            )

    @property
    def database(self) -> Path | str:
        """Where the queue, the transcripts and the audit results are: the Postgres URL, or
        the workspace's SQLite file (what `review.store.QueueStore` and the others open)."""
        return self.database_url or self.root / "campforge.db"

    @property
    def checkpoints(self) -> str:
        """Where the graph's checkpoints are: a Postgres URL or a SQLite file's path."""
        return self.checkpoint_url or self.database_url or str(self.root / "checkpoints.db")

    def drafts(self, run_id: str, spec_name: str) -> Path:
        directory = self.root / "drafts" / run_id / spec_name
        directory.mkdir(parents=True, exist_ok=True)
        return directory


def _create_private(path: Path) -> bool:
    """Create the workspace directory, private and marked; False when it already exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=PRIVATE)
    except FileExistsError:
        return False
    path.chmod(PRIVATE)  # campforge made it: 700 whatever the umask
    (path / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return True


def _ensure_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise WorkspaceError(
            f"{path} is open to other users (mode {mode:o}); campforge's state must be private "
            f"(700) because sandboxed candidates run under other uids: run `chmod 700 {path}` "
            "or give a new directory (campforge does not change the mode of an existing directory)"
        )
