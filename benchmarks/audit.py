"""Benchmark: `campforge audit` over a whole library: InternBootcamp (951 modules) or reasoning-gym.

Audits every module of the source in a fresh workspace (nothing resumed), on `--workers`
processes (default: every core), and prints the verdict counts, pass / fail / n/a per check,
seconds per bootcamp (median, p95, max), the total wall time, the peak memory of the whole
process tree (campforge, its workers and their sandboxes; sampled every 0.2 s) and the load
average before and after (the machine may be shared). The rows go to `--output` (JSONL) for a
look at the failures. Target: at most 2 s per bootcamp on 2 cores (951 modules in 30 minutes).

SOURCE is a directory of InternBootcamp-style modules (default: ../shared/thirdparty/internbootcamp)
or `reasoning-gym` (its 106 datasets, each adapted and run in the sandbox with reasoning-gym and
its dependencies; the survey that reads their configs runs first and is timed apart). The slowest
bootcamps are listed with their seconds.

    python benchmarks/audit.py [SOURCE] [--workers 2] [--limit N] [--output audit.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from rich.console import Console

from agent.audit import core
from agent.audit.store import AuditStore
from agent.audit.table import counts_table, verdict_counts

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "thirdparty" / "internbootcamp"


def tree_rss_kb(pid: int) -> int:
    """The resident memory of `pid` and every descendant, in KiB."""
    parents: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
        line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
        rss[int(entry.name)] = int(line.split()[1])
    total, pending = rss.get(pid, 0), [pid]
    while pending:
        for child in parents.get(pending.pop(), []):
            total += rss.get(child, 0)
            pending.append(child)
    return total


class PeakMemory:
    """Samples the process tree's resident memory in a thread; `peak_kb` is the largest sum."""

    def __init__(self, interval: float = 0.2):
        self.interval, self.peak_kb = interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_kb = max(self.peak_kb, tree_rss_kb(os.getpid()))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=str(DEFAULT_SOURCE))
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--output", type=Path, default=Path("audit-benchmark.jsonl"))
    args = parser.parse_args()
    console = Console()
    surveyed = time.perf_counter()
    key, found = core.targets(args.source)
    console.print(
        f"{len(found)} bootcamps found in {time.perf_counter() - surveyed:.1f} s", highlight=False
    )
    chosen = core.select(found, None, args.limit)
    workers = args.workers or os.cpu_count() or 1
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as home:
        store = AuditStore(Path(home) / "campforge.db")
        settings = core.AUDIT_SETTINGS
        prints = {target.name: target.fingerprint(settings) for target in chosen}
        done = 0

        def save(target: core.Target, row: dict) -> None:
            nonlocal done
            store.save(key, target.name, prints[target.name], row)
            done += 1
            if done % 10 == 0:
                console.print(f"{done}/{len(chosen)} audited", highlight=False)

        started = time.perf_counter()
        with PeakMemory() as memory:
            rows = core.run_audit(chosen, save=save, workers=workers)
        total = time.perf_counter() - started
        store.close()
    load_after = os.getloadavg()
    with args.output.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    seconds = [row["seconds"] for row in rows]
    console.print(counts_table(rows))
    verdicts = Counter(
        "unusable" if v.startswith("unusable") else "error" if v.startswith("error") else v
        for v in verdict_counts(rows).elements()
    )
    console.print(f"verdicts: {dict(verdicts)}", highlight=False)
    for verdict, count in verdict_counts(rows).most_common():
        if verdict not in ("pass", "fail"):
            console.print(f"  {count} × {verdict}", highlight=False)
    failing = Counter(check for row in rows for check in row["failing"])
    console.print(f"bootcamps failing each check: {dict(failing.most_common())}", highlight=False)
    console.print(
        f"{len(rows)} bootcamps on {workers} workers in {total:.0f} s "
        f"({total / max(len(rows), 1):.2f} s per bootcamp of wall time); per bootcamp (own "
        f"wall time, {workers} at once): median {statistics.median(seconds):.2f} s, "
        f"p95 {percentile(seconds, 0.95):.2f} s, max {max(seconds):.1f} s",
        highlight=False,
    )
    slowest = sorted(rows, key=lambda row: row["seconds"], reverse=True)[:8]
    console.print(
        "slowest: " + ", ".join(f"{row['name']} {row['seconds']:.1f} s" for row in slowest),
        highlight=False,
    )
    console.print(
        f"peak memory of the process tree: {memory.peak_kb / 1024:.0f} MiB; load average "
        f"before {load_before[0]:.1f}, after {load_after[0]:.1f} (1 min); "
        f"{os.cpu_count()} cores; rows in {args.output}",
        highlight=False,
    )


if __name__ == "__main__":
    main()
