"""Where the graph's checkpoints live: SQLite in the workspace by default, or a Postgres database.

A team points every campforge command (drafting and reviewing) at one shared database with
`CAMPFORGE_DATABASE_URL=postgresql://user:pass@host/db` (`agent.database`): the checkpoints live
there beside the review queue, in LangGraph's own tables, which its saver creates and migrates on
first use. (`CAMPFORGE_CHECKPOINTS` / `--checkpoints`, which moves the checkpoints alone, still
works and is deprecated.) Anything else is a path to a SQLite file; a damaged SQLite file raises
`agent.dbhealth.BrokenStateError` when opened.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from agent.database import POSTGRES_SCHEMES, is_postgres, redact, without_password
from agent.dbhealth import ensure_sound

__all__ = [
    "POSTGRES_SCHEMES",
    "CheckpointStore",
    "CheckpointStoreError",
    "is_postgres",
    "open_store",
    "redact",
]


class CheckpointStoreError(ValueError):
    """The checkpoint store cannot be opened (unreachable server, bad URL, unwritable file)."""


@dataclass
class CheckpointStore:
    """An open checkpointer and what must be closed with it."""

    saver: BaseCheckpointSaver
    _connection: Any

    def close(self) -> None:
        self._connection.close()


def open_store(location: str | Path) -> CheckpointStore:
    """Open the checkpointer at `location` (a Postgres URL or a SQLite path)."""
    location = str(location)
    if is_postgres(location):
        return _open_postgres(location)
    if "://" in location:
        scheme = location.split("://", 1)[0]
        raise CheckpointStoreError(
            f"checkpoints at {redact(location)}: {scheme}:// is not supported; give a "
            "postgresql:// URL or the path of a SQLite file"
        )
    from langgraph.checkpoint.sqlite import SqliteSaver

    try:
        connection = sqlite3.connect(location, check_same_thread=False)
    except sqlite3.Error as error:
        raise CheckpointStoreError(f"cannot open the checkpoints at {location}: {error}") from None
    try:
        ensure_sound(connection, Path(location))  # damage is reported here, not mid-graph
    except BaseException:
        connection.close()
        raise
    return CheckpointStore(SqliteSaver(connection), connection)


def _open_postgres(url: str) -> CheckpointStore:
    import psycopg
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row

    try:
        # One connection: the saver serializes its use with a lock, which keeps threads safe.
        connection = psycopg.Connection.connect(
            url, autocommit=True, prepare_threshold=0, row_factory=dict_row, connect_timeout=10
        )
    except psycopg.Error as error:
        text = str(error).strip()
        message = without_password(text.splitlines()[0] if text else type(error).__name__, url)
        raise CheckpointStoreError(
            f"cannot connect to the checkpoint database {redact(url)}: {message}"
        ) from None
    saver = PostgresSaver(connection)
    try:
        saver.setup()  # creates or migrates the tables; a no-op once they are current
    except psycopg.Error as error:
        connection.close()
        reason = without_password(str(error), url)
        raise CheckpointStoreError(
            f"cannot set up the checkpoint tables in {redact(url)}: {reason}"
        ) from None
    return CheckpointStore(saver, connection)
