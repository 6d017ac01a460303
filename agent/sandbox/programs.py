"""Reference programs in Python, C, C++, Java, Go or Rust: built once, run in the sandbox.

A spec's reference programs (its `## Reference solution` and `## Reference checker`) are trusted
more than a candidate, but they are still code from outside: they compile and run in sandboxes.

    program = build(source, "cpp")            # compiles once (cached by language and source)
    results = run_many(program, stdins, timeout=10)   # one ProgramResult per stdin

`build` compiles in a sandbox of its own: a fresh uid, no network, a read-only filesystem but for
a private scratch and an output directory, under `COMPILE_LIMITS` (the run limits widened where a
compiler needs it: see there) and a wall-clock timeout. It raises `CompilerMissing` when the
language's compiler is not installed where the sandbox can run it, and `CompileError` (with the
compiler's first lines) when the source does not compile. Python needs no build.

`run_many` runs the program on many inputs: each batch of inputs shares one sandbox (starting one
costs ~0.1 s), and each run is a fresh process under the same limits as a program run alone
(see batch.py). A compiled program's files are copied read-only into each sandbox.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.sandbox import host
from agent.sandbox.client import ProgramResult, _use_uid, exit_status
from agent.sandbox.host import SandboxError, SandboxLimits

BATCH_RUNNER = Path(__file__).resolve().parent / "batch.py"
# Where compilers are looked up, and the PATH they run with: the system's, as the sandbox sees it
# (/root and /home are hidden in the sandbox, so a compiler installed there cannot run).
COMPILER_PATH = "/usr/local/bin:/usr/bin:/bin"
COMPILE_TIMEOUT = 60.0  # wall-clock seconds for one compilation
# A compiler runs under the limits of a reference program run (measured here: g++ -O1 on
# <bits/stdc++.h> and javac, with the JVM flags below, fit in 1 GiB of address space and 16
# processes), with a larger scratch for its temporary files. Go and Rust get more (not measured
# here, as neither is installed): `go build` runs parallel compile jobs, each a multi-threaded
# process, and rustc's LLVM reserves much address space.
COMPILE_LIMITS = SandboxLimits(scratch_bytes=256 << 20)
WIDE_COMPILE_LIMITS = SandboxLimits(
    address_space=4 << 30, nofile=256, nproc=64, scratch_bytes=512 << 20
)
MAX_BUILD_BYTES = 64 << 20  # a compiled program larger than this is refused
BATCH_OUTPUT_CAP = 256 << 20  # the outputs of one batch of runs, together
COMPILER_LINES = 12  # lines of the compiler's complaint kept in a CompileError
CACHE_SIZE = 32
# The JVM within the run limits (1 GiB of address space, 16 processes and threads): a small heap,
# code cache and class space, one GC thread, one JIT thread, no perf-data file in /tmp. (A larger
# -Xss makes its threads fail to start within 1 GiB.)
JVM_FLAGS = (
    "-Xmx256m",
    "-XX:ReservedCodeCacheSize=64m",
    "-XX:CompressedClassSpaceSize=64m",
    "-XX:MaxMetaspaceSize=128m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:CICompilerCount=1",
    "-XX:-UsePerfData",
)


@dataclass(frozen=True)
class Language:
    """How a language's programs are built and run.

    `compile` and `run` are argument templates: {compiler} the compiler's path, {source} the
    source file, {out} the directory the build writes, {dir} the directory holding the built
    files at run time, {python} the sandbox's interpreter, {java} the JVM launcher,
    {main} Java's main class.
    """

    name: str
    title: str
    source_name: str
    compiler: str | None  # None: interpreted, no build
    compile: tuple[str, ...] = ()
    run: tuple[str, ...] = ("{dir}/main",)
    env: tuple[tuple[str, str], ...] = ()  # extra environment of the compiler
    runtime: str | None = None  # another program the runs need (Java's `java`)
    compile_limits: SandboxLimits = COMPILE_LIMITS


LANGUAGES: dict[str, Language] = {
    "python": Language(
        "python",
        "Python",
        "program.py",
        None,
        run=("{python}", "-s", "-S", "-B", "{dir}/program.py"),
    ),
    "c": Language(
        "c",
        "C",
        "main.c",
        "gcc",
        ("{compiler}", "-O1", "-std=gnu17", "-pipe", "-o", "{out}/main", "{source}", "-lm"),
    ),
    "cpp": Language(
        "cpp",
        "C++",
        "main.cpp",
        "g++",
        ("{compiler}", "-O1", "-std=gnu++17", "-pipe", "-o", "{out}/main", "{source}"),
    ),
    "java": Language(
        "java",
        "Java",
        "Main.java",
        "javac",
        (
            "{compiler}",
            *(f"-J{flag}" for flag in JVM_FLAGS),
            "-encoding",
            "UTF-8",
            "-d",
            "{out}",
            "{source}",
        ),
        run=("{java}", *JVM_FLAGS, "-cp", "{dir}", "{main}"),
        runtime="java",
    ),
    "go": Language(
        "go",
        "Go",
        "main.go",
        "go",
        ("{compiler}", "build", "-o", "{out}/main", "{source}"),
        compile_limits=WIDE_COMPILE_LIMITS,
        env=(
            ("GO111MODULE", "off"),
            ("GOTOOLCHAIN", "local"),
            ("CGO_ENABLED", "0"),
            ("GOFLAGS", ""),
        ),
    ),
    "rust": Language(
        "rust",
        "Rust",
        "main.rs",
        "rustc",
        ("{compiler}", "-O", "--edition", "2021", "-o", "{out}/main", "{source}"),
        compile_limits=WIDE_COMPILE_LIMITS,
    ),
}
ALIASES = {
    "": "python",
    "py": "python",
    "python3": "python",
    "c++": "cpp",
    "cc": "cpp",
    "cxx": "cpp",
    "golang": "go",
    "rs": "rust",
}


def language_of(tag: str) -> str | None:
    """The language a fenced block's tag names ("cpp" for ```c++), or None if unsupported."""
    name = ALIASES.get(tag.strip().lower(), tag.strip().lower())
    return name if name in LANGUAGES else None


