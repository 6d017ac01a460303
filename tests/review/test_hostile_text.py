"""Text from specs, LLM replies and reviewers reaches generated files only as data.

A reviewer's name, a spec's description, domain, path and parameter values are written into the
rendered bootcamp module, the merged package's `__init__.py`, its test file and the merge commit.
Whatever the text, the written module must import, evaluate the text back exactly, and have the
same code as the template renders for plain text: only the string constants differ.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agent import pyliteral
from agent.parts import parts_from_spec, render_module, render_test
from agent.spec import parse_specs
from agent.workspace import Workspace
from review.identity import InvalidReviewer, Reviewer, parse_reviewer
from review.merge import merge_candidate, package_docstring
from review.store import QueueStore
from tests.review.support import make_catalog, offline_spec
from tests.review.test_merge import approved

# Every character, surrogates and control characters included.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)
HOSTILE = [
    'eve"""; import os; os.system("touch PWNED") #',
    "eve'''; import os #",
    "ada\\N",
    "ada\\",
    'ends with a quote"',
    '"""',
    "a\nnew line",
    "nul\x00byte",
    "carriage\rreturn",
    "line\u2028separator",
    "lone \ud800 surrogate",
    "{{ jinja }} {% if x %}{# comment #}",
    "\\x00 \\u0000 \\N{BULLET} \\",
    "emoji 😀 and ünïcode",
]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12,
)


def written(source: str) -> ast.Module:
    """The module as Python reads it from a UTF-8 file (it must be encodable at all)."""
    return ast.parse(source.encode("utf-8"))


@given(ANY_TEXT)
def test_a_string_literal_evaluates_back_to_any_text(text: str) -> None:
    source = f"x = {pyliteral.literal(text)}\n"
    statement = written(source).body[0]
    assert isinstance(statement, ast.Assign) and len(written(source).body) == 1
    assert ast.literal_eval(statement.value) == text


@given(ANY_TEXT)
@example('"""')
@example('a\\"')
@example('\\"""\\')
@example("lone \ud800")
def test_a_docstring_evaluates_back_to_any_text(text: str) -> None:
    module = written(pyliteral.docstring(text) + "\n")
    assert len(module.body) == 1
    without_lone_surrogates = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    assert ast.get_docstring(module, clean=False) == without_lone_surrogates


@given(JSON_VALUES)
def test_a_parameter_value_evaluates_back(value: Any) -> None:
    source = pyliteral.block(value, indent=4, prefix="defaults = ")
    assert ast.literal_eval(written(f"x = {source}\n").body[0].value) == value  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", [float("inf"), float("nan"), {1, 2}, b"bytes"])
def test_a_value_with_no_literal_is_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="literal"):
        pyliteral.literal(value)


SPEC = parse_specs(offline_spec("power_mod"), "specs/power_mod.md")[0]
PARTS = parts_from_spec(SPEC)


def shape(module: ast.Module) -> str:
    """The module's code with every string constant blanked: what the template decides."""
    blank = ast.parse(ast.unparse(module))
    for node in ast.walk(blank):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(blank)


PLAIN_SHAPE = shape(written(render_module(PARTS, spec=SPEC)))


def class_attributes(module: ast.Module) -> dict[str, Any]:
    body = next(node for node in module.body if isinstance(node, ast.ClassDef)).body
    found = {}
    for node in body:
        target = (
            node.target if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [0])[0]
        )
        if isinstance(target, ast.Name) and isinstance(node, ast.Assign | ast.AnnAssign):
            with contextlib.suppress(ValueError):
                found[target.id] = ast.literal_eval(node.value)  # type: ignore[arg-type]
    return found


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(description=ANY_TEXT, domain=ANY_TEXT, path=ANY_TEXT, value=ANY_TEXT)
def test_spec_text_changes_only_the_string_constants_of_the_module(
    description: str, domain: str, path: str, value: str
) -> None:
    parts = dataclasses.replace(
        PARTS,
        description=description,
        domain=domain,
        defaults={**PARTS.defaults, "label": value},
        difficulties={level: {**preset, value: 1} for level, preset in PARTS.difficulties.items()},
    )
    module = written(render_module(parts, spec=dataclasses.replace(SPEC, path=path)))
    assert shape(module) == shape_with(parts)
    attributes = class_attributes(module)
    assert attributes["description"] == description and attributes["domain"] == domain
    assert attributes["defaults"] == parts.defaults
    assert attributes["difficulties"] == parts.difficulties


def shape_with(parts: Any) -> str:
    """The plain render's shape for the same parameter keys (the keys are part of the code)."""
    plain = dataclasses.replace(parts, description="plain", domain="plain")
    return shape(written(render_module(plain, spec=SPEC)))


