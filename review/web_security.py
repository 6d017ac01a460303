"""What keeps the review web UI's forms and access token safe: signed CSRF tokens, the secret
that signs them, and the throttle on wrong access tokens.

- `workspace_secret(root)`: 32 random bytes kept in `<workspace>/review-secret` (mode 600),
  created on first use. Kept in the workspace so that a restarted server, or several servers
  over the same workspace, accept the forms the others handed out; a file that is not private,
  not a regular file or not a secret is replaced.
- `CsrfTokens`: a CSRF token is `nonce.signature`, the signature an HMAC-SHA256 of the nonce and
  the session it was issued to (signed in with the access token, or not) under that secret. A
  token this server did not sign, or signed for another session, is refused: another app on the
  same host can plant a cookie (cookies are not port-isolated), but cannot sign one.
- `TokenThrottle`: wrong access tokens per client address. After `free_tries` wrong ones in a
  row, every further wrong one locks the address out for twice as long as the one before
  (1 s, 2 s, 4 s, ... up to 15 min); while locked out, no token is even compared.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import math
import os
import re
import secrets
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SECRET_FILE = "review-secret"
SECRET_BYTES = 32
NONCE_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}")
SECRET_SHAPE = re.compile(r"[0-9a-f]{64}")


class SecretError(OSError):
    """The workspace's secret file cannot be kept (e.g. a directory sits at its path)."""


def workspace_secret(root: Path) -> bytes:
    """The secret in `root`/review-secret, created (or replaced, when unusable) if need be."""
    path = root / SECRET_FILE
    secret = _read_secret(path)
    if secret is None:
        try:
            _install_secret(path, replace=os.path.lexists(path))
        except OSError as error:
            raise SecretError(
                f"cannot keep the review server's secret in {path} ({error.strerror or error}): "
                "make the workspace writable, remove whatever is at that path, and start again"
            ) from None
        secret = _read_secret(path)
    if secret is None:
        raise SecretError(f"cannot read back the review server's secret in {path}: start again")
    return secret


def _read_secret(path: Path) -> bytes | None:
    """The secret, or None if the file is missing, not a private regular file of ours, or
    does not hold a secret."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:  # missing, or a symbolic link
        return None
    try:
        info = os.fstat(fd)
        private = info.st_mode & 0o077 == 0 and info.st_uid == os.getuid()
        if not stat.S_ISREG(info.st_mode) or not private:
            return None
        text = os.read(fd, 2 * SECRET_BYTES + 2).decode("ascii", "replace").strip()
    finally:
        os.close(fd)
    return bytes.fromhex(text) if SECRET_SHAPE.fullmatch(text) else None


def _install_secret(path: Path, *, replace: bool) -> None:
    """Write a new secret to `path` whole (mode 600): never half-written, and when two servers
    start at once only one secret is installed (unless an unusable one is being replaced)."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{SECRET_FILE}-")  # mode 600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(SECRET_BYTES) + "\n")
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            with contextlib.suppress(FileExistsError):  # another server was faster: use its
                os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


class CsrfTokens:
    """CSRF tokens signed with a secret: `issue` one for a session, `verify` one sent back."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def issue(self, session: str) -> str:
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        return f"{nonce}.{self._signature(nonce, session)}"

    def verify(self, token: object, session: str) -> bool:
        """True only for a token this secret signed for this `session`."""
        if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
            return False
        nonce, _, signature = token.partition(".")
        return hmac.compare_digest(signature, self._signature(nonce, session))

    def _signature(self, nonce: str, session: str) -> str:
        message = b"campforge-csrf\0" + session.encode() + b"\0" + nonce.encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class _Failures:
    count: int
    last: float
    locked_until: float


class TokenThrottle:
    """Wrong access tokens per client address, in memory (see the module's docstring)."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        free_tries: int = 5,
        first_delay: float = 1.0,
        max_delay: float = 900.0,
        forget_after: float = 3600.0,
        max_addresses: int = 10_000,
    ) -> None:
        self._clock = clock
        self._free_tries = free_tries
        self._first_delay = first_delay
        self._max_delay = max_delay
        self._forget_after = forget_after
        self._max_addresses = max_addresses
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int | None:
        """Whole seconds until `address` may try a token again; None when it may now."""
        now = self._clock()
        with self._lock:
            failures = self._current(address, now)
            if failures is None or failures.locked_until <= now:
                return None
            return max(1, math.ceil(failures.locked_until - now))

    def failed(self, address: str) -> None:
        """`address` sent a wrong token: past the free tries, lock it out for longer each time."""
        now = self._clock()
        with self._lock:
            failures = self._current(address, now)
            if failures is None:
                self._make_room(now)
                failures = self._failures[address] = _Failures(0, now, now)
            failures.count += 1
            failures.last = now
            over = failures.count - self._free_tries
            if over >= 0:
                delay = min(self._max_delay, self._first_delay * 2 ** min(over, 64))
                failures.locked_until = now + delay

    def succeeded(self, address: str) -> None:
        """`address` signed in with the right token: its wrong ones are forgiven."""
        with self._lock:
            self._failures.pop(address, None)

    def _current(self, address: str, now: float) -> _Failures | None:
        failures = self._failures.get(address)
        if failures is not None and self._forgotten(failures, now):
            del self._failures[address]
            return None
        return failures

    def _forgotten(self, failures: _Failures, now: float) -> bool:
        return failures.locked_until <= now and now - failures.last > self._forget_after

    def _make_room(self, now: float) -> None:
        """Keep at most `max_addresses` records: the forgotten ones go first, then the oldest."""
        if len(self._failures) < self._max_addresses:
            return
        for address, failures in list(self._failures.items()):
            if self._forgotten(failures, now):
                del self._failures[address]
        if len(self._failures) >= self._max_addresses:
            by_age = sorted(self._failures, key=lambda a: self._failures[a].last)
            for address in by_age[: len(by_age) // 2 + 1]:
                del self._failures[address]
