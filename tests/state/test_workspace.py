"""The state directory: created private (700) and marked; an existing directory that is not
campforge's, or is open to other users, is refused in one line and left exactly as it was."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app
from agent.workspace import MARKER, Workspace, WorkspaceError
from review.store import QueueStore
from tests.state.support import run_campforge


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def no_home_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAMPFORGE_HOME", raising=False)


def shared_directory(tmp_path: Path, mode: int = 0o1777) -> Path:
    """Like /tmp: world-writable, sticky, holding other people's files."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "someone-elses.txt").write_text("not campforge's\n")
    shared.chmod(mode)
    return shared


@pytest.mark.parametrize("how", ["--home", "CAMPFORGE_HOME"])
def test_an_existing_shared_directory_is_refused_and_keeps_its_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    shared = shared_directory(tmp_path)
    if how == "--home":
        args = ["review", "list", "--home", str(shared)]
    else:
        monkeypatch.setenv("CAMPFORGE_HOME", str(shared))
        args = ["review", "list"]

    result = CliRunner().invoke(app, args)

    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {shared} is not a campforge workspace")
    assert mode_of(shared) == 0o1777
    assert sorted(p.name for p in shared.iterdir()) == ["someone-elses.txt"]  # nothing added


def test_the_real_command_line_refuses_a_shared_home_in_one_line(tmp_path: Path) -> None:
    shared = shared_directory(tmp_path, 0o755)

    result = run_campforge("review", "list", "--home", str(shared))

    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and str(shared) in result.stderr
    assert mode_of(shared) == 0o755


def test_an_empty_directory_open_to_others_is_refused_not_chmodded(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    empty.chmod(0o755)

    with pytest.raises(WorkspaceError, match=r"open to other users \(mode 755\).*chmod 700"):
        Workspace.open(empty)
    assert mode_of(empty) == 0o755 and list(empty.iterdir()) == []


def test_an_empty_private_directory_is_adopted_and_marked(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o700)

    workspace = Workspace.open(empty)

    assert workspace.root == empty and (empty / MARKER).exists() and mode_of(empty) == 0o700


def test_the_default_workspace_is_created_private_and_marked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    previous = os.umask(0o022)  # the usual umask would give 755
    try:
        workspace = Workspace.open()
    finally:
        os.umask(previous)

    assert workspace.root == tmp_path / ".campforge"
    assert mode_of(workspace.root) == 0o700
    assert (workspace.root / MARKER).exists() and (workspace.root / "drafts").is_dir()


def test_a_new_nested_home_is_private_and_its_parents_keep_the_umask(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path / "a" / "b" / "home")

    assert mode_of(workspace.root) == 0o700
    assert mode_of(tmp_path / "a") == 0o777 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_workspace_from_before_the_marker_is_still_used(tmp_path: Path) -> None:
    """Earlier campforge made .campforge (700) with campforge.db and drafts/, but no marker."""
    old = tmp_path / "old"
    old.mkdir(mode=0o700)
    QueueStore(old / "campforge.db").close()
    (old / "drafts").mkdir()
    (old / "notes.txt").write_text("the user's own notes\n")

    Workspace.open(old)

    assert (old / MARKER).exists() and mode_of(old) == 0o700


def test_a_campforge_workspace_open_to_others_is_refused_until_repaired(tmp_path: Path) -> None:
    home = Workspace.open(tmp_path / "home").root
    home.chmod(0o755)

    refused = CliRunner().invoke(app, ["review", "list", "--home", str(home)])
    assert refused.exit_code == 2 and "open to other users (mode 755)" in refused.stderr
    assert mode_of(home) == 0o755  # warned, not silently changed

    repaired = CliRunner().invoke(app, ["doctor", "--home", str(home), "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert mode_of(home) == 0o700
    assert CliRunner().invoke(app, ["review", "list", "--home", str(home)]).exit_code == 0


def test_a_file_as_home_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")

    with pytest.raises(WorkspaceError, match="is not a directory"):
        Workspace.open(file)
