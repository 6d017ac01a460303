"""LLMClient against a real scripted Chat Completions server: success, retries, timeouts, malformed
bodies, rejections, token budget, resume, replay and the concurrency limit."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from llm_server import Reply, closed_port_url

from agent.llm import (
    LLMBadResponse,
    LLMClient,
    LLMError,
    LLMRejected,
    LLMSettings,
    LLMUnavailable,
    ReplayMiss,
    TokenBudgetExceeded,
    TranscriptStore,
)

MSGS = [
    {"role": "system", "content": "You write bootcamps."},
    {"role": "user", "content": "Draft the spec knapsack."},
]


def test_success_is_returned_and_recorded(serve, make_client, store: TranscriptStore) -> None:
    server = serve([Reply("def generate(): ...", usage=(12, 3), model="served-model")])
    client = make_client(server.base_url, temperature=0.2, max_tokens=256)

    got = client.complete(MSGS, key="knapsack/0/0", purpose="draft")

    assert got.text == "def generate(): ..."
    assert (got.prompt_tokens, got.completion_tokens) == (12, 3)
    assert got.model == "served-model"
    assert got.finish_reason == "stop"
    assert not got.replayed
    assert got.latency > 0
    [body] = server.requests
    assert body["model"] == "scripted-model"
    assert body["messages"] == MSGS
    assert body["temperature"] == 0.2
    assert body["max_tokens"] == 256
    assert server.request_headers[0]["authorization"] == "Bearer test-key"

    [ex] = store.exchanges("run-1")
    assert ex["key"] == "knapsack/0/0"
    assert ex["purpose"] == "draft"
    assert ex["messages"] == MSGS
    assert ex["response"] == "def generate(): ..."
    assert ex["model"] == "scripted-model"
    assert ex["response_model"] == "served-model"
    assert ex["usage"] == {"prompt_tokens": 12, "completion_tokens": 3, "estimated": False}
    assert ex["latency"] == pytest.approx(got.latency)
    assert ex["error"] is None
    assert ex["created_at"]
    assert client.tokens_used == store.tokens_used("run-1") == 15


def test_settings_come_from_the_environment(serve, store, monkeypatch) -> None:
    server = serve([Reply("hi")])
    monkeypatch.setenv("CAMPFORGE_MODEL", "qwen3-8b")
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "env-key")
    settings = LLMSettings()
    assert settings.model == "qwen3-8b"

    with LLMClient(settings, store, "env-run") as client:
        assert client.complete(MSGS, key="k", purpose="draft").text == "hi"
    assert server.requests[0]["model"] == "qwen3-8b"
    assert server.request_headers[0]["authorization"] == "Bearer env-key"


def test_defaults_without_environment() -> None:
    assert LLMSettings().resolved_api_key() == "EMPTY"
    assert LLMSettings().model == "gpt-4o-mini"
    assert LLMSettings().resolved_base_url() == "https://api.openai.com/v1"


def test_429_then_success_honours_retry_after(serve, make_client, store) -> None:
    server = serve([Reply("slow down", status=429, headers={"retry-after": "0.4"}), Reply("ok")])
    client = make_client(server.base_url, retry_max_wait=5.0)

    start = time.monotonic()
    got = client.complete(MSGS, key="k", purpose="draft")
    elapsed = time.monotonic() - start

    assert got.text == "ok"
    assert len(server.requests) == 2
    assert elapsed >= 0.4  # waited as asked, not the 0.01 s backoff
    first, second = store.exchanges("run-1")
    assert first["error"] == "HTTP 429: slow down" and first["attempt"] == 1
    assert first["usage"] is None
    assert second["error"] is None and second["attempt"] == 2


def test_retry_after_is_capped(serve, make_client) -> None:
    server = serve([Reply("busy", status=503, headers={"retry-after": "60"}), Reply("ok")])
    client = make_client(server.base_url, retry_max_wait=0.2)

    start = time.monotonic()
    assert client.complete(MSGS, key="k", purpose="draft").text == "ok"
    assert time.monotonic() - start < 3
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("status", "hint"), [(500, "see its logs"), (503, "see its logs"), (429, "rate limited")]
)
def test_failing_beyond_max_retries_is_unavailable(
    serve, make_client, store, status: int, hint: str
) -> None:
    server = serve([Reply("overloaded", status=status)] * 4)
    client = make_client(server.base_url, max_retries=2)

    with pytest.raises(LLMUnavailable) as info:
        client.complete(MSGS, key="k", purpose="draft")

    assert len(server.requests) == 3  # 1 + max_retries, the 4th reply is never asked for
    message = str(info.value)
    assert server.base_url in message
    assert "after 3 attempts" in message
    assert f"HTTP {status}: overloaded" in message
    assert hint in message
    exchanges = store.exchanges("run-1")
    assert [ex["attempt"] for ex in exchanges] == [1, 2, 3]
    assert all(ex["error"] == f"HTTP {status}: overloaded" for ex in exchanges)
    assert store.lookup("run-1", "k") is None
    assert client.tokens_used == 0


def test_connection_refused_is_unavailable_quickly(make_client, store) -> None:
    url = closed_port_url()
    client = make_client(url, max_retries=2)

    start = time.monotonic()
    with pytest.raises(LLMUnavailable) as info:
        client.complete(MSGS, key="k", purpose="draft")

    assert time.monotonic() - start < 2
    message = str(info.value)
    assert message.startswith(f"cannot reach {url} after 3 attempts:")
    assert "refused" in message.lower()
    assert "OPENAI_BASE_URL" in message
    assert len(store.exchanges("run-1")) == 3


def test_slow_response_times_out_then_unavailable(serve, make_client, store) -> None:
    server = serve([Reply("late", delay=3.0), Reply("late", delay=3.0), Reply("never asked")])
    client = make_client(server.base_url, timeout=0.5, max_retries=1)

    start = time.monotonic()
    with pytest.raises(LLMUnavailable) as info:
        client.complete(MSGS, key="k", purpose="draft")
    elapsed = time.monotonic() - start

    assert 1.0 <= elapsed < 2.5  # two attempts of 0.5 s each, not the 3 s delay
    assert len(server.requests) == 2
    assert "did not answer within 0.5 s (2 attempts)" in str(info.value)
    assert [ex["error"] for ex in store.exchanges("run-1")] == ["timed out after 0.5 s"] * 2


@pytest.mark.parametrize(
    ("raw_body", "why"),
    [
        ("<html>It works!</html>", "not JSON"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        ('{"id": "x", "object": "chat.completion"}', "no choices"),
        ('{"choices": []}', "no choices"),
        ('{"error": {"message": "model crashed"}}', "an error object instead of choices"),
        ('{"choices": [{"index": 0, "finish_reason": "stop"}]}', "no message"),
        ("[1, 2, 3]", ""),
        ('"just a string"', ""),
    ],
)
def test_malformed_body_is_a_clear_error(
    serve, make_client, store, raw_body: str | bytes, why: str
) -> None:
    server = serve([Reply(raw_body=raw_body), Reply("never asked")])
    client = make_client(server.base_url)

    with pytest.raises(LLMBadResponse) as info:
        client.complete(MSGS, key="k", purpose="draft")

    assert isinstance(info.value, LLMError)
    message = str(info.value)
    assert f"{server.base_url} answered with a malformed chat completion" in message
    assert why in message
    assert len(server.requests) == 1  # a server that answers garbage is not asked again
    [ex] = store.exchanges("run-1")
    assert ex["error"] == message


def test_truncated_output_is_returned_as_is(serve, make_client) -> None:
    server = serve([Reply("def generate(self):\n    return {", finish_reason="length")])
    got = make_client(server.base_url).complete(MSGS, key="k", purpose="draft")
    assert got.finish_reason == "length"
    assert got.text == "def generate(self):\n    return {"


def test_null_content_is_empty_text(serve, make_client) -> None:
    body = '{"model": "m", "choices": [{"message": {"role": "assistant", "content": null}}]}'
    server = serve([Reply(raw_body=body)])
    got = make_client(server.base_url).complete(MSGS, key="k", purpose="draft")
    assert got.text == ""
    assert got.finish_reason is None


@pytest.mark.parametrize(
    ("status", "hint"),
    [(401, "API key"), (403, "API key"), (404, "model name ('scripted-model')"), (400, "context")],
)
def test_client_errors_are_rejected_without_retry(
    serve, make_client, store, status: int, hint: str
) -> None:
    server = serve([Reply("nope", status=status), Reply("never asked")])
    client = make_client(server.base_url, max_retries=3)

    with pytest.raises(LLMRejected) as info:
        client.complete(MSGS, key="k", purpose="draft")

    assert len(server.requests) == 1
    message = str(info.value)
    assert f"{server.base_url} rejected the request (HTTP {status}: nope)" in message
    assert hint in message
    assert [ex["error"] for ex in store.exchanges("run-1")] == [f"HTTP {status}: nope"]


def test_token_budget_stops_new_requests(serve, make_client, store) -> None:
    server = serve([Reply("first", usage=(15, 10)), Reply("never asked")])
    client = make_client(server.base_url, token_budget=20)

    assert client.complete(MSGS, key="a", purpose="draft").text == "first"
    assert client.tokens_used == 25
    with pytest.raises(TokenBudgetExceeded, match=r"used 25 of 20 tokens"):
        client.complete(MSGS, key="b", purpose="draft")
    assert len(server.requests) == 1

    # A restarted run keeps what it spent, and finished calls are still served.
    again = make_client(server.base_url, token_budget=20)
    assert again.tokens_used == 25
    assert again.complete(MSGS, key="a", purpose="draft").replayed
    with pytest.raises(TokenBudgetExceeded):
        again.complete(MSGS, key="b", purpose="draft")
    assert len(server.requests) == 1


def test_missing_usage_is_estimated(serve, make_client, store) -> None:
    server = serve([Reply("x" * 40, usage=None)])
    got = make_client(server.base_url).complete(MSGS, key="k", purpose="draft")
    prompt_chars = sum(len(m["content"]) for m in MSGS)
    assert (got.prompt_tokens, got.completion_tokens) == (prompt_chars // 4, 10)
    assert store.exchanges("run-1")[0]["usage"]["estimated"] is True
    assert store.tokens_used("run-1") == prompt_chars // 4 + 10


def test_same_key_is_served_from_the_transcript(serve, make_client, store) -> None:
    server = serve([Reply("drafted", usage=(7, 3)), Reply("never asked")])
    client = make_client(server.base_url)

    first = client.complete(MSGS, key="knapsack/0/0", purpose="draft")
    second = client.complete(MSGS, key="knapsack/0/0", purpose="draft")
    restarted = make_client(server.base_url).complete(MSGS, key="knapsack/0/0", purpose="draft")

    assert not first.replayed
    assert second.replayed and restarted.replayed
    assert second.text == restarted.text == "drafted"
    assert (second.prompt_tokens, second.completion_tokens) == (7, 3)
    assert len(server.requests) == 1
    assert len(store.exchanges("run-1")) == 1
    assert client.tokens_used == 10
    # Another run does not see this run's answers.
    other = make_client(server.base_url, run_id="run-2")
    assert other.complete(MSGS, key="knapsack/0/0", purpose="draft").text == "never asked"


def test_failed_attempts_are_not_served_on_resume(serve, make_client) -> None:
    server = serve([Reply("no", status=500), Reply("yes")])
    client = make_client(server.base_url, max_retries=0)
    with pytest.raises(LLMUnavailable):
        client.complete(MSGS, key="k", purpose="draft")
    assert client.complete(MSGS, key="k", purpose="draft").text == "yes"
    assert len(server.requests) == 2


def test_replay_needs_no_server(serve, make_client, store) -> None:
    server = serve([Reply("answer a"), Reply("answer b"), Reply("boom", status=500)])
    old = make_client(server.base_url, run_id="old", max_retries=0)
    old.complete(MSGS, key="a", purpose="draft")
    old.complete(MSGS, key="b", purpose="repair")
    with pytest.raises(LLMUnavailable):
        old.complete(MSGS, key="failed", purpose="draft")
    server.close()

    replay = make_client(closed_port_url(), run_id="new", replay_from="old")
    got_b = replay.complete(MSGS, key="b", purpose="repair")
    got_a = replay.complete(MSGS, key="a", purpose="draft")

    assert (got_a.text, got_b.text) == ("answer a", "answer b")
    assert got_a.replayed and got_b.replayed
    for key in ("c", "failed"):
        with pytest.raises(ReplayMiss, match=rf"run 'old' has no recorded answer for key '{key}'"):
            replay.complete(MSGS, key=key, purpose="draft")
    new = store.exchanges("new")
    assert [(ex["key"], ex["response"], ex["replayed"]) for ex in new] == [
        ("b", "answer b", True),
        ("a", "answer a", True),
    ]
    assert store.tokens_used("new") == 0  # a replay spends nothing
    assert len(server.requests) == 3


def test_concurrency_limit_across_threads(serve, make_client, store) -> None:
    def route(body: dict[str, Any]) -> Reply:
        spec = re.search(r"spec (\w+)", body["messages"][-1]["content"]).group(1)
        return Reply(f"bootcamp for {spec}", delay=0.3)

    server = serve(route)
    client = make_client(server.base_url, concurrency=2)
    specs = [f"s{i}" for i in range(6)]
    barrier = threading.Barrier(6)

    def call(spec: str) -> str:
        barrier.wait()
        msgs = [{"role": "user", "content": f"Draft the spec {spec}."}]
        return client.complete(msgs, key=f"{spec}/0/0", purpose="draft").text

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=6) as pool:
        texts = list(pool.map(call, specs))
    wall = time.monotonic() - start

    assert texts == [f"bootcamp for {spec}" for spec in specs]
    assert len(server.requests) == 6
    assert server.max_in_flight == 2  # never more than 2, and the limit is actually used
    assert wall < 6 * 0.3
    assert sorted(ex["key"] for ex in store.exchanges("run-1")) == [f"{s}/0/0" for s in specs]
