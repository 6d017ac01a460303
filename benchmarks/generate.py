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
then, for `campforge generate --all -n N` at N = 10^6 and 10^8 (`--counts`), a time-boxed run into
a pipe (stopped after `--stream-seconds`): the time from launching the command to its first record
(interpreter start and imports included), the records it wrote meanwhile, and the peak RSS (VmHWM)
of its largest process and the sum over its process tree (an upper bound: pages a worker shares
with its parent after fork count in both). Streaming keeps all of them flat in N.

With `--engine ray`: `--records` (10^6) records over the catalog's bootcamps, exported by the local
engine (one JSONL file, every core) and by the Ray engine (a local Ray with every core, shards and a
manifest), each in a fresh process; Ray's start-up (`ray.init`) is timed apart from the export.
From the Ray tasks' own times it derives the per-worker throughput, and from that the records/hour
of 100 nodes of `--node-cpus` CPUs: a projection (linear scaling, a shared file system or bucket
that keeps up), not a measurement.

    python benchmarks/generate.py [--seconds 2] [--difficulty medium] [--memory-only]
    python benchmarks/generate.py --engine ray [--records 1000000] [--node-cpus 2]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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


def children_of(pid: int) -> list[int]:
    """Every live descendant of `pid` (from the parent ids in /proc/*/stat)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        for child in parents.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def peak_rss_kb(pid: int) -> int:
    """The process's own peak RSS (VmHWM; ru_maxrss would carry over its parent's)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return 0


@dataclass
class StreamRun:
    first_record: float  # seconds from launching the command
    records: int  # written in the time box
    largest_mb: float | None  # peak RSS of the largest process (None: it ended in the time box)
    tree_mb: float | None  # sum of the peaks of every process of the tree


def stream_run(count: int, seconds: float, workers: int) -> StreamRun:
    """Run `campforge generate --all -n count` into a pipe for `seconds`, then stop it."""
    command = [sys.executable, "-m", "agent.cli", "generate", "--all", "-n", str(count), "-q"]
    with tempfile.TemporaryDirectory() as scratch:  # its workers' files, left when it is killed
        started = time.perf_counter()
        process = subprocess.Popen(
            [*command, "--workers", str(workers)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # so that stopping it stops its workers too
            env={**os.environ, "TMPDIR": scratch},
        )
        assert process.stdout is not None
        try:
            process.stdout.readline()
            first = time.perf_counter() - started
            records = 1
            while time.perf_counter() - started < seconds:
                data = process.stdout.read1(1 << 16)
                if not data:
                    break
                records += data.count(b"\n")
            pids = [] if process.poll() is not None else [process.pid, *children_of(process.pid)]
            peaks = [kb for kb in map(peak_rss_kb, pids) if kb]  # 0: it ended meanwhile
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            process.stdout.close()
    if not peaks:
        return StreamRun(first, records, None, None)
    return StreamRun(first, records, max(peaks) / 1024, sum(peaks) / 1024)


def report_streaming(counts: list[int], seconds: float, workers: int) -> None:
    print(f"\n`campforge generate --all -n N` into a pipe, {workers} workers, for {seconds:g} s:")
    print(f"{'N':>16} {'first record':>12} {'records':>10} {'largest RSS':>11} {'tree RSS':>9}")
    for count in counts:
        run = stream_run(count, seconds, workers)
        memory = (
            f"{run.largest_mb:9.0f}MB {run.tree_mb:7.0f}MB"
            if run.largest_mb is not None and run.tree_mb is not None
            else f"{'(finished)':>11} {'':>9}"
        )
        print(f"{count:16,} {run.first_record:11.2f}s {run.records:10,} {memory}")


LOCAL_RUN = """
import json, sys, time
from generated_bootcamps import export
names, count, difficulty, workers, path = json.loads(sys.argv[1])
started = time.perf_counter()
export.write_dataset(names, count, path, difficulty=difficulty, workers=workers)
print(json.dumps({"seconds": time.perf_counter() - started}))
"""

RAY_RUN = """
import json, logging, sys, time
import ray
from generated_bootcamps import ray_export
names, count, difficulty, workers, path = json.loads(sys.argv[1])
started = time.perf_counter()
ray.init(address="local", num_cpus=workers, include_dashboard=False, logging_level=logging.WARNING)
up = time.perf_counter()
manifest = ray_export.export_on_ray(names, count, path, difficulty=difficulty)
done = time.perf_counter()
ray.shutdown()
task_seconds = sum(shard["seconds"] for shard in manifest["shards"])
print(json.dumps({"startup": up - started, "seconds": done - up, "records": manifest["records"],
                  "shards": len(manifest["shards"]), "task_seconds": task_seconds}))
"""


def run_probe(code: str, *arguments: object) -> dict:
    command = [sys.executable, "-c", code, json.dumps(arguments)]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.splitlines()[-1])


