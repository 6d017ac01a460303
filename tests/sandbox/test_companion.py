"""A module's companion directory (`<stem>.d/`): copied read-only into the sandbox beside it."""

from __future__ import annotations

import os

PRELUDE = """
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "{stem}.d"))
import helper  # noqa: E402
"""

SOLVE = """
nested = open(os.path.join(helper.HERE, "data", "x.txt")).read()
results = {"helper": helper.VALUE, "nested": nested}
try:
    with open(os.path.join(helper.HERE, "helper.py"), "a") as f:
        f.write("# changed")
    results["write"] = "written"
except OSError as exc:
    results["write"] = type(exc).__name__
try:
    results["link"] = open(os.path.join(helper.HERE, "secret.txt")).read()
except OSError as exc:
    results["link"] = type(exc).__name__
return results
"""


def test_the_companion_directory_is_importable_nested_and_read_only(candidate, contained, tmp_path):
    path = candidate(prelude=PRELUDE.replace("{stem}", "candidate_0"), solve=SOLVE)
    assert path.stem == "candidate_0"
    companion = tmp_path / "candidate_0.d"
    (companion / "data").mkdir(parents=True)
    (companion / "helper.py").write_text(
        "import os\nVALUE = 42\nHERE = os.path.dirname(os.path.abspath(__file__))\n"
    )
    (companion / "data" / "x.txt").write_text("nested file")
    secret = tmp_path / "secret-outside.txt"
    secret.write_text("host secret")
    os.symlink(secret, companion / "secret.txt")  # must not be followed out of the directory
    with contained(path) as sandbox:
        results = sandbox.call("solve", {"a": 1, "b": 2})
    assert results["helper"] == 42 and results["nested"] == "nested file"
    assert results["link"] == "FileNotFoundError"
    if os.geteuid() == 0:  # a read-only bind mount needs root; otherwise file modes only
        assert results["write"] in ("OSError", "PermissionError")
    assert (companion / "helper.py").read_text().endswith("__file__))\n")  # host copy untouched


def test_a_module_without_a_companion_directory_sees_only_itself(candidate, contained):
    solve = "return sorted(os.listdir(os.path.dirname(os.path.abspath(__file__))))"
    path = candidate(solve=solve)
    with contained(path) as sandbox:
        assert sandbox.call("solve", {"a": 1, "b": 2}) == [path.name]
