"""`campforge generate` and the export module: layout, determinism, scoring round trip."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tracemalloc

import pyarrow.parquet as pq
import pytest

import generated_bootcamps
from generated_bootcamps import export
from generated_bootcamps.reward import compute_score

COUNT = 120


@pytest.fixture(scope="module")
def jsonl_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "train.jsonl"
    export.write_dataset(generated_bootcamps.names(), COUNT, path, seed=7, workers=2)
    return path


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_records_have_internbootcamp_layout_and_score_1_with_the_reference(jsonl_file):
    records = read_jsonl(jsonl_file)
    assert len(records) == COUNT * len(generated_bootcamps.names())
    for record in records:
        assert set(record) == {"data_source", "prompt", "ground_truth", "difficulty", "seed"}
        cls = generated_bootcamps.get(record["data_source"])
        reference = cls.format_answer(cls.solve(record["ground_truth"]))
        assert compute_score(record["data_source"], reference, record["ground_truth"]) == 1.0
        assert compute_score(record["data_source"], "no answer here", record["ground_truth"]) == 0


def test_a_record_seed_regenerates_its_case(jsonl_file):
    for record in read_jsonl(jsonl_file)[:: COUNT // 3]:
        bootcamp = generated_bootcamps.load(
            record["data_source"], difficulty=record["difficulty"], seed=record["seed"]
        )
        assert bootcamp.generate() == record["ground_truth"]


def test_same_seed_gives_a_byte_identical_file_whatever_the_worker_count(jsonl_file, tmp_path):
    again = tmp_path / "again.jsonl"
    export.write_dataset(generated_bootcamps.names(), COUNT, again, seed=7, workers=1)
    assert again.read_bytes() == jsonl_file.read_bytes()
    other = tmp_path / "other.jsonl"
    export.write_dataset(generated_bootcamps.names(), COUNT, other, seed=8, workers=2)
    assert other.read_bytes() != jsonl_file.read_bytes()


def test_parquet_has_verls_layout_and_is_deterministic(tmp_path):
    import pandas as pd

    names = generated_bootcamps.names()
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    export.write_dataset(names, 50, first, seed=3, workers=2, difficulty="easy")
    export.write_dataset(names, 50, second, seed=3, workers=1, difficulty="easy")
    assert first.read_bytes() == second.read_bytes()

    table = pq.read_table(first)
    assert table.schema.names == ["data_source", "prompt", "ability", "reward_model", "extra_info"]
    frame = pd.read_parquet(first)
    assert len(frame) == 50 * len(names)
    assert list(frame["extra_info"].map(lambda info: info["index"])) == list(range(len(frame)))
    for row in frame.itertuples():
        messages = list(row.prompt)
        assert [message["role"] for message in messages] == ["user"]
        assert row.reward_model["style"] == "rule"
        assert row.ability == generated_bootcamps.entry(row.data_source).domain
        case = json.loads(row.reward_model["ground_truth"])
        cls = generated_bootcamps.get(row.data_source)
        assert messages[0]["content"] == cls.prompt(case)
        reference = cls.format_answer(cls.solve(case))
        # verl passes the parquet's ground truth string through unchanged.
        assert compute_score(row.data_source, reference, row.reward_model["ground_truth"]) == 1.0


def test_chunk_split_does_not_change_the_records():
    name = generated_bootcamps.names()[0]
    plan = export.plan_chunks
    whole = list(plan([name], 10, difficulty="easy", seed=1, format="jsonl", size=10))
    split = list(plan([name], 10, difficulty="easy", seed=1, format="jsonl", size=3))
    assert len(split) == 4 == export.count_chunks(10, 3, shares=1)
    assert b"".join(export.render_chunk(chunk) for chunk in split) == export.render_chunk(whole[0])


def test_unknown_names_and_difficulties_fail_before_writing(tmp_path):
    target = tmp_path / "never.jsonl"
    with pytest.raises(ValueError, match="no_such_task"):
        export.write_dataset(["no_such_task"], 5, target)
    with pytest.raises(ValueError, match="no difficulty 'impossible'"):
        export.write_dataset(generated_bootcamps.names()[:1], 5, target, difficulty="impossible")
    assert not target.exists()


def test_several_difficulties_give_count_records_each_in_order(tmp_path):
    names = generated_bootcamps.names()[:2]
    mixed = tmp_path / "mixed.jsonl"
    export.write_dataset(names, 5, mixed, difficulty="easy,hard", seed=2, workers=2)
    got = [(r["data_source"], r["difficulty"]) for r in read_jsonl(mixed)]
    assert got == [(name, level) for name in names for level in ("easy", "hard") for _ in range(5)]
    # The same records as exporting each difficulty on its own: a record's seed is its place.
    alone = tmp_path / "hard.jsonl"
    export.write_dataset(names[:1], 5, alone, difficulty="hard", seed=2, workers=1)
    assert read_jsonl(alone) == read_jsonl(mixed)[5:10]
    everything = tmp_path / "all.jsonl"
    export.write_dataset(names[:1], 1, everything, difficulty="all", workers=1)
    levels = [r["difficulty"] for r in read_jsonl(everything)]
    assert levels == list(generated_bootcamps.get(names[0]).difficulties)
    with pytest.raises(ValueError, match=r"no difficulty 'insane'.*or all"):
        export.write_dataset(names, 5, tmp_path / "never.jsonl", difficulty=["easy", "insane"])


def test_the_split_name_lands_in_parquet_extra_info(tmp_path):
    target = tmp_path / "test.parquet"
    export.write_dataset(generated_bootcamps.names()[:1], 3, target, split="test", workers=1)
    rows = pq.read_table(target).to_pylist()
    assert [row["extra_info"]["split"] for row in rows] == ["test"] * 3


def run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_cli_generate_writes_stdout_and_reports_bad_input_in_one_line(tmp_path):
    name = generated_bootcamps.names()[0]
    result = run_cli("generate", name, "-n", "3", "--seed", "5")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and json.loads(lines[0])["data_source"] == name

    bad = run_cli("generate", "no_such_task", "-n", "3")
    assert bad.returncode == 2
    assert "unknown bootcamp 'no_such_task'" in bad.stderr
    assert "Traceback" not in bad.stderr

    nothing = run_cli("generate", "-n", "3")
    assert nothing.returncode == 2 and "--all" in nothing.stderr

    level = run_cli("generate", name, "-n", "3", "--difficulty", "easy,insane")
    assert level.returncode == 2 and "no difficulty 'insane'" in level.stderr


def test_cli_generate_all_to_parquet_file(tmp_path):
    # A missing directory under the current one is created (`-o data/train.parquet`).
    result = run_cli(
        "generate", "--all", "-n", "4", "-o", "out/train.parquet", "--quiet", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    target = tmp_path / "out" / "train.parquet"
    assert pq.read_table(target).num_rows == 4 * len(generated_bootcamps.names())


def test_cli_catalog_list_and_show():
    listing = run_cli("catalog", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    assert [entry["name"] for entry in json.loads(listing.stdout)] == generated_bootcamps.names()
    name = generated_bootcamps.names()[0]
    shown = run_cli("catalog", "show", name, "--difficulty", "easy")
    assert shown.returncode == 0, shown.stderr
    assert "score 1.0" in shown.stdout
    missing = run_cli("catalog", "show", "nope")
    assert missing.returncode == 2 and "unknown bootcamp 'nope'" in missing.stderr


def traced_peak(action):
    """Peak bytes the Python allocator handed out while `action` ran."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_planning_yields_the_first_chunk_without_planning_the_rest():
    name = generated_bootcamps.names()[0]
    first = []

    def plan_a_hundred_million_records_each_difficulty():
        plan = export.plan_chunks([name], 10**8, difficulty="all", seed=0, format="jsonl")
        first.append(next(iter(plan)))

    export.difficulties_of(name, "all")  # imports the bootcamp outside the measure
    # A list of every chunk would be ~300,000 chunks here (tens of MB).
    assert traced_peak(plan_a_hundred_million_records_each_difficulty) < 64 * 1024
    assert (first[0].start, first[0].stop, first[0].offset) == (0, export.CHUNK_SIZE, 0)
    levels = len(generated_bootcamps.get(name).difficulties)
    assert export.count_chunks(10**8, export.CHUNK_SIZE, levels) == levels * 97657