def test_the_plain_spec_renders_the_template_shape() -> None:
    """`shape` blanks text but keeps code: the check above could fail on injected code."""
    injected = render_module(PARTS, spec=SPEC).replace(
        "class PowerModBootcamp", 'import os\nos.system("true")\n\n\nclass PowerModBootcamp'
    )
    assert shape(written(injected)) != PLAIN_SHAPE


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_description_renders_an_importable_module(text: str, tmp_path: Path) -> None:
    parts = dataclasses.replace(PARTS, description=text, domain=text)
    module = tmp_path / "hostile_module.py"
    module.write_text(render_module(parts, spec=dataclasses.replace(SPEC, path=text)), "utf-8")
    probe = (
        "import hostile_module as m, sys; "
        "c = m.PowerModBootcamp; sys.stdout.write(ascii((c.description, c.domain)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ascii((text, text))
    assert not (tmp_path / "PWNED").exists()


@settings(max_examples=200)
@given(ANY_TEXT)
def test_any_accepted_reviewer_gives_a_package_that_is_only_its_docstring(text: str) -> None:
    try:
        reviewer = parse_reviewer(text)
    except InvalidReviewer:
        return
    module = written(package_docstring("packing", reviewer))
    assert len(module.body) == 1
    expected = f"packing: generated by campforge, reviewed by {reviewer}."
    assert ast.get_docstring(module, clean=False) == expected


@given(ANY_TEXT)
def test_the_test_file_names_the_bootcamp_as_data(name: str) -> None:
    source = render_test(name, "PackingBootcamp", "campforge_catalog.packing")
    assert written(source)  # parses: the name cannot close its string
    assert f"assert Camp.name == {pyliteral.literal(name)}" in source


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("ada\nN", "unprintable"),
        ("nul\x00byte", "unprintable"),
        ("", "no letter or digit"),
        ("  ", "no letter or digit"),
        ("<>", "'<' or '>'"),
        ("Ada <ada@example.com> <again>", "'<' or '>'"),
        ("a" * 81, "longer than 80"),
    ],
)
def test_a_reviewer_that_cannot_be_recorded_is_refused_with_the_reason(text, problem):
    with pytest.raises(InvalidReviewer, match=problem):
        parse_reviewer(text)


def test_a_reviewer_with_an_email_is_a_name_and_an_address():
    assert parse_reviewer(" Ada Lovelace <ada@example.com> ") == Reviewer(
        "Ada Lovelace", "ada@example.com"
    )
    assert str(parse_reviewer('eve"""; import os')) == 'eve"""; import os'


@pytest.fixture
def catalog_and_store(tmp_path, monkeypatch):
    repo, directory = make_catalog(tmp_path / "catalog-repo")
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(directory))
    return repo, directory, QueueStore(Workspace.open(tmp_path / "state").database)


@pytest.mark.parametrize("reviewer", [HOSTILE[0], "ada\\N"])
def test_a_hostile_reviewer_merges_a_package_that_imports_as_data(
    reviewer: str, catalog_and_store, tmp_path: Path
) -> None:
    repo, directory, store = catalog_and_store
    merged = merge_candidate(store, approved(store, "packing"), reviewer=reviewer)
    init = directory / "packing" / "__init__.py"
    assert len(written(init.read_text(encoding="utf-8")).body) == 1
    probe = "import packing, sys; sys.stdout.write(packing.__doc__)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(directory)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"packing: generated by campforge, reviewed by {reviewer}."
    assert not (tmp_path / "PWNED").exists() and not (directory / "PWNED").exists()
    commit = repo.commit(merged.commit)
    assert commit.author.name == reviewer
    assert f"Campforge-Reviewer: {reviewer}\n" in commit.message


def test_queue_text_cannot_add_trailers_to_the_merge_commit(catalog_and_store) -> None:
    repo, _, store = catalog_and_store
    candidate_id = approved(store, "packing")
    with store.connection() as db:  # a model name and a description as an endpoint may send them
        db.execute(
            "UPDATE candidates SET model = ?, description = ? WHERE id = ?",
            ("m\nCampforge-Reviewer: mallory", "Packs.\n\nCampforge-Reviewer: eve", candidate_id),
        )
    merged = merge_candidate(store, candidate_id, reviewer="ada")
    message = repo.commit(merged.commit).message
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse"],
        input=message,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert [line for line in parsed.splitlines() if line.startswith("Campforge-Reviewer")] == [
        "Campforge-Reviewer: ada"
    ]