def report_ray(records: int, difficulty: str, workers: int, node_cpus: int) -> None:
    """The local engine against the Ray engine at `records` records, and the 100-node projection."""
    names = generated_bootcamps.names()
    count = records // len(names)
    total = count * len(names)
    print(
        f"{total:,} records ({len(names)} bootcamps × {count:,}, {difficulty}), JSONL, "
        f"{workers} cores"
    )
    with tempfile.TemporaryDirectory() as tmp:
        local = run_probe(LOCAL_RUN, names, count, difficulty, workers, f"{tmp}/local.jsonl")
        on_ray = run_probe(RAY_RUN, names, count, difficulty, workers, f"{tmp}/ray")
    assert on_ray["records"] == total
    local_rate = total / local["seconds"]
    ray_rate = total / on_ray["seconds"]
    with_startup = total / (on_ray["seconds"] + on_ray["startup"])
    print(f"{'engine':28} {'seconds':>8} {'records/s':>10} {'vs local':>9}")
    print(f"{'local (process pool)':28} {local['seconds']:8.1f} {local_rate:10,.0f} {'':>9}")
    print(
        f"{'ray (export)':28} {on_ray['seconds']:8.1f} {ray_rate:10,.0f} "
        f"{ray_rate / local_rate - 1:+9.1%}"
    )
    print(f"{'ray start-up (ray.init)':28} {on_ray['startup']:8.1f}")
    print(
        f"{'ray (start-up included)':28} {on_ray['seconds'] + on_ray['startup']:8.1f} "
        f"{with_startup:10,.0f} {with_startup / local_rate - 1:+9.1%}"
    )
    per_worker = total / on_ray["task_seconds"]
    hourly = per_worker * node_cpus * 100 * 3600
    print(
        f"\n{on_ray['shards']} shards; per-worker throughput (records / summed task seconds): "
        f"{per_worker:,.0f} records/s"
    )
    print(
        f"PROJECTION (not measured): 100 nodes × {node_cpus} CPUs × {per_worker:,.0f} records/s "
        f"× 3600 s = {hourly:,.0f} records/hour ({hourly / 1e9:.2f} × 10^9), assuming linear "
        "scaling and storage that keeps up"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=2.0, help="about how long one worker exports each"
    )
    parser.add_argument("--difficulty", default="medium")
    parser.add_argument(
        "--counts", type=int, nargs="+", default=[10**6, 10**8], help="-n of the streaming runs"
    )
    parser.add_argument(
        "--stream-seconds", type=float, default=5.0, help="how long each streaming run goes on"
    )
    parser.add_argument(
        "--memory-only", action="store_true", help="only the streaming runs, no throughput table"
    )
    parser.add_argument("--engine", choices=("local", "ray"), default="local")
    parser.add_argument(
        "--records", type=int, default=10**6, help="records of the --engine ray comparison"
    )
    parser.add_argument(
        "--node-cpus", type=int, default=os.cpu_count() or 1, help="CPUs per node (projection)"
    )
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    if args.engine == "ray":
        report_ray(args.records, args.difficulty, workers, args.node_cpus)
        return
    if args.memory_only:
        report_streaming(args.counts, args.stream_seconds, workers)
        return
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
    report_streaming(args.counts, args.stream_seconds, workers)


if __name__ == "__main__":
    main()
