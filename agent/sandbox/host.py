"""Host side of the sandbox: limits, sandbox uids, the interpreter, and spawning/killing launchers.

Everything here runs in our own (trusted) process and is thread-safe: a `Launch` owns one launcher
process (see launcher.py) with its pipes, its scratch layout and its uid lease. Nothing here uses
`preexec_fn`; isolation happens in the launcher, which we start with `subprocess.Popen`.

Layout of one sandbox on the host (`tempfile.mkdtemp`, root-owned):
    <dir>/in/       read-only inputs (candidate module and its companion directory, program,
                    stdin), mode 755
    <dir>/work/     the scratch cwd; inside the mount namespace a private size-capped tmpfs
    <dir>/*.txt     captured output files, reachable only through the fds handed to the sandbox
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import fcntl
import json
import os
import pwd
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent import pysource

if TYPE_CHECKING:
    from agent.sandbox.packages import Packages

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parents[1]
LAUNCHER = PACKAGE_DIR / "launcher.py"
WORKER = PACKAGE_DIR / "worker.py"
BOOTCAMPS_PACKAGE = REPO_ROOT / "generated_bootcamps"
UID_RANGE = range(61000, 62000)
ENV_PATH = "/usr/bin:/bin"
# With third-party packages: one thread for each numerical library's pool (OpenBLAS starts one
# per core at import), so that importing numpy never meets the sandbox's process limit
# (RLIMIT_NPROC counts threads) and reserves no buffers per core in the address space.
THREAD_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}


class SandboxError(Exception):
    """Base class of sandbox failures. `results` holds the items received before the failure,
    `index` the item that was running, `output_tail` the end of the candidate's stdout/stderr."""

    def __init__(
        self,
        message: str,
        *,
        reason: str = "",
        results: list[dict[str, Any]] | None = None,
        index: int | None = None,
        output_tail: str = "",
        exit_info: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.reason = reason or message
        self.results = results or []
        self.index = index
        self.output_tail = output_tail
        self.exit_info = exit_info or {}


class SandboxTimeout(SandboxError):
    """A request (or start-up) exceeded its wall-clock budget; the sandbox was killed."""


class SandboxCrashed(SandboxError):
    """The worker died (signal, exit, setup failure) or spoke garbage; the sandbox was killed."""


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits of one sandbox process (the worker keeps them for its whole life).

    cpu_seconds is cumulative CPU time (SIGXCPU, then SIGKILL 2 s later); address_space caps
    virtual memory (allocations fail with MemoryError); fsize caps every file the sandbox writes,
    including its captured stdout/stderr; nproc caps processes and threads of the sandbox uid;
    scratch_bytes caps the private tmpfs the sandbox may write to. Wall-clock limits are per call:
    see `Sandbox(call_timeout=...)` and `run_program(timeout=...)`.
    """

    cpu_seconds: int = 60
    address_space: int = 1 << 30
    nofile: int = 64
    fsize: int = 16 << 20
    nproc: int = 16
    scratch_bytes: int = 64 << 20

    def launcher_config(self) -> dict[str, int]:
        return {
            "cpu": self.cpu_seconds,
            "as": self.address_space,
            "nofile": self.nofile,
            "fsize": self.fsize,
            "nproc": self.nproc,
        }


# -- uids ----------------------------------------------------------------------------------------


def processes_of_uid(uid: int) -> list[int]:
    """Pids of every process (zombies included) whose real uid is `uid`."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status", "rb") as f:
                for line in f:
                    if line.startswith(b"Uid:"):
                        if int(line.split()[1]) == uid:
                            found.append(int(name))
                        break
        except OSError:
            continue
    return found


class UidLease:
    """A sandbox uid held by this process (a flock'ed file makes it unique across processes)."""

    def __init__(self, uid: int, lock_fd: int):
        self.uid = uid
        self.gid = uid
        self._lock_fd: int | None = lock_fd

    def release(self) -> None:
        with _uid_lock:
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None
                _uids_held.discard(self.uid)


_uid_lock = threading.Lock()
_uids_held: set[int] = set()
_uid_counter = 0


def _lock_dir() -> Path:
    path = Path("/run/campforge-sandbox")
    try:
        path.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        path = Path(tempfile.gettempdir()) / f"campforge-sandbox-locks-{os.geteuid()}"
        path.mkdir(mode=0o700, exist_ok=True)
    return path


