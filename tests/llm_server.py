"""A real OpenAI-compatible Chat Completions server on 127.0.0.1 that answers from a script.

Tests point the real `openai` client (and so `agent.llm.LLMClient`) at it, so retries, timeouts,
malformed bodies and concurrency are exercised over actual HTTP:

    with ScriptedLLMServer([Reply(status=429, headers={"retry-after": "1"}), Reply("hi")]) as srv:
        client = OpenAI(base_url=srv.base_url, api_key="EMPTY")
        ...
        assert len(srv.requests) == 2

The script is either a list of `Reply` consumed in order (one per chat-completions request; an
exhausted script answers 500 and is noted in `.errors`) or a function `(request_body) -> Reply`,
which concurrent tests use to route by message content.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Reply", "ScriptedLLMServer", "closed_port_url"]

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_api_key",
    403: "permission_denied",
    404: "model_not_found",
    408: "timeout",
    429: "rate_limit_exceeded",
}


@dataclass(frozen=True)
class Reply:
    """One scripted answer.

    - `status != 200`: an OpenAI-style error JSON body whose message is `text`.
    - `raw_body`: sent verbatim instead (malformed output: not JSON, JSON without `choices`...).
    - `usage=None`: the response carries no `usage` object.
    - `delay`: seconds to wait before answering (to go past a client timeout).
    """

    text: str = "ok"
    status: int = 200
    delay: float = 0.0
    finish_reason: str | None = "stop"
    usage: tuple[int, int] | None = (10, 5)
    raw_body: str | bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    model: str | None = None  # the model the response claims; None -> echo the requested one


Script = Iterable[Reply] | Callable[[dict[str, Any]], Reply]


class ScriptedLLMServer:
    """`POST /v1/chat/completions` and `GET /v1/models` on an ephemeral port, in a thread."""

    def __init__(self, script: Script = ()) -> None:
        if callable(script):
            self._route: Callable[[dict[str, Any]], Reply] | None = script
            self._queue: list[Reply] = []
        else:
            self._route = None
            self._queue = list(script)
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._requests: list[dict[str, Any]] = []
        self._headers: list[dict[str, str]] = []
        self.errors: list[str] = []  # script problems (exhausted, router raised)
        self.in_flight = 0
        self.max_in_flight = 0
        self._ids = itertools.count(1)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self.port: int = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> ScriptedLLMServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()  # wakes handlers sleeping on a `delay`
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> ScriptedLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what the server saw ---------------------------------------------------------------

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The JSON bodies of the chat-completions requests received, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def request_headers(self) -> list[dict[str, str]]:
        with self._lock:
            return list(self._headers)

    def add(self, *replies: Reply) -> None:
        """Append replies to a list script."""
        with self._lock:
            self._queue.extend(replies)

    # -- internals -------------------------------------------------------------------------

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        if self._route is not None:
            try:
                return self._route(body)
            except Exception as exc:  # a broken router must show up in the test, not hang it
                with self._lock:
                    self.errors.append(f"router raised {exc!r}")
                return Reply(status=500, text=f"scripted router raised {exc!r}")
        with self._lock:
            if self._queue:
                return self._queue.pop(0)
            self.errors.append("script exhausted")
        return Reply(status=500, text="scripted server: script exhausted")

    def _completion_body(self, reply: Reply, request: dict[str, Any]) -> bytes:
        if reply.raw_body is not None:
            raw = reply.raw_body
            return raw.encode() if isinstance(raw, str) else raw
        if reply.status != 200:
            error = {
                "message": reply.text,
                "type": ERROR_TYPES.get(reply.status, "server_error"),
                "param": None,
                "code": ERROR_TYPES.get(reply.status),
            }
            return json.dumps({"error": error}).encode()
        body: dict[str, Any] = {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": reply.model or request.get("model", "scripted"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.text},
                    "finish_reason": reply.finish_reason,
                }
            ],
        }
        if reply.usage is not None:
            p, c = reply.usage
            body["usage"] = {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}
        return json.dumps(body).encode()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout) before we answered

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    data = [{"id": "scripted", "object": "model", "owned_by": "tests"}]
                    body = json.dumps({"object": "list", "data": data}).encode()
                    self._send(200, body, {})
                else:
                    self._send(404, b'{"error": {"message": "not found"}}', {})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, b'{"error": {"message": "not found"}}', {})
                    return
                try:
                    request = json.loads(raw or b"{}")
                except ValueError:
                    request = {"_unparsed": raw.decode(errors="replace")}
                with server._lock:
                    server._requests.append(request)
                    server._headers.append({k.lower(): v for k, v in self.headers.items()})
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    reply = server._next_reply(request)
                    if reply.delay:
                        server._closing.wait(reply.delay)
                    body = server._completion_body(reply, request)
                finally:
                    with server._lock:
                        server.in_flight -= 1
                self._send(reply.status, body, reply.headers)

        return Handler


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (connections are refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
