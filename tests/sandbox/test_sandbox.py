"""agent.sandbox: untrusted candidate code runs in real, isolated processes and is contained.

Every hostile candidate must be stopped with a clear reason, leave this process unharmed and leave
no process of its sandbox uid behind (the `contained` fixture checks /proc after close).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

from agent.sandbox import (
    CandidateError,
    CandidateLoadError,
    Sandbox,
    SandboxCrashed,
    SandboxLimits,
    SandboxTimeout,
    host,
    run_program,
)

REPO = Path(__file__).resolve().parents[2]
CASE = {"a": 2, "b": 3}

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="full isolation (uid drop, namespaces) needs root"
)

GOOD_SOLVE = """
if case.get("boom"):
    return case["a"] // 0
if case.get("set"):
    return {1, 2}
if case.get("nan"):
    return [float("nan"), float("inf")]
return case["a"] + case["b"]
"""
GOOD_EXTRA = """
@classmethod
def check(cls, case, answer):
    return answer == cls.solve(case)

@classmethod
def to_reference_input(cls, case):
    return f"{case['a']} {case['b']}"
"""


def solve_items(sandbox: Sandbox, *cases: dict) -> list[dict]:
    return sandbox.map("solve", [[case] for case in cases])


# -- a well-behaved candidate ----------------------------------------------------------------------


def test_well_behaved_candidate(candidate, contained):
    path = candidate(solve=GOOD_SOLVE, extra=GOOD_EXTRA)
    with contained(path, call_timeout=5) as sb:
        sb.start()
        iso = sb.isolation
        assert iso["uid_drop"] is True and 61000 <= iso["uid"] < 62000
        assert iso["network"] == "netns+seccomp"
        assert iso["filesystem"].startswith("read-only")
        assert iso["limits"]["nproc"] == 16 and iso["limits"]["nproc_enforced"]

        info = sb.describe()
        assert info["class_name"] == "Adder" and info["name"] == "adder"
        assert info["defaults"] == {"high": 10} and set(info["difficulties"]) == {
            "easy",
            "medium",
            "hard",
        }
        assert info["members"]["solve"] and not info["members"]["score"]
        assert {"check", "extract", "format_answer", "generate"} <= set(info["overrides"])
        assert "score" not in info["overrides"]
        assert info["optional"] == {
            "to_reference_input": True,
            "from_reference_output": False,
            "brute_force": False,
            "all_answers": False,
            "shortcuts": False,
        }

        cases = sb.generate("medium", {}, seed=7, count=20)
        assert len(cases) == 20 and all(c["ok"] and c["lossless"] for c in cases)
        assert all(c["seconds"] >= 0 for c in cases)
        again = sb.generate("medium", {}, seed=7, count=20)
        assert [c["value"] for c in again] == [c["value"] for c in cases]
        other = sb.generate("medium", {}, seed=8, count=20)
        assert [c["value"] for c in other] != [c["value"] for c in cases]

        values = [c["value"] for c in cases]
        solved = solve_items(sb, *values)
        assert [r["value"] for r in solved] == [v["a"] + v["b"] for v in values]
        responses = [sb.call("format_answer", r["value"]) for r in solved[:3]]
        scores = sb.map("score", [[resp, v] for resp, v in zip(responses, values, strict=False)])
        assert [s["value"] for s in scores] == [1.0, 1.0, 1.0]
        assert sb.call("score", "[answer]-1[/answer]", values[0]) == 0.0
        assert sb.call("to_reference_input", CASE) == "2 3"

        # candidate exceptions are error items; the worker goes on
        boom, bad_set, fine = solve_items(sb, {**CASE, "boom": 1}, {**CASE, "set": 1}, CASE)
        assert boom["ok"] is False and boom["error"]["type"] == "ZeroDivisionError"
        assert "candidate_" in boom["error"]["traceback"]
        assert bad_set["ok"] is False and "not JSON-serializable" in bad_set["error"]["message"]
        assert fine == {"ok": True, "value": 5, "seconds": fine["seconds"]}
        with pytest.raises(CandidateError, match="ZeroDivisionError"):
            sb.call("solve", {**CASE, "boom": 1})
        missing = sb.map("from_reference_output", [["5"]])[0]
        assert missing["error"]["type"] == "AttributeError"

        nan, inf = sb.call("solve", {**CASE, "nan": 1})
        assert math.isnan(nan) and inf == math.inf

        made = sb.instantiate("easy", {}, seed=1)
        assert made["ok"] is True and made["value"] == {"params": {"high": 10}}
        unknown = sb.instantiate("easy", {"bogus": 1}, seed=1)
        assert unknown["ok"] is False and unknown["error"]["type"] == "ValueError"
        bad = sb.generate("impossible", {}, seed=1, count=5)
        assert len(bad) == 1 and bad[0]["error"]["stage"] == "instantiate"
        with pytest.raises(ValueError):
            sb.map("__init__", [[]])
        assert sb.restarts == 0


def test_lossy_and_unserializable_cases_are_flagged(candidate, contained):
    extra = """
    def generate(self):
        kind = self.params["high"]
        if kind == 1:
            return {1: "int key"}
        if kind == 2:
            return {"t": (1, 2)}
        return {"s": {1, 2}}
    """
    with contained(candidate(extra=extra)) as sb:
        lossy_key = sb.generate(None, {"high": 1}, seed=0, count=1)[0]
        lossy_tuple = sb.generate(None, {"high": 2}, seed=0, count=1)[0]
        unserializable = sb.generate(None, {"high": 3}, seed=0, count=1)[0]
    assert (
        lossy_key["ok"]
        and lossy_key["lossless"] is False
        and lossy_key["value"] == {"1": "int key"}
    )
    assert lossy_tuple["ok"] and lossy_tuple["lossless"] is False
    assert unserializable["ok"] is False
    assert unserializable["error"]["message"].startswith("case is not JSON-serializable")


def test_item_seconds_are_the_calls_cpu_time_finely_measured(candidate, contained):
    """A call of about a millisecond of CPU is measured as such: the speed check's percentiles
    rest on it. (Inside the sandbox, under its CPU rlimit, the process CPU clock advances only
    at scheduler ticks, 4 ms apart: it read most such calls as 0.)"""
    burn = """
    total = 0
    for k in range(case["loops"]):  # no clock calls or sleeps: they would refresh the clock
        total += k * k
    return total
    """
    with contained(candidate(solve=burn)) as sb:
        items = solve_items(sb, *[{"loops": 20_000}] * 20)
    seconds = [item["seconds"] for item in items]
    assert all(0.0001 < s < 0.05 for s in seconds), seconds


def test_a_worker_near_its_cpu_limit_is_replaced_between_requests(candidate, contained):
    """Eight requests of 0.4 s CPU each under a 2 s CPU rlimit: without recycling, the fifth
    would die of SIGXCPU; with it, all succeed and nothing counts as a crash."""
    burn = """
    started = time.thread_time()
    while time.thread_time() - started < 0.4:
        pass
    return case["a"] + case["b"]
    """
    limits = SandboxLimits(cpu_seconds=2)
    with contained(candidate(solve=burn), limits=limits) as sb:
        answers = [sb.call("solve", CASE) for _ in range(8)]
        assert answers == [5] * 8
        assert sb.recycled >= 2 and sb.restarts == 0


def test_infinite_loop_is_stopped_by_the_soft_timeout(candidate, contained):
    with contained(candidate(solve="while True:\n    pass"), call_timeout=0.5) as sb:
        t0 = time.monotonic()
        item = solve_items(sb, CASE)[0]
        assert time.monotonic() - t0 < 2.0
        assert item["error"]["type"] == "CallTimeout"
        assert sb.call("prompt", CASE).startswith("What is 2 + 3")
        assert sb.restarts == 0


def test_uncooperative_hang_hits_the_hard_timeout_and_keeps_partial_results(
    candidate, contained, uid_processes
):
    solve = """
    if case.get("hang"):
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        while True:
            pass
    return case["a"] + case["b"]
    """
    with contained(candidate(solve=solve), call_timeout=0.5) as sb:
        sb.start()
        t0 = time.monotonic()
        with pytest.raises(SandboxTimeout) as caught:
            solve_items(sb, CASE, {**CASE, "hang": 1}, CASE)
        assert time.monotonic() - t0 < 3.0
        assert caught.value.index == 1 and [r["value"] for r in caught.value.results] == [5]
        assert uid_processes(sb.isolation["uid"]) == []  # killed before the error was raised
        assert sb.call("solve", CASE) == 5
        assert sb.restarts == 1


def test_cpu_burn_gets_sigxcpu(candidate, contained):
    limits = SandboxLimits(cpu_seconds=1)
    solve = """
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass
    """
    with contained(candidate(solve=solve), limits=limits, call_timeout=5) as sb:
        with pytest.raises(SandboxCrashed, match="SIGXCPU") as caught:
            solve_items(sb, CASE)
        assert "CPU time limit of 1 s" in caught.value.reason
        assert sb.call("prompt", CASE)
        assert sb.restarts == 1


def test_huge_allocation_is_a_memory_error(candidate, contained):
    solve = "data = bytearray(10 * 1024**3)\nreturn len(data)"
    with contained(candidate(solve=solve)) as sb:
        item = solve_items(sb, CASE)[0]
        assert item["ok"] is False and item["error"]["type"] == "MemoryError"
        assert sb.call("prompt", CASE)
        assert sb.restarts == 0


def test_os_exit_in_a_method_is_a_crash_and_the_next_request_restarts(candidate, contained):
    solve = """
    print("about to exit")
    sys.stdout.flush()
    os._exit(3)
    """
    with contained(candidate(solve=solve)) as sb:
        with pytest.raises(SandboxCrashed) as caught:
            solve_items(sb, CASE)
        assert caught.value.reason == "exited with code 3"
        assert "about to exit" in caught.value.output_tail
        assert sb.describe()["class_name"] == "Adder"
        assert sb.restarts == 1


def test_segfault_is_reported_as_sigsegv(candidate, contained):
    with contained(candidate(solve="return ctypes.string_at(0)")) as sb:
        with pytest.raises(SandboxCrashed, match="SIGSEGV: segmentation fault"):
            solve_items(sb, CASE)
        assert sb.call("prompt", CASE).startswith("What is")
        assert sb.restarts == 1


def test_output_flood_is_capped_and_does_not_corrupt_the_channel(candidate, contained):
    solve = """
    chunk = "x" * (1 << 20) + "\\n"
    for _ in range(100):
        sys.stdout.write(chunk)
    return 1
    """
    with contained(candidate(solve=solve)) as sb:
        item = solve_items(sb, CASE)[0]
        assert item["error"]["type"] == "OutputFlood"
        assert "output flood: stdout/stderr exceeded 16 MiB" in item["error"]["message"]
        assert sb._dir is not None and (sb._dir / "output.txt").stat().st_size <= 16 << 20
        assert sb.map("prompt", [[CASE]] * 3)[2]["value"].startswith("What is 2 + 3")
        assert sb.restarts == 0


def test_fork_bomb_is_contained(candidate, contained, uid_processes):
    solve = """
    if case.get("count"):  # how many processes can we start? (children just sleep)
        started = 0
        for _ in range(200):
            try:
                if os.fork() == 0:
                    time.sleep(1000)
                started += 1
            except OSError:
                break
        return started
    signal.signal(signal.SIGALRM, signal.SIG_IGN)  # the worker cannot save itself
    while True:
        try:
            os.fork()
        except OSError:
            pass
    """
    with contained(candidate(solve=solve), call_timeout=0.5) as sb:
        assert sb.call("solve", {"count": 1}) < 16  # RLIMIT_NPROC of the sandbox uid
        with pytest.raises(SandboxTimeout) as caught:
            solve_items(sb, CASE)
        assert caught.value.exit_info["leftover"] == 0  # the launcher killed the whole uid
        assert uid_processes(sb.isolation["uid"]) == []
        assert sb.call("prompt", CASE).startswith("What is")


def test_network_is_unreachable(candidate, contained):
    solve = """
    try:
        socket.create_connection((case["host"], case["port"]), timeout=2).close()
        return "connected"
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    try:
        with contained(candidate(solve=solve)) as sb:  # netns + seccomp
            outside, local = solve_items(
                sb, {"host": "1.1.1.1", "port": 80}, {"host": "127.0.0.1", "port": port}
            )
            assert outside["value"].startswith("PermissionError")
            assert local["value"].startswith("PermissionError")
        with contained(candidate(solve=solve), seccomp=False) as sb:  # the namespace alone
            sb.start()
            assert sb.isolation["network"] == "netns"
            outside, local = solve_items(
                sb, {"host": "1.1.1.1", "port": 80}, {"host": "127.0.0.1", "port": port}
            )
            assert "Network is unreachable" in outside["value"]
            assert "Network is unreachable" in local["value"]
        listener.settimeout(0.1)
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


