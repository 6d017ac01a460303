"""Reference programs in compiled languages: built once in a sandbox, run many times in sandboxes.

Real compilers (gcc, g++, javac, go, rustc: `.ci/run` installs them) and real sandboxes. Each
program is compiled once per test module: `build` caches by language and source, and the
module-scoped fixtures below share the builds.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.sandbox import SandboxLimits, processes_of_uid, programs, run_program
from agent.sandbox.programs import CompileError, CompilerMissing, build, language_of, run_many
from tests.compilers import missing, requires

# One C program, many behaviours: the first word of stdin says which.
C_PROGRAM = r"""
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    char what[64] = "";
    if (scanf("%63s", what) != 1) return 2;
    if (!strcmp(what, "add")) {
        long a, b;
        if (scanf("%ld %ld", &a, &b) != 2) return 2;
        printf("%ld\n", a + b);
    } else if (!strcmp(what, "sleep")) {
        sleep(100);
    } else if (!strcmp(what, "spin")) {
        for (volatile unsigned long i = 0;; i++) {}
    } else if (!strcmp(what, "segv")) {
        volatile int *nothing = 0;
        *nothing = 1;
    } else if (!strcmp(what, "exit3")) {
        fprintf(stderr, "giving up\n");
        return 3;
    } else if (!strcmp(what, "alloc")) {
        void *block = malloc((size_t)2 << 30);
        puts(block ? "allocated" : "refused");
    } else if (!strcmp(what, "socket")) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        printf("%d %s\n", fd, strerror(errno));
    } else if (!strcmp(what, "write")) {
        FILE *file = fopen("/etc/campforge-test", "w");
        puts(file ? "written" : strerror(errno));
    } else if (!strcmp(what, "daemon")) {  /* leaves a child behind that writes a file later */
        if (fork() == 0) {
            setsid();
            usleep(200000);
            FILE *file = fopen("survivor", "w");
            if (file) fclose(file);
            return 0;
        }
        puts("forked");
    } else if (!strcmp(what, "survivor?")) {  /* run in the same scratch directory */
        usleep(600000);
        puts(access("survivor", F_OK) == 0 ? "a survivor wrote here" : "alone");
    } else if (!strcmp(what, "flood")) {
        for (;;) fputs("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n", stdout);
    }
    return 0;
}
"""

JAVA_PROGRAM = """
import java.util.Scanner;

public class Solution {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        long a = in.nextLong(), b = in.nextLong();
        System.out.println(a * b);
    }
}
"""

CPP_PROGRAM = """
#include <bits/stdc++.h>
using namespace std;
int main() {
    vector<long long> v;
    long long x;
    while (cin >> x) v.push_back(x);
    sort(v.begin(), v.end());
    for (size_t i = 0; i < v.size(); i++) cout << v[i] << (i + 1 == v.size() ? '\\n' : ' ');
}
"""

AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="a dedicated sandbox uid needs root")
NEEDS_C, NEEDS_CPP, NEEDS_JAVA = requires("c"), requires("cpp"), requires("java")
NEEDS_GO, NEEDS_RUST = requires("go"), requires("rust")

GO_PROGRAM = """
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var n int
	fmt.Fscan(in, &n)
	v := make([]int, n)
	for i := range v {
		fmt.Fscan(in, &v[i])
	}
	sort.Ints(v)
	fmt.Println(v[0], v[n-1])
}
"""

RUST_PROGRAM = """
use std::io::Read;