class Enough(Exception):
    """Raised by on_progress to stop an export after its first chunk."""


def stop_at_first_chunk(records):
    raise Enough


def test_an_export_of_a_hundred_million_records_starts_in_flat_memory(tmp_path):
    name = generated_bootcamps.names()[0]

    def start_exporting():
        with pytest.raises(Enough):
            export.write_dataset(
                [name], 10**8, tmp_path / "big.jsonl", workers=1, on_progress=stop_at_first_chunk
            )

    export.difficulties_of(name, "all")  # imports the bootcamp outside the measure
    # One chunk's records (about a MB); planning every chunk first took tens of MB.
    assert traced_peak(start_exporting) < 8 * 2**20


def test_parquet_row_groups_and_bytes_do_not_depend_on_the_worker_count(tmp_path, monkeypatch):
    # With 2 workers the chunks are 32 records (small exports are split finer), with 1 they are
    # whole shares of 300: row groups must still fall every PARQUET_ROW_GROUP rows.
    monkeypatch.setattr(export, "PARQUET_ROW_GROUP", 100)
    name = generated_bootcamps.names()[0]
    files = []
    for workers in (1, 2):
        path = tmp_path / f"w{workers}.parquet"
        export.write_dataset([name], 300, path, difficulty="easy,hard", workers=workers)
        files.append(path)
    metadata = pq.ParquetFile(files[0]).metadata
    assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == [100] * 6
    assert files[0].read_bytes() == files[1].read_bytes()


