"""A spec's `requires:`: checked against the allow-list, rendered into the module, honoured by the
sandbox, and the allow-list shown in the drafting prompt."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.parts import parts_from_spec, render_module
from agent.prompts import render_messages
from agent.sandbox import CandidateLoadError, Sandbox, packages
from agent.spec import SpecError, parse_specs

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = (ROOT / "examples" / "modular_exponentiation.md").read_text(encoding="utf-8")
NUMPY_PARTS = """
```python imports
import numpy
```

```python solve
def solve(cls, case):
    return int(numpy.int64(pow(case["base"], case["exponent"], case["modulus"])))
```
"""


def spec_text(requires: str | None) -> str:
    """The offline modular_exponentiation example with a solve() that uses numpy."""
    head = "name: modular_exponentiation\n"
    text = EXAMPLE.replace(head, head + (f"requires: {requires}\n" if requires else ""))
    start = text.index("```python solve")
    end = text.index("```python to_reference_input")
    return text[:start] + NUMPY_PARTS.strip() + "\n\n" + text[end:]


def test_requires_lists_allowed_packages_normalized():
    (spec,) = parse_specs(spec_text("[NumPy, sympy, numpy]"))
    assert spec.requires == ("numpy", "sympy")
    (plain,) = parse_specs(EXAMPLE)
    assert plain.requires == ()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[pandas]", "requires names pandas: a bootcamp may require only numpy, sympy"),
        ("numpy", "requires must be a list of packages"),
    ],
)
def test_requires_outside_the_allow_list_is_a_spec_error(value, message):
    with pytest.raises(SpecError, match=message):
        parse_specs(spec_text(value), "spec.md")


def test_a_spec_requiring_numpy_renders_a_module_the_sandbox_runs(tmp_path):
    case = {"base": 7, "exponent": 13, "modulus": 11}
    results = {}
    for requires in ("[numpy]", None):
        (spec,) = parse_specs(spec_text(requires))
        source = render_module(parts_from_spec(spec), spec=spec)
        path = tmp_path / f"bootcamp_{bool(requires)}.py"
        path.write_text(source, encoding="utf-8")
        sandbox = Sandbox(path)
        try:
            results[requires] = sandbox.call("solve", case)
        except CandidateLoadError as error:
            results[requires] = error.error["type"]
        finally:
            sandbox.close()
    assert packages.declared((tmp_path / "bootcamp_True.py").read_text()) == ("numpy",)
    assert results == {"[numpy]": 2, None: "ModuleNotFoundError"}


def test_the_drafting_prompt_lists_the_allowed_packages():
    (spec,) = parse_specs(EXAMPLE)
    system = render_messages("draft", spec=spec)[0]["content"]
    line = next(line for line in system.splitlines() if "requires:" in line)
    assert all(f"`{name}`" in line for name in packages.ALLOWED)
