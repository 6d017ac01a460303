"""Calibration throughput: how close `campforge calibrate` keeps the endpoint to its concurrency.

    .venv/bin/python benchmarks/calibrate.py [--latency 2] [--concurrency 32] [--per-preset 8]

Runs `agent.calibrate.calibrate` on catalog bootcamps (every difficulty, `--per-preset` cases
each) against the local scripted Chat Completions server (tests/llm_server.py, on 127.0.0.1),
which answers every request after `--latency` seconds. The real path: the `openai` client, the
retry loop, the SQLite transcript, case generation and scoring.

The server runs in a process of its own, as an endpoint would (in this process its handler
threads would compete with the client for the GIL), with a listen backlog of 128 instead of the
standard library's 5: with 5, 32 simultaneous connects wait for SYN retransmits (measured here:
requests up to 1.3 s slower), which no real endpoint makes them do.

Prints the requests, the wall time, the ideal wall time (waves of `--concurrency` requests, each
taking the latency), the achieved concurrency (requests x latency / wall time) against the
ideal (the concurrency, or fewer when there are fewer requests), the most requests the server
saw in flight at once, and the time of a second, resumed run served from the transcript.
Target: achieved >= 80% of ideal.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.calibrate import CatalogSubject, Settings, calibrate  # noqa: E402
from agent.llm import LLMClient, LLMSettings, TranscriptStore  # noqa: E402

BOOTCAMPS = ("knapsack", "game24", "sudoku", "dice_probability")
SERVER = """
import http.server, json, sys
sys.path.insert(0, sys.argv[2])
http.server.ThreadingHTTPServer.request_queue_size = 128
from tests.llm_server import Reply, ScriptedLLMServer
reply = Reply("The answer is \\\\boxed{0}.", delay=float(sys.argv[1]), usage=(300, 60))
with ScriptedLLMServer(lambda body: reply) as server:
    print(server.base_url, flush=True)
    for _ in sys.stdin:  # each line asks: what have you seen?
        seen = {"requests": len(server.requests), "peak": server.max_in_flight}
        print(json.dumps(seen), flush=True)
"""


class ServerProcess:
    """The scripted server in a child process; `seen()` asks it what it received."""

    def __init__(self, latency: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(latency), str(ROOT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.base_url = self.process.stdout.readline().strip()

    def seen(self) -> dict[str, int]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def timed_run(server_url: str, store: TranscriptStore, settings: Settings) -> tuple[float, int]:
    """Seconds one calibration took, and the requests it planned."""
    llm = LLMSettings(
        model="bench-model",
        base_url=server_url,
        api_key="bench",
        timeout=60.0,
        concurrency=settings.concurrency,
    )
    planned = []
    with LLMClient(llm, store, "calibrate-bench") as client:
        subjects = [CatalogSubject(name) for name in BOOTCAMPS]
        start = time.perf_counter()
        calibrate(subjects, client, settings, on_planned=planned.append)
        return time.perf_counter() - start, planned[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=2.0, help="seconds per request")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--per-preset", type=int, default=8, help="cases per difficulty")
    args = parser.parse_args()

    settings = Settings(n=args.per_preset, concurrency=args.concurrency)
    server = ServerProcess(args.latency)
    try:
        with (
            tempfile.TemporaryDirectory() as scratch,
            TranscriptStore(Path(scratch) / "bench.db") as store,
        ):
            wall, requests = timed_run(server.base_url, store, settings)
            first = server.seen()
            resumed, _ = timed_run(server.base_url, store, settings)
            resent = server.seen()["requests"] - first["requests"]
    finally:
        server.close()
    sent, peak = first["requests"], first["peak"]

    ideal_concurrency = min(args.concurrency, requests)
    ideal_wall = math.ceil(requests / args.concurrency) * args.latency
    achieved = requests * args.latency / wall
    print(f"bootcamps: {', '.join(BOOTCAMPS)}; {args.per_preset} cases per difficulty")
    print(f"requests: {requests} ({sent} sent), latency {args.latency:g} s each")
    print(f"wall time: {wall:.2f} s (ideal {ideal_wall:.2f} s: {ideal_wall / wall:.0%})")
    print(
        f"achieved concurrency: {achieved:.1f} of ideal {ideal_concurrency} "
        f"({achieved / ideal_concurrency:.0%}; target >= 80%)"
    )
    print(f"most requests in flight at the server: {peak}")
    print(f"resumed run: {resumed:.2f} s, {resent} requests sent again")


if __name__ == "__main__":
    main()
