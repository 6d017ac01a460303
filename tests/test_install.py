"""campforge installs anywhere. The wheel `pip wheel` builds, installed into a fresh virtual
environment, runs the main job (`campforge draft examples/`) from a clone of the project with its
own git catalog, and an approval there lands in that clone, never in site-packages. The base
install (no dependencies at all) scores responses with `generated_bootcamps.reward`, importing
nothing from `agent` or `review`, and its `campforge` command says what to install.

No network: the wheel is installed with --no-deps; the pipeline's environment sees the project
environment's packages through a .pth file, the base one sees none.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import git
import pytest

from agent.pipeline import collect_specs
from review.store import QueueStore

ROOT = Path(__file__).resolve().parents[1]
NOT_SOURCE = shutil.ignore_patterns(
    ".venv", ".git", ".campforge", "__pycache__", "build", "*.egg-info", ".*_cache", ".hypothesis"
)
OFFLINE_EXAMPLES = sorted(
    spec.name for spec in collect_specs([ROOT / "examples"])[0] if spec.offline
)


def run(command: list[str | Path], **kwargs) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("check", True)
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=300, **kwargs
    )


def user_env() -> dict[str, str]:
    """The environment of a user with no campforge settings and no virtual environment active."""
    prefixes = ("OPENAI_", "CAMPFORGE_", "PYTHON", "VIRTUAL_ENV")
    return {key: value for key, value in os.environ.items() if not key.startswith(prefixes)}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """campforge's wheel, built from a copy of the checkout (a build leaves build/ behind)."""
    root = tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT, root / "source", ignore=NOT_SOURCE)
    command = [sys.executable, "-m", "pip", "wheel", root / "source", "--no-deps", "-q"]
    run([*command, "--no-build-isolation", "--no-index", "-w", root / "dist"])
    [built] = (root / "dist").glob("campforge-*.whl")
    return built


def fresh_venv(directory: Path, wheel: Path, *, pipeline: bool) -> Path:
    """A new virtual environment holding the wheel alone; with `pipeline`, the project
    environment's packages are importable too (after the environment's own)."""
    run([sys.executable, "-m", "venv", "--without-pip", directory])
    python = directory / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index"]
    run([*pip, "-q", wheel])
    if pipeline:
        purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
        site = Path(purelib.stdout.strip())
        (site / "project-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return directory / "bin"


@pytest.fixture(scope="module")
def base_install(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip install campforge`: the wheel with no dependencies at all."""
    return fresh_venv(tmp_path_factory.mktemp("base") / "venv", wheel, pipeline=False)


def make_clone(directory: Path) -> git.Repo:
    """A clone of the project: its files (examples, catalog) committed to a new repository."""
    shutil.copytree(ROOT, directory, ignore=NOT_SOURCE)
    repo = git.Repo.init(directory)
    with repo.config_writer() as config:
        config.set_value("user", "name", "test")
        config.set_value("user", "email", "test@localhost")
    repo.git.add(A=True)
    repo.index.commit("A clone of campforge")
    return repo


def installed_catalog(bin_dir: Path) -> Path:
    python = bin_dir / "python"
    code = "import generated_bootcamps.catalog as c; print(c.PACKAGE_DIR)"
    return Path(run([python, "-I", "-c", code], cwd=bin_dir, env=user_env()).stdout.strip())


def test_a_wheel_install_drafts_the_examples_from_a_clone_and_merges_into_that_clone(
    wheel: Path, tmp_path: Path
) -> None:
    assert OFFLINE_EXAMPLES, "the examples should hold specs that run offline"
    bin_dir = fresh_venv(tmp_path / "venv", wheel, pipeline=True)
    site_catalog = installed_catalog(bin_dir)
    assert site_catalog.is_relative_to(tmp_path / "venv")
    shipped_index = (site_catalog / "catalog.json").read_text(encoding="utf-8")
    repo = make_clone(tmp_path / "clone")
    clone = tmp_path / "clone"
    campforge, env = bin_dir / "campforge", user_env()

    drafted = run([campforge, "draft", "examples/"], cwd=clone, env=env, check=False)
    assert drafted.returncode == 0, drafted.stdout + drafted.stderr
    store = QueueStore(clone / ".campforge" / "campforge.db")
    queued = store.list(status="pending")
    assert sorted(candidate.name for candidate in queued) == OFFLINE_EXAMPLES

    first = queued[0]
    approve = [campforge, "review", "approve", str(first.id), "--reviewer", "ada"]
    home = ["--home", clone / ".campforge"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    refused = run([*approve, *home], cwd=elsewhere, env=env, check=False)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr
    assert "CAMPFORGE_CATALOG" in refused.stderr
    assert store.get(first.id).status == "pending"

    approved = run([*approve, *home], cwd=clone / "examples", env=env, check=False)
    assert approved.returncode == 0, approved.stdout + approved.stderr
    assert repo.head.commit.summary == f"Add bootcamp {first.name}"
    assert (clone / "generated_bootcamps" / first.name / "bootcamp.py").is_file()
    assert (site_catalog / "catalog.json").read_text(encoding="utf-8") == shipped_index
    assert not (site_catalog / first.name).exists()

    listing = [campforge, "catalog", "list", "--json"]
    in_clone = json.loads(run(listing, cwd=clone, env=env).stdout)
    assert first.name in {entry["name"] for entry in in_clone}
    shipped = json.loads(run(listing, cwd=elsewhere, env=env).stdout)
    assert first.name not in {entry["name"] for entry in shipped} and shipped


SCORE = """
import json, sys
from generated_bootcamps import load, reward

bootcamp = load("knapsack", seed=1)
case = bootcamp.generate()
right = type(bootcamp).format_answer(type(bootcamp).solve(case))
scores = [
    reward.compute_score("knapsack", right, json.dumps(case)),
    reward.compute_score("knapsack", "no idea", case),
    *reward.score_batch(["knapsack"], [right], [case]),
]
print(json.dumps({"scores": scores, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def test_the_base_install_scores_with_the_standard_library_alone(
    base_install: Path, tmp_path: Path
) -> None:
    result = run([base_install / "python", "-c", SCORE], cwd=tmp_path, env=user_env(), check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["scores"] == [1.0, 0.0, 1.0]
    outside_stdlib = [
        name
        for name in report["modules"]
        if name not in sys.stdlib_module_names and name not in ("__main__", "__mp_main__")
    ]
    assert outside_stdlib == ["generated_bootcamps"]


def test_the_base_install_command_says_to_install_the_pipeline_extra(
    base_install: Path, tmp_path: Path
) -> None:
    result = run([base_install / "campforge", "--help"], cwd=tmp_path, env=user_env(), check=False)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "pip install 'campforge[pipeline]'" in result.stderr
