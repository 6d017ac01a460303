"""Benchmark: what a reward call costs, on this checkout and on a baseline commit, with ratios.

    .venv/bin/python benchmarks/reward.py [--baseline REF] [--after REF] [--rounds 5] [--cases 150]

Each side runs in a fresh process importing its own `generated_bootcamps`: the baseline's
extracted with `git archive` (default: the merge-base with main), and this checkout's (or
--after's). Times are CPU time of the process (the machine may be shared). Measured:

- huge knapsack: ms per `compute_score` call with a wrong answer, three calls in a row, on a
  knapsack of capacity 10**7 (the case of issue 9), and on this checkout also with
  CAMPFORGE_REWARD_CASE_BOUNDS=off (no bound: the solve cache alone);
- repeated wrong answers: solve() calls and µs per call for 16 wrong answers to one hard knapsack;
- throughput: compute_score calls/s on hard cases of every bootcamp as JSON text (verl's form):
  "once" scores each case once with its reference answer (nothing repeats: the caches only cost),
  "grpo" scores each case 8 times in a row (1 right, 7 wrong answers), as GRPO's samples arrive;
- first call: ms of the first call per bootcamp in a process (this checkout learns the bounds).

Rounds alternate the two sides; each side keeps its best round (fresh cases in each round).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GRPO_SAMPLES = 8
HUGE_CAPACITY = 10**7


def measure(cases: int, round_index: int, huge: bool) -> dict[str, Any]:
    """One side's numbers, in this process (run with the side's package on PYTHONPATH)."""
    import generated_bootcamps
    from generated_bootcamps.reward import compute_score

    out: dict[str, Any] = {"package": str(Path(generated_bootcamps.__file__).parent)}
    names = generated_bootcamps.names()
    out["first_call_ms"] = {}
    for name in names:
        cls = generated_bootcamps.get(name)
        case = cls(seed=10**9, difficulty="hard").generate()
        started = time.process_time()
        compute_score(name, cls.format_answer(cls.solve(case)), json.dumps(case))
        out["first_call_ms"][name] = (time.process_time() - started) * 1e3
    if huge:
        out["huge_knapsack"] = huge_knapsack(compute_score)
    out["repeated_wrong"] = repeated_wrong(compute_score)
    out["once"], out["grpo"] = {}, {}
    for name in names:
        cls = generated_bootcamps.get(name)
        seeds = range(round_index * 100_000, round_index * 100_000 + cases)
        made = [cls(seed=seed, difficulty="hard").generate() for seed in seeds]
        texts = [json.dumps(case) for case in made]
        right = [cls.format_answer(cls.solve(case)) for case in made]
        started = time.process_time()
        for text, response in zip(texts, right, strict=True):
            compute_score(name, response, text)
        out["once"][name] = len(texts) / (time.process_time() - started)
        # Fresh cases for the GRPO pattern (the ones above are cached now on this checkout).
        seeds = range(round_index * 100_000 + 50_000, round_index * 100_000 + 50_000 + cases)
        made = [cls(seed=seed, difficulty="hard").generate() for seed in seeds]
        texts = [json.dumps(case) for case in made]
        right = [cls.format_answer(cls.solve(case)) for case in made]
        calls = 0
        started = time.process_time()
        for index, text in enumerate(texts):
            for sample in range(GRPO_SAMPLES):
                response = right[index] if sample == 0 else right[(index + sample) % len(right)]
                compute_score(name, response, text)
                calls += 1
        out["grpo"][name] = calls / (time.process_time() - started)
    return out


def huge_knapsack(compute_score: Any) -> dict[str, Any]:
    case = {"capacity": HUGE_CAPACITY, "weights": [3, 5, 7, 11, 13], "values": [4, 6, 8, 9, 10]}
    times, outcome = [], ""
    for _ in range(3):
        started = time.process_time()
        try:
            outcome = repr(compute_score("knapsack", "\\boxed{1}", json.dumps(case)))
        except ValueError:
            outcome = "ValueError"
        times.append((time.process_time() - started) * 1e3)
    return {"ms": times, "outcome": outcome}


def repeated_wrong(compute_score: Any) -> dict[str, Any]:
    import generated_bootcamps

    cls = generated_bootcamps.get("knapsack")
    case = json.dumps(cls(seed=777, difficulty="hard").generate())
    original = cls.__dict__["solve"]
    calls = 0

    def counting(bootcamp: Any, case: Any) -> Any:
        nonlocal calls
        calls += 1
        return original.__func__(bootcamp, case)

    cls.solve = classmethod(counting)
    try:
        started = time.process_time()
        for wrong in range(16):
            compute_score("knapsack", f"\\boxed{{{wrong}}}", case)
        seconds = time.process_time() - started
    finally:
        cls.solve = original
    return {"solve_calls": calls, "us_per_call": seconds / 16 * 1e6}


def run_side(package_root: Path, args: list[str], env: dict[str, str] | None = None) -> Any:
    environment = {**os.environ, "PYTHONPATH": str(package_root), **(env or {})}
    environment.pop("CAMPFORGE_CATALOG", None)
    result = subprocess.run(
        [sys.executable, __file__, "--measure", *args],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def extract(ref: str, directory: Path) -> None:
    """`generated_bootcamps` as of `ref`, under `directory`."""
    directory.mkdir()
    archive = subprocess.run(
        ["git", "archive", ref, "generated_bootcamps"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(directory, filter="data")


def default_baseline() -> str:
    return subprocess.run(
        ["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def ratio(after: float, before: float) -> str:
    return f"{after / before:6.2f}x" if before else "   n/a"


def report(before: dict[str, Any], after: dict[str, Any], off: dict[str, Any]) -> None:
    print(f"baseline package: {before['package']}\nafter package:    {after['package']}\n")
    print(f"knapsack capacity 10^{len(str(HUGE_CAPACITY)) - 1}, wrong answer, 3 calls (ms):")
    for label, side in (("before", before), ("after", after), ("after, bounds off", off)):
        huge = side["huge_knapsack"]
        calls = ", ".join(f"{ms:.1f}" for ms in huge["ms"])
        print(f"  {label:18} {calls}  -> {huge['outcome']}")
    print("\n16 wrong answers to one hard knapsack case:")
    for label, side in (("before", before), ("after", after)):
        calls, micros = side["repeated_wrong"]["solve_calls"], side["repeated_wrong"]["us_per_call"]
        print(f"  {label:7} solve() calls {calls:3}, {micros:.0f} µs/call")
    print(
        f"  after/before time per call: "
        f"{ratio(after['repeated_wrong']['us_per_call'], before['repeated_wrong']['us_per_call'])}"
    )
    for pattern, title in (
        ("once", "each hard case scored once (no repeats: cache misses only)"),
        ("grpo", f"each hard case scored {GRPO_SAMPLES} times in a row (GRPO)"),
    ):
        print(f"\ncalls/s, {title}:")
        print(f"  {'bootcamp':18} {'before':>9} {'after':>9}  after/before")
        for name in before[pattern]:
            b, a = before[pattern][name], after[pattern][name]
            print(f"  {name:18} {b:9.0f} {a:9.0f}  {ratio(a, b)}")
    print("\nfirst call per bootcamp and process (ms; after: includes learning the bounds):")
    for name in before["first_call_ms"]:
        b, a = before["first_call_ms"][name], after["first_call_ms"][name]
        print(f"  {name:18} {b:7.1f} {a:7.1f}")


def best(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The first round, with each throughput its best over the rounds."""
    merged = dict(rounds[0])
    for pattern in ("once", "grpo"):
        merged[pattern] = {
            name: max(r[pattern][name] for r in rounds) for name in rounds[0][pattern]
        }
    merged["repeated_wrong"] = min(
        (r["repeated_wrong"] for r in rounds), key=lambda found: found["us_per_call"]
    )
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=None, help="git ref (default: merge-base with main)")
    parser.add_argument("--after", default=None, help="git ref (default: this checkout)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cases", type=int, default=150, help="cases per bootcamp and pattern")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--huge", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.cases, args.round, args.huge)))
        return
    ref = args.baseline or default_baseline()
    with tempfile.TemporaryDirectory() as scratch:
        baseline_root, after_root = Path(scratch) / "before", Path(scratch) / "after"
        extract(ref, baseline_root)
        if args.after:
            extract(args.after, after_root)
        else:
            after_root = ROOT
        befores, afters = [], []
        for index in range(args.rounds):
            extra = ["--cases", str(args.cases), "--round", str(index)]
            extra += ["--huge"] if index == 0 else []
            befores.append(run_side(baseline_root, extra))
            afters.append(run_side(after_root, extra))
        off = run_side(
            after_root, ["--cases", "1", "--huge"], env={"CAMPFORGE_REWARD_CASE_BOUNDS": "off"}
        )
    print(f"baseline: {ref}; after: {args.after or 'this checkout'}\n")
    report(best(befores), best(afters), off)


if __name__ == "__main__":
    main()