def lease_uid() -> UidLease:
    """A free uid from UID_RANGE: not held here or by another process, no account, no process."""
    global _uid_counter
    with _uid_lock:
        start = (os.getpid() * 37 + _uid_counter) % len(UID_RANGE)
        _uid_counter += 1
        directory = _lock_dir()
        for k in range(len(UID_RANGE)):
            uid = UID_RANGE[(start + k) % len(UID_RANGE)]
            if uid in _uids_held:
                continue
            try:
                pwd.getpwuid(uid)
                continue  # a real account: never borrow it
            except KeyError:
                pass
            fd = os.open(directory / f"uid-{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            if processes_of_uid(uid):  # leftovers of a dead owner: leave that uid alone
                os.close(fd)
                continue
            _uids_held.add(uid)
            return UidLease(uid, fd)
    raise SandboxError("no free sandbox uid")


# -- interpreter ---------------------------------------------------------------------------------


def _reachable_by_other(path: Path, *, executable: bool = False) -> bool:
    """Whether an unrelated unprivileged user can reach `path` (o+x on every directory above it,
    o+r, and o+x for an executable)."""
    try:
        resolved = path.resolve(strict=True)
        for parent in reversed(resolved.parents):
            if not os.stat(parent).st_mode & stat.S_IXOTH:
                return False
        mode = os.stat(resolved).st_mode
    except OSError:
        return False
    if not mode & stat.S_IROTH:
        return False
    return not executable or bool(mode & stat.S_IXOTH)


def _stdlib_marker(python: Path) -> Path | None:
    """os.py of the interpreter's standard library, if we can tell where it is."""
    if python.resolve() == Path(sys.executable).resolve():
        return Path(os.__file__)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    prefix = python.resolve().parent.parent
    marker = prefix / "lib" / f"python{version}" / "os.py"
    return marker if marker.exists() else None


_python_cache: tuple[str, str] | None = None


def sandbox_python() -> tuple[str, str]:
    """(interpreter, why): the interpreter the sandbox uid can run, same major.minor as ours."""
    global _python_cache
    if _python_cache is None:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        candidates = [Path(sys.executable), Path(f"/usr/bin/python{version}")]
        candidates.append(Path(f"/usr/local/bin/python{version}"))
        for python in candidates:
            marker = _stdlib_marker(python)
            if (
                python.exists()
                and marker is not None
                and _reachable_by_other(python, executable=True)
                and _reachable_by_other(marker)
            ):
                why = "current interpreter" if python == candidates[0] else "system interpreter"
                _python_cache = (str(python.resolve()), why)
                break
        else:
            _python_cache = (sys.executable, "unreachable by other users")
    return _python_cache


# -- the library copy the worker imports ---------------------------------------------------------

_lib_lock = threading.Lock()
_lib_cache: dict[tuple, Path] = {}

STUB_INIT = '''"""Sandbox copy of generated_bootcamps: the contract modules only (no catalog)."""

from generated_bootcamps.base import Bootcamp

__all__ = ["Bootcamp"]
'''


def _imports(tree: ast.AST) -> set[tuple[int, str, tuple[str, ...]]]:
    """(level, module, names) of every import outside `if TYPE_CHECKING:` blocks."""
    found: set[tuple[int, str, tuple[str, ...]]] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add((0, alias.name, ()))
        elif isinstance(node, ast.ImportFrom):
            found.add((node.level, node.module or "", tuple(a.name for a in node.names)))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _pure_modules(package: Path) -> list[str]:
    """Top-level modules of the package importable with the stdlib alone (transitively)."""
    deps: dict[str, set[str] | None] = {}
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    for name in modules:
        needs: set[str] | None = set()
        for level, module, names in _imports(pysource.parse((package / f"{name}.py").read_text())):
            top = module.split(".")[0]
            internal = level > 0 or top == package.name
            if not internal:
                if top not in sys.stdlib_module_names and top != "__future__":
                    needs = None
                    break
                continue
            rest = module.split(".")[1:] if level == 0 else module.split(".")
            target = rest[0] if rest and rest[0] else None
            if target is None:  # `from generated_bootcamps import x`
                targets = [n for n in names if n in modules]
                if any(n not in modules and n != "Bootcamp" for n in names):
                    needs = None
                    break
                needs.update(targets)
                if "Bootcamp" in names:
                    needs.add("base")
            elif target in modules:
                needs.add(target)
            else:
                needs = None
                break
        deps[name] = needs
    pure: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, needs in deps.items():
            if name not in pure and needs is not None and needs <= pure | {name}:
                pure.add(name)
                changed = True
    return sorted(pure)


def lib_dir(package: Path = BOOTCAMPS_PACKAGE) -> Path:
    """A root-owned, world-readable copy of worker.py and the stdlib-only part of the package.

    Rebuilt when any source file changes; old copies are removed at interpreter exit.
    """
    sources = sorted([WORKER, *package.glob("*.py")])
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sources)
    with _lib_lock:
        if key in _lib_cache:
            return _lib_cache[key]
        pure = _pure_modules(package)
        if "base" not in pure:
            raise SandboxError(
                f"{package}/base.py is not importable with the standard library alone"
            )
        root = Path(tempfile.mkdtemp(prefix="campforge-sbx-lib-"))
        pkg = root / package.name
        pkg.mkdir()
        shutil.copyfile(WORKER, root / "worker.py")
        for name in pure:
            shutil.copyfile(package / f"{name}.py", pkg / f"{name}.py")
        (pkg / "__init__.py").write_text(STUB_INIT)
        for path in [root, pkg, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        _lib_cache[key] = root
        return root


def _cleanup_libs() -> None:
    for path in _lib_cache.values():
        shutil.rmtree(path, ignore_errors=True)


atexit.register(_cleanup_libs)


# -- one launcher process ------------------------------------------------------------------------


def _hide_list(keep: list[Path]) -> list[str]:
    """Directories to hide behind empty read-only tmpfs mounts (never an ancestor of `keep`)."""
    candidates = [
        tempfile.gettempdir(),
        "/var/tmp",
        "/dev/shm",
        "/run",
        "/root",
        "/home",
        str(REPO_ROOT),
    ]
    hide = []
    for path in candidates:
        real = os.path.realpath(path)
        if any(k == Path(real) or Path(real) in k.parents for k in keep):
            continue
        if real not in hide:
            hide.append(real)
    return hide


def _status_lines(buffer: bytearray) -> list[dict[str, Any]]:
    lines = []
    while (end := buffer.find(b"\n")) >= 0:
        raw = bytes(buffer[:end])
        del buffer[: end + 1]
        try:
            lines.append(json.loads(raw))
        except ValueError:
            lines.append({"event": "garbage", "raw": raw[:200].decode(errors="replace")})
    return lines


class Launch:
    """One launcher process running one target inside a fresh sandbox.

    `argv` is the target command line; `target_fds` are the fds it keeps (its RPC pipes). stdin,
    stdout and stderr are fds we opened (output files), handed to the launcher and the target.
    `lib` (the worker's library copy) is made visible inside the mount namespace, and so are the
    `writable` directories, which stay writable (outputs that outlive the sandbox). `env` adds to
    the stripped environment. `packages` (see packages.py) are the third-party distributions
    shown read-only: their view directory is bound like `lib`, their site-packages directory is
    hidden but for their entries.
    """

    def __init__(
        self,
        *,
        lease: UidLease | None,
        limits: SandboxLimits,
        seccomp: bool,
        directory: Path,
        argv: list[str],
        stdin: int | None,
        stdout: int,
        stderr: int,
        target_fds: tuple[int, ...] = (),
        lib: Path | None = None,
        hash_seed: int = 0,
        writable: tuple[Path, ...] = (),
        env: dict[str, str] | None = None,
        packages: Packages | None = None,
    ):
        self.lease = lease
        self.limits = limits
        self.directory = directory
        python, why = sandbox_python()
        if os.geteuid() == 0 and lease is None:
            raise SandboxError(
                f"refusing to run untrusted code as root: no Python {sys.version_info[0]}."
                f"{sys.version_info[1]} is reachable by an unprivileged uid ({why}); "
                "install one outside /root (e.g. /usr/bin/python3.X)"
            )
        self.status_r, status_w = os.pipe()
        lifeline_r, self.lifeline_w = os.pipe()
        work = directory / "work"
        marker = _stdlib_marker(Path(python))
        keep = [Path(python).resolve()] + ([marker.parent.resolve()] if marker else [])
        mounts = None
        if os.geteuid() == 0:
            mounts = {
                "hide": _hide_list(keep),
                "bind": [str(directory / "in")] + ([str(lib)] if lib else []),
                "work": str(work),
                "work_bytes": limits.scratch_bytes,
                "writable": [str(path) for path in writable],
                "packages": packages.mounts if packages else {},
            }
            if packages:
                mounts["bind"].append(str(packages.view))
        env = {
            "PATH": ENV_PATH,
            "LANG": "C.UTF-8",
            "HOME": str(work),
            "PYTHONHASHSEED": str(hash_seed),
            "PYTHONDONTWRITEBYTECODE": "1",
            **(THREAD_ENV if packages else {}),
            **(env or {}),
        }
        config = {
            "uid": lease.uid if lease else None,
            "gid": lease.gid if lease else None,
            "limits": limits.launcher_config(),
            "netns": os.geteuid() == 0,
            "mounts": mounts,
            "cwd": str(work),
            "env": env,
            "seccomp": seccomp,
            "status_fd": status_w,
            "lifeline_fd": lifeline_r,
            "target_fds": list(target_fds),
        }
        # The launcher needs only the stdlib: the sandbox interpreter with -S starts fastest.
        command = [python, "-I", "-S", "-B", str(LAUNCHER), json.dumps(config), "--", *argv]
        self.started = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                command,
                stdin=stdin if stdin is not None else subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                pass_fds=(status_w, lifeline_r, *target_fds),
                start_new_session=True,
                env={},
                cwd="/",
            )
        except BaseException:
            os.close(self.status_r)
            os.close(self.lifeline_w)
            raise
        finally:
            os.close(status_w)
            os.close(lifeline_r)
        self.pidfd: int | None
        try:
            self.pidfd = os.pidfd_open(self.proc.pid)
        except (AttributeError, OSError):
            self.pidfd = None
        self._status_buf = bytearray()
        self.setup: dict[str, Any] | None = None
        self.exit_info: dict[str, Any] | None = None
        self._stopped = False

    # -- status --------------------------------------------------------------------------------

    def _absorb(self, lines: list[dict[str, Any]]) -> None:
        for line in lines:
            event = line.get("event")
            if event == "setup":
                self.setup = line.get("isolation") or {}
            elif event == "setup_error":
                self.exit_info = {**(self.exit_info or {}), "setup_error": line.get("error")}
            elif event == "exit":
                self.exit_info = {**line, **(self.exit_info or {})}

    def read_status(self, timeout: float) -> None:
        """Read status lines until `timeout` passes, the setup report arrives, or EOF."""
        deadline = time.monotonic() + timeout
        while self.setup is None and not (self.exit_info or {}).get("setup_error"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            ready, _, _ = select.select([self.status_r], [], [], remaining)
            if not ready:
                return
            data = os.read(self.status_r, 65536)
            if not data:
                return
            self._status_buf += data
            self._absorb(_status_lines(self._status_buf))

    def _drain_status(self) -> None:
        os.set_blocking(self.status_r, False)
        try:
            while data := os.read(self.status_r, 65536):
                self._status_buf += data
        except BlockingIOError:
            pass
        self._absorb(_status_lines(self._status_buf))

    def alive(self) -> bool:
        return self.proc.poll() is None

    # -- teardown ------------------------------------------------------------------------------

    def stop(self, grace: float = 5.0) -> dict[str, Any]:
        """Kill everything in the sandbox, reap the launcher, return the exit report."""
        if self._stopped:
            return self.exit_info or {}
        self._stopped = True
        if self.lifeline_w is not None:
            os.close(self.lifeline_w)
            self.lifeline_w = None
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._drain_status()
        os.close(self.status_r)
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None
        if self.lease is not None:
            kill_uid(self.lease)
        return self.exit_info or {}


def kill_uid(lease: UidLease, attempts: int = 20) -> bool:
    """Last line of defence: kill every process of the lease's uid from a helper running as it.

    Normally the launcher already did this; it only matters if the launcher itself was killed.
    True when no process of the uid is left (zombies whose parent is pid 1 may remain if pid 1
    does not reap).
    """
    python, _ = sandbox_python()
    for _ in range(attempts):
        live = [p for p in processes_of_uid(lease.uid) if not _is_zombie(p)]
        if not live:
            return True
        subprocess.run(
            [python, "-I", "-S", "-c", "import os; os.kill(-1, 9)"],
            user=lease.uid,
            group=lease.gid,
            extra_groups=[],
            env={},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            cwd="/",
        )
        time.sleep(0.01)
    return not processes_of_uid(lease.uid)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
        return data[data.rindex(b")") + 2 : data.rindex(b")") + 3] == b"Z"
    except (OSError, ValueError):
        return True


COMPANION_SUFFIX = ".d"
COMPANION_MAX_BYTES = 64 << 20


def companion_files(module: Path) -> dict[str, bytes]:
    """The files of a module's companion directory (`<stem>.d/` beside it), keyed by their path
    inside the sandbox's `in/` (`<stem>.d/...`); {} when there is none.

    A companion directory carries what a module imports besides the standard library and the
    contract (e.g. a third-party bootcamp and its base class, under `campforge audit`): the
    sandbox gets a read-only copy of it next to the module. Regular files only; symlinks are
    skipped so that nothing outside the directory is copied."""
    root = module.parent / f"{module.stem}{COMPANION_SUFFIX}"
    if not root.is_dir() or root.is_symlink():
        return {}
    files: dict[str, bytes] = {}
    total = 0
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        if any(parent.is_symlink() for parent in path.relative_to(root).parents if parent.parts):
            continue
        data = path.read_bytes()
        total += len(data)
        if total > COMPANION_MAX_BYTES:
            raise SandboxError(f"{root} holds more than {COMPANION_MAX_BYTES >> 20} MiB")
        files[str(Path(root.name) / path.relative_to(root))] = data
    return files


def make_layout(
    files: dict[str, bytes], lease: UidLease | None, executables: frozenset[str] = frozenset()
) -> Path:
    """A fresh sandbox directory with `in/` (the given read-only files, keyed by relative path;
    those named in `executables` may be run) and `work/` (scratch)."""
    directory = Path(tempfile.mkdtemp(prefix="campforge-sbx-"))
    directory.chmod(0o711)
    inputs = directory / "in"
    inputs.mkdir(mode=0o755)
    inputs.chmod(0o755)
    for name, data in files.items():
        path = inputs / name
        if inputs.resolve() not in path.resolve().parents:
            raise SandboxError(f"refusing to place an input outside the sandbox: {name}")
        for parent in reversed(path.relative_to(inputs).parents[:-1]):
            (inputs / parent).mkdir(mode=0o755, exist_ok=True)
            (inputs / parent).chmod(0o755)
        path.write_bytes(data)
        path.chmod(0o755 if name in executables else 0o644)
    work = directory / "work"
    work.mkdir(mode=0o700)
    if lease is not None:
        os.chown(work, lease.uid, lease.gid)
    return directory


def reset_work(directory: Path, lease: UidLease | None) -> None:
    """Empty the scratch dir (only matters when it is not a private tmpfs)."""
    work = directory / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700)
    if lease is not None:
        os.chown(work, lease.uid, lease.gid)


