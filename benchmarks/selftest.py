"""Benchmark: seconds per candidate of the self-test, over the catalog and the test corpus.

Runs `run_selftest` with the default settings on every catalog bootcamp and every corpus module,
one at a time (so each gets the whole machine, as a `campforge check` would), and prints the
median and maximum seconds per group, plus whether every corpus detection still holds (broken
modules fail the checks they declare in EXPECTED_FAILURES, correct ones pass).

    python benchmarks/selftest.py [--cases 40] [--only catalog|corpus]
"""

from __future__ import annotations

import argparse
import ast
import statistics
import time
from pathlib import Path

import generated_bootcamps
from agent.selftest import Settings, UnusableInput, run_selftest
from agent.spec import load_specs
from generated_bootcamps import catalog

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"


def expected_failures(path: Path) -> set[str] | None:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if getattr(target, "id", None) == "EXPECTED_FAILURES":
            return set() if isinstance(node.value, ast.Call) else set(ast.literal_eval(node.value))
    return None


def timed(path: Path, settings: Settings) -> tuple[float, set[str] | None]:
    spec_path = path.with_suffix(".spec.md")
    spec = load_specs(spec_path)[0] if spec_path.exists() else None
    started = time.perf_counter()
    try:
        report = run_selftest(path, spec=spec, settings=settings)
    except UnusableInput:
        return time.perf_counter() - started, None
    return time.perf_counter() - started, {check.id for check in report.failed}


def summary(label: str, seconds: list[float]) -> str:
    if not seconds:
        return f"{label:28} (none)"
    return (
        f"{label:28} n={len(seconds):3}  median {statistics.median(seconds):5.1f} s  "
        f"max {max(seconds):5.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=Settings().cases)
    parser.add_argument("--only", choices=["catalog", "corpus"])
    args = parser.parse_args()
    settings = Settings(cases=args.cases)
    groups: dict[str, list[float]] = {}
    missed: list[str] = []
    if args.only in (None, "catalog"):
        for name in generated_bootcamps.names():
            module = catalog.catalog_dir() / generated_bootcamps.entry(name).path
            seconds, failed = timed(module, settings)
            groups.setdefault("catalog", []).append(seconds)
            if failed:
                missed.append(f"catalog {name} fails {sorted(failed)}")
            print(f"  {name:40} {seconds:5.1f} s  failed={sorted(failed or [])}", flush=True)
    if args.only in (None, "corpus"):
        for group in ("correct", "broken"):
            for path in sorted((CORPUS / group).glob("*.py")):
                expected = expected_failures(path) or set()
                seconds, failed = timed(path, settings)
                kind = (
                    "corpus hostile/slow"
                    if path.stem.startswith(("sandbox__", "speed__"))
                    else f"corpus {group}"
                )
                groups.setdefault(kind, []).append(seconds)
                ok = (failed is None and path.stem.endswith("no_bootcamp_subclass")) or (
                    failed is not None and expected <= failed and (expected or not failed)
                )
                if not ok:
                    missed.append(f"{path.name}: expected {sorted(expected)}, failed {failed}")
                print(
                    f"  {path.name:40} {seconds:5.1f} s  failed={sorted(failed or [])}", flush=True
                )
    print(f"\nself-test seconds per candidate (--cases {args.cases} per difficulty, one at a time)")
    for label, seconds in groups.items():
        print(summary(label, seconds))
    typical = [s for label, values in groups.items() if "hostile" not in label for s in values]
    print(summary("all but hostile/slow", typical))
    print(f"detections kept: {'all' if not missed else 'NOT all'}")
    for line in missed:
        print("  missed:", line)


if __name__ == "__main__":
    main()
