"""Benchmark: generation and scoring throughput of the catalog, and the cost of the export path.

For every catalog bootcamp, on n cases sized so one worker exports for about `--seconds`:
- bare: cases/s of `generate()` + `prompt()` in a plain loop on one instance (the floor: no
  per-record seed, no serialization);
- by hand: cases/s of the loop one would write without campforge to make the same file: a fresh
  instance per record seed, `generate()`, `prompt()`, one `json.dumps` line per record;
- export 1w / Nw: cases/s of `export.write_dataset` (what `campforge generate` runs) to JSONL
  with 1 worker and with every core (each in a fresh process, as a real run starts; best of two
  runs each), its overhead over "bare" and over
  "by hand" (negative: faster), and the speed-up from 1 worker to all;
- scores/s of reference responses through `reward.score_batch` with 1 worker and every core;
then the peak memory of `campforge generate --all` at two sizes (streaming keeps it flat).

    python benchmarks/generate.py [--seconds 2] [--difficulty medium]
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
from generated_bootcamps.reward import MIN_PER_WORKER, score_batch


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def bare_loop(name: str, count: int, difficulty: str) -> float:
    bootcamp = generated_bootcamps.load(name, difficulty=difficulty, seed=0)
    prompt = type(bootcamp).prompt
    started = time.perf_counter()
    for _ in range(count):
        prompt(bootcamp.generate())
    return rate(count, time.perf_counter() - started)


def by_hand(name: str, count: int, difficulty: str, path: Path) -> float:
    """The same records as the export, made the obvious way: one instance per record seed."""
    cls = generated_bootcamps.get(name)
    started = time.perf_counter()
    with path.open("w", encoding="utf-8") as stream:
        for index in range(count):
            seed = export.record_seed(0, name, difficulty, index)
            case = cls(seed=seed, difficulty=difficulty).generate()
            record = {
                "data_source": name,
                "prompt": cls.prompt(case),
                "ground_truth": case,
                "difficulty": difficulty,
                "seed": seed,
            }
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    return rate(count, time.perf_counter() - started)


EXPORT_PROBE = """
import sys, time
from generated_bootcamps import export
name, count, difficulty, workers, path = sys.argv[1:]
started = time.perf_counter()
export.write_dataset([name], int(count), path, difficulty=difficulty, workers=int(workers))
print(time.perf_counter() - started)
"""


def export_rate(name: str, count: int, difficulty: str, workers: int, path: Path) -> float:
    """Records/s of one export in a fresh process, as `campforge generate` runs it (imports and
    interpreter start excluded; caches start cold, as they do for a real run)."""
    command = [sys.executable, "-c", EXPORT_PROBE, name, str(count), difficulty, str(workers)]
    result = subprocess.run([*command, str(path)], check=True, capture_output=True, text=True)
    return rate(count, float(result.stdout.split()[-1]))


def score_rates(name: str, seconds: float, difficulty: str, workers: int) -> tuple[float, float]:
    cls = generated_bootcamps.get(name)

    def inputs(count: int) -> tuple[list[str], list[str], list[str]]:
        cases = [cls(seed=seed, difficulty=difficulty).generate() for seed in range(count)]
        responses = [cls.format_answer(cls.solve(case)) for case in cases]
        return [name] * count, responses, [json.dumps(case) for case in cases]

    warm = inputs(2 * MIN_PER_WORKER * workers)
    score_batch(*warm, workers=1)
    started = time.perf_counter()
    score_batch(*warm, workers=1)
    count = max(4096, int(seconds * rate(len(warm[0]), time.perf_counter() - started)))
    sources, responses, truths = inputs(count)
    results = []
    for use in (1, workers):
        score_batch(*warm, workers=use)  # start the pool; workers import the bootcamp
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
# Our own peak from /proc (ru_maxrss would carry over the RSS of the process that exec'd us),
# and the largest worker's.
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
own = int(status["VmHWM"].split()[0])
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(max(own, workers), file=sys.stderr)
"""


def peak_memory_mb(count: int, directory: Path) -> float:
    """Peak RSS (MB) of any one process of `campforge generate --all -n count`."""
    command = [sys.executable, "-c", MEMORY_PROBE, "generate", "--all", "-n", str(count)]
    command += ["-o", str(directory / f"mem{count}.jsonl"), "--quiet"]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return int(result.stderr.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=2.0, help="about how long one worker exports each"
    )
    parser.add_argument("--difficulty", default="medium")
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    print(f"difficulty {args.difficulty}; {workers} cores; rates in records/s")
    header = (
        f"{'bootcamp':17} {'n':>8} {'bare':>9} {'by hand':>8} {'export 1w':>9} {'vs bare':>8} "
        f"{'vs hand':>8} {f'export {workers}w':>9} {'speed-up':>8} {'score 1w':>9} "
        f"{f'score {workers}w':>9} {'speed-up':>8}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for name in generated_bootcamps.names():
            output = directory / f"{name}.jsonl"
            calibration = export_rate(name, 2048, args.difficulty, 1, output)
            count = max(4096, int(args.seconds * calibration))
            bare = bare_loop(name, count, args.difficulty)
            hand = by_hand(name, count, args.difficulty, directory / "hand.jsonl")
            one, many = 0.0, 0.0
            for _ in range(2):  # best of two, alternating
                one = max(one, export_rate(name, count, args.difficulty, 1, output))
                many = max(many, export_rate(name, count, args.difficulty, workers, output))
            score_one, score_many = score_rates(name, args.seconds / 2, args.difficulty, workers)
            print(
                f"{name:17} {count:8,} {bare:9,.0f} {hand:8,.0f} {one:9,.0f} "
                f"{bare / one - 1:8.0%} {hand / one - 1:8.0%} {many:9,.0f} {many / one:7.2f}x "
                f"{score_one:9,.0f} {score_many:9,.0f} {score_many / score_one:7.2f}x"
            )
        small, large = 1000, 20000
        low = peak_memory_mb(small, directory)
        high = peak_memory_mb(large, directory)
        print(
            f"\npeak RSS of any process of `campforge generate --all`: -n {small}: {low:.0f} MB, "
            f"-n {large}: {high:.0f} MB (ratio {high / low:.2f})"
        )


if __name__ == "__main__":
    main()
