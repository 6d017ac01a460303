"""The review UI's secret, signed CSRF tokens and token throttle (review/web_security.py), on
real files in a temporary directory; the HTTP side is in test_web.py."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from review.web_security import (
    SECRET_FILE,
    CsrfTokens,
    SecretError,
    TokenThrottle,
    workspace_secret,
)


def test_the_secret_is_created_private_and_kept(tmp_path: Path) -> None:
    secret = workspace_secret(tmp_path)
    path = tmp_path / SECRET_FILE
    assert len(secret) == 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text().strip() == secret.hex()
    assert workspace_secret(tmp_path) == secret
    assert [p.name for p in tmp_path.iterdir()] == [SECRET_FILE]  # no temporary file left


@pytest.mark.parametrize("damage", ["garbage", "empty", "readable by others", "symlink"])
def test_an_unusable_secret_file_is_replaced(tmp_path: Path, damage: str) -> None:
    path = tmp_path / SECRET_FILE
    elsewhere = tmp_path / "elsewhere"
    good = "ab" * 32 + "\n"
    if damage == "garbage":
        path.write_text("not a secret\n")
    elif damage == "empty":
        path.write_text("")
    elif damage == "readable by others":
        path.write_text(good)
        path.chmod(0o644)
    else:
        elsewhere.write_text(good)
        elsewhere.chmod(0o600)
        path.symlink_to(elsewhere)
    secret = workspace_secret(tmp_path)
    assert secret != bytes.fromhex("ab" * 32)
    assert not path.is_symlink() and path.stat().st_mode & 0o777 == 0o600
    assert workspace_secret(tmp_path) == secret
    if damage == "symlink":
        assert elsewhere.read_text() == good  # the link was replaced, not written through


def test_a_directory_in_the_way_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / SECRET_FILE / "inside").mkdir(parents=True)
    with pytest.raises(SecretError, match="remove whatever is at that path"):
        workspace_secret(tmp_path)


def test_servers_starting_at_once_share_one_secret(tmp_path: Path) -> None:
    starting = threading.Barrier(8)
    secrets: list[bytes] = []

    def start() -> None:
        starting.wait()
        secrets.append(workspace_secret(tmp_path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(secrets) == 8 and len(set(secrets)) == 1
    assert sorted(os.listdir(tmp_path)) == [SECRET_FILE]


def test_csrf_tokens_verify_only_what_this_secret_signed_for_this_session() -> None:
    tokens = CsrfTokens(b"k" * 32)
    token = tokens.issue("")
    assert tokens.verify(token, "")
    assert tokens.issue("") != token  # a new nonce each time
    assert not tokens.verify(token, "s3cret-token")  # issued before signing in
    assert tokens.verify(tokens.issue("s3cret-token"), "s3cret-token")
    assert not CsrfTokens(b"j" * 32).verify(token, "")  # another server's secret
    nonce, signature = token.split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    for forged in (f"{nonce}.{flipped}", f"{'A' * 43}.{signature}", nonce, "", None, 42):
        assert not tokens.verify(forged, "")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_lockout_grows_to_its_cap_and_clears_on_success() -> None:
    clock = FakeClock()
    throttle = TokenThrottle(clock, free_tries=2, first_delay=1.0, max_delay=60.0)
    waits = []
    for _ in range(12):
        throttle.failed("10.0.0.1")
        waits.append(throttle.retry_after("10.0.0.1"))
        clock.now += waits[-1] or 0
    assert waits == [None, 1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60]
    assert throttle.retry_after("10.0.0.2") is None
    throttle.succeeded("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") is None
    throttle.failed("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") is None  # back to its free tries


def test_the_throttle_remembers_a_bounded_number_of_addresses() -> None:
    clock = FakeClock()
    throttle = TokenThrottle(clock, free_tries=1, max_addresses=100)
    for number in range(1000):
        clock.now += 0.001
        throttle.failed(f"10.0.{number // 256}.{number % 256}")
        assert len(throttle._failures) <= 100
    assert throttle.retry_after("10.0.3.231") is not None  # the latest are still locked out


def test_review_serve_reports_a_directory_in_the_way_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from agent.cli import app
    from agent.workspace import Workspace

    home = Workspace.open(tmp_path / "home").root
    (home / SECRET_FILE / "inside").mkdir(parents=True)
    result = CliRunner().invoke(app, ["review", "serve", "--home", str(home)])
    assert result.exit_code == 2
    assert "remove whatever is at that path" in " ".join(result.output.split())
    assert "Traceback" not in result.output
