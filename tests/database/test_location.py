"""Where the state lives: one setting (CAMPFORGE_DATABASE_URL / --database) for everything, the
deprecated CAMPFORGE_CHECKPOINTS still honoured, and no password in any message."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app
from agent.database import DatabaseError, redact
from agent.workspace import Workspace, WorkspaceError
from review.store import QueueStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_state_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CAMPFORGE_DATABASE_URL", "CAMPFORGE_CHECKPOINTS", "CAMPFORGE_HOME"):
        monkeypatch.delenv(name, raising=False)


def unreachable(password: str = "hunter2") -> str:
    """A Postgres URL on a port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql://campforge:{password}@127.0.0.1:{port}/postgres"


def test_sqlite_in_the_workspace_by_default(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path / "state")

    assert workspace.database == tmp_path / "state" / "campforge.db"
    assert workspace.checkpoints == str(tmp_path / "state" / "checkpoints.db")


def test_one_url_moves_the_queue_and_the_checkpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql://team:secret@db.example/campforge"
    monkeypatch.setenv("CAMPFORGE_DATABASE_URL", url)

    workspace = Workspace.open(tmp_path / "state")

    assert workspace.database == url and workspace.checkpoints == url
    assert Workspace.open(tmp_path / "state", database="postgres://x@y/z").database == (
        "postgres://x@y/z"  # the flag wins over the environment
    )


def test_the_deprecated_checkpoints_setting_still_moves_the_checkpoints_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAMPFORGE_CHECKPOINTS", "postgresql://old@db/checkpoints")
    workspace = Workspace.open(tmp_path / "state")
    assert workspace.checkpoints == "postgresql://old@db/checkpoints"
    assert workspace.database == tmp_path / "state" / "campforge.db"

    monkeypatch.setenv("CAMPFORGE_DATABASE_URL", "postgresql://team@db/campforge")
    both = Workspace.open(tmp_path / "state")
    assert both.checkpoints == "postgresql://old@db/checkpoints"  # the explicit one wins
    assert both.database == "postgresql://team@db/campforge"


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("mysql://u:secret@db/campforge", "mysql:// is not supported"),
        ("campforge.db", "is not a URL"),
    ],
)
def test_a_url_campforge_cannot_use_is_refused_before_anything_is_made(
    tmp_path: Path, url: str, named: str
) -> None:
    with pytest.raises(DatabaseError, match=named) as raised:
        Workspace.open(tmp_path / "state", database=url)

    assert isinstance(raised.value, WorkspaceError) and "secret" not in str(raised.value)
    assert not (tmp_path / "state").exists()


def test_an_unreachable_database_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = unreachable()

    with pytest.raises(DatabaseError, match=r"cannot connect to the database ") as raised:
        QueueStore(url)

    assert redact(url) in str(raised.value) and "campforge:***@" in str(raised.value)
    assert "hunter2" not in str(raised.value) and "\n" not in str(raised.value)


def test_the_review_command_reports_an_unreachable_database_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "CAMPFORGE_DATABASE_URL": unreachable("pw-123")}
    command = [sys.executable, "-m", "agent.cli", "review", "list", "--home",
               str(tmp_path / "state")]  # fmt: skip

    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)

    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "cannot connect to the database postgresql://campforge:***@127.0.0.1" in line
    assert "pw-123" not in result.stderr + result.stdout


def test_doctor_reports_an_unreachable_shared_database(tmp_path: Path) -> None:
    Workspace.open(tmp_path / "state")
    url = unreachable("pw-456")

    result = CliRunner().invoke(
        app, ["doctor", "--home", str(tmp_path / "state")], env={"CAMPFORGE_DATABASE_URL": url}
    )

    assert result.exit_code == 1
    assert f"problem: {redact(url)}: cannot connect to the database" in result.stdout
    assert "pw-456" not in result.stdout
