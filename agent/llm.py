"""The LLM client campforge drafts bootcamps with, and the transcript every exchange is recorded in.

One job: send Chat Completions requests to any OpenAI-compatible endpoint (OpenAI, vLLM, SGLang,
Ollama, llama.cpp...) robustly, and record each exchange — messages, response, model, token usage,
latency, error — in a transcript (`agent.transcripts`, in the workspace's database), so that

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
import os
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import openai

from agent.transcripts import Completion, TranscriptStore

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
