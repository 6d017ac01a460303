"""Client side: `Sandbox` (RPC to a worker serving one candidate bootcamp) and `run_program`.

    with Sandbox("candidate.py", call_timeout=5) as sb:
        info = sb.describe()
        cases = sb.generate("easy", {}, seed=0, count=100)        # per-item results
        prompts = sb.map("prompt", [[c["value"]] for c in cases])
        answer = sb.call("solve", cases[0]["value"])              # value, or CandidateError

A module may come with a companion directory, `<stem>.d/` beside it: the sandbox gets a
read-only copy of it next to the module (`host.companion_files`), for the module to put on its
own `sys.path` (the audit's adapters of third-party bootcamps do).

Per-item results are `{"ok": True, "value": v, "seconds": t}` or
`{"ok": False, "error": {"type", "message", "traceback"}, "seconds": t}`; generated cases also
carry `"lossless"` (the case survives a JSON round trip with exact types). Values cross the
channel as JSON with NaN/Infinity allowed, so non-finite floats come back as float('nan') etc.

Timeouts: every item (a generated case, one mapped call) gets `call_timeout` seconds of wall-clock
time (or `timeout=`). The worker enforces it softly (the item becomes a `CallTimeout` error item
and the request goes on); the client enforces it hard: a request fails with `SandboxTimeout` when
no item completes for `timeout + 1 s`, so a request of n items is bounded by about n × timeout.
On `SandboxTimeout` / `SandboxCrashed` everything in the sandbox is killed and the exception
carries the items completed so far (`results`) and the running item (`index`); the next request
transparently starts a fresh worker (`restarts` counts them). A candidate that fails to import is
reported as `CandidateLoadError` on every request, without restarts.

CPU: the worker's rlimit (`limits.cpu_seconds`) counts all its life. Once a worker has used half
of it, it is replaced before the next request (`recycled` counts these), so a long run of calls
to a busy candidate never meets SIGXCPU; a single request still can.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.sandbox import host, packages
from agent.sandbox.host import (
    SandboxCrashed,
    SandboxError,
    SandboxLimits,
    SandboxTimeout,
    UidLease,
)
from generated_bootcamps.contract import CLASSMETHODS

GRACE = 1.0
# A worker that has used this share of its CPU rlimit is replaced before the next request, so a
# long self-test of a legitimately busy candidate never meets SIGXCPU in the middle of a check.
RECYCLE_AT = 0.5
MAX_LINE_BYTES = 64 << 20


class CandidateLoadError(SandboxError):
    """The candidate module did not import, or has not exactly one Bootcamp subclass."""

    def __init__(self, message: str, error: dict[str, Any], **kwargs: Any):
        super().__init__(message, **kwargs)
        self.error = error


class CandidateError(SandboxError):
    """A candidate method raised (from `Sandbox.call`); `error` is the worker's error dict."""

    def __init__(self, message: str, error: dict[str, Any]):
        super().__init__(message)
        self.error = error


def _use_uid() -> bool:
    return os.geteuid() == 0 and host.sandbox_python()[1] != "unreachable by other users"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def exit_status(
    info: dict[str, Any],
    *,
    timed_out: bool,
    timeout: float,
    limits: SandboxLimits,
    stdout_size: int,
    stderr: str,
    output_capped: bool = True,
) -> tuple[int | None, str | None]:
    """A sandboxed program's return code (None if it never started, -N for signal N) and why it
    failed, or None when it succeeded (a stdout that reached the file-size cap is a failure when
    `output_capped`)."""
    if info.get("setup_error"):
        returncode = None
    elif info.get("signal") is not None:
        returncode = -int(info["signal"])
    else:
        returncode = info.get("code")
    reason = None
    if timed_out:
        reason = f"wall-clock timeout after {timeout:g} s"
    elif returncode != 0:
        reason = death_reason(info, limits, stdout_size, stderr[-2000:])
    elif output_capped and stdout_size >= limits.fsize:
        reason = f"output limit: stdout reached {limits.fsize >> 20} MiB"
    return returncode, reason


