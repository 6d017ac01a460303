"""Where the graph's checkpoints live: SQLite in the workspace by default, or a Postgres database.

A team that wants one shared checkpoint store points every campforge command (drafting and
reviewing) at the same database with `CAMPFORGE_CHECKPOINTS=postgresql://user:pass@host/db` (or
`campforge draft --checkpoints URL`); the tables are created on first use. Anything else is a
path to a SQLite file; a damaged SQLite file raises `agent.dbhealth.BrokenStateError` when opened.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from agent.dbhealth import ensure_sound

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class CheckpointStoreError(ValueError):
    """The checkpoint store cannot be opened (unreachable server, bad URL, unwritable file)."""


def is_postgres(location: str) -> bool:
    return location.startswith(POSTGRES_SCHEMES)


def redact(location: str) -> str:
    """The location without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", location)


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
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        raise CheckpointStoreError(
            f"cannot connect to the checkpoint database {redact(url)}: {message}"
        ) from None
    saver = PostgresSaver(connection)
    try:
        saver.setup()  # creates or migrates the tables; a no-op once they are current
    except psycopg.Error as error:
        connection.close()
        raise CheckpointStoreError(
            f"cannot set up the checkpoint tables in {redact(url)}: {error}"
        ) from None
    return CheckpointStore(saver, connection)
