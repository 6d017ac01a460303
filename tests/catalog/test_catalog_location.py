"""Which catalog is in use: CAMPFORGE_CATALOG, else the campforge repository you stand in (found
from the current directory up, as git finds its repository), else, for reading only, the catalog
shipped in the package. Merges land in the repository you stand in, never in the install.

"The install" here is what an editable install from another clone sees: `catalog.PACKAGE_DIR`
pointed at that clone's `generated_bootcamps/` (a git repository of its own, in a temporary
directory), so a merge that wrongly goes there damages nothing.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import git
import pytest

import generated_bootcamps
from agent.pipeline import PipelineOptions, collect_specs, run_batch
from agent.workspace import Workspace
from generated_bootcamps import catalog
from review.decisions import decide, merge_again
from review.merge import merge_candidate
from review.store import QueueStore
from tests.review.support import offline_spec
from tests.review.test_merge import KNAPSACK, approved

SHIPPED = catalog.PACKAGE_DIR


@dataclass
class Clones:
    install: Path  # generated_bootcamps/ of the clone the package is installed from
    install_repo: git.Repo
    here: Path  # the clone the user stands in (its root)
    here_repo: git.Repo
    elsewhere: Path  # a directory in no campforge repository

    @property
    def catalog(self) -> Path:
        return self.here / "generated_bootcamps"


def make_clone(root: Path, bootcamps: dict[str, str] | None = None) -> git.Repo:
    """A repository holding `generated_bootcamps/catalog.json` (and `bootcamps`: name -> code)."""
    repo = git.Repo.init(root)
    with repo.config_writer() as config:
        config.set_value("user", "name", "test")
        config.set_value("user", "email", "test@localhost")
    directory = root / "generated_bootcamps"
    directory.mkdir()
    index = {"version": 1, "bootcamps": {}}
    for name, code in (bootcamps or {}).items():
        (directory / name).mkdir()
        (directory / name / "bootcamp.py").write_text(code, encoding="utf-8")
        index["bootcamps"][name] = {
            "path": f"{name}/bootcamp.py",
            "class_name": "KnapsackBootcamp",
            "domain": "algorithms",
            "description": "0/1 knapsack under another name.",
            "answer_kind": "integer",
            "provenance": {"source": "hand-written"},
        }
    (directory / catalog.INDEX_FILE).write_text(json.dumps(index) + "\n", encoding="utf-8")
    (root / "examples" / "deeper").mkdir(parents=True)
    (root / "examples" / "deeper" / "README.md").write_text("specs\n", encoding="utf-8")
    repo.git.add(A=True)
    repo.index.commit("A campforge clone")
    return repo


def renamed_knapsack(name: str) -> str:
    return KNAPSACK.replace('name = "knapsack"', f'name = "{name}"')


@pytest.fixture
def clones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Clones:
    install_repo = make_clone(tmp_path / "install")
    shutil.copyfile(
        SHIPPED / catalog.INDEX_FILE, tmp_path / "install" / "generated_bootcamps" / "catalog.json"
    )
    install_repo.git.add(A=True)
    install_repo.index.commit("The shipped index")
    here_repo = make_clone(tmp_path / "clone", {"packed": renamed_knapsack("packed")})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.delenv("CAMPFORGE_CATALOG", raising=False)
    monkeypatch.setattr(catalog, "PACKAGE_DIR", tmp_path / "install" / "generated_bootcamps")
    return Clones(catalog.PACKAGE_DIR, install_repo, tmp_path / "clone", here_repo, elsewhere)


def test_the_catalog_is_the_repository_you_stand_in_found_from_a_subdirectory(
    clones: Clones, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(clones.here / "examples" / "deeper")
    assert catalog.catalog_dir() == clones.catalog
    assert catalog.writable_catalog_dir() == clones.catalog
    assert generated_bootcamps.names() == ["packed"]
    bootcamp = generated_bootcamps.load("packed", seed=3)
    case = bootcamp.generate()
    assert bootcamp.score(type(bootcamp).format_answer(type(bootcamp).solve(case)), case) == 1.0


def test_campforge_catalog_wins_over_the_repository_you_stand_in(
    clones: Clones, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_clone(tmp_path / "configured")
    monkeypatch.chdir(clones.here)
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(tmp_path / "configured" / "generated_bootcamps"))
    assert catalog.catalog_dir() == tmp_path / "configured" / "generated_bootcamps"
    assert catalog.writable_catalog_dir() == tmp_path / "configured" / "generated_bootcamps"
    assert generated_bootcamps.names() == []


def test_outside_any_repository_reading_uses_the_shipped_catalog_and_merging_is_refused(
    clones: Clones, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog, "PACKAGE_DIR", SHIPPED)
    monkeypatch.chdir(clones.elsewhere)
    assert catalog.catalog_dir() == SHIPPED
    assert "knapsack" in generated_bootcamps.names()
    assert generated_bootcamps.load("knapsack", seed=0).generate()
    with pytest.raises(generated_bootcamps.UnknownBootcampError):
        generated_bootcamps.load("packed")  # only in the clone
    with pytest.raises(catalog.NoCatalogError) as refused:
        catalog.writable_catalog_dir()
    message = str(refused.value)
    assert "\n" not in message and "CAMPFORGE_CATALOG" in message
    assert "generated_bootcamps/catalog.json" in message


def test_an_installed_copy_of_the_package_is_never_merged_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site-packages"
    make_clone(site)  # even inside a git repository
    (site / "campforge-0.1.0.dist-info").mkdir()
    monkeypatch.delenv("CAMPFORGE_CATALOG", raising=False)
    monkeypatch.chdir(site / "generated_bootcamps")
    with pytest.raises(catalog.NoCatalogError, match="installed campforge package"):
        catalog.writable_catalog_dir()
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(site / "generated_bootcamps"))
    with pytest.raises(catalog.NoCatalogError, match="installed campforge package"):
        catalog.writable_catalog_dir()


def test_a_merge_lands_in_the_clone_you_stand_in_not_in_the_install(
    clones: Clones, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_head = clones.install_repo.head.commit.hexsha
    install_index = (clones.install / catalog.INDEX_FILE).read_text(encoding="utf-8")
    store = QueueStore(Workspace.open(tmp_path / "state").database)
    monkeypatch.chdir(clones.here / "examples")
    merged = merge_candidate(store, approved(store, "packing"), reviewer="ada")
    assert clones.here_repo.head.commit.hexsha == merged.commit
    assert clones.here_repo.head.commit.summary == "Add bootcamp packing"
    assert set(catalog.read_index(clones.catalog)) == {"packed", "packing"}
    test_file = (clones.catalog / "packing" / "test_packing.py").read_text(encoding="utf-8")
    assert "from generated_bootcamps.packing.bootcamp import" in test_file
    assert clones.install_repo.head.commit.hexsha == install_head
    assert (clones.install / catalog.INDEX_FILE).read_text(encoding="utf-8") == install_index
    assert not (clones.install / "packing").exists()


def test_with_no_catalog_here_approve_and_merge_are_refused_before_anything_is_recorded(
    clones: Clones, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    spec_file = tmp_path / "specs.md"
    spec_file.write_text(offline_spec("nowhere"), encoding="utf-8")
    workspace = Workspace.open(tmp_path / "state")
    store = QueueStore(workspace.database)
    monkeypatch.chdir(clones.elsewhere)
    specs, invalid = collect_specs([spec_file])
    assert not invalid
    _, [outcome] = run_batch(specs, PipelineOptions(use_llm=False), workspace)
    assert outcome.outcome == "queued", outcome.reason
    install_head = clones.install_repo.head.commit.hexsha

    with pytest.raises(ValueError) as refused:
        decide(workspace, outcome.candidate_id, "approve", reviewer="ada")
    assert "\n" not in str(refused.value) and "CAMPFORGE_CATALOG" in str(refused.value)
    assert store.get(outcome.candidate_id).status == "pending"
    assert store.events(outcome.candidate_id) == []

    unmerged = approved(store, "unmerged")  # recorded earlier, e.g. by a process in the clone
    events = store.events(unmerged)
    with pytest.raises(ValueError, match="CAMPFORGE_CATALOG"):
        merge_again(workspace, unmerged)
    assert store.get(unmerged).status == "approved" and store.events(unmerged) == events
    assert clones.install_repo.head.commit.hexsha == install_head


def test_catalog_list_on_a_damaged_index_is_one_line(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from agent.cli import app

    directory = tmp_path / "catalog"
    directory.mkdir()
    (directory / "catalog.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(directory))
    result = CliRunner().invoke(app, ["catalog", "list"])
    assert result.exit_code == 2 and "catalog.json" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 2