def test_writes_outside_scratch_are_denied(candidate, contained):
    solve = """
    results = {}
    for path in case["paths"]:
        try:
            with open(path, "w") as f:
                f.write("pwned")
            results[path] = "written"
        except OSError as exc:
            results[path] = type(exc).__name__
    try:
        results["read repo"] = open(case["repo_file"]).read()[:10]
    except OSError as exc:
        results["read repo"] = type(exc).__name__
    return results
    """
    token = uuid.uuid4().hex
    outside = [f"/tmp/campforge-pwned-{token}", str(REPO / f"pwned-{token}"), f"/etc/pwned-{token}"]
    outside.append(f"/var/tmp/pwned-{token}")
    case = {"paths": [*outside, "scratch.txt"], "repo_file": str(REPO / "pyproject.toml")}
    try:
        with contained(candidate(solve=solve)) as sb:
            results = sb.call("solve", case)
        for path in outside:
            assert results[path] in ("OSError", "PermissionError", "FileNotFoundError"), results
            assert not os.path.exists(path)
    finally:  # a regression must not leave files behind
        for path in outside:
            with contextlib.suppress(OSError):
                os.remove(path)
    assert results["scratch.txt"] == "written"
    assert results["read repo"] == "FileNotFoundError"  # the repo is hidden


