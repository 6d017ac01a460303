"""The LLM client campforge drafts bootcamps with, and the transcript every exchange is recorded in.

One job: send Chat Completions requests to any OpenAI-compatible endpoint (OpenAI, vLLM, SGLang,
Ollama, llama.cpp...) robustly, and record each exchange — messages, response, model, token usage,
latency, error — in a SQLite transcript, so that

- a killed and restarted run does not repeat finished calls: `complete(..., key=...)` with a key
  already answered in this run is served from the transcript (`Completion.replayed`), no request;
- a run can be replayed without any endpoint: `LLMClient(..., replay_from=<old run id>)` serves
  every call from that run's transcript by key (`ReplayMiss` for a key it never answered);
- a reviewer can see how a bootcamp came to be (`TranscriptStore.exchanges(run_id)`).

Retries are ours, not the `openai` client's (it is built with `max_retries=0`), so every attempt's
error is recorded and the number of HTTP requests is exactly what the loop below makes: up to
`1 + max_retries` attempts on connection errors, timeouts, 408, 409, 429 and 5xx; the wait between
attempts is the server's `retry-after`/`retry-after-ms` when given, else exponential backoff
`retry_backoff * 2**(attempt-1)` with jitter, either way capped at `retry_max_wait`. Other 4xx
(bad key, unknown model, prompt too long) are not retried: `LLMRejected`. A 200 whose body is not a
chat completion is not retried either: `LLMBadResponse`.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openai

__all__ = [
    "Completion",
    "LLMBadResponse",
    "LLMClient",
    "LLMError",
    "LLMRejected",
    "LLMSettings",
    "LLMUnavailable",
    "ReplayMiss",
    "TokenBudgetExceeded",
    "TranscriptStore",
]

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
RETRY_STATUSES = frozenset({408, 409, 429})  # and every status >= 500


def _default_model() -> str:
    return os.environ.get("CAMPFORGE_MODEL") or DEFAULT_MODEL


def endpoint_configured(base_url: str | None = None) -> bool:
    """Whether an LLM endpoint is configured, by flag or by OPENAI_BASE_URL / OPENAI_API_KEY."""
    return bool(base_url or os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_KEY"))


@dataclass(frozen=True)
class LLMSettings:
    model: str = field(default_factory=_default_model)  # env CAMPFORGE_MODEL overrides the default
    base_url: str | None = None  # None -> OPENAI_BASE_URL, else the openai default
    api_key: str | None = None  # None -> OPENAI_API_KEY, else "EMPTY" (local servers accept any)
    timeout: float = 120.0  # seconds per request (connect: at most 5 s)
    max_retries: int = 4  # retries after the first attempt: up to 5 requests per call
    concurrency: int = 8  # requests in flight at once, across threads, per client
    token_budget: int | None = None  # per run, prompt+completion; once spent, no new requests
    temperature: float = 0.7
    max_tokens: int = 8192
    retry_backoff: float = 0.5  # first backoff wait in seconds; doubles per attempt
    retry_max_wait: float = 30.0  # cap on any wait between attempts, retry-after included

    def resolved_base_url(self) -> str:
        return (self.base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")

    def resolved_api_key(self) -> str:
        return self.api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY"


@dataclass(frozen=True)
class Completion:
    text: str  # the message content ("" when the server sent none)
    model: str  # the model the server says answered
    finish_reason: str | None  # "length" means the output was truncated at max_tokens
    prompt_tokens: int
    completion_tokens: int
    latency: float  # seconds, of the request that produced it
    replayed: bool  # True when served from the transcript (resume or replay)


class LLMError(Exception):
    """Base of the LLM errors; the message says what happened and what to do."""


class LLMUnavailable(LLMError):
    """The endpoint is unreachable, or still failing after every retry."""


class LLMRejected(LLMError):
    """The endpoint refused the request (4xx other than 408/409/429); retrying will not help."""


class LLMBadResponse(LLMError):
    """The endpoint answered 200 with something that is not a chat completion."""


class TokenBudgetExceeded(LLMError):
    """The run's token budget is spent."""


class ReplayMiss(LLMError):
    """Replay mode, and the replayed run has no successful exchange for this key."""


# --------------------------------------------------------------------------------------------
# Transcript store
# --------------------------------------------------------------------------------------------