fn main() {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).unwrap();
    let words: Vec<i64> = text.split_whitespace().map(|w| w.parse().unwrap()).collect();
    let total: i64 = words.iter().sum();
    println!("{} {}", words.len(), total);
}
"""


@pytest.fixture(scope="module")
def c_program() -> programs.Program:
    if (reason := missing("c")) and not os.environ.get("CI"):
        pytest.skip(reason)
    return build(C_PROGRAM, "c")


def test_fence_tags_name_languages():
    assert [language_of(tag) for tag in ("", "py", "Python3", "c", "C++", "cpp", "cxx")] == [
        "python",
        "python",
        "python",
        "c",
        "cpp",
        "cpp",
        "cpp",
    ]
    assert [language_of(tag) for tag in ("java", "go", "golang", "rust", "rs")] == [
        "java",
        "go",
        "go",
        "rust",
        "rust",
    ]
    assert language_of("kotlin") is None and language_of("text") is None


def test_a_c_program_runs_once_per_input_in_one_sandbox(c_program):
    results = run_many(c_program, ["add 2 3", "add 40 2", "exit3", "add -1 1"], timeout=5)
    assert [r.stdout for r in results] == ["5\n", "42\n", "", "0\n"]
    assert [r.returncode for r in results] == [0, 0, 3, 0]
    assert results[2].reason == "exited with code 3" and "giving up" in results[2].stderr
    assert results[0].reason is None and not results[0].timed_out
    if os.geteuid() == 0:
        assert results[0].isolation["uid_drop"] and results[0].isolation["network"].startswith(
            "netns"
        )


def test_each_run_meets_the_limits_of_a_program_run_alone(c_program):
    stdins = ["sleep", "segv", "alloc", "socket", "write", "add 1 2"]
    sleep, segv, alloc, socket, write, add = run_many(c_program, stdins, timeout=0.5)
    assert sleep.timed_out and sleep.reason == "wall-clock timeout after 0.5 s"
    assert segv.returncode == -11 and segv.reason == "SIGSEGV: segmentation fault"
    assert alloc.stdout == "refused\n"  # 2 GiB is over the 1 GiB address space
    assert socket.stdout.startswith("-1 ")  # seccomp denies socket()
    assert write.stdout.strip() in ("Read-only file system", "Permission denied")
    assert add.stdout == "3\n"  # the runs before it left nothing behind that matters


def test_a_cpu_bound_run_gets_sigxcpu_and_the_next_run_its_own_budget(c_program):
    spin, add = run_many(
        c_program, ["spin", "add 1 1"], timeout=10, limits=SandboxLimits(cpu_seconds=1)
    )
    assert spin.reason == "SIGXCPU: CPU time limit of 1 s exceeded"
    assert add.stdout == "2\n"


@AS_ROOT
def test_a_run_that_leaves_a_daemon_behind_does_not_share_the_sandbox_with_it(c_program):
    daemon, after = run_many(c_program, ["daemon", "survivor?"], timeout=5)
    assert daemon.stdout == "forked\n"
    assert after.stdout == "alone\n"  # the daemon was killed before it could write
    uid = daemon.isolation["uid"]
    assert [pid for pid in processes_of_uid(uid) if Path(f"/proc/{pid}").exists()] == []


def test_runs_after_the_output_cap_are_not_made(c_program, monkeypatch):
    monkeypatch.setattr(programs, "BATCH_OUTPUT_CAP", 1 << 20)
    flood, after = run_many(c_program, ["flood", "add 1 1"], timeout=10)
    assert "output flood" in flood.reason and len(flood.stdout) <= 16 << 20
    assert after.returncode is None and after.reason == "not run: the runs' outputs passed 1 MiB"


def test_with_stop_at_failure_a_batch_makes_no_runs_after_a_failed_one(c_program):
    stdins = ["add 1 1", "sleep", "add 2 2", "add 3 3"]
    first, hang, *rest = run_many(c_program, stdins, timeout=0.5, stop_at_failure=True)
    assert first.stdout == "2\n" and hang.timed_out
    assert [r.reason for r in rest] == ["not run: an earlier run in its batch failed"] * 2
    _, crash, after = run_many(c_program, ["add 1 1", "exit3", "add 2 2"], timeout=5)
    assert crash.returncode == 3 and after.stdout == "4\n"  # without it, every run is made


def test_parallel_batches_keep_the_order_of_the_inputs(c_program):
    stdins = [f"add {n} {n}" for n in range(9)]
    results = run_many(c_program, stdins, timeout=5, parallel=2)
    assert [r.stdout for r in results] == [f"{2 * n}\n" for n in range(9)]


@NEEDS_CPP
def test_a_program_is_compiled_once_per_source():
    first = build(CPP_PROGRAM, "cpp")
    assert build(CPP_PROGRAM, "cpp") is first
    assert first.build_seconds > 0 and set(first.files) == {"main"}
    (result,) = run_many(first, ["3 1 2\n10 -4\n"], timeout=5)
    assert result.stdout == "-4 1 2 3 10\n"


@NEEDS_JAVA
def test_a_java_program_with_its_own_class_name_compiles_and_runs():
    program = build(JAVA_PROGRAM, "java")
    assert program.notes["main"] == "Solution" and "Solution.class" in program.files
    results = run_many(program, ["6 7", "-3 5"], timeout=20)
    assert [r.stdout for r in results] == ["42\n", "-15\n"], [r.stderr for r in results]


@NEEDS_GO
def test_a_go_program_compiles_once_and_runs_in_the_sandbox():
    program = build(GO_PROGRAM, "go")
    assert build(GO_PROGRAM, "go") is program
    results = run_many(program, ["3\n5 -2 9\n", "1\n7\n"], timeout=10)
    assert [r.stdout for r in results] == ["-2 9\n", "7 7\n"], [r.stderr for r in results]


@NEEDS_RUST
def test_a_rust_program_compiles_once_and_runs_in_the_sandbox():
    program = build(RUST_PROGRAM, "rust")
    assert build(RUST_PROGRAM, "rust") is program
    results = run_many(program, ["1 2 3", "-4 10"], timeout=10)
    assert [r.stdout for r in results] == ["3 6\n", "2 6\n"], [r.stderr for r in results]


PYTHON_BEHAVIOURS = [
    "import sys\nprint(sum(map(int, sys.stdin.read().split())))\n",
    "if __name__ == '__main__':\n    print(input()[::-1])\n",
    "raise SystemExit('bad input')\n",
    "import sys\nprint('partial', flush=True)\nsys.exit(3)\n",
    "raise ValueError('no answer')\n",
    "def broken(:\n",
    "print(hash('campforge'), sorted({'b', 'a'}))\n",
    "import atexit\natexit.register(lambda: print('bye'))\nprint('hi')\n",
    "import threading\nthreading.Thread(target=lambda: print('thread')).start()\n",
    "import sys\nprint(sys.argv[0].endswith('program.py'), sys.flags.no_site)\n",
]


@pytest.mark.parametrize("source", PYTHON_BEHAVIOURS, ids=range(len(PYTHON_BEHAVIOURS)))
def test_a_python_program_behaves_in_a_batch_as_when_run_alone(source):
    alone = run_program(source, "7 8\n", timeout=10)
    (batched,) = run_many(build(source, "python"), ["7 8\n"], timeout=10)
    assert (batched.stdout, batched.returncode) == (alone.stdout, alone.returncode)
    assert batched.reason == alone.reason
    last = alone.stderr.strip().splitlines()[-1:] if alone.stderr.strip() else []
    assert batched.stderr.strip().splitlines()[-1:] == last


def test_a_python_program_that_hangs_loses_its_run_only():
    program = build(
        "import sys\nif sys.stdin.read() == 'hang':\n    while True:\n        pass\nprint('ok')\n",
        "python",
    )
    hang, fine = run_many(program, ["hang", "go"], timeout=0.5)
    assert hang.timed_out and hang.reason == "wall-clock timeout after 0.5 s"
    assert fine.stdout == "ok\n" and not fine.timed_out


def test_python_programs_need_no_build():
    program = build("import sys\nprint(sum(map(int, sys.stdin.read().split())))\n", "python")
    assert program.files == {
        "program.py": b"import sys\nprint(sum(map(int, sys.stdin.read().split())))\n"
    }
    assert [r.stdout for r in run_many(program, ["1 2 3", "4"], timeout=5)] == ["6\n", "4\n"]


@NEEDS_CPP
def test_a_compile_error_gives_the_compilers_first_lines_without_sandbox_paths():
    with pytest.raises(CompileError) as raised:
        build("int main() { return undefined_name; }\n", "cpp")
    message = str(raised.value)
    assert message.startswith("main.cpp:") and "undefined_name" in message
    assert "error" in message and "campforge-sbx" not in message
    assert len(message.splitlines()) <= programs.COMPILER_LINES
    assert "undefined_name" in raised.value.output


@NEEDS_C
def test_a_compile_error_is_remembered_but_a_compile_timeout_is_not(monkeypatch):
    compiled: list[str] = []
    compile_for_real = programs._compile

    def counted(source, *args):
        compiled.append(source)
        return compile_for_real(source, *args)

    monkeypatch.setattr(programs, "_compile", counted)
    source = "int main(void) { return 0; } /* timeout test */\n"
    with pytest.raises(CompileError, match=r"did not finish within 0\.01 s"):
        build(source, "c", timeout=0.01)
    assert build(source, "c").files  # tried again with the default timeout: compiles
    assert compiled == [source, source]
    broken = "int main(void) { return } /* remembered */\n"
    with pytest.raises(CompileError) as first:
        build(broken, "c")
    with pytest.raises(CompileError) as second:
        build(broken, "c")
    assert str(first.value) == str(second.value) and "expected expression" in str(first.value)
    assert compiled == [source, source, broken]


@AS_ROOT
@NEEDS_C
def test_the_compiler_runs_unprivileged(tmp_path):
    shadow = Path("/etc/shadow")
    if not shadow.exists() or shadow.stat().st_mode & 0o004:
        pytest.skip("needs a /etc/shadow that other users cannot read")
    with pytest.raises(CompileError, match="Permission denied"):
        build('#include "/etc/shadow"\nint main(void) { return 0; }\n', "c")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("c", "cannot compile C: gcc is not installed"),
        ("cpp", "cannot compile C++: g++ is not installed"),
        ("java", "cannot compile Java: javac is not installed"),
        ("go", "cannot compile Go: go is not installed"),
        ("rust", "cannot compile Rust: rustc is not installed"),
    ],
)
def test_a_missing_compiler_is_named(language, message, monkeypatch, tmp_path):
    monkeypatch.setattr(programs, "COMPILER_PATH", str(tmp_path))  # a system without compilers
    with pytest.raises(CompilerMissing) as raised:
        build("int main() {}\n", language)
    assert str(raised.value) == message


def test_a_compiler_the_sandbox_cannot_run_counts_as_missing(monkeypatch, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("only a sandbox with its own uid is barred from private directories")
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    compiler = private / "g++"
    compiler.write_text("#!/bin/sh\n")
    compiler.chmod(0o700)
    monkeypatch.setattr(programs, "COMPILER_PATH", str(private))
    with pytest.raises(CompilerMissing, match="cannot be run by the sandbox's unprivileged uid"):
        build("int main() {}\n", "cpp")
