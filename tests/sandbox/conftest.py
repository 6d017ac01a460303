"""Fixtures for the sandbox tests: candidate modules written from a template, and leak checks."""

from __future__ import annotations

import contextlib
import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agent.sandbox import Sandbox

TEMPLATE = '''\
"""A candidate bootcamp written by the sandbox tests."""

import ctypes
import os
import re
import signal
import socket
import sys
import time

from generated_bootcamps.base import Bootcamp

__PRELUDE__


class Adder(Bootcamp):
    """Add two integers."""

    name = "adder"
    description = "Add two integers."
    domain = "arithmetic"
    defaults = {"high": 10}
    difficulties = {"easy": {"high": 10}, "medium": {"high": 100}, "hard": {"high": 1000}}
    answer_kind = None

    def generate(self):
        high = self.params["high"]
        return {"a": self.rng.randint(0, high), "b": self.rng.randint(0, high)}

    @classmethod
    def prompt(cls, case):
        return f"What is {case['a']} + {case['b']}? End with [answer]N[/answer]."

    @classmethod
    def solve(cls, case):
__SOLVE__

    @classmethod
    def extract(cls, response):
        found = re.findall(r"\\[answer\\](-?\\d+)\\[/answer\\]", response)
        return int(found[-1]) if found else None

    @classmethod
    def format_answer(cls, answer):
        return f"[answer]{answer}[/answer]"

__EXTRA__
'''


def render(solve: str = 'return case["a"] + case["b"]', prelude: str = "", extra: str = "") -> str:
    """Module source: the template with `solve`'s body, module-level `prelude`, class `extra`."""
    return (
        TEMPLATE.replace("__PRELUDE__", textwrap.dedent(prelude))
        .replace("__SOLVE__", textwrap.indent(textwrap.dedent(solve).strip(), " " * 8))
        .replace("__EXTRA__", textwrap.indent(textwrap.dedent(extra), " " * 4))
    )


@pytest.fixture
def candidate(tmp_path: Path) -> Callable[..., Path]:
    """Write a candidate module: candidate(solve=..., prelude=..., extra=..., source=...)."""
    counter = iter(range(1000))

    def make(source: str | None = None, **parts: str) -> Path:
        path = tmp_path / f"candidate_{next(counter)}.py"
        path.write_text(source if source is not None else render(**parts))
        return path

    return make


def uid_processes(uid: int) -> list[str]:
    """Every process (zombies too) whose real uid is `uid`, as 'pid state name' strings."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            status = Path(f"/proc/{name}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("Uid", "-1").split()[0]) == uid:
            found.append(f"{name} {fields['State'].strip()} {fields['Name'].strip()}")
    return found


@pytest.fixture(name="uid_processes")
def uid_processes_fixture() -> Callable[[int], list[str]]:
    return uid_processes


@pytest.fixture
def contained() -> Callable[..., contextlib.AbstractContextManager[Sandbox]]:
    """contained(path, **kwargs): a Sandbox that, once closed, must have left no process behind."""

    @contextlib.contextmanager
    def open_sandbox(path: Path, **kwargs: object) -> Iterator[Sandbox]:
        sandbox = Sandbox(path, **kwargs)  # type: ignore[arg-type]
        try:
            yield sandbox
        finally:
            uid = sandbox.isolation.get("uid")
            sandbox.close()
            if os.geteuid() == 0:
                assert uid is not None, "running as root, the sandbox must drop to its own uid"
                assert uid_processes(uid) == [], f"processes of sandbox uid {uid} leaked"

    return open_sandbox
