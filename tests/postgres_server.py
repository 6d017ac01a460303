"""A throwaway PostgreSQL server for tests: a fresh cluster in a temporary directory, on 127.0.0.1.

    with PostgresServer() as url:   # postgresql://campforge@127.0.0.1:PORT/postgres
        ...

Uses the server binaries of Debian's `postgresql` package (`.ci/run` installs it). PostgreSQL
refuses to run as root, so under root the cluster is owned by and run as the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def server_binaries() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        binaries = server_binaries()
        if binaries is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = binaries
        # Not under pytest's tmp_path: its parent is private to root, and under root the server
        # runs as `postgres`, which must reach the data directory.
        self.root = Path(tempfile.mkdtemp(prefix="campforge-postgres-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.url = f"postgresql://campforge@127.0.0.1:{self.port}/postgres"
        self._as_user: list[str] = []

    def _run(self, *argv: str) -> None:
        result = subprocess.run(
            [*self._as_user, *argv], capture_output=True, text=True, timeout=120, cwd="/"
        )
        if result.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {result.stdout}{result.stderr}")

    def __enter__(self) -> str:
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "campforge",
                  "--auth=trust", "--no-sync", "-E", "UTF8")  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
            "-c full_page_writes=off"
        )
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w",
                  "-l", str(self.root / "server.log"), "start")  # fmt: skip
        return self.url

    def __exit__(self, *exc: object) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def can_run() -> bool:
    """Whether Postgres tests can run here; under CI they must (`.ci/run` installs the server)."""
    return server_binaries() is not None or bool(os.environ.get("CI"))


def start_or_skip() -> PostgresServer:
    """A server to enter, or a skip for the tests that need one (never under CI, where a missing
    server is a failure). Tests that need no server must not depend on this."""
    import pytest

    if not can_run():
        pytest.skip("needs PostgreSQL's server binaries (apt-get install postgresql)")
    return PostgresServer()


def fresh_database(url: str, name: str) -> str:
    """A new, empty database on the server at `url`; its URL (same user, no password)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + f"/{name}"
