"""Merging approved candidates into a catalog git repository: provenance, refusals that change
nothing, idempotence, and two approvals at once from two processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import git
import pytest

from agent.workspace import Workspace
from generated_bootcamps import catalog
from review.merge import MergeError, merge_candidate
from review.store import QueueStore
from tests.review.support import make_catalog

ROOT = Path(__file__).resolve().parents[2]
KNAPSACK = (ROOT / "generated_bootcamps" / "knapsack" / "bootcamp.py").read_text(encoding="utf-8")


def approved(store: QueueStore, name: str, code: str | None = None, thread: str = "") -> int:
    """A candidate queued and approved: the knapsack bootcamp under another name."""
    source = code or KNAPSACK.replace('name = "knapsack"', f'name = "{name}"')
    candidate_id = store.add(
        run_id="run-test",
        thread_id=thread or f"run-test/{name}",
        attempt=0,
        name=name,
        domain="algorithms",
        description="0/1 knapsack under another name.",
        spec_path=f"{name}.md",
        spec_text=f"---\nname: {name}\ndomain: algorithms\n---\n# Knapsack\n\nPack items.\n",
        spec_hash="f" * 64,
        code=source,
        report={"verdict": "pass"},
        rounds=1,
        model="scripted",
        prompt_version="1.0",
    )
    store.decide(candidate_id, "approve", reviewer="ada")
    return candidate_id


@pytest.fixture
def setup(tmp_path, monkeypatch):
    repo, directory = make_catalog(tmp_path / "catalog-repo")
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(directory))
    store = QueueStore(Workspace.open(tmp_path / "state").database)
    return repo, directory, store


def test_a_merge_lands_files_index_and_one_commit_with_provenance(setup):
    repo, directory, store = setup
    merged = merge_candidate(store, approved(store, "packing"), reviewer="ada")
    commit = repo.head.commit
    assert merged.commit == commit.hexsha and commit.message.startswith("Add bootcamp packing")
    for trailer in (
        "Campforge-Spec-Hash: " + "f" * 64,
        "Campforge-Model: scripted",
        "Campforge-Prompt-Version: 1.0",
        "Campforge-Rounds: 1",
        "Campforge-Reviewer: ada",
        "Campforge-Selftest: pass:",
    ):
        assert trailer in commit.message
    entry = catalog.read_index(directory)["packing"]
    assert entry.provenance.source == "generated" and entry.provenance.reviewer == "ada"
    assert entry.answer_kind == "integer" and entry.class_name == "KnapsackBootcamp"
    files = {path.name for path in (directory / "packing").iterdir()}
    assert {"bootcamp.py", "spec.md", "selftest.json", "test_packing.py"} <= files
    assert not repo.is_dirty(untracked_files=True)
    bootcamp = catalog.get("packing")(seed=1, difficulty="easy")  # loads from the new catalog
    case = bootcamp.generate()
    assert bootcamp.score(bootcamp.format_answer(bootcamp.solve(case)), case) == 1.0


def test_the_same_candidate_merged_twice_lands_once(setup):
    repo, _, store = setup
    candidate_id = approved(store, "packing")
    first = merge_candidate(store, candidate_id, reviewer="ada")
    again = merge_candidate(store, candidate_id, reviewer="ada")
    assert again.already and again.commit == first.commit
    assert len(list(repo.iter_commits())) == 2  # the empty catalog and one merge
    assert store.get(candidate_id).status == "merged"


def snapshot(repo: git.Repo, directory: Path) -> tuple[str, str, list[str]]:
    index = (directory / catalog.INDEX_FILE).read_text(encoding="utf-8")
    return repo.head.commit.hexsha, index, sorted(p.name for p in directory.iterdir())


def test_uncommitted_changes_in_the_catalog_refuse_the_merge(setup):
    repo, directory, store = setup
    index = directory / catalog.INDEX_FILE
    index.write_text(index.read_text(encoding="utf-8") + " ", encoding="utf-8")
    before = snapshot(repo, directory)
    with pytest.raises(MergeError, match="uncommitted changes"):
        merge_candidate(store, approved(store, "packing"), reviewer="ada")
    assert snapshot(repo, directory) == before


def test_a_name_already_in_the_catalog_is_refused(setup):
    repo, directory, store = setup
    merge_candidate(store, approved(store, "packing"), reviewer="ada")
    before = snapshot(repo, directory)
    second = approved(store, "packing", thread="run-other/packing")
    with pytest.raises(MergeError, match="already in the catalog"):
        merge_candidate(store, second, reviewer="bob")
    assert snapshot(repo, directory) == before and store.get(second).status == "approved"


def test_a_catalog_outside_git_is_refused(tmp_path, monkeypatch):
    directory = tmp_path / "loose-catalog"
    directory.mkdir()
    (directory / catalog.INDEX_FILE).write_text(json.dumps({"version": 1, "bootcamps": {}}))
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(directory))
    store = QueueStore(Workspace.open(tmp_path / "state").database)
    with pytest.raises(MergeError, match="not in a git repository"):
        merge_candidate(store, approved(store, "packing"), reviewer="ada")
    assert sorted(p.name for p in directory.iterdir()) == [catalog.INDEX_FILE]


def test_a_candidate_that_no_longer_passes_is_not_merged(setup):
    repo, directory, store = setup
    broken = KNAPSACK.replace('name = "knapsack"', 'name = "packing"').replace(
        "def solve(", "def solve_unused("
    )
    before = snapshot(repo, directory)
    with pytest.raises(MergeError, match="no longer passes"):
        merge_candidate(store, approved(store, "packing", code=broken), reviewer="ada")
    assert snapshot(repo, directory) == before


MERGE_IN_A_PROCESS = """
import sys
from pathlib import Path
from review.merge import merge_candidate
from review.store import QueueStore
merged = merge_candidate(QueueStore(Path(sys.argv[1])), int(sys.argv[2]), reviewer=sys.argv[3])
print(merged.commit)
"""


def test_two_approvals_at_once_from_two_processes_both_land(setup, tmp_path):
    repo, directory, store = setup
    first, second = approved(store, "packing"), approved(store, "stuffing")
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", MERGE_IN_A_PROCESS, str(store.path), str(cid), who],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for cid, who in ((first, "ada"), (second, "bob"))
    ]
    results = [process.communicate(timeout=180) for process in processes]
    assert all(process.returncode == 0 for process in processes), results
    assert set(catalog.read_index(directory)) == {"packing", "stuffing"}
    messages = [commit.message.splitlines()[0] for commit in repo.iter_commits()]
    assert sorted(messages[:2]) == ["Add bootcamp packing", "Add bootcamp stuffing"]
    assert not repo.is_dirty(untracked_files=True)
    assert {store.get(first).status, store.get(second).status} == {"merged"}
