"""Shared by the review tests: an offline spec the pipeline drafts with no LLM, and a catalog
inside a fresh git repository for merges."""

from __future__ import annotations

import json
from pathlib import Path

import git

OFFLINE_SPEC = """\
---
name: {name}
domain: arithmetic
description: Compute a power modulo m.
answer_kind: integer
defaults: {{max_base: 1000, max_exponent: 1000, max_modulus: 1000}}
difficulties:
  easy: {{max_base: 50, max_exponent: 30, max_modulus: 100}}
  medium: {{max_base: 1000, max_exponent: 1000, max_modulus: 1000}}
  hard: {{max_base: 1000000, max_exponent: 1000000000, max_modulus: 100000}}
---

# Power modulo m ({name})

Compute a^b mod m, the remainder of a to the power b divided by m. {script}

```python generate
def generate(self):
    p = self.params
    return {{
        "base": self.rng.randint(2, p["max_base"]),
        "exponent": self.rng.randint(2, p["max_exponent"]),
        "modulus": self.rng.randint(3, p["max_modulus"]),
    }}
```

```python prompt
def prompt(cls, case):
    a, b, m = case["base"], case["exponent"], case["modulus"]
    return (
        f"Compute {{a}}^{{b}} mod {{m}}, the remainder when {{a}} raised to the power {{b}} is "
        f"divided by {{m}}.\\n\\nWrite your final answer at the end of your response as "
        "\\\\boxed{{R}}, where R is the remainder written as a plain integer."
    )
```

```python solve
def solve(cls, case):
    return pow(case["base"], case["exponent"], case["modulus"])
```
"""


def offline_spec(name: str, script: str = "") -> str:
    return OFFLINE_SPEC.format(name=name, script=script)


def make_catalog(root: Path) -> tuple[git.Repo, Path]:
    """A catalog (empty index) inside a fresh git repository with one commit."""
    repo = git.Repo.init(root)
    with repo.config_writer() as config:
        config.set_value("user", "name", "test")
        config.set_value("user", "email", "test@localhost")
    directory = root / "catalog"
    directory.mkdir()
    (directory / "catalog.json").write_text(json.dumps({"version": 1, "bootcamps": {}}) + "\n")
    repo.index.add([str(directory / "catalog.json")])
    repo.index.commit("Empty catalog")
    return repo, directory