def test_environment_is_stripped(candidate, contained, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-for-the-test")
    solve = 'return {"key": os.environ.get("OPENAI_API_KEY"), "env": sorted(os.environ)}'
    with contained(candidate(solve=solve)) as sb:
        result = sb.call("solve", CASE)
        same_seed = sb.call("solve", CASE)
    assert result["key"] is None and same_seed == result
    assert result["env"] == ["HOME", "LANG", "PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED"]


def test_string_hashing_is_deterministic_across_restarts(candidate, contained):
    with contained(candidate(solve='return hash("campforge")')) as sb:
        first = sb.call("solve", CASE)
    with contained(candidate(solve='return hash("campforge")')) as sb:
        assert sb.call("solve", CASE) == first


def test_module_that_hangs_at_import(candidate, contained):
    with contained(candidate(prelude="while True:\n    pass"), start_timeout=1.0) as sb:
        with pytest.raises(CandidateLoadError, match="import exceeded 1 s"):
            sb.start()
        with pytest.raises(CandidateLoadError):  # remembered: no restart loop
            sb.describe()
    stubborn = "signal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"
    with contained(candidate(prelude=stubborn), start_timeout=0.5) as sb:
        t0 = time.monotonic()
        with pytest.raises(SandboxTimeout):
            sb.start()
        assert time.monotonic() - t0 < 3.0


def test_module_without_exactly_one_bootcamp_is_a_load_error(candidate, contained):
    two = candidate().read_text() + "\n\nclass Second(Adder):\n    pass\n"
    for source, problem in [
        (two, "found Adder, Second"),
        ("x = 1\n", "found none"),
        ("def broken(:\n", "SyntaxError"),
    ]:
        with contained(candidate(source=source)) as sb, pytest.raises(CandidateLoadError) as e:
            sb.describe()
        assert problem in str(e.value)


def test_sandboxes_in_parallel_threads(candidate):
    path = candidate()
    results: dict[int, object] = {}

    def work(k: int) -> None:
        try:
            with Sandbox(path, call_timeout=5) as sb:
                cases = [c["value"] for c in sb.generate("hard", {}, seed=k, count=50)]
                solved = [r["value"] for r in sb.map("solve", [[c] for c in cases])]
                assert solved == [c["a"] + c["b"] for c in cases]
                results[k] = sb.isolation["uid"]
        except BaseException as exc:  # surfaced below
            results[k] = exc

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(uid, int) for uid in results.values()), results
    assert len(set(results.values())) == 4


