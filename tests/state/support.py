"""Shared by the state tests: a real workspace with queued candidates, and ways to damage it.

The workspace is drafted once per test process by the real `campforge draft` (a subprocess, as a
user runs it: its databases are closed and checkpointed when it exits), from two offline specs;
more candidates and decisions are then queued directly so a damaged queue has rows to lose and
rows to recover. Each test damages its own copy.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from review.store import QueueStore
from tests.review.support import offline_spec

ROOT = Path(__file__).resolve().parents[2]
KNAPSACK = (ROOT / "generated_bootcamps" / "knapsack" / "bootcamp.py").read_text(encoding="utf-8")
DRAFTED = ("pm_alpha", "pm_beta")  # candidates 1 and 2, with graph threads waiting for review
QUEUED = 12  # more candidates (3 ..), queued directly: no graph thread
PASSING_REPORT = {
    "verdict": "pass",
    "candidate": "bootcamp.py",
    "bootcamp": "KnapsackBootcamp",
    "cases_per_difficulty": 20,
    "checks": [{"id": "contract", "passed": True, "summary": "one Bootcamp subclass"}],
    "seconds": 1.5,
}


def campforge_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CAMPFORGE_"))}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def run_campforge(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    """The real command line, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args],
        cwd=ROOT,
        env=env or campforge_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def build_workspace(directory: Path) -> Path:
    """A workspace with DRAFTED candidates (drafted for real) and QUEUED more, some decided."""
    spec_file = directory / "specs.md"
    spec_file.write_text("\n".join(offline_spec(name) for name in DRAFTED), encoding="utf-8")
    home = directory / "home"
    drafted = run_campforge("draft", str(spec_file), "--home", str(home), "--cases", "15")
    assert drafted.returncode == 0, drafted.stdout + drafted.stderr
    store = QueueStore(home / "campforge.db")
    for number in range(QUEUED):
        name = f"packing_{number}"
        candidate_id = store.add(
            run_id="run-direct",
            thread_id=f"run-direct/{name}",
            attempt=0,
            name=name,
            domain="algorithms",
            description="0/1 knapsack under another name.",
            spec_path=f"{name}.md",
            spec_text=f"---\nname: {name}\ndomain: algorithms\n---\n# Knapsack\n\nPack.\n",
            spec_hash="f" * 64,
            code=KNAPSACK.replace('name = "knapsack"', f'name = "{name}"'),
            report=PASSING_REPORT,
            rounds=0,
            model=None,
            prompt_version=None,
        )
        if number % 3 == 0:
            store.decide(candidate_id, "reject", reviewer="ada", notes="a copy")
    store.close()
    return home


def copy_workspace(template: Path, target: Path) -> Path:
    shutil.copytree(template, target, symlinks=True)
    return target


def truncate_to_half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def overwrite_header(path: Path) -> None:
    """Junk over the first 512 bytes: the SQLite header and the start of the schema page."""
    with path.open("r+b") as file:
        file.write(b"\xde\xad\xbe\xef" * 128)


def empty(path: Path) -> None:
    path.write_bytes(b"")


DAMAGES = {"truncated": truncate_to_half, "junk-header": overwrite_header, "zero-bytes": empty}


def candidate_ids(database: Path) -> list[int]:
    with closing(sqlite3.connect(database)) as db:
        return [row[0] for row in db.execute("SELECT id FROM candidates ORDER BY id")]
