"""Damaged state files give one line naming the file and what to do, exit 2, never a traceback.

A real workspace (drafted by `campforge draft`, more candidates queued) is copied per test and
damaged: campforge.db truncated to half its size, its header overwritten with junk, or emptied to
0 bytes; checkpoints.db truncated to half. Every command that opens them is run: in-process with
Typer's CliRunner, and through the real command line in a subprocess.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app
from agent.dbhealth import BrokenStateError
from agent.workspace import Workspace
from review.store import QueueStore
from tests.review.support import make_catalog, offline_spec
from tests.state.support import (
    DAMAGES,
    DRAFTED,
    campforge_env,
    copy_workspace,
    overwrite_header,
    run_campforge,
    truncate_to_half,
)


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway catalog: were an approval to go through, it would merge here."""
    _, directory = make_catalog(tmp_path / "catalog-repo")
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(directory))
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("CAMPFORGE_HOME", raising=False)
    monkeypatch.delenv("CAMPFORGE_CHECKPOINTS", raising=False)
    return directory


def no_server(*args: object, **kwargs: object) -> None:
    raise AssertionError("the review server started on a damaged queue")


def commands(home: Path, spec_file: Path) -> dict[str, list[str]]:
    where = ["--home", str(home)]
    return {
        "review list": ["review", "list", *where],
        "review show": ["review", "show", "1", "--samples", "0", *where],
        "review approve": ["review", "approve", "1", "--reviewer", "ada", *where],
        "review reject": ["review", "reject", "2", "--reason", "no", *where],
        "review history": ["review", "history", "1", *where],
        "review serve": ["review", "serve", *where],
        "draft": ["draft", str(spec_file), "--cases", "15", *where],
    }


def assert_one_line(result_stderr: str, path: Path, exit_code: int) -> None:
    lines = result_stderr.strip().splitlines()
    assert exit_code == 2, result_stderr
    assert len(lines) == 1, result_stderr
    assert "Traceback" not in result_stderr
    assert lines[0].startswith("error: ") and str(path) in lines[0]
    assert f"campforge doctor --home {path.parent} --repair" in lines[0]


@pytest.mark.parametrize("damage", sorted(DAMAGES))
@pytest.mark.parametrize(
    "command",
    [
        "review list",
        "review show",
        "review approve",
        "review reject",
        "review history",
        "review serve",
        "draft",
    ],
)
def test_every_command_on_a_damaged_queue_is_one_line_and_exit_2(
    template: Path,
    tmp_path: Path,
    catalog: Path,
    monkeypatch: pytest.MonkeyPatch,
    damage: str,
    command: str,
) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", no_server)
    home = copy_workspace(template, tmp_path / "home")
    database = home / "campforge.db"
    DAMAGES[damage](database)
    before = database.read_bytes()
    spec_file = tmp_path / "again.md"
    spec_file.write_text(offline_spec("pm_gamma"), encoding="utf-8")

    result = CliRunner().invoke(app, commands(home, spec_file)[command])

    assert_one_line(result.stderr, database, result.exit_code)
    assert ("empty (0 bytes): it was truncated" in result.stderr) == (damage == "zero-bytes")
    assert database.read_bytes() == before  # left as it was, for the doctor or a backup
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_the_real_command_line_prints_one_line_for_a_damaged_queue(
    template: Path, tmp_path: Path, damage: str
) -> None:
    home = copy_workspace(template, tmp_path / "home")
    DAMAGES[damage](home / "campforge.db")

    result = run_campforge("review", "list", "--home", str(home))

    assert_one_line(result.stderr, home / "campforge.db", result.returncode)
    assert result.stdout == ""


def test_a_truncated_checkpoints_file_lets_the_queue_be_read_but_not_decided(
    template: Path, tmp_path: Path, catalog: Path
) -> None:
    home = copy_workspace(template, tmp_path / "home")
    checkpoints = home / "checkpoints.db"
    truncate_to_half(checkpoints)
    env = campforge_env(CAMPFORGE_CATALOG=str(catalog))

    listed = run_campforge("review", "list", "--home", str(home), env=env)
    assert listed.returncode == 0, listed.stderr
    assert all(name in listed.stdout for name in DRAFTED)

    approved = run_campforge("review", "approve", "1", "--reviewer", "ada", "--home", str(home))
    assert_one_line(approved.stderr, checkpoints, approved.returncode)
    assert "damaged" in approved.stderr
    assert QueueStore(home / "campforge.db").get(1).status == "pending"  # nothing recorded

    spec_file = tmp_path / "again.md"
    spec_file.write_text(offline_spec("pm_gamma"), encoding="utf-8")
    drafted = CliRunner().invoke(app, ["draft", str(spec_file), "--home", str(home)])
    assert_one_line(drafted.stderr, checkpoints, drafted.exit_code)


def test_the_web_ui_shows_a_damaged_checkpoints_file_instead_of_failing(
    template: Path, tmp_path: Path, catalog: Path
) -> None:
    from fastapi.testclient import TestClient

    from review.web import CSRF_COOKIE, CSRF_FIELD, create_app

    home = copy_workspace(template, tmp_path / "home")
    truncate_to_half(home / "checkpoints.db")
    client = TestClient(create_app(Workspace.open(home)))
    client.get("/login")
    csrf = client.cookies.get(CSRF_COOKIE)

    response = client.post(
        "/candidates/1/decide", data={CSRF_FIELD: csrf, "action": "approve", "reviewer": "ada"}
    )

    assert response.status_code == 200
    assert str(home / "checkpoints.db") in response.text and "campforge doctor" in response.text
    assert QueueStore(home / "campforge.db").get(1).status == "pending"


def test_damage_found_after_the_queue_opened_names_the_file(tmp_path: Path) -> None:
    """A long-running server's store meets damage in a new request thread: BrokenStateError."""
    from concurrent.futures import ThreadPoolExecutor

    store = QueueStore(Workspace.open(tmp_path / "home").database)
    assert store.list() == []
    overwrite_header(store.path)

    with ThreadPoolExecutor(1) as pool, pytest.raises(BrokenStateError) as raised:
        pool.submit(store.list).result()  # a new thread: a new connection
    assert str(raised.value).startswith(f"{store.path}: the database is damaged")
    assert "campforge doctor" in str(raised.value)