def death_reason(
    exit_info: dict[str, Any], limits: SandboxLimits, output_size: int, tail: str
) -> str:
    """A one-line reason for a worker's or program's death."""
    if exit_info.get("setup_error"):
        return f"sandbox setup failed: {exit_info['setup_error']}"
    sig = exit_info.get("signal")
    cpu = exit_info.get("cpu_seconds") or 0.0
    if sig is not None:
        name = _signal_name(sig)
        if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= limits.cpu_seconds):
            return f"{name}: CPU time limit of {limits.cpu_seconds} s exceeded"
        if sig == signal.SIGXFSZ:
            if output_size >= limits.fsize:
                return f"{name}: output flood: stdout exceeded {limits.fsize >> 20} MiB"
            return f"{name}: file size limit of {limits.fsize >> 20} MiB exceeded"
        if sig == signal.SIGSEGV:
            return f"{name}: segmentation fault"
        if sig == signal.SIGKILL and exit_info.get("stopped"):
            return f"{name}: killed by the sandbox"
        return name
    code = exit_info.get("code")
    if code is None:
        return "died without an exit status"
    reason = f"exited with code {code}"
    if "MemoryError" in tail:
        reason += " (MemoryError)"
    if output_size >= limits.fsize:
        reason += f" after an output flood (stdout exceeded {limits.fsize >> 20} MiB)"
    return reason


