"""`campforge generate -o` and `campforge check` on odd targets: one clear line, exit 2.

Each case runs the real command in a subprocess, as a user would, and checks that the error is a
single line (no traceback) and that nothing was left behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import generated_bootcamps
from agent.cli import resolve_candidate

NAME = generated_bootcamps.names()[0]
EXPECTED = "give a bootcamp module file (.py) or a catalog name"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], wanted: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert wanted in lines[0]


def files_under(directory: Path) -> list[str]:
    return sorted(str(path.relative_to(directory)) for path in directory.rglob("*"))


@pytest.mark.parametrize(
    ("output", "wanted"),
    [
        ("out", "out is a directory: give a file name, e.g. out/train.jsonl"),
        ("out/", "out/ is a directory"),
        ("new/", "new/ ends with /: give a file name"),
        ("", "the output name is empty: give a file name, or - for stdout"),
        ("notes.txt/x.jsonl", "notes.txt is not a directory"),
        ("{elsewhere}/dir/x.jsonl", "dir does not exist: create it first"),
        ("/proc/version", "cannot write /proc/version"),  # EIO as root, EACCES otherwise
        ("/sys/campforge-test.jsonl", "cannot write /sys/campforge-test.jsonl"),  # read-only
    ],
)
def test_generate_to_a_bad_output_says_so_in_one_line(tmp_path, output, wanted):
    cwd, elsewhere = tmp_path / "cwd", tmp_path / "elsewhere"
    (cwd / "out").mkdir(parents=True)
    (cwd / "notes.txt").write_text("keep me")
    elsewhere.mkdir()
    before = files_under(tmp_path)
    result = run_cli(
        "generate", NAME, "-n", "3", "-q", "-o", output.format(elsewhere=elsewhere), cwd=cwd
    )
    assert_one_line_error(result, wanted)
    assert files_under(tmp_path) == before  # no partial file, no directory made
    assert (cwd / "notes.txt").read_text() == "keep me"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only directory")
def test_generate_into_a_read_only_directory_says_so_in_one_line(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = run_cli("generate", NAME, "-n", "3", "-q", "-o", str(locked / "x.jsonl"))
    finally:
        locked.chmod(0o755)
    assert_one_line_error(result, "Permission denied")
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize(
    ("target", "wanted"),
    [
        ("bootcamps", f"bootcamps is a directory: {EXPECTED}"),
        ("{cwd}/bootcamps/", "bootcamps/ is a directory"),
        ("notes.txt", f"notes.txt is not a Python file: {EXPECTED}"),
        ("/dev/null", f"/dev/null is not a regular file: {EXPECTED}"),
        ("empty.py", "empty.py: no Bootcamp subclass defined"),
        ("binary.py", "cannot read binary.py"),
    ],
)
def test_check_on_an_odd_target_says_so_in_one_line(tmp_path, target, wanted):
    (tmp_path / "bootcamps").mkdir()
    (tmp_path / "notes.txt").write_text("hello\n")
    (tmp_path / "empty.py").write_text("")
    (tmp_path / "binary.py").write_bytes(bytes(range(128, 256)) * 8)
    result = run_cli("check", target.format(cwd=tmp_path), "--cases", "2", cwd=tmp_path)
    assert_one_line_error(result, wanted)


def test_a_catalog_name_wins_over_a_directory_of_the_same_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).mkdir()
    module, _ = resolve_candidate(NAME)
    catalog_dir = generated_bootcamps.catalog.catalog_dir()
    assert module == catalog_dir / generated_bootcamps.entry(NAME).path
    with pytest.raises(ValueError, match=f"{NAME}/ is a directory"):
        resolve_candidate(f"{NAME}/")
