"""Sandbox overhead: start-up time and the round-trip cost of trivial `map` calls.

    .venv/bin/python benchmarks/sandbox_overhead.py

Prints median start-up time (launcher + isolation + worker + candidate import, until the worker
is ready), the latency of a 1-item `map`, and the per-item cost of a 1000-item `map`, against a
trivial candidate whose `solve` returns a sum.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.sandbox import Sandbox

CANDIDATE = """
from generated_bootcamps.base import Bootcamp


class Trivial(Bootcamp):
    name = "trivial"
    description = "Add two integers."
    domain = "arithmetic"
    defaults = {}
    difficulties = {"easy": {}, "medium": {}, "hard": {}}

    def generate(self):
        return {"a": self.rng.randint(0, 9), "b": self.rng.randint(0, 9)}

    @classmethod
    def prompt(cls, case):
        return f"{case['a']} + {case['b']} = ?"

    @classmethod
    def solve(cls, case):
        return case["a"] + case["b"]
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trivial.py"
        path.write_text(CANDIDATE)
        case = {"a": 2, "b": 3}

        starts, closes = [], []
        for _ in range(10):
            sandbox = Sandbox(path)
            t0 = time.perf_counter()
            sandbox.start()
            starts.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            sandbox.close()
            closes.append(time.perf_counter() - t0)

        with Sandbox(path) as sandbox:
            for _ in range(20):  # warm up
                sandbox.map("solve", [[case]])
            single = []
            for _ in range(500):
                t0 = time.perf_counter()
                sandbox.map("solve", [[case]])
                single.append(time.perf_counter() - t0)
            batch = []
            args = [[case]] * 1000
            for _ in range(20):
                t0 = time.perf_counter()
                results = sandbox.map("solve", args)
                batch.append(time.perf_counter() - t0)
            in_worker = statistics.median(r["seconds"] for r in results)
            isolation = sandbox.isolation

    print(f"isolation: uid_drop={isolation['uid_drop']} network={isolation['network']}")
    print(f"start-up (until ready), median of 10:  {statistics.median(starts) * 1e3:8.1f} ms")
    print(f"close (kill all, cleanup), median:      {statistics.median(closes) * 1e3:8.1f} ms")
    print(f"map, 1 item, round trip, median:        {statistics.median(single) * 1e6:8.1f} µs")
    per_item = statistics.median(batch) / 1000
    print(f"map, 1000 items, per item, median:      {per_item * 1e6:8.1f} µs")
    print(f"  of which the call itself (in worker): {in_worker * 1e6:8.1f} µs")


if __name__ == "__main__":
    main()
