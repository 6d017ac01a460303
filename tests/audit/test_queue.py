"""`campforge audit SOURCE --queue`: passing library bootcamps into the review queue with their
provenance, and approving one merges a self-contained package into the catalog.

Real parts throughout: the CLI in subprocesses, the sandboxed audit, a SQLite queue, git
repositories in tmp dirs (the library and the catalog), and a fresh Python process that scores
through `generated_bootcamps` after the library is gone.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest
from fastapi.testclient import TestClient

from agent.audit import core, importing
from agent.audit import internbootcamp as ib
from agent.workspace import Workspace
from review.identity import parse_reviewer
from review.merge import package_docstring
from review.store import QueueStore
from review.web import CSRF_FIELD, create_app
from tests.review.support import make_catalog
from tests.review.test_web import csrf_of

LIBRARY = Path(__file__).resolve().parent / "internbootcamp"
MODULE = "aalmostarithmeticalprogression"  # passes, its answer stored under "ans"
NAME = f"ib_{MODULE}"
CLASS = "Aalmostarithmeticalprogressionbootcamp"
RELATIVE = f"bootcamp/{MODULE}/{MODULE}.py"


def copy_library(destination: Path, modules: tuple[str, ...] = (MODULE,)) -> Path:
    """A library holding `modules` (with InternBootcamp's base class and LICENSE)."""
    (destination / "bootcamp").mkdir(parents=True)
    for name in ("base.py", "__init__.py"):
        shutil.copy(LIBRARY / "bootcamp" / name, destination / "bootcamp" / name)
    shutil.copy(LIBRARY / "LICENSE", destination / "LICENSE")
    for module in modules:
        shutil.copytree(LIBRARY / "bootcamp" / module, destination / "bootcamp" / module)
    return destination


def commit_all(directory: Path) -> str:
    repo = git.Repo.init(directory)
    with repo.config_writer() as config:
        config.set_value("user", "name", "library")
        config.set_value("user", "email", "library@localhost")
    repo.git.add(A=True)
    return repo.index.commit("the library").hexsha


def campforge(*args: str, home: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args, "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


SCORE_GROUND_TRUTH = """
import json, sys
from generated_bootcamps import catalog, reward
name = sys.argv[1]
scores = []
for seed in range(6):
    bootcamp = catalog.load(name, seed=seed)
    case = bootcamp.generate()
    right = bootcamp.format_answer(bootcamp.solve(case))
    scores.append([reward.compute_score(name, right, json.dumps(case)),
                   reward.compute_score(name, "[answer]-7[/answer]", case)])
print(json.dumps({"scores": scores, "files": [m.__file__ for m in sys.modules.values()
                                              if getattr(m, "__file__", None)]}))
"""


def test_queue_then_approve_lands_a_self_contained_package(tmp_path: Path) -> None:
    library = copy_library(tmp_path / "library")
    commit = commit_all(library)
    catalog_repo, catalog_dir = make_catalog(tmp_path / "catalog-repo")
    home = tmp_path / "home"
    env = {**os.environ, "CAMPFORGE_CATALOG": str(catalog_dir)}
    env.pop("OPENAI_BASE_URL", None)

    queued = campforge("audit", str(library), "--queue", "-q", home=home, env=env)
    assert queued.returncode == 0, queued.stderr
    assert f"{MODULE}: queued #1 (as {NAME})" in queued.stderr
    again = campforge("audit", str(library), "--queue", "-q", home=home, env=env)
    assert again.returncode == 0, again.stderr
    assert f"{MODULE}: already queued #1" in again.stderr
    store = QueueStore(Workspace.open(home).database)
    [candidate] = store.list()
    assert candidate.name == NAME and candidate.imported
    provenance = candidate.provenance or {}
    assert provenance["library"] == "internbootcamp"
    assert provenance["version"] == f"git {commit}"
    assert (provenance["module"], provenance["class"]) == (RELATIVE, CLASS)
    assert f"{NAME}_ib_target.py" in (candidate.companion or {})

    shown = campforge("review", "show", "1", "--samples", "1", home=home, env=env)
    assert shown.returncode == 0, shown.stderr
    for text in ("library: internbootcamp", f"version: git {commit}", CLASS, "score 1.0"):
        assert text in " ".join(shown.stdout.split()), text

    approved = campforge("review", "approve", "1", "--reviewer", "Ada", home=home, env=env)
    assert approved.returncode == 0, approved.stdout + approved.stderr
    assert "merged" in approved.stdout
    message = catalog_repo.head.commit.message
    assert message.startswith(f"Add bootcamp {NAME}")
    for trailer in (
        "Campforge-Source: imported",
        "Campforge-Library: internbootcamp",
        f"Campforge-Library-Version: git {commit}",
        f"Campforge-Module: {RELATIVE}",
        f"Campforge-Class: {CLASS}",
        f"Campforge-Candidate: {candidate.run_id}#1",
    ):
        assert trailer in message.splitlines(), trailer
    package = catalog_dir / NAME
    assert (package / "bootcamp.d" / f"{NAME}_ib_target.py").is_file()
    assert not catalog_repo.is_dirty(untracked_files=True)  # every file committed
    index = json.loads((catalog_dir / "catalog.json").read_text())["bootcamps"][NAME]
    assert index["provenance"]["source"] == "imported"
    assert index["provenance"]["version"] == f"git {commit}"
    assert store.get(1).status == "merged"

    shutil.rmtree(library)  # the package must not need the library any more
    scored = subprocess.run(
        [sys.executable, "-c", SCORE_GROUND_TRUTH, NAME],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert scored.returncode == 0, scored.stderr
    result = json.loads(scored.stdout)
    assert result["scores"] == [[1.0, 0.0]] * 6
    loaded = [file for file in result["files"] if str(tmp_path) in file]
    assert loaded and all(file.startswith(str(package)) for file in loaded), loaded


def test_the_version_is_a_content_hash_outside_git_or_once_the_module_changed(
    tmp_path: Path,
) -> None:
    library = copy_library(tmp_path / "library")
    [target] = core.targets(str(library))[1]
    module = ib.IBModule(target.module, CLASS, target.root or library)
    outside = importing.library_version(module)
    assert outside.startswith("sha256:") and len(outside) == len("sha256:") + 64
    commit = commit_all(library)
    assert importing.library_version(module) == f"git {commit}"
    module.path.write_text(module.path.read_text() + "\n# changed\n", encoding="utf-8")
    changed = importing.library_version(module)
    assert changed.startswith("sha256:") and changed != outside


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[core.Target, dict]:
    """The real audit row of the passing module (sandboxed self-test)."""
    library = copy_library(tmp_path_factory.mktemp("lib") / "library")
    [target] = core.targets(str(library))[1]
    row = core.audit_target(target)
    assert row["verdict"] == "pass" and row["answer_key"] == "ans", row["evidence"]
    return target, row


def test_a_bootcamp_with_no_reference_answer_is_not_queued(
    tmp_path: Path, audited: tuple[core.Target, dict]
) -> None:
    target, row = audited
    store = QueueStore(Workspace.open(tmp_path / "home").database)
    failing = {**row, "verdict": "fail", "failing": ["leakage"]}
    assert importing.queue_passing(store, [target], [failing]) == []
    [outcome] = importing.queue_passing(store, [target], [{**row, "answer_key": None}])
    assert outcome.outcome == "not queued" and "needs solve()" in outcome.reason
    assert store.list() == []


def test_the_web_page_of_an_import_shows_its_provenance_and_samples(
    tmp_path: Path, audited: tuple[core.Target, dict]
) -> None:
    target, row = audited
    workspace = Workspace.open(tmp_path / "home")
    store = QueueStore(workspace.database)
    [outcome] = importing.queue_passing(store, [target], [row])
    client = TestClient(create_app(workspace))
    html = client.get(f"/candidates/{outcome.candidate_id}").text
    provenance = html[html.index('id="provenance"') : html.index("</tr>", html.index("provenance"))]
    assert 'data-provenance="library">library <code>internbootcamp</code>' in provenance
    assert f"<code>{RELATIVE}</code>" in provenance and f"<code>{CLASS}</code>" in provenance
    assert "sha256:" in provenance
    # sample cases run in the sandbox with the companion files beside the code
    table = html[html.index('id="sample-table"') : html.index("</table>", html.index("sample-t"))]
    assert table.count("<td>1.0</td>") == 15
    assert 'value="changes"' not in html  # an import has no spec to draft again
    assert 'value="approve"' in html and 'value="reject"' in html


def test_approving_an_import_in_the_web_ui_merges_it(
    tmp_path: Path, audited: tuple[core.Target, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    target, row = audited
    repo, catalog_dir = make_catalog(tmp_path / "catalog-repo")
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(catalog_dir))
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    workspace = Workspace.open(tmp_path / "home")
    [outcome] = importing.queue_passing(QueueStore(workspace.database), [target], [row])
    client = TestClient(create_app(workspace))
    response = client.post(
        f"/candidates/{outcome.candidate_id}/decide",
        data={CSRF_FIELD: csrf_of(client), "action": "approve", "reviewer": "Ada"},
    )
    assert response.status_code == 200
    assert f"merged as {NAME} in {repo.head.commit.hexsha[:12]}" in response.text
    assert "Campforge-Library: internbootcamp" in repo.head.commit.message
    assert (catalog_dir / NAME / "bootcamp.d" / f"{NAME}_support.py").is_file()


def test_changes_are_refused_for_an_import_and_reject_needs_no_graph(
    tmp_path: Path, audited: tuple[core.Target, dict]
) -> None:
    target, row = audited
    home = tmp_path / "home"
    store = QueueStore(Workspace.open(home).database)
    [outcome] = importing.queue_passing(store, [target], [row])
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_BASE_URL"}
    ident = str(outcome.candidate_id)
    changes = campforge("review", "changes", ident, "--notes", "more", home=home, env=env)
    assert changes.returncode == 2 and "imported from a library" in changes.stderr
    assert "Traceback" not in changes.stderr and store.get(int(ident)).status == "pending"
    rejected = campforge("review", "reject", ident, "--reason", "dup", home=home, env=env)
    assert rejected.returncode == 0, rejected.stderr
    assert store.get(int(ident)).status == "rejected"


def test_library_text_reaches_generated_source_only_as_data(
    tmp_path: Path, audited: tuple[core.Target, dict]
) -> None:
    _, row = audited
    evil = 'x"""\nimport os; os.system("echo owned")\n"""'
    library = copy_library(tmp_path / "library")
    shutil.move(library / "bootcamp" / MODULE, library / "bootcamp" / evil)
    module = ib.IBModule(library / "bootcamp" / evil / f"{MODULE}.py", CLASS, library)
    fields = importing.candidate_fields(module, row)
    tree = ast.parse(fields["code"])
    assert evil in (ast.get_docstring(tree) or "")
    calls = [
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    ]
    assert "system" not in calls
    init = package_docstring(NAME, parse_reviewer("Ada"), fields["provenance"])
    [statement] = ast.parse(init).body  # a docstring and nothing else
    assert isinstance(statement, ast.Expr) and evil in statement.value.value  # type: ignore[attr-defined]