class BuildError(SandboxError):
    """A reference program could not be built; the message says why, in one line or a few."""


class CompilerMissing(BuildError):
    """The language's compiler is not installed where the sandbox can run it."""


class CompileError(BuildError):
    """The compiler rejected the source (or ran out of time); `output` is what it said."""

    def __init__(self, message: str, output: str = "", *, timed_out: bool = False):
        super().__init__(message)
        self.output = output
        self.timed_out = timed_out  # not cached: another try with more time may succeed


@dataclass(frozen=True)
class Program:
    """A program ready to run: its files (copied into each sandbox) and its command line."""

    language: str
    files: dict[str, bytes]
    executables: frozenset[str]
    argv: tuple[str, ...]  # "{dir}" stands for the directory holding `files`
    build_seconds: float = 0.0
    notes: dict[str, Any] = field(default_factory=dict)


def find_compiler(language: str) -> dict[str, str]:
    """{placeholder: path} of the programs building and running `language` needs.

    Raises CompilerMissing naming the first one that is not installed (or that the sandbox's
    unprivileged uid cannot run)."""
    lang = LANGUAGES[language]
    found: dict[str, str] = {}
    for role, name in (("compiler", lang.compiler), ("java", lang.runtime)):
        if name is None:
            continue
        path = shutil.which(name, path=COMPILER_PATH)
        if path is None:
            raise CompilerMissing(f"cannot compile {lang.title}: {name} is not installed")
        if _use_uid() and not host._reachable_by_other(Path(path), executable=True):
            raise CompilerMissing(
                f"cannot compile {lang.title}: {path} cannot be run by the sandbox's "
                "unprivileged uid"
            )
        found[role] = path
    return found


_cache_lock = threading.Lock()
_cache: OrderedDict[tuple[str, str], Program | CompileError] = OrderedDict()
_key_locks: dict[tuple[str, str], threading.Lock] = {}


