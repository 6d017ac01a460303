"""The transcript of every LLM exchange, in the workspace's database.

A row is one attempt at one call: a success (`response` set) or a failure (`error` set), with
the messages, the model, token usage, latency and when. `agent.llm.LLMClient` records every
attempt here; a resumed run finds its finished calls by (run_id, key), a replayed run serves
another run's answers from here, and a reviewer reads how a bootcamp came to be
(`TranscriptStore.exchanges`).

The table lives in the workspace's database (`agent.database`: `.campforge/campforge.db`, or the
PostgreSQL database of `CAMPFORGE_DATABASE_URL`), with its own numbered schema (`MIGRATIONS`,
component "transcripts"), applied when the store opens.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.database import Connection, Database

COMPONENT = "transcripts"
SCHEMA = """
CREATE TABLE IF NOT EXISTS llm_exchanges (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id            TEXT NOT NULL,
    key               TEXT NOT NULL,
    purpose           TEXT NOT NULL,
    model             TEXT NOT NULL,
    messages          TEXT NOT NULL,
    params            TEXT,
    attempt           INTEGER NOT NULL DEFAULT 1,
    response          TEXT,
    response_model    TEXT,
    finish_reason     TEXT,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    usage_estimated   INTEGER NOT NULL DEFAULT 0,
    latency           REAL,
    replayed          INTEGER NOT NULL DEFAULT 0,
    error             TEXT,
    created_at        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS llm_exchanges_run_key ON llm_exchanges (run_id, key);
"""
TABLES = frozenset({"llm_exchanges"})


def create_schema(db: Connection) -> None:
    """Version 1: the exchanges table and its (run, key) index."""
    db.script(SCHEMA)


# MIGRATIONS[n] takes the schema from version n to n + 1 (inside one transaction).
MIGRATIONS: list[Callable[[Connection], None]] = [create_schema]


@dataclass(frozen=True)
class Completion:
    text: str  # the message content ("" when the server sent none)
    model: str  # the model the server says answered
    finish_reason: str | None  # "length" means the output was truncated at max_tokens
    prompt_tokens: int
    completion_tokens: int
    latency: float  # seconds, of the request that produced it
    replayed: bool  # True when served from the transcript (resume or replay)


class TranscriptStore:
    """Every LLM exchange of every run, in the workspace's database; safe to share across threads.

    A row is one attempt: a success (`response` set) or a failure (`error` set). A resumed run finds
    its finished calls here by (run_id, key).
    """

    def __init__(self, location: Path | str | Database) -> None:
        if isinstance(location, Path):
            location.parent.mkdir(parents=True, exist_ok=True)
        self.database = location if isinstance(location, Database) else Database.open(location)
        try:
            self.database.migrate(COMPONENT, MIGRATIONS, tables=TABLES)
        except BaseException:
            self.database.close()
            raise

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> TranscriptStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(
        self,
        *,
        run_id: str,
        key: str,
        purpose: str,
        model: str,
        messages: list[dict[str, str]],
        completion: Completion | None,
        error: str | None,
        attempt: int = 1,
        latency: float | None = None,
        params: dict[str, Any] | None = None,
        usage_estimated: bool = False,
    ) -> None:
        """Append one exchange: `completion` for a success, `error` for a failed attempt."""
        if completion is None and error is None:
            raise ValueError("record() needs a completion or an error")
        c = completion
        row = (
            run_id,
            key,
            purpose,
            model,
            json.dumps(messages, ensure_ascii=False),
            json.dumps(params) if params is not None else None,
            attempt,
            c.text if c else None,
            c.model if c else None,
            c.finish_reason if c else None,
            c.prompt_tokens if c else None,
            c.completion_tokens if c else None,
            int(usage_estimated),
            c.latency if c else latency,
            int(c.replayed) if c else 0,
            error,
            datetime.now(UTC).isoformat(timespec="milliseconds"),
        )
        with self.database.connection() as db:
            db.execute(
                "INSERT INTO llm_exchanges (run_id, key, purpose, model, messages, params, attempt,"
                " response, response_model, finish_reason, prompt_tokens, completion_tokens,"
                " usage_estimated, latency, replayed, error, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    def lookup(self, run_id: str, key: str) -> Completion | None:
        """The (latest) successful exchange recorded for (run, key), as served from here:
        `replayed=True`."""
        with self.database.connection() as db:
            row = db.execute(
                "SELECT * FROM llm_exchanges WHERE run_id = ? AND key = ? AND error IS NULL"
                " AND response IS NOT NULL ORDER BY id DESC LIMIT 1",
                (run_id, key),
            ).fetchone()
        if row is None:
            return None
        return Completion(
            text=row["response"],
            model=row["response_model"] or row["model"],
            finish_reason=row["finish_reason"],
            prompt_tokens=row["prompt_tokens"] or 0,
            completion_tokens=row["completion_tokens"] or 0,
            latency=row["latency"] or 0.0,
            replayed=True,
        )

    def exchanges(self, run_id: str) -> list[dict[str, Any]]:
        """Every exchange (attempt) of a run, in the order they were recorded."""
        with self.database.connection() as db:
            rows = db.execute(
                "SELECT * FROM llm_exchanges WHERE run_id = ? ORDER BY id", (run_id,)
            ).fetchall()
        out = []
        for row in rows:
            ok = row["error"] is None
            out.append(
                {
                    "id": row["id"],
                    "key": row["key"],
                    "purpose": row["purpose"],
                    "model": row["model"],
                    "messages": json.loads(row["messages"]),
                    "params": json.loads(row["params"]) if row["params"] else None,
                    "attempt": row["attempt"],
                    "response": row["response"],
                    "response_model": row["response_model"],
                    "finish_reason": row["finish_reason"],
                    "usage": (
                        {
                            "prompt_tokens": row["prompt_tokens"],
                            "completion_tokens": row["completion_tokens"],
                            "estimated": bool(row["usage_estimated"]),
                        }
                        if ok
                        else None
                    ),
                    "latency": row["latency"],
                    "replayed": bool(row["replayed"]),
                    "error": row["error"],
                    "created_at": row["created_at"],
                }
            )
        return out

    def tokens_used(self, run_id: str) -> int:
        """Tokens this run actually spent: successful, non-replayed exchanges."""
        with self.database.connection() as db:
            row = db.execute(
                "SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0) AS total"
                " FROM llm_exchanges WHERE run_id = ? AND error IS NULL AND replayed = 0",
                (run_id,),
            ).fetchone()
        assert row is not None
        return int(row["total"])
