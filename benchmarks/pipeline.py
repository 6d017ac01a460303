"""Benchmark: the graph's wall time against ideal LLM concurrency, and its own overhead.

Drafts N specs x k samples against the scripted Chat Completions server on 127.0.0.1, every
reply delayed by a simulated latency, with C requests in flight. Each reply is a real bootcamp
(an offline example's parts), so every candidate is self-tested for real. Prints
- ideal: total LLM time / concurrency (what a perfect scheduler would spend waiting on the LLM);
- self-test: total self-test seconds / testing slots (run in parallel with the LLM waits);
- wall time, its ratio to (ideal + self-test), and the graph's overhead per candidate: wall time
  minus LLM waits and self-tests, divided by the number of candidates.

    python benchmarks/pipeline.py [--specs 100] [--samples 2] [--latency 2] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import agent.develop as develop  # noqa: E402
from agent.llm import LLMSettings  # noqa: E402
from agent.parts import format_reply, parts_from_spec  # noqa: E402
from agent.pipeline import PipelineOptions, collect_specs, run_batch  # noqa: E402
from agent.selftest import Settings  # noqa: E402
from agent.spec import load_specs  # noqa: E402
from agent.workspace import Workspace  # noqa: E402
from tests.llm_server import Reply, ScriptedLLMServer  # noqa: E402

EXAMPLE = ROOT / "examples" / "modular_exponentiation.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=100)
    parser.add_argument("--samples", type=int, default=2)
    parser.add_argument("--latency", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--cases", type=int, default=10, help="self-test cases per difficulty")
    parser.add_argument("--testing-slots", type=int, default=2)
    args = parser.parse_args()

    (example,) = load_specs(EXAMPLE)
    parts = parts_from_spec(example)
    selftest_seconds: list[float] = []
    lock = threading.Lock()
    real_selftest = develop.run_selftest

    def timed_selftest(*a, **kw):  # measure each self-test as the graph runs it
        started = time.perf_counter()
        try:
            return real_selftest(*a, **kw)
        finally:
            with lock:
                selftest_seconds.append(time.perf_counter() - started)

    develop.run_selftest = timed_selftest

    def route(body):
        text = str(body["messages"])
        name = next(word for word in text.split("`") if word.startswith("bench_"))
        parts.name = name
        return Reply("Here it is.\n\n" + format_reply(parts), delay=args.latency)

    with tempfile.TemporaryDirectory() as tmp, ScriptedLLMServer(route) as server:
        directory = Path(tmp)
        for index in range(args.specs):
            name = f"bench_{index:03d}"
            (directory / f"{name}.md").write_text(
                f"---\nname: {name}\ndomain: arithmetic\n---\n# {example.title}\n\n"
                f"Bootcamp `{name}`. {example.description}\n",
                encoding="utf-8",
            )
        specs, _ = collect_specs([directory])
        options = PipelineOptions(
            samples=args.samples,
            rounds=0,
            concurrency=max(1, args.concurrency // args.samples),
            llm=LLMSettings(
                model="bench",
                base_url=server.base_url,
                api_key="bench",
                concurrency=args.concurrency,
                timeout=60,
            ),
            use_llm=True,
        )
        options.develop.selftest = Settings(cases=args.cases)
        options.develop.testing_slots = threading.BoundedSemaphore(args.testing_slots)
        started = time.perf_counter()
        _, outcomes = run_batch(specs, options, Workspace.open(directory / "state"))
        wall = time.perf_counter() - started
        requests = len(server.requests)
        peak = server.max_in_flight

    queued = sum(outcome.outcome == "queued" for outcome in outcomes)
    for outcome in outcomes:
        if outcome.outcome != "queued":
            print(f"not queued: {outcome.spec}: {outcome.outcome}: {outcome.reason}")
    candidates = args.specs * args.samples
    ideal = requests * args.latency / args.concurrency
    testing = sum(selftest_seconds) / args.testing_slots
    floor = max(ideal, testing)  # LLM waits and self-tests overlap; the larger one bounds wall
    print(
        f"{args.specs} specs x {args.samples} samples, latency {args.latency} s, "
        f"concurrency {args.concurrency}"
    )
    print(f"requests {requests}, peak in flight {peak}, queued {queued}/{args.specs}")
    print(f"ideal LLM time (requests x latency / concurrency): {ideal:7.1f} s")
    print(
        f"self-test time ({len(selftest_seconds)} runs / {args.testing_slots} slots): "
        f"{testing:7.1f} s"
    )
    print(f"wall time:                                        {wall:7.1f} s")
    print(f"wall / (ideal + self-test):                       {wall / (ideal + testing):7.2f}")
    print(f"wall / max(ideal, self-test):                     {wall / floor:7.2f}")
    overhead = max(0.0, wall - floor) / candidates
    print(f"graph overhead per candidate beyond the floor:    {overhead * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