def process_peak_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1])


def test_cli_generate_ten_billion_records_prints_the_first_one_in_flat_memory(tmp_path):
    name = generated_bootcamps.names()[0]
    command = [sys.executable, "-m", "agent.cli", "generate", name, "-n", "10000000000"]
    process = subprocess.Popen(
        [*command, "--workers", "2", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the workers too are killed with its process group below
        env={**os.environ, "TMPDIR": str(tmp_path)},  # its scratch files die with tmp_path
    )
    try:
        # A guard against hanging, not a timing: planning first took minutes and gigabytes.
        ready, _, _ = select.select([process.stdout], [], [], 120)
        assert ready, "no record within 120 s"
        first = json.loads(process.stdout.readline())
        peak_mb = process_peak_kb(process.pid) / 1024
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        process.stdout.close()
    assert first["data_source"] == name
    assert peak_mb < 400, f"the exporting process peaked at {peak_mb:.0f} MB"


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("file_name", ["new/deeper/train.jsonl", "train.parquet"])
def test_a_failed_export_leaves_no_file_nor_directory_behind(
    tmp_path, monkeypatch, workers, file_name
):
    monkeypatch.chdir(tmp_path)
    name = generated_bootcamps.names()[0]
    with pytest.raises(Enough):
        export.write_dataset(
            [name], 5000, file_name, workers=workers, on_progress=stop_at_first_chunk
        )
    assert list(tmp_path.iterdir()) == []


def test_a_missing_parent_is_created_only_under_the_current_directory(tmp_path, monkeypatch):
    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    here.mkdir()
    monkeypatch.chdir(here)
    name = generated_bootcamps.names()[0]
    with pytest.raises(export.OutputError, match=r"parent directory .*elsewhere.* does not exist"):
        export.write_dataset([name], 3, elsewhere / "train.jsonl", workers=1)
    assert not elsewhere.exists()
    assert export.write_dataset([name], 3, "data/train.jsonl", workers=1) == 3
    assert len(read_jsonl(here / "data" / "train.jsonl")) == 3


def test_a_directory_or_a_file_as_parent_is_refused_before_any_work(tmp_path):
    name = generated_bootcamps.names()[0]
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(export.OutputError, match="is a directory: give a file name"):
        export.write_dataset([name], 3, tmp_path, workers=1)
    with pytest.raises(export.OutputError, match=r"notes\.txt is not a directory"):
        export.write_dataset([name], 3, tmp_path / "notes.txt" / "x.jsonl", workers=1)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "keep me"