def build(source: str, language: str, *, timeout: float = COMPILE_TIMEOUT) -> Program:
    """The program `source` in `language`, compiled in a sandbox if the language needs it.

    A build (or its CompileError) is cached by language and source, so a spec's programs are
    compiled once per process however many self-tests use them. Raises CompilerMissing or
    CompileError (a ValueError for an unknown language)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; supported: {', '.join(LANGUAGES)}")
    lang = LANGUAGES[language]
    if lang.compiler is None:
        return Program(language, {lang.source_name: source.encode()}, frozenset(), lang.run)
    tools = find_compiler(language)  # never cached: a compiler may be installed meanwhile
    key = (language, hashlib.sha256(source.encode()).hexdigest())
    with _cache_lock:
        key_lock = _key_locks.setdefault(key, threading.Lock())
    with key_lock:  # two self-tests of one spec in parallel threads compile it once
        with _cache_lock:
            cached = _cache.get(key)
        if cached is None:
            try:
                cached = _compile(source, lang, tools, timeout)
            except CompileError as error:
                if error.timed_out:
                    raise
                cached = error
            with _cache_lock:
                _cache[key] = cached
                while len(_cache) > CACHE_SIZE:
                    evicted, _ = _cache.popitem(last=False)
                    _key_locks.pop(evicted, None)
    if isinstance(cached, CompileError):  # a fresh exception: a raised one collects frames
        raise CompileError(str(cached), cached.output)
    return cached


def clear_cache() -> None:
    """Forget every build (tests use it to compile afresh)."""
    with _cache_lock:
        _cache.clear()


def _java_main_class(source: str) -> str:
    found = re.search(r"\bpublic\s+(?:final\s+|abstract\s+)*class\s+([A-Za-z_$][\w$]*)", source)
    return found.group(1) if found else "Main"


def _compile(source: str, lang: Language, tools: dict[str, str], timeout: float) -> Program:
    source_name = lang.source_name
    notes: dict[str, Any] = {}
    if lang.name == "java":
        notes["main"] = _java_main_class(source)
        source_name = f"{notes['main']}.java"
    started = time.monotonic()
    with _Sandboxed({source_name: source.encode()}, lang.compile_limits, output_dir=True) as box:
        values = {
            "compiler": tools["compiler"],
            "source": str(box.inputs / source_name),
            "out": str(box.out),
        }
        argv = [part.format(**values) for part in lang.compile]
        env = {"TMPDIR": str(box.work), "PATH": COMPILER_PATH, **dict(lang.env)}
        env |= {"GOCACHE": str(box.work / "gocache"), "GOPATH": str(box.work / "gopath")}
        outcome = box.run(argv, timeout=timeout, env=env)
        said = (outcome.stderr + outcome.stdout).strip()
        if outcome.timed_out:
            raise CompileError(
                f"the compiler did not finish within {timeout:g} s", said, timed_out=True
            )
        if outcome.returncode != 0:
            raise CompileError(_first_lines(said, box) or (outcome.reason or "failed"), said)
        files = box.collect_output()
    if not files:
        raise CompileError("the compiler wrote nothing", said)
    run = tuple(
        part.replace("{java}", tools.get("java", "")).replace("{main}", notes.get("main", ""))
        for part in lang.run
    )
    executables = frozenset(name for name in files if name == "main")
    seconds = round(time.monotonic() - started, 3)
    return Program(lang.name, files, executables, run, build_seconds=seconds, notes=notes)


def _first_lines(text: str, box: _Sandboxed) -> str:
    """The compiler's complaint, first lines, with the sandbox's paths taken out."""
    text = text.replace(str(box.inputs) + "/", "").replace(str(box.directory), "")
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[:COMPILER_LINES])


def run_many(
    program: Program,
    stdins: list[str],
    *,
    timeout: float,
    limits: SandboxLimits | None = None,
    seccomp: bool = True,
    parallel: int = 1,
    stop_at_failure: bool = False,
) -> list[ProgramResult]:
    """Run `program` once per stdin, in `parallel` sandboxes at most; results in order.

    Each run gets `timeout` wall-clock seconds and the limits of a program run alone. With
    `stop_at_failure`, a sandbox makes no more runs after one fails (times out, is killed or
    exits non-zero): the later ones come back "not run", so a program that hangs on every input
    costs one timeout per sandbox, not one per input."""
    if not stdins:
        return []
    limits = limits or SandboxLimits()
    chunks = max(1, min(parallel, len(stdins)))
    size = -(-len(stdins) // chunks)
    parts = [stdins[start : start + size] for start in range(0, len(stdins), size)]

    def run(part: list[str]) -> list[ProgramResult]:
        return _run_batch(program, part, timeout, limits, seccomp, stop_at_failure)

    if len(parts) == 1:
        return run(parts[0])
    with ThreadPoolExecutor(len(parts)) as pool:
        return [result for batch in pool.map(run, parts) for result in batch]


def _run_batch(
    program: Program,
    stdins: list[str],
    timeout: float,
    limits: SandboxLimits,
    seccomp: bool,
    stop_at_failure: bool,
) -> list[ProgramResult]:
    files = {f"prog/{name}": data for name, data in program.files.items()}
    files |= {f"stdin/{index}": text.encode() for index, text in enumerate(stdins)}
    files["batch.py"] = BATCH_RUNNER.read_bytes()
    executables = frozenset(f"prog/{name}" for name in program.executables)
    with _Sandboxed(
        files, limits, output_dir=True, executables=executables, seccomp=seccomp
    ) as box:
        python, _ = host.sandbox_python()
        argv = [part.format(dir=box.inputs / "prog", python=python) for part in program.argv]
        config = {
            "argv": argv,
            "inputs": [str(box.inputs / "stdin" / str(index)) for index in range(len(stdins))],
            "out": str(box.out),
            "timeout": timeout,
            "dedicated_uid": box.lease is not None,
            "output_cap": BATCH_OUTPUT_CAP,
            "stop_at_failure": stop_at_failure,
        }
        if program.language == "python":
            config["python_program"] = str(box.inputs / "prog" / LANGUAGES["python"].source_name)
        # -s -S -B, as a Python program runs alone: the environment is the sandbox's own.
        runner = [python, "-s", "-S", "-B", str(box.inputs / "batch.py"), json.dumps(config)]
        budget = len(stdins) * (timeout + 0.5) + 10.0
        outcome = box.run(runner, timeout=budget)
        lines, stopped = _result_lines(outcome.stdout)
        if stopped == "failure":
            missing = "not run: an earlier run in its batch failed"
        elif stopped == "output cap":
            missing = f"not run: the runs' outputs passed {BATCH_OUTPUT_CAP >> 20} MiB"
        else:  # the runner itself died or ran out of time
            tail = outcome.stderr.strip().splitlines()[-1:]
            missing = "the batch runner stopped: " + (outcome.reason or "no reason given")
            missing += f" ({tail[0][:200]})" if tail else ""
        results = []
        for index in range(len(stdins)):
            line = lines.get(index)
            if line is None:
                results.append(
                    ProgramResult("", "", None, outcome.timed_out, missing, 0.0, box.isolation)
                )
            else:
                results.append(_result(line, box, limits, timeout))
        return results


def _result_lines(text: str) -> tuple[dict[int, dict[str, Any]], str | None]:
    """The runner's lines by run index, and why it stopped early (None if it did not say)."""
    lines: dict[int, dict[str, Any]] = {}
    stopped = None
    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict) and isinstance(line.get("i"), int):
            lines[line["i"]] = line
        elif isinstance(line, dict) and isinstance(line.get("stopped"), str):
            stopped = line["stopped"]
    return lines, stopped


