"""`requires`: third-party packages a bootcamp declares, importable read-only in the sandbox."""

from __future__ import annotations

import os

import pytest

from agent.sandbox import CandidateLoadError, Sandbox, packages

PROBE = """
import importlib, os
found = {}
for name in ("numpy", "yaml", "pydantic", "mdurl"):
    try:
        importlib.import_module(name)
        found[name] = "imported"
    except ImportError as exc:
        found[name] = type(exc).__name__
if found["numpy"] == "imported":
    import numpy
    found["sum"] = int(numpy.array([case["a"], case["b"]]).sum())
    real = os.path.dirname(os.path.realpath(numpy.__file__))
    found["site"] = sorted(os.listdir(os.path.dirname(real)))
    try:
        with open(os.path.join(real, "planted.py"), "w") as f:
            f.write("x = 1")
        found["write"] = "written"
    except OSError as exc:
        found["write"] = type(exc).__name__
return found
"""


def test_a_declared_package_is_importable_and_read_only(candidate, contained):
    path = candidate(solve=PROBE, extra='requires = ("numpy",)')
    with contained(path) as sandbox:
        found = sandbox.call("solve", {"a": 2, "b": 3})
        isolation = sandbox.isolation
    assert found["numpy"] == "imported" and found["sum"] == 5
    assert found["yaml"] == found["pydantic"] == found["mdurl"] == "ModuleNotFoundError"
    assert any(name.startswith("numpy==") for name in isolation["packages"])
    if os.geteuid() == 0:  # a mount namespace: site-packages shows numpy's entries alone
        assert all(entry.startswith("numpy") for entry in found["site"]), found["site"]
        assert found["write"] in ("OSError", "PermissionError")
        import numpy

        assert not os.path.exists(os.path.join(os.path.dirname(numpy.__file__), "planted.py"))


def test_a_package_not_declared_cannot_be_imported(candidate, contained):
    path = candidate(solve=PROBE)
    with contained(path) as sandbox:
        found = sandbox.call("solve", {"a": 2, "b": 3})
    assert found == {
        "numpy": "ModuleNotFoundError",
        "yaml": "ModuleNotFoundError",
        "pydantic": "ModuleNotFoundError",
        "mdurl": "ModuleNotFoundError",
    }


def test_the_caller_may_add_requirements_and_dependencies_come_along(candidate, contained):
    path = candidate(solve=PROBE)
    with contained(path, requires=["markdown-it-py"]) as sandbox:  # needs mdurl
        found = sandbox.call("solve", {"a": 2, "b": 3})
    assert found["mdurl"] == "imported"
    assert found["numpy"] == found["yaml"] == "ModuleNotFoundError"


def test_a_requirement_not_installed_is_a_load_error_naming_it(candidate):
    path = candidate(extra='requires = ["no-such-package-campforge"]')
    sandbox = Sandbox(path)
    try:
        with pytest.raises(CandidateLoadError) as raised:
            sandbox.describe()
    finally:
        sandbox.close()
    assert "'no-such-package-campforge' is not installed" in str(raised.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('    requires = ("numpy", "sympy")', ("numpy", "sympy")),
        ('    requires: ClassVar[list[str]] = ["numpy"]', ("numpy",)),
        ("    name = 'x'", ()),
    ],
)
def test_declared_requirements_are_read_without_running_the_module(body, expected):
    source = f"import os\nos.system('false')\n\nclass B(Bootcamp):\n{body}\n"
    assert packages.declared(source) == expected


@pytest.mark.parametrize("value", ["NAMES", '"numpy"', '["numpy>=1"]', "[1]"])
def test_a_requires_that_is_not_a_list_of_names_is_refused(value):
    with pytest.raises(packages.RequirementError):
        packages.declared(f"class B(Bootcamp):\n    requires = {value}\n")


def test_the_closure_follows_dependencies_but_not_extras():
    names = {packages.normalize(d.metadata["Name"]) for d in packages.closure(("rich",))}
    assert names == {"rich", "markdown-it-py", "mdurl", "pygments"}  # not ipywidgets (jupyter)
