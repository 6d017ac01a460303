"""Benchmark: generation and scoring throughput of the catalog, and the cost of the export path.

For every catalog bootcamp, prints
- bare: cases/s of `generate()` + `prompt()` in a plain loop on one instance (the floor);
- export 1w / all: cases/s of `campforge generate` (export.write_dataset to JSONL) with 1 worker
  and with every core, the speed-up between them, and the export's overhead over the bare loop;
- scores/s of reference responses through `reward.score_batch` with 1 worker and every core;
then the peak memory of `campforge generate --all` at two sizes (streaming keeps it flat).

    python benchmarks/generate.py [--count 5000] [--difficulty medium]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import generated_bootcamps
from generated_bootcamps import export
from generated_bootcamps.reward import score_batch


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def bare_loop(name: str, count: int, difficulty: str) -> float:
    bootcamp = generated_bootcamps.load(name, difficulty=difficulty, seed=0)
    prompt = type(bootcamp).prompt
    started = time.perf_counter()
    for _ in range(count):
        prompt(bootcamp.generate())
    return rate(count, time.perf_counter() - started)


def export_rate(name: str, count: int, difficulty: str, workers: int, directory: Path) -> float:
    started = time.perf_counter()
    export.write_dataset(
        [name], count, directory / f"{name}.jsonl", difficulty=difficulty, workers=workers
    )
    return rate(count, time.perf_counter() - started)


def score_rates(name: str, count: int, difficulty: str, workers: int) -> tuple[float, float]:
    cls = generated_bootcamps.get(name)
    cases = [cls(seed=seed, difficulty=difficulty).generate() for seed in range(count)]
    truths = [json.dumps(case) for case in cases]
    responses = [cls.format_answer(cls.solve(case)) for case in cases]
    sources = [name] * count
    results = []
    for use in (1, workers):
        score_batch(sources[:64], responses[:64], truths[:64], workers=use)  # warm caches / pool
        started = time.perf_counter()
        scores = score_batch(sources, responses, truths, workers=use)
        results.append(rate(count, time.perf_counter() - started))
        assert scores == [1.0] * count, f"{name}: a reference answer did not score 1"
    return results[0], results[1]


MEMORY_PROBE = """
import resource, sys
from agent.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
usage = resource.getrusage
peak = max(usage(resource.RUSAGE_SELF).ru_maxrss, usage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(peak, file=sys.stderr)
"""


def peak_memory_mb(count: int, directory: Path) -> float:
    """Peak RSS (MB) of any one process of `campforge generate --all -n count`."""
    command = [sys.executable, "-c", MEMORY_PROBE, "generate", "--all", "-n", str(count)]
    command += ["-o", str(directory / f"mem{count}.jsonl"), "--quiet"]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return int(result.stderr.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="cases per bootcamp")
    parser.add_argument("--difficulty", default="medium")
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    print(f"{args.count} cases per bootcamp at {args.difficulty}; {workers} cores")
    header = (
        f"{'bootcamp':18} {'bare/s':>9} {'export 1w':>10} {'overhead':>9} "
        f"{f'export {workers}w':>10} {'speed-up':>9} {'score 1w':>10} {f'score {workers}w':>10}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for name in generated_bootcamps.names():
            bare = bare_loop(name, args.count, args.difficulty)
            one = export_rate(name, args.count, args.difficulty, 1, directory)
            many = export_rate(name, args.count, args.difficulty, workers, directory)
            score_one, score_many = score_rates(name, args.count, args.difficulty, workers)
            print(
                f"{name:18} {bare:9,.0f} {one:10,.0f} {bare / one - 1:9.1%} {many:10,.0f} "
                f"{many / one:8.2f}x {score_one:10,.0f} {score_many:10,.0f}"
            )
        small, large = 1000, 10000
        low = peak_memory_mb(small, directory)
        high = peak_memory_mb(large, directory)
        print(
            f"\npeak RSS of `campforge generate --all`: -n {small}: {low:.0f} MB, "
            f"-n {large}: {high:.0f} MB (ratio {high / low:.2f})"
        )


if __name__ == "__main__":
    main()