def test_checker_process_is_unharmed(candidate, contained):
    solve = """
    outcome = []
    for pid in (case["us"], os.getppid()):  # the checker, the root launcher
        try:
            os.kill(pid, signal.SIGKILL)
            outcome.append("killed")
        except OSError as exc:
            outcome.append(type(exc).__name__)
    return outcome
    """
    before = [resource.getrlimit(r) for r in (resource.RLIMIT_AS, resource.RLIMIT_NPROC)]
    cwd = os.getcwd()
    with contained(candidate(solve=solve)) as sb:
        assert sb.call("solve", {"us": os.getpid()}) == ["PermissionError", "PermissionError"]
    assert [resource.getrlimit(r) for r in (resource.RLIMIT_AS, resource.RLIMIT_NPROC)] == before
    assert os.getcwd() == cwd


def test_escaped_daemon_does_not_survive(candidate, contained, uid_processes):
    solve = """
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            time.sleep(1000)
        os._exit(0)
    time.sleep(0.2)
    return "spawned"
    """
    with contained(candidate(solve=solve)) as sb:
        assert sb.call("solve", CASE) == "spawned"
        assert len(uid_processes(sb.isolation["uid"])) == 1  # the sweep after each request


def test_worker_killed_while_idle_is_restarted(candidate, contained):
    with contained(candidate()) as sb:
        sb.start()
        assert sb._launch is not None
        os.kill(sb._launch.proc.pid, signal.SIGTERM)  # the launcher kills the worker and exits
        sb._launch.proc.wait(5)
        assert sb.call("solve", CASE) == 5 and sb.restarts == 1