def _result(
    line: dict[str, Any], box: _Sandboxed, limits: SandboxLimits, timeout: float
) -> ProgramResult:
    index = line["i"]
    stdout_path, stderr_path = box.out / f"{index}.out", box.out / f"{index}.err"
    stdout_size = stdout_path.stat().st_size if stdout_path.exists() else 0
    stdout = host.read_head(stdout_path, limits.fsize)
    stderr = host.read_head(stderr_path, limits.fsize)
    seconds = float(line.get("seconds") or 0.0)
    if line.get("error"):
        return ProgramResult(stdout, stderr, None, False, line["error"], seconds, box.isolation)
    timed_out = bool(line.get("timed_out"))
    returncode, reason = exit_status(
        line,
        timed_out=timed_out,
        timeout=timeout,
        limits=limits,
        stdout_size=stdout_size,
        stderr=stderr,
    )
    return ProgramResult(stdout, stderr, returncode, timed_out, reason, seconds, box.isolation)


@dataclass
class _Outcome:
    stdout: str
    stderr: str
    returncode: int | None
    timed_out: bool
    reason: str | None


class _Sandboxed:
    """One sandbox directory (inputs, scratch, optional writable output dir) with its uid."""

    def __init__(
        self,
        files: dict[str, bytes],
        limits: SandboxLimits,
        *,
        output_dir: bool = False,
        executables: frozenset[str] = frozenset(),
        seccomp: bool = True,
    ):
        self.limits, self.seccomp = limits, seccomp
        self.lease = host.lease_uid() if _use_uid() else None
        self.directory = host.make_layout(files, self.lease, executables)
        self.inputs, self.work = self.directory / "in", self.directory / "work"
        self.out = self.directory / "out"
        self.isolation: dict[str, Any] = {}
        if output_dir:
            self.out.mkdir(mode=0o700)
            if self.lease is not None:
                os.chown(self.out, self.lease.uid, self.lease.gid)

    def __enter__(self) -> _Sandboxed:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
        if self.lease is not None:
            self.lease.release()

    def run(
        self, argv: list[str], *, timeout: float, env: dict[str, str] | None = None
    ) -> _Outcome:
        """Run `argv` in the sandbox (stdin empty), wait at most `timeout` s, kill everything."""
        out_fd = os.open(
            self.directory / "stdout.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600
        )
        err_fd = os.open(
            self.directory / "stderr.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600
        )
        launch = None
        try:
            try:
                launch = host.Launch(
                    lease=self.lease,
                    limits=self.limits,
                    seccomp=self.seccomp,
                    directory=self.directory,
                    argv=argv,
                    stdin=None,
                    stdout=out_fd,
                    stderr=err_fd,
                    writable=(self.out,) if self.out.exists() else (),
                    env={"TMPDIR": str(self.work), **(env or {})},
                )
            finally:
                os.close(out_fd)
                os.close(err_fd)
            launch.read_status(30.0)
            self.isolation = host.describe_isolation(launch.setup, self.lease, self.seccomp)
            timed_out = False
            try:
                launch.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
            info = launch.stop()
        finally:
            if launch is not None:
                launch.stop()
        stdout_size = (self.directory / "stdout.txt").stat().st_size
        stdout = host.read_head(self.directory / "stdout.txt", self.limits.fsize)
        stderr = host.read_head(self.directory / "stderr.txt", self.limits.fsize)
        returncode, reason = exit_status(
            info,
            timed_out=timed_out,
            timeout=timeout,
            limits=self.limits,
            stdout_size=stdout_size,
            stderr=stderr,
            output_capped=False,
        )
        return _Outcome(stdout, stderr, returncode, timed_out, reason)

    def collect_output(self) -> dict[str, bytes]:
        """The files the sandbox wrote to its output directory (no links, at most
        MAX_BUILD_BYTES in all)."""
        files: dict[str, bytes] = {}
        total = 0
        for path in sorted(self.out.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            total += path.stat().st_size
            if total > MAX_BUILD_BYTES:
                raise CompileError(f"the build is over {MAX_BUILD_BYTES >> 20} MiB")
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, "rb") as stream:
                files[str(path.relative_to(self.out))] = stream.read(MAX_BUILD_BYTES + 1)
        return files