def read_head(path: Path, size: int) -> str:
    """The first `size` bytes of a file, as text ("" if it cannot be read)."""
    try:
        with open(path, "rb") as f:
            return f.read(size).decode("utf-8", "replace")
    except OSError:
        return ""


def read_tail(path: Path, size: int = 2000) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - size))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def describe_isolation(
    setup: dict[str, Any] | None,
    lease: UidLease | None,
    seccomp_requested: bool,
    packages: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The isolation actually achieved, from the launcher's setup report (and the third-party
    `packages` shown read-only, as name==version, when there are any)."""
    setup = setup or {}
    python, why = sandbox_python()
    notes = []
    fs = setup.get("filesystem")
    if setup.get("netns"):
        network = "netns" + ("+seccomp" if setup.get("seccomp") else "")
    elif setup.get("seccomp"):
        network = "seccomp (socket denied)"
    else:
        network = "static scan only"
    if fs and fs.get("read_only"):
        filesystem = "read-only except private tmpfs scratch; hidden: " + ", ".join(fs["hidden"])
    elif setup.get("uid_drop"):
        filesystem = "unix permissions of the sandbox uid"
    else:
        filesystem = "unix permissions of our own uid (no isolation)"
    if not setup.get("uid_drop"):
        notes.append(
            "no uid drop ("
            + ("not root" if os.geteuid() != 0 else f"interpreter {why}")
            + "): cleanup by process tree, RLIMIT_NPROC relative to our user"
        )
    if not seccomp_requested:
        notes.append("seccomp disabled by the caller")
    notes += setup.get("errors", [])
    notes.append("/proc still lists host processes (no pid namespace)")
    described = {
        "uid_drop": bool(setup.get("uid_drop")),
        "uid": setup.get("uid"),
        "network": network,
        "filesystem": filesystem,
        "seccomp_denied": setup.get("seccomp") or [],
        "no_new_privs": bool(setup.get("no_new_privs")),
        "limits": setup.get("limits", {}),
        "interpreter": python,
        "cleanup": "kill(-1) as the sandbox uid + subreaper"
        if lease is not None
        else "process tree + subreaper",
        "notes": notes,
    }
    if packages:
        described["packages"] = list(packages)
    return described


def limits_dict(limits: SandboxLimits) -> dict[str, int]:
    return asdict(limits)