def test_unprivileged_fallback_reports_weaker_isolation(candidate):
    """Not root: no uid drop or namespaces, but rlimits and the seccomp filter still apply."""
    shared = Path(tempfile.mkdtemp(prefix="campforge-test-"))
    try:
        shared.chmod(0o755)
        module = shared / "candidate.py"
        module.write_text(candidate().read_text())
        module.chmod(0o644)
        # The unprivileged user imports campforge from a world-readable copy: the checkout may
        # sit in a private directory (mktemp -d makes them 0700).
        for package in ("agent", "generated_bootcamps"):
            shutil.copytree(
                REPO / package, shared / package, ignore=shutil.ignore_patterns("__pycache__")
            )
        for path in shared.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        script = f"""
import json, sys
sys.path.insert(0, {str(shared)!r})
from agent.sandbox import Sandbox
with Sandbox({str(module)!r}, call_timeout=5) as sb:
    sb.start()
    out = {{"isolation": sb.isolation, "solve": sb.call("solve", {{"a": 2, "b": 3}})}}
print(json.dumps(out))
"""
        python = host.sandbox_python()[0]
        result = subprocess.run(
            [python, "-I", "-S", "-c", script],
            user=65534,
            group=65534,
            extra_groups=[],
            capture_output=True,
            text=True,
            timeout=20,
            cwd="/",
            env={},
        )
        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout)
        assert out["solve"] == 5
        iso = out["isolation"]
        assert iso["uid_drop"] is False and iso["network"] == "seccomp (socket denied)"
        assert "no uid drop (not root)" in iso["notes"][0]
    finally:
        shutil.rmtree(shared)


# -- reference programs ----------------------------------------------------------------------------


def test_run_program():
    echo = "import sys\na, b = map(int, sys.stdin.read().split())\nprint(a + b)\n"
    result = run_program(echo, "2 3\n", timeout=5)
    assert (result.stdout, result.returncode, result.timed_out, result.reason) == (
        "5\n",
        0,
        False,
        None,
    )
    assert result.isolation["uid_drop"] and result.isolation["network"] == "netns+seccomp"

    crash = run_program("raise SystemExit('bad input')", "", timeout=5)
    assert crash.returncode == 1 and "bad input" in crash.stderr
    assert crash.reason == "exited with code 1"

    slow = run_program("while True:\n    pass\n", "", timeout=0.5)
    assert slow.timed_out and "timeout" in slow.reason

    flood = run_program(
        "import sys\nwhile True:\n    sys.stdout.write('y' * 65536)\n", "", timeout=5
    )
    assert len(flood.stdout) <= 16 << 20 and "16 MiB" in flood.reason

    net = run_program(
        "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=2)\n", "", timeout=5
    )
    assert net.returncode == 1 and "PermissionError" in net.stderr
