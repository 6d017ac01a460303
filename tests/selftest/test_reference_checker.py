"""A spec's `## Reference checker`, and reference programs in compiled languages, in the self-test.

The checker pins the rules independently of the LLM's code: check() must agree with it on solve's
answers and on probe answers. The bootcamps are the corpus' two-colouring pair (tests/corpus): a
correct one, and one whose check() forgets that colours are 1 or 2, which every other check
passes. Real compilers, real sandboxes; each program compiles once per test process (`build`
caches by source).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.sandbox.programs import run_many
from agent.selftest import Settings, run_selftest
from agent.selftest.checks import reference as reference_check
from agent.selftest.checks.reference import checker_answer
from agent.spec import SpecError, parse_specs
from tests.compilers import requires

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CORRECT = CORPUS / "correct" / "intlist_two_coloring.py"
LENIENT = CORPUS / "broken" / "reference__coloring_any_colour_value.py"
SPEC = (CORPUS / "correct" / "intlist_two_coloring.spec.md").read_text()
SETTINGS = Settings(
    cases=12, hypothesis_examples=30, call_timeout=5.0, total_budget=60.0, reference_cases=5
)
# For the verdicts on a spec: fewer cases, as the first disagreement or failure decides.
QUICK = Settings(
    cases=8, hypothesis_examples=20, call_timeout=5.0, total_budget=60.0, reference_cases=2
)

# A Python checker that only verifies that the ends of every edge differ, whatever the colours.
LOOSE_PYTHON_CHECKER = """```python
import sys

data = sys.stdin.read().split()
n, m = int(data[0]), int(data[1])
edges = [(int(data[2 + 2 * i]), int(data[3 + 2 * i])) for i in range(m)]
colours = data[2 + 2 * m :]
ok = len(colours) == n and all(colours[u - 1] != colours[v - 1] for u, v in edges)
print(1 if ok else 0)
```
"""


def with_checker(code_block: str) -> str:
    """The two-colouring spec with its reference checker replaced by `code_block`."""
    head, _, _ = SPEC.partition("## Reference checker")
    return f"{head}## Reference checker\n\n{code_block}"


def selftest(module: Path, spec_text: str = SPEC, settings: Settings = QUICK):
    (spec,) = parse_specs(spec_text, "two_coloring.spec.md")
    return run_selftest(module, spec=spec, settings=settings)


def reference_of(report):
    check = report.check("reference")
    assert check is not None, [c.id for c in report.checks]
    assert "self-test internal error" not in check.summary, check.summary
    return check


# -- the spec ------------------------------------------------------------------------------------


def test_the_spec_reads_both_reference_programs_and_their_languages():
    (spec,) = parse_specs(SPEC, "two_coloring.spec.md")
    assert spec.reference_language == "cpp" and spec.checker_language == "cpp"
    assert "vector<int> colour" in spec.reference_solution
    assert "strtoll" in spec.reference_checker
    assert "## Reference" not in spec.description and "strtoll" not in spec.description
    assert "Example: n = 4" in spec.description


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("", "python"),
        ("py", "python"),
        ("c", "c"),
        ("c++", "cpp"),
        ("java", "java"),
        ("go", "go"),
        ("golang", "go"),
        ("rust", "rust"),
        ("rs", "rust"),
    ],
)
def test_a_reference_programs_fence_tag_names_its_language(tag, language):
    text = f"# T\n\n## Reference checker\n\n```{tag}\nprogram\n```\n\n## Reference solution\n\n"
    (spec,) = parse_specs(text + f"```{tag}\nprogram\n```\n")
    assert spec.checker_language == language and spec.reference_language == language
    assert spec.reference_checker == spec.reference_solution == "program\n"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("# t\n\n## Reference checker\n\n```kotlin\nfun main() {}\n```\n", 5, "'kotlin' cannot"),
        ("# t\n\n## Reference solution\n\n```text\nx\n```\n", 5, "tag its block with one of"),
        ("# t\n\n## Reference checker\n\nprose only\n", 3, "Reference checker has no code"),
        (
            "# t\n## Reference checker\n```\na\n```\n## Reference checker\n```\nb\n```\n",
            6,
            "Reference checker is given twice",
        ),
    ],
)
def test_a_malformed_reference_section_is_a_spec_error(text, line, message):
    with pytest.raises(SpecError) as raised:
        parse_specs(text, "broken.md")
    assert raised.value.line == line and message in str(raised.value), str(raised.value)


def test_answers_are_written_for_the_checker_as_codeforces_output():
    assert checker_answer([1, 2, 1]) == "1 2 1"
    assert checker_answer([[1, 2], [3, 4]]) == "1 2\n3 4"
    assert checker_answer(["#.", ".#"]) == "#.\n.#"
    assert checker_answer("(8-4)*(7-1)") == "(8-4)*(7-1)"
    assert checker_answer(0.1) == "0.1" and checker_answer(-3) == "-3"
    assert checker_answer(True) == "true" and checker_answer(None) == "null"
    assert checker_answer({"b": [1, 2], "a": 3}) == "a 3\nb 1 2"
    assert checker_answer([]) == ""


# -- the self-test -------------------------------------------------------------------------------

NEEDS_CPP = requires("cpp")


@NEEDS_CPP
def test_the_cpp_reference_checker_catches_a_lenient_check_that_passes_every_other_check():
    report = selftest(LENIENT, settings=SETTINGS)
    assert {check.id for check in report.failed} == {"reference"}, report.summary_line()
    reference = reference_of(report)
    assert "which the reference checker rejects" in reference.summary, reference.summary
    assert "check() is too lenient" in reference.summary
    evidence = reference.evidence
    assert evidence is not None and evidence.case is not None
    answer = evidence.detail["answer"]
    assert len(answer) == evidence.case["n"] and set(answer) - {1, 2}  # a colour out of range
    assert evidence.detail["check_says"] == "True" and evidence.detail["checker_says"] == "0"
    assert evidence.detail["checker_stdin"].endswith(" ".join(map(str, answer)) + "\n")


@NEEDS_CPP
def test_a_correct_many_answer_bootcamp_passes_with_its_cpp_references():
    report = selftest(CORRECT, settings=SETTINGS)
    assert report.verdict == "pass", [(c.id, c.summary) for c in report.failed]
    reference = reference_of(report)
    assert "the reference program agrees with solve()" in reference.summary
    assert "agrees with the reference checker" in reference.summary
    numbers = reference.numbers
    assert numbers["checker_cases"] == 15 and numbers["checker_probes"] > 100
    # Valid answers beyond solve's own (near misses that are other colourings): many answers.
    assert numbers["checker_valid"] > numbers["checker_cases"]


@NEEDS_CPP
@pytest.mark.parametrize("role", ["program", "checker"])
def test_a_reference_program_that_does_not_compile_is_a_verdict_on_the_spec(role):
    heading = "## Reference solution" if role == "program" else "## Reference checker"
    head, _, rest = SPEC.partition(heading)
    rest = rest.replace("int n, m;", "int n, m", 1)  # a missing semicolon
    report = selftest(CORRECT, head + heading + rest)
    reference = reference_of(report)
    assert not reference.passed
    prefix = f"the reference {role} does not compile: main.cpp:"
    assert reference.summary.startswith(prefix), reference.summary
    assert "error" in reference.summary and "campforge-sbx" not in reference.summary
    assert {check.id for check in report.failed} == {"reference"}


def test_a_missing_compiler_is_a_clear_verdict(monkeypatch, tmp_path):
    monkeypatch.setattr("agent.sandbox.programs.COMPILER_PATH", str(tmp_path))  # no compilers
    reference = reference_of(selftest(CORRECT))
    assert not reference.passed
    assert reference.summary.startswith("cannot compile C++: g++ is not installed"), (
        reference.summary
    )


@NEEDS_CPP
def test_check_must_not_be_stricter_than_a_python_reference_checker():
    reference = reference_of(selftest(CORRECT, with_checker(LOOSE_PYTHON_CHECKER)))
    assert not reference.passed
    assert "which the reference checker accepts" in reference.summary, reference.summary
    assert "check() is stricter than the rules, or the checker is wrong" in reference.summary
    assert reference.evidence is not None
    assert reference.evidence.detail["check_says"] == "False"
    assert reference.evidence.detail["checker_says"] == "1"


@NEEDS_CPP
def test_a_checker_that_prints_no_verdict_fails_reference():
    reference = reference_of(selftest(CORRECT, with_checker("```python\nprint('maybe')\n```\n")))
    assert not reference.passed
    assert reference.summary == (
        "the reference checker fails on solve()'s answer: it prints 'maybe', not 1 or 0"
    )


@NEEDS_CPP
def test_a_checker_that_hangs_fails_reference_at_its_first_timeout(monkeypatch):
    runs: list = []

    def spy(*args, **kwargs):
        results = run_many(*args, **kwargs)
        runs.extend(results)
        return results

    monkeypatch.setattr(reference_check, "run_many", spy)
    hanging = "```python\nwhile True:\n    pass\n```\n"
    settings = Settings(
        cases=8,
        hypothesis_examples=20,
        call_timeout=5.0,
        total_budget=60.0,
        reference_cases=2,
        reference_timeout=0.5,
    )
    reference = reference_of(selftest(CORRECT, with_checker(hanging), settings))
    assert reference.summary == (
        "the reference checker fails on solve()'s answer: wall-clock timeout after 0.5 s"
    )
    checker_runs = [
        run for run in runs if run.reason != "not run: an earlier run in its batch failed"
    ]
    timed_out = [run for run in checker_runs if run.timed_out]
    # Each sandbox stops at its first timeout; the reference solution's runs all succeeded.
    assert 1 <= len(timed_out) <= reference_check.PROGRAMS_AT_ONCE
    assert len(runs) - len(checker_runs) > 20  # the rest of the checker's runs were not made


COIN_CHANGE = CORPUS / "correct" / "coin_change.py"
JAVA_COIN_CHANGE = """---
name: coin_change_min
---

# Fewest coins

The fewest coins of the given values (unlimited supply) that add up to the amount.

## Reference solution

```java
import java.util.*;

public class Main {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        int n = in.nextInt(), amount = in.nextInt();
        int[] coins = new int[n];
        for (int i = 0; i < n; i++) coins[i] = in.nextInt();
        int[] best = new int[amount + 1];
        Arrays.fill(best, Integer.MAX_VALUE);
        best[0] = 0;
        for (int a = 1; a <= amount; a++)
            for (int c : coins)
                if (c <= a && best[a - c] != Integer.MAX_VALUE)
                    best[a] = Math.min(best[a], best[a - c] + 1);
        System.out.println(best[amount] == Integer.MAX_VALUE ? -1 : best[amount]);
    }
}
```
"""


@requires("java")
def test_a_java_reference_solution_is_compiled_and_compared_with_solve():
    report = selftest(COIN_CHANGE, JAVA_COIN_CHANGE)
    reference = reference_of(report)
    assert reference.passed, reference.summary
    assert "the reference program agrees with solve() on 6 cases" in reference.summary
