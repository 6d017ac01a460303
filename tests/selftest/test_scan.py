"""The static scan names every forbidden use, and passes ordinary bootcamp code."""

from __future__ import annotations

from agent.selftest.scan import scan_source

CLEAN = """
import math
import random
from collections import Counter

class B:
    def generate(self):
        rng = random.Random(self.rng.random())
        values = [self.rng.randint(1, 9) for _ in range(4)]
        self.rng.shuffle(values)
        with open("data.txt") as stream:
            pass
        return {"v": values, "c": dict(Counter(values)), "r": math.sqrt(rng.random())}
"""


def whats(source: str) -> list[str]:
    return [finding.what for finding in scan_source(source)]


def test_ordinary_bootcamp_code_is_clean():
    assert scan_source(CLEAN) == []


def test_forbidden_uses_are_found_with_their_line():
    source = "\n".join(
        [
            "import socket",
            "import subprocess as sp",
            "from urllib.request import urlopen",
            "import random",
            "from random import randint",
            "import os",
            "x = random.choice([1, 2])",
            "y = randint(1, 2)",
            "open('out.txt', 'w')",
            "os.system('ls')",
            "eval('1 + 1')",
            "exec('pass')",
            "r = random.Random()",
            "import pathlib; pathlib.Path('x').write_text('y')",
        ]
    )
    findings = scan_source(source)
    assert [finding.line for finding in findings] == [1, 2, 3, 7, 8, 9, 10, 11, 12, 13, 14]
    assert "random.choice()" in whats(source) and "randint()" in whats(source)


def test_a_syntax_error_is_a_finding():
    assert whats("def broken(:\n") == ["syntax error"]
