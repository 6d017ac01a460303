"""The Ray engine: `campforge generate --engine ray`, `score_batch(engine="ray")` and
`campforge audit --engine ray` give what the local engine gives, on a real local Ray cluster with
2 CPUs (one per test module: Ray takes seconds to start). A killed export resumes from its
manifest without rewriting a finished shard; a worker that dies mid-shard is retried and no
record is lost or duplicated.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import ray

import generated_bootcamps
from agent.audit import core
from generated_bootcamps import export, ray_cluster, ray_export
from generated_bootcamps.reward import score_batch

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["dice_probability", "sudoku", "vigenere"]
LEVELS = "easy,medium,hard"


@pytest.fixture(scope="module")
def cluster():
    """One local Ray cluster with 2 CPUs for the module; its address, for other drivers."""
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=200 * 1024 * 1024,
        logging_level=logging.WARNING,
    )
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def shard_bytes(directory: Path, manifest: dict) -> bytes:
    """The shards' bytes, concatenated in the manifest's order."""
    return b"".join((directory / entry["file"]).read_bytes() for entry in manifest["shards"])


def local_file(tmp_path: Path, names: list[str], count: int, **options) -> Path:
    path = tmp_path / f"local.{options.get('format') or 'jsonl'}"
    export.write_dataset(names, count, path, workers=1, **options)
    return path


def test_the_ray_export_equals_the_local_one_for_3_bootcamps_by_3_difficulties(cluster, tmp_path):
    options = {"difficulty": LEVELS, "seed": 11}
    manifest = ray_export.export_on_ray(NAMES, 25, str(tmp_path / "ray"), shard_size=7, **options)
    expected = local_file(tmp_path, NAMES, 25, **options).read_bytes()
    assert shard_bytes(tmp_path / "ray", manifest) == expected
    assert manifest["complete"] and manifest["records"] == manifest["total"] == 9 * 25
    assert manifest["counts"] == {name: dict.fromkeys(LEVELS.split(","), 25) for name in NAMES}
    assert len(manifest["shards"]) == 9 * 4  # 25 records in shards of 7
    # The same bytes once sorted by (bootcamp, difficulty, index), whatever order one reads in.
    lines = b"".join(sorted(p.read_bytes() for p in (tmp_path / "ray").rglob("*.jsonl")))
    order = {
        (name, level): i
        for i, (name, level) in enumerate((n, lv) for n in NAMES for lv in LEVELS.split(","))
    }
    records = sorted(
        (json.loads(line) for line in lines.splitlines()),
        key=lambda r: (order[r["data_source"], r["difficulty"]], seed_index(r)),
    )
    assert b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records) == expected


def seed_index(record: dict) -> int:
    """A record's index in its (bootcamp, difficulty): the one whose seed it has."""
    for index in range(1000):
        if (
            export.record_seed(11, record["data_source"], record["difficulty"], index)
            == record["seed"]
        ):
            return index
    raise AssertionError(f"no index has seed {record['seed']}")


def test_parquet_shards_hold_the_rows_of_the_local_parquet_file(cluster, tmp_path):
    options = {"difficulty": "easy,hard", "seed": 2, "format": "parquet", "split": "test"}
    manifest = ray_export.export_on_ray(NAMES, 30, str(tmp_path / "ray"), shard_size=16, **options)
    shards = [pq.read_table(tmp_path / "ray" / entry["file"]) for entry in manifest["shards"]]
    expected = pq.read_table(local_file(tmp_path, NAMES, 30, **options))
    assert pa.concat_tables(shards).equals(expected)  # extra_info.index counts over the export
    assert all(entry["file"].endswith(".parquet") for entry in manifest["shards"])


def test_a_finished_export_is_not_written_again_and_other_settings_are_refused(cluster, tmp_path):
    target = str(tmp_path / "ray")
    first = ray_export.export_on_ray(NAMES[:1], 10, target, seed=1, shard_size=4)
    stamps = {e["file"]: (tmp_path / "ray" / e["file"]).stat().st_mtime_ns for e in first["shards"]}
    again = ray_export.export_on_ray(NAMES[:1], 10, target, seed=1)  # the stored shard size
    assert again == first
    assert {f: (tmp_path / "ray" / f).stat().st_mtime_ns for f in stamps} == stamps
    with pytest.raises(export.OutputError, match=r"other settings \(seed 1, not 2\)"):
        ray_export.export_on_ray(NAMES[:1], 10, target, seed=2)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(export.OutputError, match=r"not empty and holds no manifest\.json"):
        ray_export.export_on_ray(NAMES[:1], 10, str(tmp_path / "other"))


