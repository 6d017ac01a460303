"""`campforge calibrate`, `campforge catalog show` and `campforge generate --band` as a user runs
them: real subprocesses, a temporary catalog (CAMPFORGE_CATALOG) and the local Chat Completions
server. Also: a calibration killed half-way resumes without resending a finished request."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.llm import TranscriptStore
from generated_bootcamps import catalog
from tests.calibrate.conftest import Solver, write_catalog
from tests.llm_server import Reply, ScriptedLLMServer

LEVELS = ("easy", "medium", "hard")


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "agent.cli", *args]


def env_for(catalog_dir: Path, server: ScriptedLLMServer | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CAMPFORGE_"))}
    env["CAMPFORGE_CATALOG"] = str(catalog_dir)
    if server is not None:
        env.update(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="test")
    return env


def cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args), env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_calibrate_stores_the_result_and_catalog_show_displays_it(sum_catalog, tmp_path):
    solver = Solver({"easy": 0.97, "medium": 0.5, "hard": 0.2}, silent=0.5)
    with ScriptedLLMServer(solver) as server:
        args = ["calibrate", "sum_pair", "--model", "solver-7b", "-n", "30",
                "--home", str(tmp_path / "state"), "--json"]  # fmt: skip
        done = cli(args, env_for(sum_catalog, server), tmp_path)
    assert done.returncode == 1, done.stderr  # easy is above the band: flagged
    body = json.loads(done.stdout)
    (result,) = body["results"]
    assert result["complete"] and result["model"] == "solver-7b"
    assert any("easy: accuracy" in flag and "above the band" in flag for flag in result["flags"])
    stored = catalog.read_index(sum_catalog)["sum_pair"].calibration
    assert stored is not None and stored.model == "solver-7b"
    assert stored.date == datetime.now(UTC).date().isoformat()
    for level in LEVELS:
        preset = stored.difficulties[level]
        assert preset.n == 30 and preset.correct == solver.counts[level, "right"]
        assert preset.no_answer == solver.counts[level, "silent"]
        assert preset.low <= preset.accuracy <= preset.high
        assert preset.tokens == 30 * 30
    shown = cli(["catalog", "show", "sum_pair"], env_for(sum_catalog), tmp_path)
    assert shown.returncode == 0, shown.stderr
    easy = stored.difficulties["easy"]
    assert f"calibration: against solver-7b on {stored.date}" in shown.stdout
    assert f"easy: accuracy {easy.accuracy:.0%} ({easy.low:.0%}..{easy.high:.0%}, n 30" in (
        shown.stdout
    )


def test_calibrate_prints_a_table_and_exits_0_when_nothing_is_flagged(sum_catalog, tmp_path):
    solver = Solver({"easy": 0.6, "medium": 0.5, "hard": 0.5})
    with ScriptedLLMServer(solver) as server:
        args = ["calibrate", "sum_pair", "--model", "m", "-n", "8", "--difficulty", "easy,hard",
                "--no-store", "--home", str(tmp_path / "state")]  # fmt: skip
        done = cli(args, env_for(sum_catalog, server), tmp_path)
        assert len(server.requests) == 16
    assert done.returncode == 0, done.stdout + done.stderr
    assert "sum_pair against m" in done.stdout and "medium" not in done.stdout
    assert "flag:" not in done.stdout
    assert catalog.read_index(sum_catalog)["sum_pair"].calibration is None  # --no-store


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        (["sum_pair"], "give the solver model: --model NAME"),
        (["nope", "--model", "m"], "unknown bootcamp 'nope'"),
        (["sum_pair", "--model", "m", "--band", "0.9,0.1"], "bad band '0.9,0.1'"),
        (["sum_pair", "--model", "m", "--difficulty", "brutal"], "no difficulty brutal"),
        (["sum_pair", "--model", "m", "-n", "0"], "--n must be at least 1"),
        ([], "name at least one bootcamp, or pass --all"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(sum_catalog, tmp_path, args, wanted):
    with ScriptedLLMServer([]) as server:
        done = cli(["calibrate", *args], env_for(sum_catalog, server), tmp_path)
        assert server.requests == []
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and wanted in lines[0], done.stderr


def test_no_endpoint_is_one_line_and_exit_2(sum_catalog, tmp_path):
    done = cli(["calibrate", "sum_pair", "--model", "m"], env_for(sum_catalog), tmp_path)
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        "error: no endpoint: pass --base-url or set OPENAI_BASE_URL (and OPENAI_API_KEY)"
    ]


def test_a_killed_calibration_resumes_without_resending_a_finished_request(sum_catalog, tmp_path):
    solver = Solver({"easy": 0.6, "medium": 0.5, "hard": 0.3})

    def slow(body: dict) -> Reply:
        reply = solver(body)
        return Reply(reply.text, usage=reply.usage, delay=0.15)

    home = tmp_path / "state"
    args = ["calibrate", "sum_pair", "--model", "m", "-n", "10", "--concurrency", "2",
            "--home", str(home), "-q"]  # fmt: skip
    with ScriptedLLMServer(slow) as server:
        env = env_for(sum_catalog, server)
        first = subprocess.Popen(
            command(*args), env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while len(server.requests) < 12 and time.monotonic() < deadline:
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait()
        before = len(server.requests)
        with TranscriptStore(home / "campforge.db") as transcripts:
            answered = {
                json.dumps(e["messages"], sort_keys=True)
                for run in _runs(home)
                for e in transcripts.exchanges(run)
                if e["response"] is not None
            }
        assert 10 <= len(answered) < 30 and before < 30
        second = cli(args, env, tmp_path)
        resent = [json.dumps(r["messages"], sort_keys=True) for r in server.requests[before:]]
    assert second.returncode == 0, second.stdout + second.stderr
    assert not answered & set(resent)  # nothing answered before the kill was sent again
    assert len(answered) + len(resent) >= 30
    stored = catalog.read_index(sum_catalog)["sum_pair"].calibration
    assert stored is not None and sum(p.n for p in stored.difficulties.values()) == 30


def _runs(home: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(home / "campforge.db") as db:
        return [row[0] for row in db.execute("SELECT DISTINCT run_id FROM llm_exchanges")]


def calibrated(accuracy: dict[str, float]) -> dict:
    """A stored calibration of sum_pair with these accuracies."""
    presets = {
        level: {
            "accuracy": share,
            "low": max(0.0, share - 0.1),
            "high": min(1.0, share + 0.1),
            "n": 30,
            "correct": round(share * 30),
            "wrong": 30 - round(share * 30),
            "no_answer": 0,
            "tokens": 900,
        }
        for level, share in accuracy.items()
    }
    return {"model": "solver-7b", "date": "2026-01-02", "difficulties": presets}


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_generate_band_skips_pairs_outside_it_and_keeps_uncalibrated_ones(tmp_path):
    directory = write_catalog(
        tmp_path / "catalog", calibrated({"easy": 0.95, "medium": 0.5})
    )  # hard: not calibrated
    env = env_for(directory)
    base = ["generate", "sum_pair", "--difficulty", "all", "-n", "4", "--workers", "1", "-q"]
    banded = cli([*base, "--band", "0.03,0.85", "-o", "banded.jsonl"], env, tmp_path)
    assert banded.returncode == 0, banded.stderr
    assert "skipped (outside the band 0.03,0.85): sum_pair/easy (95%, solver-7b)" in banded.stderr
    assert "no calibration, kept: sum_pair/hard" in banded.stderr
    everything = cli([*base, "-o", "all.jsonl"], env, tmp_path)
    assert everything.returncode == 0, everything.stderr
    kept = records(tmp_path / "banded.jsonl")
    assert [r["difficulty"] for r in kept] == ["medium"] * 4 + ["hard"] * 4
    # the records kept are the very records an unfiltered run writes for those pairs
    assert kept == [r for r in records(tmp_path / "all.jsonl") if r["difficulty"] != "easy"]


def test_generate_band_that_leaves_nothing_is_one_line_and_exit_2(tmp_path):
    directory = write_catalog(tmp_path / "catalog", calibrated({"medium": 0.99}))
    done = cli(
        ["generate", "sum_pair", "--band", "0.03,0.85", "-n", "2", "-o", "x.jsonl", "-q"],
        env_for(directory),
        tmp_path,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "error: every bootcamp and difficulty asked for is outside the band 0.03,0.85"
    )
    assert not (tmp_path / "x.jsonl").exists()


def test_generate_with_a_bad_band_is_one_line_and_exit_2(tmp_path):
    directory = write_catalog(tmp_path / "catalog")
    done = cli(["generate", "sum_pair", "--band", "high", "-n", "2"], env_for(directory), tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: bad band 'high': give the band as LOW,HIGH with 0 <= LOW < HIGH <= 1, "
        "e.g. 0.03,0.85"
    ]
