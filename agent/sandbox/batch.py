"""Batch runner: runs one program on many inputs inside one sandbox. Stdlib only; trusted code.

Run by the host as a sandbox's target (never imported by the sandboxed side):

    <python> -s -S -B batch.py <json-config>

The launcher has already applied the sandbox (uid, namespaces, rlimits, seccomp), so each run of
the program, a child process, meets the same limits as a program run alone: CPU time, address
space and file size are per-process rlimits, inherited afresh by every child. Starting a sandbox
costs ~0.1 s; a run inside one costs a fork and an exec, which is what makes checking hundreds of
answers with a reference checker affordable.

A Python program (config `python_program`, its path) is not exec'ed: a forked child of this
interpreter runs it as `python -s -S -B program.py` would (same flags, same PYTHONHASHSEED, fresh
`__main__` and standard streams), which saves starting an interpreter per run.

Config keys: argv (the program), python_program (optional), inputs (stdin files, one per run),
out (a writable directory), timeout (wall-clock seconds per run), dedicated_uid (true when the
sandbox has a uid of its own: then every process of the uid but us is killed after each run,
strays included), output_cap (bytes: stop once the runs' outputs together exceed it),
stop_at_failure (stop after the first run that fails: a timeout, a signal, a non-zero exit).

For run i: stdin is inputs[i], stdout and stderr go to <out>/<i>.out and <out>/<i>.err, and one
JSON line goes to our stdout: {"i", "code" or "signal" or "error", "cpu_seconds", "seconds",
"timed_out"}. Runs after the output cap, or after a failure with stop_at_failure, are not made:
a line {"stopped": "output cap" | "failure", "after": i} says why.
"""

import atexit
import contextlib
import io
import json
import os
import select
import signal
import sys
import time
import traceback
import types


def run_one(cfg, index, stdin_path):
    out_dir = cfg["out"]
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    stdin = os.open(stdin_path, os.O_RDONLY)
    stdout = os.open(os.path.join(out_dir, f"{index}.out"), flags, 0o600)
    stderr = os.open(os.path.join(out_dir, f"{index}.err"), flags, 0o600)
    started = time.monotonic()
    try:
        if cfg.get("python_program"):
            pid = fork_python(cfg["python_program"], stdin, stdout, stderr)
        else:
            pid = os.posix_spawn(
                cfg["argv"][0],
                cfg["argv"],
                dict(os.environ),
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, stdin, 0),
                    (os.POSIX_SPAWN_DUP2, stdout, 1),
                    (os.POSIX_SPAWN_DUP2, stderr, 2),
                ],
                setsid=True,
                # Python ignores these; a program run alone would have them at their defaults.
                setsigdef=(signal.SIGPIPE, signal.SIGXFSZ),
            )
    except OSError as error:
        return {"i": index, "error": f"cannot start the program: {error}", "seconds": 0.0}
    finally:
        for fd in (stdin, stdout, stderr):
            os.close(fd)
    timed_out = not wait_exit(pid, cfg["timeout"])
    if timed_out:
        kill_group(pid)
    _, status, usage = os.wait4(pid, 0)
    if cfg.get("dedicated_uid"):
        kill_strays()
    line = {
        "i": index,
        "seconds": round(time.monotonic() - started, 4),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 4),
        "timed_out": timed_out,
    }
    if os.WIFSIGNALED(status):
        line["signal"] = os.WTERMSIG(status)
    else:
        line["code"] = os.WEXITSTATUS(status)
    return line


def fork_python(path, stdin, stdout, stderr):
    """Run the Python program at `path` in a forked child of this interpreter, as `python -s -S
    -B path` would, without starting an interpreter (~10x faster than an exec per run)."""
    program = compiled(path)
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        os.setsid()
        for target, fd in ((0, stdin), (1, stdout), (2, stderr)):
            os.dup2(fd, target)
        code = run_python(path, program)
    finally:
        os._exit(code)


_compiled = {}


def compiled(path):
    """The program's code object, compiled once; a SyntaxError surfaces in each run."""
    if path not in _compiled:
        with open(path, encoding="utf-8") as source:
            text = source.read()
        try:
            _compiled[path] = compile(text, path, "exec")
        except SyntaxError as error:
            _compiled[path] = error
    return _compiled[path]


def run_python(path, program):
    """Execute a program's text as __main__, with fresh standard streams; its exit status."""
    sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)))
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w", closefd=False)))
    sys.stderr = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(2, "w", closefd=False)),
        errors="backslashreplace",
        line_buffering=True,
    )
    sys.argv = [path]
    sys.path[0] = os.path.dirname(path)
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    code = 0
    try:
        if isinstance(program, SyntaxError):
            raise program
        exec(program, main.__dict__)
    except SystemExit as stop:
        code = exit_code(stop.code)
    except BaseException:
        traceback.print_exc()
        code = 1
    try:  # what the interpreter does on the way out: join threads, run atexit, flush
        if "threading" in sys.modules:
            sys.modules["threading"]._shutdown()
        atexit._run_exitfuncs()
        sys.stdout.flush()
    except BaseException:
        code = code or 120
    with contextlib.suppress(BaseException):
        sys.stderr.flush()
    return code


def exit_code(value):
    """The exit status `SystemExit(value)` gives, as the interpreter computes it."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    with contextlib.suppress(BaseException):
        print(value, file=sys.stderr)
    return 1


def wait_exit(pid, timeout):
    """Whether the child exited within `timeout` seconds (it is not reaped)."""
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    deadline = time.monotonic() + timeout
    if pidfd is not None:
        try:
            return bool(select.select([pidfd], [], [], max(timeout, 0.0))[0])
        finally:
            os.close(pidfd)
    while time.monotonic() < deadline:  # no pidfd: poll
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
            return True
        time.sleep(0.002)
    return False


def kill_group(pid):
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)


def kill_strays():
    """SIGKILL every process of our uid but ourselves: kill(-1) spares the caller on Linux. (Its
    return value says nothing: it succeeds whenever any other process exists, even one it may
    not signal.) A killed process runs no more user code; the launcher, a subreaper, reaps it."""
    with contextlib.suppress(OSError):
        os.kill(-1, signal.SIGKILL)


def output_size(out_dir, index):
    total = 0
    for suffix in ("out", "err"):
        with contextlib.suppress(OSError):
            total += os.stat(os.path.join(out_dir, f"{index}.{suffix}")).st_size
    return total


def failed(line):
    return bool(line.get("error") or line.get("timed_out") or "signal" in line or line.get("code"))


def main(argv):
    cfg = json.loads(argv[1])
    written = 0
    for index, stdin_path in enumerate(cfg["inputs"]):
        line = run_one(cfg, index, stdin_path)
        sys.stdout.write(json.dumps(line) + "\n")
        written += output_size(cfg["out"], index)
        stop = None
        if written > cfg["output_cap"]:
            stop = "output cap"
        elif cfg.get("stop_at_failure") and failed(line):
            stop = "failure"
        if stop:
            sys.stdout.write(json.dumps({"stopped": stop, "after": index}) + "\n")
        sys.stdout.flush()
        if stop:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