_SCHEMA = """
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


class TranscriptStore:
    """Every LLM exchange of every run, in one SQLite file (WAL mode); safe to share across threads.

    A row is one attempt: a success (`response` set) or a failure (`error` set). A resumed run finds
    its finished calls here by (run_id, key).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

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
        with self._lock:
            self._db.execute(
                "INSERT INTO llm_exchanges (run_id, key, purpose, model, messages, params, attempt,"
                " response, response_model, finish_reason, prompt_tokens, completion_tokens,"
                " usage_estimated, latency, replayed, error, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    def lookup(self, run_id: str, key: str) -> Completion | None:
        """The (latest) successful exchange recorded for (run, key), as served from here:
        `replayed=True`."""
        with self._lock:
            row = self._db.execute(
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
        with self._lock:
            rows = self._db.execute(
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
        with self._lock:
            (total,) = self._db.execute(
                "SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0) FROM llm_exchanges"
                " WHERE run_id = ? AND error IS NULL AND replayed = 0",
                (run_id,),
            ).fetchone()
        return int(total)


# --------------------------------------------------------------------------------------------
# Client
# --------------------------------------------------------------------------------------------


def _clip(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return _clip(err["message"])
        if isinstance(err, str):
            return _clip(err)
    return _clip(exc.message)


def _retry_after(headers: Any) -> float | None:
    """Seconds the server asks us to wait (retry-after-ms, retry-after as seconds or a date)."""
    try:
        ms = headers.get("retry-after-ms")
        if ms is not None:
            return max(0.0, float(ms) / 1000)
    except (TypeError, ValueError):
        pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _rejection_hint(status: int, model: str) -> str:
    if status in (401, 403):
        return "check the API key (--api-key / OPENAI_API_KEY)"
    if status == 404:
        return f"check the model name ({model!r}) and that the base URL ends in /v1"
    if status in (400, 413, 422):
        return "is the prompt longer than the model's context, or max_tokens too high?"
    return "not retried"


@dataclass
class _Failure:
    kind: str  # "connection", "timeout", "status"
    text: str  # recorded in the transcript
    status: int | None = None
    reason: str = ""
    wait: float | None = None  # what the server asked for, if anything


class LLMClient:
    """Chat Completions with retries, a concurrency limit, a token budget, and a transcript."""

    def __init__(
        self,
        settings: LLMSettings,
        store: TranscriptStore,
        run_id: str,
        *,
        replay_from: str | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.run_id = run_id
        self.replay_from = replay_from
        self.base_url = settings.resolved_base_url()
        self._semaphore = threading.BoundedSemaphore(max(1, settings.concurrency))
        self._lock = threading.Lock()
        self._tokens_used = store.tokens_used(run_id)  # a resumed run keeps what it spent
        self._client: openai.OpenAI | None = None
        if replay_from is None:  # replay needs no endpoint at all
            self._client = openai.OpenAI(
                base_url=self.base_url,
                api_key=settings.resolved_api_key(),
                timeout=openai.Timeout(settings.timeout, connect=min(5.0, settings.timeout)),
                max_retries=0,  # the loop in _request retries, and records every attempt
            )

    @property
    def tokens_used(self) -> int:
        with self._lock:
            return self._tokens_used

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def complete(self, messages: list[dict[str, str]], *, key: str, purpose: str) -> Completion:
        """The completion for `messages`; `key` identifies this call within the run (stable across
        restarts, e.g. "<spec>/<sample>/<round>"), `purpose` is recorded for the reviewer."""
        if not key:
            raise ValueError("complete() needs a non-empty key")
        done = self.store.lookup(self.run_id, key)
        if done is not None:  # finished before a restart: no request
            return done
        if self.replay_from is not None:
            return self._replay(messages, key=key, purpose=purpose)
        with self._semaphore:
            self._check_budget()
            return self._request(messages, key=key, purpose=purpose)

    # -- internals -------------------------------------------------------------------------

    def _replay(self, messages: list[dict[str, str]], *, key: str, purpose: str) -> Completion:
        assert self.replay_from is not None
        old = self.store.lookup(self.replay_from, key)
        if old is None:
            raise ReplayMiss(
                f"run {self.replay_from!r} has no recorded answer for key {key!r}: replay serves "
                "only the calls that run completed — run without replay to call the LLM"
            )
        self.store.record(
            run_id=self.run_id,
            key=key,
            purpose=purpose,
            model=self.settings.model,
            messages=messages,
            completion=old,
            error=None,
            params={"replay_from": self.replay_from},
        )
        return old

    def _check_budget(self) -> None:
        limit = self.settings.token_budget
        if limit is None:
            return
        used = self.tokens_used
        if used >= limit:
            raise TokenBudgetExceeded(
                f"token budget spent: run {self.run_id!r} used {used} of {limit} tokens — "
                "raise --token-budget and resume the run to continue"
            )

    def _request(self, messages: list[dict[str, str]], *, key: str, purpose: str) -> Completion:
        assert self._client is not None
        s = self.settings
        params = {"temperature": s.temperature, "max_tokens": s.max_tokens}
        attempts = max(0, s.max_retries) + 1
        failure: _Failure | None = None

        def record(
            attempt: int,
            *,
            completion: Completion | None = None,
            error: str | None = None,
            latency: float | None = None,
            estimated: bool = False,
        ) -> None:
            self.store.record(
                run_id=self.run_id,
                key=key,
                purpose=purpose,
                model=s.model,
                messages=messages,
                completion=completion,
                error=error,
                attempt=attempt,
                latency=latency,
                params=params,
                usage_estimated=estimated,
            )

        def record_error(text: str, attempt: int, latency: float | None) -> None:
            record(attempt, error=text, latency=latency)

        for attempt in range(1, attempts + 1):
            start = time.monotonic()
            try:
                raw = self._client.chat.completions.with_raw_response.create(
                    model=s.model,
                    messages=messages,  # type: ignore[arg-type]
                    temperature=s.temperature,
                    max_tokens=s.max_tokens,
                )
            except openai.APIStatusError as exc:
                latency = time.monotonic() - start
                status = exc.status_code
                message = _status_message(exc)
                text = f"HTTP {status}: {message}"
                if status not in RETRY_STATUSES and status < 500:
                    record_error(text, attempt, latency)
                    raise LLMRejected(
                        f"{self.base_url} rejected the request (HTTP {status}: {message}) — "
                        f"{_rejection_hint(status, s.model)}"
                    ) from exc
                failure = _Failure(
                    "status", text, status, message, _retry_after(exc.response.headers)
                )
            except openai.APITimeoutError:
                latency = time.monotonic() - start
                failure = _Failure("timeout", f"timed out after {s.timeout:g} s")
            except openai.APIConnectionError as exc:
                latency = time.monotonic() - start
                reason = _clip(str(exc.__cause__ or exc.message))
                failure = _Failure("connection", f"connection error: {reason}", reason=reason)
            else:
                latency = time.monotonic() - start
                try:
                    completion, estimated = self._parse(raw, messages, latency)
                except LLMBadResponse as exc:
                    record_error(str(exc), attempt, latency)
                    raise
                record(attempt, completion=completion, estimated=estimated)
                with self._lock:
                    self._tokens_used += completion.prompt_tokens + completion.completion_tokens
                return completion

            record_error(failure.text, attempt, latency)
            if attempt < attempts:
                time.sleep(self._wait(attempt, failure.wait))

        assert failure is not None
        raise LLMUnavailable(self._unavailable_message(failure, attempts))

    def _wait(self, attempt: int, asked: float | None) -> float:
        s = self.settings
        if asked is not None:
            return min(asked, s.retry_max_wait)
        backoff = s.retry_backoff * 2 ** (attempt - 1)
        return min(backoff, s.retry_max_wait) * random.uniform(0.75, 1.0)

    def _unavailable_message(self, failure: _Failure, attempts: int) -> str:
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        if failure.kind == "connection":
            return (
                f"cannot reach {self.base_url} after {tries}: {failure.reason} — is the server "
                "running? set --base-url / OPENAI_BASE_URL"
            )
        if failure.kind == "timeout":
            return (
                f"{self.base_url} did not answer within {self.settings.timeout:g} s ({tries}) — "
                "the server is overloaded or generation is slow: raise --timeout or lower "
                "--concurrency / --max-tokens"
            )
        hint = "rate limited: lower --concurrency" if failure.status == 429 else "see its logs"
        return (
            f"{self.base_url} still failing after {tries}: HTTP {failure.status}: "
            f"{failure.reason} — {hint}"
        )

    def _parse(
        self, raw: Any, messages: list[dict[str, str]], latency: float
    ) -> tuple[Completion, bool]:
        def bad(why: str) -> LLMBadResponse:
            try:
                body = _clip(raw.text, 160)
            except Exception:  # undecodable bytes: the reason says enough
                body = "<unreadable>"
            return LLMBadResponse(
                f"{self.base_url} answered with a malformed chat completion ({why}): {body!r} — "
                "is the base URL the /v1 endpoint of an OpenAI-compatible server?"
            )

        try:
            parsed = raw.parse()
        except (ValueError, TypeError, openai.APIResponseValidationError) as exc:
            # JSONDecodeError, pydantic ValidationError; the last only in strict mode
            raise bad(f"not JSON: {_clip(str(exc), 80)}") from exc
        choices = getattr(parsed, "choices", None)
        if not isinstance(choices, list) or not choices:
            extra = getattr(parsed, "model_extra", None) or {}
            if extra.get("error"):
                raise bad("an error object instead of choices")
            raise bad("no choices")
        choice = choices[0]
        message = getattr(choice, "message", None)
        content = getattr(message, "content", None) if message is not None else None
        if message is None or not (content is None or isinstance(content, str)):
            raise bad("choices[0] has no message")
        text = content or ""
        usage = getattr(parsed, "usage", None)
        prompt = getattr(usage, "prompt_tokens", None)
        completion = getattr(usage, "completion_tokens", None)
        estimated = not isinstance(prompt, int) or not isinstance(completion, int)
        if estimated:
            # The server reported no usage (some local servers don't): estimate ~4 characters a
            # token so the budget still bites; the transcript marks the usage as estimated.
            prompt = sum(len(str(m.get("content") or "")) for m in messages) // 4
            completion = len(text) // 4
        return (
            Completion(
                text=text,
                model=getattr(parsed, "model", None) or self.settings.model,
                finish_reason=getattr(choice, "finish_reason", None),
                prompt_tokens=int(prompt),
                completion_tokens=int(completion),
                latency=latency,
                replayed=False,
            ),
            estimated,
        )
