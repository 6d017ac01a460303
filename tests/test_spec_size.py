"""Spec files are capped at MAX_SPEC_BYTES: a huge spec is refused with its size and the cap,
by the parser and by `campforge draft`, before anything stores or renders it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.spec import MAX_SPEC_BYTES, SpecError, load_specs, parse_specs

HEADER = "---\nname: huge\ndomain: algorithms\n---\n# Huge\n\nSum the numbers.\n"


def spec_of_size(size: int) -> str:
    """A valid spec of exactly `size` bytes (its description padded with lines of text)."""
    line = "More words about the task.\n"
    text = HEADER + line * ((size - len(HEADER)) // len(line))
    return text + "x" * (size - len(text.encode()))


def test_a_spec_at_the_cap_is_accepted_and_one_byte_more_is_refused(tmp_path):
    (spec,) = parse_specs(spec_of_size(MAX_SPEC_BYTES), "huge.md")
    assert spec.name == "huge"
    message = f"the spec file is {MAX_SPEC_BYTES + 1:,} bytes, over the cap of {MAX_SPEC_BYTES:,}"
    with pytest.raises(SpecError, match=message):
        parse_specs(spec_of_size(MAX_SPEC_BYTES + 1), "huge.md")


def test_load_specs_refuses_a_file_over_the_cap_naming_its_size(tmp_path):
    path = tmp_path / "huge.md"
    path.write_text(spec_of_size(5 * MAX_SPEC_BYTES), encoding="utf-8")
    with pytest.raises(SpecError) as refused:
        load_specs(path)
    assert str(refused.value) == (
        f"{path}:0: the spec file is {5 * MAX_SPEC_BYTES:,} bytes, over the cap of "
        f"{MAX_SPEC_BYTES:,} bytes ({MAX_SPEC_BYTES // 1024} KiB): shorten it or split its "
        "specs across several files"
    )


def test_the_cap_counts_bytes_not_characters():
    text = spec_of_size(MAX_SPEC_BYTES - 200) + "é" * 150  # 300 bytes in 150 characters
    assert len(text) < MAX_SPEC_BYTES < len(text.encode())
    with pytest.raises(SpecError, match="over the cap"):
        parse_specs(text, "accents.md")


def test_draft_reports_an_oversized_spec_as_invalid_in_one_line(tmp_path):
    spec = tmp_path / "huge.md"
    spec.write_text(spec_of_size(MAX_SPEC_BYTES + 1), encoding="utf-8")
    state = tmp_path / "state"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CAMPFORGE_"))}
    result = subprocess.run(
        [sys.executable, "-m", "agent.cli", "draft", str(spec), "--home", str(state)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    # The convention of `draft` for a malformed spec: an `invalid` outcome, exit 1.
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "huge" in line]
    assert line.startswith("huge: invalid (") and f"{MAX_SPEC_BYTES + 1:,} bytes" in line
    assert "1 invalid" in result.stdout
    assert sum(path.stat().st_size for path in Path(state).rglob("*") if path.is_file()) < 2**20