class Sandbox:
    """A sandboxed worker serving one candidate bootcamp module. Thread-safe; context manager."""

    def __init__(
        self,
        module_path: str | os.PathLike[str],
        *,
        limits: SandboxLimits | None = None,
        call_timeout: float = 10.0,
        start_timeout: float | None = None,
        seccomp: bool = True,
        hash_seed: int = 0,
        requires: Sequence[str] = (),
    ):
        self.hash_seed = hash_seed  # PYTHONHASHSEED of the worker: another value exposes set order
        self.module_path = Path(module_path).resolve()
        if not self.module_path.is_file():
            raise FileNotFoundError(self.module_path)
        self.limits = limits or SandboxLimits()
        self.call_timeout = call_timeout
        self.start_timeout = start_timeout if start_timeout is not None else call_timeout + 5.0
        self.seccomp = seccomp
        self.requires = tuple(requires)  # besides the module's own `requires` (packages.py)
        self._packages: packages.Packages | None = None
        self._packages_resolved = False
        self.restarts = 0  # workers started again after a crash or timeout
        self.recycled = 0  # workers replaced on purpose, near their CPU limit
        self.startup_seconds: float | None = None
        self._worker_cpu = 0.0
        self._lock = threading.RLock()
        self._lease: UidLease | None = None
        self._dir: Path | None = None
        self._launch: host.Launch | None = None
        self._req_w: int | None = None
        self._resp_r: int | None = None
        self._buf = bytearray()
        self._load_error: CandidateLoadError | None = None
        self._isolation: dict[str, Any] = {}
        self._closed = False
        self._started_once = False
        self.class_name: str | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def isolation(self) -> dict[str, Any]:
        """What isolation the last start achieved ({} before the first start)."""
        return dict(self._isolation)

    def start(self) -> None:
        """Start the worker if it is not running (requests do this on their own)."""
        with self._lock:
            if self._closed:
                raise SandboxError("sandbox is closed")
            if self._load_error is not None:
                raise self._load_error
            if self._launch is not None:
                return
            self._spawn()

    def _packages_view(self) -> packages.Packages | None:
        """The third-party packages the module declares (and `requires` adds), once; a
        requirement that cannot be met is the candidate's load error."""
        if not self._packages_resolved:
            try:
                source = self.module_path.read_text(encoding="utf-8", errors="replace")
                names = packages.check_names(self.requires) + packages.declared(source)
                self._packages = packages.view(names)
                self._packages_resolved = True
            except packages.RequirementError as error:
                message = f"candidate failed to load: RequirementError: {error}"
                self._load_error = CandidateLoadError(
                    message, {"type": "RequirementError", "message": str(error)}, reason=message
                )
                raise self._load_error from None
        return self._packages

    def _spawn(self) -> None:
        t0 = time.monotonic()
        view = self._packages_view()
        if self._lease is None and _use_uid():
            self._lease = host.lease_uid()
        if self._dir is None:
            files = {self.module_path.name: self.module_path.read_bytes()}
            files.update(host.companion_files(self.module_path))
            self._dir = host.make_layout(files, self._lease)
        else:
            host.reset_work(self._dir, self._lease)
        if self._started_once:
            self.restarts += 1
        self._started_once = True
        req_r, self._req_w = os.pipe()
        self._resp_r, resp_w = os.pipe()
        out = os.open(self._dir / "output.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        python, _ = host.sandbox_python()
        lib = host.lib_dir()
        worker_cfg = {
            "module": str(self._dir / "in" / self.module_path.name),
            "lib": str(lib),
            "in_fd": req_r,
            "out_fd": resp_w,
            "fsize": self.limits.fsize,
            "dedicated_uid": self._lease.uid if self._lease else None,
            "import_timeout": self.start_timeout,
            "packages": str(view.view) if view else None,
        }
        argv = [python, "-s", "-S", "-B", str(lib / "worker.py"), json.dumps(worker_cfg)]
        self._buf = bytearray()
        try:
            self._launch = host.Launch(
                lease=self._lease,
                limits=self.limits,
                seccomp=self.seccomp,
                directory=self._dir,
                argv=argv,
                stdin=None,
                stdout=out,
                stderr=out,
                target_fds=(req_r, resp_w),
                lib=lib,
                hash_seed=self.hash_seed,
                packages=view,
            )
        finally:
            os.close(req_r)
            os.close(resp_w)
            os.close(out)
        os.set_blocking(self._req_w, False)
        self._launch.read_status(self.start_timeout + GRACE)
        self._isolation = host.describe_isolation(
            self._launch.setup, self._lease, self.seccomp, view.names if view else ()
        )
        first = self._read_lines(1, self.start_timeout + GRACE, "start-up")[0]
        if first.get("ready") is True:
            self.class_name = first.get("class_name")
            self.startup_seconds = time.monotonic() - t0
            return
        error = first.get("error") if isinstance(first.get("error"), dict) else {}
        message = f"candidate failed to load: {error.get('type')}: {error.get('message')}"
        self._load_error = CandidateLoadError(
            message, error, reason=message, output_tail=self._tail()
        )
        self._kill()
        raise self._load_error

    def close(self) -> None:
        """Kill every sandbox process, remove the scratch dir, release the uid."""
        with self._lock:
            self._closed = True
            self._kill()
            if self._dir is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None
            if self._lease is not None:
                self._lease.release()
                self._lease = None

    def __del__(self) -> None:
        try:
            if not self._closed:
                self.close()
        except Exception:
            pass

    def _kill(self) -> dict[str, Any]:
        info: dict[str, Any] = {}
        if self._launch is not None:
            info = self._launch.stop()
            self._launch = None
        for name in ("_req_w", "_resp_r"):
            fd = getattr(self, name)
            if fd is not None:
                os.close(fd)
                setattr(self, name, None)
        return info

    def output_tail(self, size: int = 2000) -> str:
        """The end of what the candidate printed (stdout and stderr) since the worker started."""
        return host.read_tail(self._dir / "output.txt", size) if self._dir else ""

    def _tail(self) -> str:
        return self.output_tail()

    def _output_size(self) -> int:
        try:
            return (self._dir / "output.txt").stat().st_size if self._dir else 0
        except OSError:
            return 0

    # -- wire ----------------------------------------------------------------------------------

    def _fail(
        self, kind: type[SandboxError], what: str, reason: str, results: list[dict[str, Any]]
    ) -> SandboxError:
        """Kill the sandbox and build the exception to raise."""
        exit_info = self._kill()
        tail = self._tail()
        if kind is SandboxCrashed and not reason:
            reason = death_reason(exit_info, self.limits, self._output_size(), tail)
        message = f"{what}: {reason}"
        if results or what != "start-up":
            message += f" (at item {len(results)})"
        if tail.strip():
            message += "\n--- candidate output (tail) ---\n" + tail[-600:]
        return kind(
            message,
            reason=reason,
            results=results,
            index=len(results),
            output_tail=tail,
            exit_info=exit_info,
        )

    def _send(self, payload: dict[str, Any], timeout: float, what: str) -> None:
        data = memoryview((json.dumps(payload, allow_nan=True) + "\n").encode())
        deadline = time.monotonic() + timeout
        poller = select.poll()
        poller.register(self._req_w, select.POLLOUT)
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._fail(SandboxTimeout, what, "worker stopped reading requests", [])
            if not poller.poll(remaining * 1000):
                continue
            try:
                data = data[os.write(self._req_w, data) :]
            except BlockingIOError:
                continue
            except BrokenPipeError:
                raise self._fail(SandboxCrashed, what, "", []) from None

    def _read_lines(
        self, count: int | None, window: float, what: str, items: list[dict[str, Any]] | None = None
    ) -> list[dict[str, Any]]:
        """Read JSON lines: `count` of them, or (count None) item lines until the end line.

        `window` is the hard no-progress limit: each new line must arrive within it.
        """
        assert self._launch is not None and self._resp_r is not None
        lines: list[dict[str, Any]] = []
        items = [] if items is None else items
        poller = select.poll()
        poller.register(self._resp_r, select.POLLIN)
        if self._launch.pidfd is not None:
            poller.register(self._launch.pidfd, select.POLLIN)
        deadline = time.monotonic() + window
        eof = False
        while True:
            while (end := self._buf.find(b"\n")) >= 0:
                raw = bytes(self._buf[:end])
                del self._buf[: end + 1]
                try:
                    line = json.loads(raw)
                    if not isinstance(line, dict):
                        raise ValueError("not an object")
                except ValueError:
                    snippet = raw[:120].decode(errors="replace")
                    raise self._fail(
                        SandboxCrashed, what, f"protocol error: garbage line {snippet!r}", items
                    ) from None
                deadline = time.monotonic() + window
                if count is not None:
                    lines.append(line)
                    if len(lines) == count:
                        return lines
                    continue
                if "end" in line:
                    if line.get("fatal"):
                        reason = f"worker error: {line['fatal']}"
                        raise self._fail(SandboxCrashed, what, reason, items)
                    if line["end"] != len(items):
                        reason = f"protocol error: {line['end']} items announced, {len(items)} sent"
                        raise self._fail(SandboxCrashed, what, reason, items)
                    cpu = line.get("cpu")
                    self._worker_cpu = float(cpu) if isinstance(cpu, int | float) else 0.0
                    return items
                problem = _check_item(line, len(items))
                if problem:
                    raise self._fail(SandboxCrashed, what, f"protocol error: {problem}", items)
                del line["i"]
                items.append(line)
            if len(self._buf) > MAX_LINE_BYTES:
                raise self._fail(SandboxCrashed, what, "protocol error: line too long", items)
            if eof:
                raise self._fail(SandboxCrashed, what, "", items)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                reason = f"no result within {window:g} s (wall-clock timeout)"
                raise self._fail(SandboxTimeout, what, reason, items)
            events = poller.poll(remaining * 1000)
            for fd, _ in events:
                if fd == self._resp_r:
                    data = os.read(self._resp_r, 1 << 20)
                    if data:
                        self._buf += data
                    else:
                        eof = True
                else:  # the launcher exited: take what is left in the pipe, then report
                    os.set_blocking(self._resp_r, False)
                    try:
                        while data := os.read(self._resp_r, 1 << 20):
                            self._buf += data
                    except BlockingIOError:
                        pass
                    eof = True

    def _request(
        self, payload: dict[str, Any], what: str, timeout: float | None
    ) -> list[dict[str, Any]]:
        per_item = self.call_timeout if timeout is None else timeout
        payload = {**payload, "timeout": per_item}
        with self._lock:
            if self._launch is not None and not self._launch.alive():
                self._kill()  # died while idle (killed from outside): start afresh
            self.start()
            window = per_item + GRACE
            self._send(payload, window, what)
            items = self._read_lines(None, window, what)
            if self._worker_cpu > RECYCLE_AT * self.limits.cpu_seconds:
                self._kill()  # the next request starts a fresh worker with a fresh CPU budget
                self._worker_cpu = 0.0
                self._started_once = False  # not a restart: nothing went wrong
                self.recycled += 1
            return items

    # -- operations ----------------------------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        """Class facts: class_name, name, description, domain, defaults, difficulties,
        answer_kind, members {name: defined below Bootcamp?}, overrides (base methods the class
        overrides), optional {to_reference_input, from_reference_output}, docstring, problems."""
        item = self._request({"op": "describe"}, "describe()", None)[0]
        if not item["ok"]:
            raise CandidateError(f"describe failed: {item['error'].get('message')}", item["error"])
        return item["value"]

    def instantiate(
        self,
        difficulty: str | None = None,
        params: dict[str, Any] | None = None,
        seed: int | None = 0,
        *,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Construct one instance; an ok item whose value is {"params": effective params}."""
        payload = {"op": "instantiate", "difficulty": difficulty, "params": params or {}}
        payload["seed"] = seed
        return self._request(payload, "instantiate()", timeout)[0]

    def generate(
        self,
        difficulty: str | None = None,
        params: dict[str, Any] | None = None,
        seed: int | None = 0,
        count: int = 1,
        *,
        timeout: float | None = None,
    ) -> list[dict[str, Any]]:
        """`count` cases from ONE instance built with `seed`. If construction fails: a single
        error item whose error has "stage": "instantiate"."""
        payload = {
            "op": "generate",
            "difficulty": difficulty,
            "params": params or {},
            "seed": seed,
            "count": count,
        }
        return self._request(payload, f"generate(count={count})", timeout)

    def generate_seeds(
        self,
        difficulty: str | None = None,
        params: dict[str, Any] | None = None,
        seeds: list[int] | None = None,
        *,
        timeout: float | None = None,
    ) -> list[dict[str, Any]]:
        """One case per seed, each from a fresh instance built with that seed (as `campforge
        generate` makes records). Items carry "lossless" like `generate`'s."""
        seeds = list(seeds or [])
        payload = {
            "op": "generate_seeds",
            "difficulty": difficulty,
            "params": params or {},
            "seeds": seeds,
        }
        return self._request(payload, f"generate_seeds({len(seeds)} seeds)", timeout)

    def purity(
        self, cases: list[dict[str, Any]], *, timeout: float | None = None
    ) -> list[dict[str, Any]]:
        """Per case: the name of the first of prompt/solve/check/score that mutated it, or None."""
        payload = {"op": "purity", "cases": list(cases)}
        return self._request(payload, f"purity({len(cases)} cases)", timeout)

    def map(
        self,
        method: str,
        args_list: list[list[Any]] | list[tuple[Any, ...]],
        timeout: float | None = None,
        record: int | None = None,
    ) -> list[dict[str, Any]]:
        """`getattr(cls, method)(*args)` for each args tuple, results in order. With `record`
        (an argument's position), each item also carries "reads": the paths of that argument
        (a case) the call read, list positions as None (see worker.ReadRecorder)."""
        if method not in CLASSMETHODS:
            raise ValueError(f"unknown method {method!r}; expected one of {CLASSMETHODS}")
        args = [list(a) for a in args_list]
        payload: dict[str, Any] = {"op": "map", "method": method, "args": args}
        if record is not None:
            payload["record"] = record
        return self._request(payload, f"map({method}, {len(args)} items)", timeout)

    def effort(
        self, method: str, cases: list[dict[str, Any]], cap: int, *, timeout: float | None = None
    ) -> list[dict[str, Any]]:
        """Per case: the lines of the candidate's file that `method(case)` runs (at most `cap`),
        with the module's functools caches cleared first."""
        if method not in CLASSMETHODS:
            raise ValueError(f"unknown method {method!r}; expected one of {CLASSMETHODS}")
        payload = {"op": "effort", "method": method, "cases": list(cases), "cap": cap}
        return self._request(payload, f"effort({method}, {len(cases)} cases)", timeout)

    def call(self, method: str, *args: Any, timeout: float | None = None) -> Any:
        """One classmethod call: its value, or CandidateError."""
        item = self.map(method, [args], timeout=timeout)[0]
        if not item["ok"]:
            error = item["error"]
            raise CandidateError(f"{method}: {error.get('type')}: {error.get('message')}", error)
        return item["value"]


def _check_item(line: dict[str, Any], expected: int) -> str | None:
    if line.get("i") != expected:
        return f"item index {line.get('i')!r}, expected {expected}"
    if line.get("ok") is True:
        return None if "value" in line else "ok item without a value"
    if line.get("ok") is False:
        error = line.get("error")
        if isinstance(error, dict) and isinstance(error.get("type"), str):
            return None
        return "error item without an error"
    return "item without ok"


# -- reference programs ----------------------------------------------------------------------------


@dataclass
class ProgramResult:
    """Outcome of `run_program`. returncode is negative for a signal (like subprocess)."""

    stdout: str
    stderr: str
    returncode: int | None
    timed_out: bool
    reason: str | None
    seconds: float = 0.0
    isolation: dict[str, Any] = field(default_factory=dict)


def run_program(
    source: str,
    stdin: str,
    *,
    timeout: float,
    limits: SandboxLimits | None = None,
    seccomp: bool = True,
) -> ProgramResult:
    """Run a Python program (e.g. a spec's reference solution) in a fresh sandbox.

    stdout and stderr are captured through files, each capped at `limits.fsize`; `timeout` is the
    wall-clock budget from the moment the program starts. The interpreter runs with -s -S: the
    standard library only.
    """
    limits = limits or SandboxLimits()
    lease = host.lease_uid() if _use_uid() else None
    directory = host.make_layout(
        {"program.py": source.encode(), "stdin.txt": stdin.encode()}, lease
    )
    launch = None
    try:
        python, _ = host.sandbox_python()
        stdin_fd = os.open(directory / "in" / "stdin.txt", os.O_RDONLY)
        out_fd = os.open(directory / "stdout.txt", os.O_WRONLY | os.O_CREAT, 0o600)
        err_fd = os.open(directory / "stderr.txt", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            argv = [python, "-s", "-S", "-B", str(directory / "in" / "program.py")]
            launch = host.Launch(
                lease=lease,
                limits=limits,
                seccomp=seccomp,
                directory=directory,
                argv=argv,
                stdin=stdin_fd,
                stdout=out_fd,
                stderr=err_fd,
            )
        finally:
            for fd in (stdin_fd, out_fd, err_fd):
                os.close(fd)
        launch.read_status(30.0)
        isolation = host.describe_isolation(launch.setup, lease, seccomp)
        t0 = time.monotonic()
        timed_out = False
        try:
            launch.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        seconds = time.monotonic() - t0
        info = launch.stop()
        stdout_size = (directory / "stdout.txt").stat().st_size
        stdout = (directory / "stdout.txt").read_bytes()[: limits.fsize].decode("utf-8", "replace")
        stderr = (directory / "stderr.txt").read_bytes()[: limits.fsize].decode("utf-8", "replace")
        returncode, reason = exit_status(
            info,
            timed_out=timed_out,
            timeout=timeout,
            limits=limits,
            stdout_size=stdout_size,
            stderr=stderr,
        )
        return ProgramResult(stdout, stderr, returncode, timed_out, reason, seconds, isolation)
    finally:
        if launch is not None:
            launch.stop()
        shutil.rmtree(directory, ignore_errors=True)
        if lease is not None:
            lease.release()
