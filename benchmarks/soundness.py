"""Benchmark: how many defective bootcamps the self-test catches, and how many correct ones it
rejects, on a directory of labelled bootcamps (kept outside the repo, so the checks were not
tuned on them).

Each `*.py` in the directory is one bootcamp, labelled by `manifest.json` beside it
(`{"<stem>": {"label": "correct" | "defective", "family": "...", "note": "..."}}`) or, without
one, by its name (`correct__*.py`, `defective__*.py`). A `<stem>.spec.md` beside a module is its
spec. Every module gets a default `campforge check` (run_selftest with the default settings).

    python benchmarks/soundness.py DIR [--workers 1] [--only NAME,...] [--json FILE]

Prints one row per bootcamp (label, verdict, failing checks), the detection rate (defective ones
that fail), the false rejections (correct ones that fail, with the checks), and the rates per
defect family.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from agent.selftest import Settings, UnusableInput, run_selftest
from agent.spec import load_specs

LABELS = ("correct", "defective")


@dataclass
class Row:
    """One labelled bootcamp and what the self-test said."""

    name: str
    label: str
    family: str
    verdict: str = ""
    failed: list[str] = field(default_factory=list)
    summaries: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def right(self) -> bool:
        """Whether the verdict matches the label (defective fails, correct passes)."""
        return (self.verdict == "fail") == (self.label == "defective")


def labelled(directory: Path) -> list[Row]:
    """The bootcamps of `directory` with their labels; exits 2 on an unlabelled one."""
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    rows = []
    for path in sorted(directory.glob("*.py")):
        entry = manifest.get(path.stem) or {}
        label = entry.get("label") or path.stem.split("__", 1)[0]
        if label not in LABELS:
            sys.exit(
                f"error: {path.name} has no label: name it correct__*.py or defective__*.py, or "
                "list it in manifest.json"
            )
        rows.append(Row(path.stem, label, entry.get("family") or "-"))
    return rows


def judge(directory: Path, row: Row, settings: Settings) -> Row:
    path = directory / f"{row.name}.py"
    spec_path = path.with_suffix(".spec.md")
    spec = load_specs(spec_path)[0] if spec_path.exists() else None
    started = time.perf_counter()
    try:
        report = run_selftest(path, spec=spec, settings=settings)
    except UnusableInput as error:
        row.verdict, row.failed = "fail", ["unusable"]
        row.summaries = {"unusable": str(error)}
    else:
        row.verdict = report.verdict
        row.failed = [check.id for check in report.failed]
        row.summaries = {check.id: check.summary[:300] for check in report.failed}
    row.seconds = round(time.perf_counter() - started, 1)
    return row


def rate(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.1%})" if whole else "0/0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--only", help="comma-separated module stems")
    parser.add_argument("--json", type=Path, help="write the rows as JSON here")
    args = parser.parse_args()
    if not args.directory.is_dir():
        sys.exit(f"error: {args.directory} is not a directory of labelled bootcamps")
    rows = labelled(args.directory)
    if args.only:
        wanted = set(args.only.split(","))
        rows = [row for row in rows if row.name in wanted]
    settings = Settings()
    with ThreadPoolExecutor(max_workers=max(1, args.workers)) as pool:
        for row in pool.map(lambda row: judge(args.directory, row, settings), rows):
            mark = "ok  " if row.right else "MISS" if row.label == "defective" else "FALSE"
            print(
                f"{mark} {row.label:9} {row.name:48} {row.verdict:4} {row.seconds:5.1f} s  "
                f"{','.join(row.failed)}",
                flush=True,
            )
    defective = [row for row in rows if row.label == "defective"]
    correct = [row for row in rows if row.label == "correct"]
    caught = [row for row in defective if row.verdict == "fail"]
    rejected = [row for row in correct if row.verdict == "fail"]
    print(f"\ndefective detected: {rate(len(caught), len(defective))}")
    print(f"correct rejected:   {rate(len(rejected), len(correct))}")
    for row in rejected:
        print(f"  false rejection {row.name}: {row.summaries}")
    for row in defective:
        if row.verdict != "fail":
            print(f"  missed {row.name} ({row.family})")
    print("\nper defect family:")
    families = sorted({row.family for row in defective})
    for family in families:
        members = [row for row in defective if row.family == family]
        print(f"  {family:40} {rate(sum(r.verdict == 'fail' for r in members), len(members))}")
    if args.json:
        args.json.write_text(json.dumps([asdict(row) for row in rows], indent=2) + "\n")


if __name__ == "__main__":
    main()