KILLED_DRIVER = """
import os, signal, sys
from generated_bootcamps import ray_export

ray_export.MANIFEST_SECONDS = 0  # every finished shard is in the manifest at once
finished = []

def progress(records):
    finished.append(records)
    if len(finished) == 3:  # the third shard is written, not yet in the manifest: die
        os.kill(os.getpid(), signal.SIGKILL)

address, output = sys.argv[1:]
ray_export.export_on_ray(
    ["dice_probability", "sudoku", "vigenere"], 40, output, difficulty="easy,hard", seed=5,
    shard_size=8, address=address, on_progress=progress,
)
"""


def test_a_killed_run_resumes_from_its_manifest_without_rewriting_finished_shards(
    cluster, tmp_path
):
    output = tmp_path / "ray"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_DRIVER, cluster, str(output)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert killed.returncode == -9, killed.stderr
    before = json.loads((output / "manifest.json").read_text())
    assert not before["complete"] and len(before["shards"]) == 2
    stamps = {
        entry["file"]: (
            (output / entry["file"]).stat().st_ino,
            (output / entry["file"]).stat().st_mtime_ns,
        )
        for entry in before["shards"]
    }
    common = ["-n", "40", "--difficulty", "easy,hard", "--seed", "5", "--shard-size", "8"]
    resumed = subprocess.run(
        [
            sys.executable,
            "-m",
            "agent.cli",
            "generate",
            *NAMES,
            *common,
            "--engine",
            "ray",
            "--address",
            cluster,
            "-o",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming: {before['records']} of 240 records already written" in resumed.stderr
    after = json.loads((output / "manifest.json").read_text())
    assert after["complete"] and after["records"] == 240 and len(after["shards"]) == 30
    for file, stamp in stamps.items():  # the same file, never written again
        assert ((output / file).stat().st_ino, (output / file).stat().st_mtime_ns) == stamp
    assert not list(output.rglob("*.partial"))
    options = {"difficulty": "easy,hard", "seed": 5}
    assert shard_bytes(output, after) == local_file(tmp_path, NAMES, 40, **options).read_bytes()


FRAGILE = '''
"""dice_probability, whose worker process dies at its fifth case the first time it runs."""

import os
from pathlib import Path

from generated_bootcamps.dice_probability.bootcamp import DiceProbabilityBootcamp

FLAG = Path({flag!r})
calls = 0


class FragileBootcamp(DiceProbabilityBootcamp):
    def generate(self):
        global calls
        calls += 1
        if calls == 5 and not FLAG.exists():
            FLAG.write_text(str(os.getpid()))
            os._exit(1)  # the worker dies mid-shard: four records made, none written
        return super().generate()
'''


@pytest.fixture
def fragile_catalog(tmp_path, monkeypatch):
    """A catalog of one bootcamp whose worker dies mid-shard once; the flag file says it did."""
    directory, flag = tmp_path / "catalog", tmp_path / "died"
    (directory / "fragile").mkdir(parents=True)
    (directory / "fragile" / "bootcamp.py").write_text(FRAGILE.format(flag=str(flag)))
    entry = {
        "path": "fragile/bootcamp.py",
        "class_name": "FragileBootcamp",
        "domain": "probability",
        "description": "Dies once.",
        "answer_kind": "number",
        "provenance": {"source": "hand-written"},
    }
    index = {"version": 1, "bootcamps": {"fragile": entry}}
    (directory / "catalog.json").write_text(json.dumps(index))
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(directory))
    return flag


def test_a_worker_that_dies_mid_shard_is_retried_and_no_record_is_lost_or_duplicated(
    cluster, fragile_catalog, tmp_path
):
    manifest = ray_export.export_on_ray(["fragile"], 60, str(tmp_path / "ray"), shard_size=20)
    assert fragile_catalog.exists(), "no worker died: the test proves nothing"
    assert manifest["complete"] and manifest["counts"] == {"fragile": {"medium": 60}}
    written = shard_bytes(tmp_path / "ray", manifest)
    seeds = [json.loads(line)["seed"] for line in written.splitlines()]
    assert len(seeds) == len(set(seeds)) == 60
    assert written == local_file(tmp_path, ["fragile"], 60, difficulty="medium").read_bytes()
    assert not list((tmp_path / "ray").rglob("*.partial"))


def test_a_shard_whose_worker_dies_on_every_try_stops_the_run_and_a_rerun_finishes_it(
    cluster, fragile_catalog, tmp_path, monkeypatch
):
    monkeypatch.setattr(ray_export, "SHARD_RETRIES", 0)
    target = str(tmp_path / "ray")
    with pytest.raises(ray_export.ShardError, match=r"failed 1 time\(s\).*run the same command"):
        ray_export.export_on_ray(["fragile"], 60, target, shard_size=20)
    monkeypatch.setattr(ray_export, "SHARD_RETRIES", 3)  # it dies only once: the rerun goes on
    manifest = ray_export.export_on_ray(["fragile"], 60, target, shard_size=20)
    assert manifest["complete"] and manifest["records"] == 60


def test_a_worker_reading_another_catalog_refuses_to_run(tmp_path):
    pin = ray_cluster.CatalogPin(str(tmp_path / "elsewhere"), "0" * 64)
    with pytest.raises(ray_cluster.CatalogMismatchError, match="differs from the driver's"):
        pin.apply()


def test_score_batch_on_ray_gives_the_local_scores(cluster):
    sources, responses, truths = [], [], []
    for name in NAMES:
        cls = generated_bootcamps.get(name)
        for seed in range(100):
            case = cls(seed=seed, difficulty="easy").generate()
            right = cls.format_answer(cls.solve(case))
            sources.append(name)
            responses.append(right if seed % 3 else "I do not know")
            truths.append(json.dumps(case) if seed % 2 else case)
    local = score_batch(sources, responses, truths, workers=1)
    assert score_batch(sources, responses, truths, engine="ray") == local
    assert score_batch(sources, responses, truths, workers=7, engine="ray") == local
    assert 0 < sum(local) < len(local)
    with pytest.raises(ValueError, match="unknown bootcamp 'nope'"):
        score_batch([*sources, "nope"], [*responses, "x"], [*truths, "{}"], engine="ray")
    with pytest.raises(ValueError, match="engine must be one of local, ray"):
        score_batch(sources, responses, truths, engine="spark")


def test_the_audit_on_ray_gives_one_row_per_bootcamp_as_the_local_audit(cluster):
    library = ROOT / "tests" / "audit" / "internbootcamp"
    _, found = core.targets(str(library))
    chosen = core.select(found, ["aalmostarithmeticalprogression", "py2sumpair"], None)
    saved, seen = [], []
    rows = core.run_audit(
        chosen,
        save=lambda target, row: saved.append(target.name),
        on_row=seen.append,
        engine="ray",
    )
    assert [row["name"] for row in rows] == ["aalmostarithmeticalprogression", "py2sumpair"]
    assert sorted(saved) == sorted(row["name"] for row in seen) == sorted(r["name"] for r in rows)
    local = [core.audit_target(target) for target in chosen]
    fields = ("verdict", "failing", "not_applicable", "evidence", "answer_key")
    assert [{f: row[f] for f in fields} for row in rows] == [
        {f: row[f] for f in fields} for row in local
    ]
    assert rows[0]["verdict"] == "pass" and rows[1]["verdict"].startswith("unusable: Python 2")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_options_of_the_other_engine_are_one_line_errors(tmp_path):
    for args in (
        ["generate", "dice_probability", "--engine", "ray"],  # stdout: no directory
        ["generate", "dice_probability", "--engine", "ray", "--workers", "2", "-o", "d"],
        ["generate", "dice_probability", "--address", "1.2.3.4:6379", "-o", "x.jsonl"],
        ["generate", "dice_probability", "--engine", "spark", "-o", "x.jsonl"],
        ["generate", "dice_probability", "--engine", "ray", "-o", str(ROOT / "README.md")],
        ["audit", "catalog", "--address", "1.2.3.4:6379"],
    ):
        done = run_cli(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr


def test_importing_campforge_does_not_import_ray():
    code = (
        "import sys, generated_bootcamps, generated_bootcamps.reward, generated_bootcamps.export,"
        " agent.cli, agent.audit.core; print('ray' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "False", done.stderr
    # Ray is installed here, so the check above means something.
    assert subprocess.run([sys.executable, "-c", "import ray"]).returncode == 0
