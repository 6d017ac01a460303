"""Drafting: LLM replies and specs to parts, parts to bootcamp modules, and the LLM prompts.

Rendered modules are generated code: they are compiled and linted here, never imported or run in
the test process; only the sandboxed self-test runs them.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from agent.parts import (
    ANSWER_NAMES,
    Parts,
    PartsError,
    autofix,
    class_name,
    format_reply,
    parse_response,
    parts_from_spec,
    render_module,
    render_test,
)
from agent.prompts import PROMPT_VERSION, render_messages
from agent.selftest import Settings, run_selftest
from agent.selftest.report import CheckResult, Evidence, Report
from agent.spec import load_specs, parse_specs
from generated_bootcamps import answers

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(path for path in (ROOT / "examples").glob("*.md") if path.name != "README.md")
SPECS = [spec for path in EXAMPLES for spec in load_specs(path)]
OFFLINE = [spec for spec in SPECS if spec.offline]
WORKED_REPLY = (ROOT / "prompts" / "example_reply.md").read_text(encoding="utf-8")
DIGIT_SUM_SPEC = """---
name: digit_sum
domain: arithmetic
---
# Digit sum

Given a positive integer n, compute the sum of its decimal digits.

## Reference solution

```python
print(sum(int(d) for d in input().strip()))
```
"""
LINT = ["--isolated", "--no-cache", "--select", "E4,E7,E9,F,I"]


@pytest.fixture
def spec():
    return parse_specs(DIGIT_SUM_SPEC, "examples/digit_sum.md")[0]


def ruff(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ruff", "check", *options, str(path)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT)


def bootcamp_class(source: str) -> ast.ClassDef:
    """The one Bootcamp subclass of a rendered module (which must compile)."""
    compile(source, "<rendered>", "exec")
    tree = ast.parse(source)
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    assert len(classes) == 1 and [base.id for base in classes[0].bases] == ["Bootcamp"]
    return classes[0]


def methods(cls: ast.ClassDef) -> dict[str, list[str]]:
    """Method name -> its decorators."""
    return {
        node.name: [ast.unparse(d) for d in node.decorator_list]
        for node in cls.body
        if isinstance(node, ast.FunctionDef)
    }


# -- parse_response -------------------------------------------------------------------------------


def test_a_clean_reply(spec):
    parts = parse_response(WORKED_REPLY, finish_reason="stop", spec=spec)
    assert (parts.name, parts.domain, parts.answer_kind) == ("digit_sum", "arithmetic", "Integer()")
    assert parts.description == "The sum of the decimal digits of a positive integer."
    assert parts.defaults == {"min_digits": 3, "max_digits": 8}
    assert parts.difficulties["hard"] == {"min_digits": 12, "max_digits": 18}
    assert set(parts.code) == {"helpers", "generate", "prompt", "solve", "to_reference_input"}
    assert parts.code["solve"].startswith("def solve(cls, case: dict[str, Any]) -> int:")
    assert set(parts.origin.values()) == {"llm"} and parts.missing() == []


def test_an_all_answers_block_becomes_a_classmethod(spec):
    reply = WORKED_REPLY + (
        "\n```python all_answers\ndef all_answers(cls, case):\n"
        "    return [sum(int(d) for d in str(case['n']))]\n```\n"
    )
    parts = parse_response(reply, finish_reason="stop", spec=spec)
    assert parts.code["all_answers"].startswith("def all_answers(cls, case):")
    rendered = methods(bootcamp_class(render_module(parts, spec=spec)))
    assert rendered["all_answers"] == ["classmethod"]


def test_prose_around_the_fences(spec):
    reply = (
        "Sure! Here is my plan: generate numbers, sum their digits.\n\n"
        + WORKED_REPLY.replace("```python solve", "The solver is simple:\n\n```python solve")
        + "\nLet me know if you want changes. Note that ``` fences matter.\n"
    )
    parts = parse_response(reply, finish_reason="stop", spec=spec)
    assert "return digit_sum(case" in parts.code["solve"]
    assert parts.answer_kind == "Integer()"


def test_heading_style_parts_with_untagged_fences(spec):
    reply = (
        WORKED_REPLY.replace("```yaml meta", "## Meta\n\n```yaml")
        .replace("```python generate", "### generate\n\n```python")
        .replace("```python prompt", "### `prompt`\n```")
        .replace("```python solve", "**solve**\n\n```py")
        .replace("```python helpers", "Part 1 - helpers:\n```python")
        .replace("```python to_reference_input", "### 5. to_reference_input\n```python")
    )
    assert "```python generate" not in reply
    parts = parse_response(reply, spec=spec)
    assert set(parts.code) == {"helpers", "generate", "prompt", "solve", "to_reference_input"}
    assert parts.code["prompt"].startswith("def prompt(")
    assert parts.defaults == {"min_digits": 3, "max_digits": 8}


def test_a_reply_cut_off_inside_a_block(spec):
    cut = WORKED_REPLY[: WORKED_REPLY.index("return digit_sum(")]
    with pytest.raises(PartsError, match=r"cut off \(finish_reason=length\) inside the `solve`"):
        parse_response(cut, finish_reason="length", spec=spec)
    with pytest.raises(PartsError, match=r"`solve` block \(line \d+\) is never closed"):
        parse_response(cut, finish_reason="stop", spec=spec)
    heading = cut.replace("```python solve", "### solve\n```python")
    with pytest.raises(PartsError, match="inside the `solve` block"):
        parse_response(heading, finish_reason="length", spec=spec)


def test_a_reply_cut_off_between_blocks(spec):
    cut = WORKED_REPLY[: WORKED_REPLY.index("```python solve")]
    with pytest.raises(
        PartsError, match=r"cut off \(finish_reason=length\) after the `prompt` block: no `solve`"
    ):
        parse_response(cut, finish_reason="length", spec=spec)


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ("", "empty response"),
        ("I am sorry, I cannot help with that.", "no code blocks"),
        ("```\nsome text\n```\n```bash\nls\n```\n", "no recognisable parts"),
        ("```yaml meta\nname: [unclosed\n```\n", "meta block is not valid YAML"),
        ("```yaml meta\n- a list\n```\n", "meta block must be key: value pairs"),
    ],
)
def test_garbage_replies(spec, reply, message):
    with pytest.raises(PartsError, match=message):
        parse_response(reply, finish_reason="stop", spec=spec)


def test_a_missing_required_part(spec):
    start = WORKED_REPLY.index("```python solve")
    end = WORKED_REPLY.index("```", start + 5) + 3
    without_solve = WORKED_REPLY[:start] + WORKED_REPLY[end:]
    with pytest.raises(PartsError, match=r"^no `solve` block$"):
        parse_response(without_solve, finish_reason="stop", spec=spec)
    no_meta = WORKED_REPLY[WORKED_REPLY.index("```python helpers") :]
    with pytest.raises(
        PartsError, match=r"no `defaults`.*no `difficulties` \(easy, medium, hard\)"
    ):
        parse_response(no_meta, spec=spec)


def test_the_reference_program_requires_to_reference_input(spec):
    start = WORKED_REPLY.index("```python to_reference_input")
    with pytest.raises(PartsError, match="no `to_reference_input` block"):
        parse_response(WORKED_REPLY[:start], spec=spec)


def test_the_spec_fills_what_the_reply_omits_and_the_reply_wins():
    spec = parse_specs(
        "---\nname: doubling\ndomain: arithmetic\nanswer_kind: integer\n"
        "defaults: {high: 9}\ndifficulties: {easy: {high: 9}, medium: {high: 99}, "
        "hard: {high: 999}}\n---\n# Doubling\n\nDouble a number.\n\n"
        "```python solve\ndef solve(cls, case):\n    return 2 * case['n']\n```\n",
        "doubling.md",
    )[0]
    reply = (
        "```python generate\ndef generate(self):\n"
        "    return {'n': self.rng.randint(1, self.params['high'])}\n```\n"
        "```python prompt\ndef prompt(cls, case):\n    return f\"Double {case['n']}.\"\n```\n"
    )
    parts = parse_response(reply, spec=spec)
    assert parts.origin["solve"] == "spec" and parts.origin["generate"] == "llm"
    assert parts.answer_kind == "Integer()" and parts.difficulties["hard"] == {"high": 999}
    assert parts.name == "doubling" and parts.domain == "arithmetic"
    reply += "```python solve\ndef solve(cls, case):\n    return case['n'] + case['n']\n```\n"
    reply += "```yaml meta\nname: renamed\nanswer_kind: Number()\ndefaults: {high: 5}\n```\n"
    parts = parse_response(reply, spec=spec)
    assert "case['n'] + case['n']" in parts.code["solve"] and parts.origin["solve"] == "llm"
    assert parts.answer_kind == "Number()" and parts.defaults == {"high": 5}
    assert parts.name == "doubling"  # the spec's front matter names the catalog entry


def test_a_whole_module_reply_round_trips(spec):
    parts = parse_response(WORKED_REPLY, spec=spec)
    module = autofix(render_module(parts, spec=spec))
    reply = f"Here is the complete module:\n\n```python\n{module}```\n"
    again = parse_response(reply, finish_reason="stop", spec=spec)
    assert (again.defaults, again.difficulties) == (parts.defaults, parts.difficulties)
    assert again.answer_kind == "Integer()" and "imports" not in again.code
    assert autofix(render_module(again, spec=spec)) == module


def test_methods_side_by_side_in_one_block(spec):
    meta = WORKED_REPLY[: WORKED_REPLY.index("```python helpers")]
    reply = meta + (
        "```python\n"
        "import math\n\n"
        "def helper(n):\n    return sum(map(int, str(n)))\n\n"
        "def generate(self):\n    return {'n': self.rng.randint(10, 99)}\n\n"
        "@classmethod\ndef prompt(cls, case):\n    return f\"Digits of {case['n']}?\"\n\n"
        "def solve(cls, case):\n    return helper(case['n'])\n\n"
        "def to_reference_input(case):\n    return f\"{case['n']}\\n\"\n"
        "```\n"
    )
    parts = parse_response(reply, spec=spec)
    assert {"imports", "helpers", "generate", "prompt", "solve"} <= set(parts.code)
    decorators = methods(bootcamp_class(render_module(parts, spec=spec)))
    assert decorators["generate"] == [] and decorators["prompt"] == ["classmethod"]
    assert decorators["solve"] == ["classmethod"]
    assert decorators["to_reference_input"] == ["staticmethod"]  # written without cls


def test_the_later_of_two_blocks_for_a_part_wins(spec):
    fix = "```python solve\ndef solve(cls, case):\n    return 0\n```"
    reply = WORKED_REPLY + "\nOops, a fix:\n" + fix
    assert "return 0" in parse_response(reply, spec=spec).code["solve"]


@pytest.mark.parametrize(
    ("written", "expression"),
    [
        ("integer", "Integer()"),
        ("Number", "Number()"),
        ("int_list", "IntList()"),
        ("answer_kind = Number(abs_tol=1e-6)", "Number(abs_tol=1e-6)"),
        ('Choice(["A", "B"])', 'Choice(["A", "B"])'),
        ("none", None),
    ],
)
def test_answer_kind_forms(spec, written, expression):
    reply = WORKED_REPLY.replace("answer_kind: Integer()", f"answer_kind: '{written}'")
    if expression is None:
        reply += "```python extract\ndef extract(cls, response):\n    return None\n```\n"
        reply += "```python format_answer\ndef format_answer(cls, answer):\n    return ''\n```\n"
    assert parse_response(reply, spec=spec).answer_kind == expression


@pytest.mark.parametrize(
    ("written", "message"),
    [("choice", "needs its options"), ("Integer(", "not a Python expression")],
)
def test_bad_answer_kinds(spec, written, message):
    reply = WORKED_REPLY.replace("answer_kind: Integer()", f"answer_kind: '{written}'")
    with pytest.raises(PartsError, match=message):
        parse_response(reply, spec=spec)


def test_invalid_python_in_a_part_is_named_when_rendering(spec):
    reply = WORKED_REPLY.replace("return digit_sum(case", "return digit_sum(case[")
    parts = parse_response(reply, spec=spec)
    with pytest.raises(PartsError, match=r"the `solve` block is not valid Python \(line \d+"):
        render_module(parts, spec=spec)


def test_format_reply_round_trips(spec):
    parts = parse_response(WORKED_REPLY, spec=spec)
    again = parse_response(format_reply(parts), spec=spec)
    for field in ("name", "description", "domain", "defaults", "difficulties", "answer_kind"):
        assert getattr(again, field) == getattr(parts, field)
    assert {k: v.strip() for k, v in again.code.items()} == {
        k: v.strip() for k, v in parts.code.items()
    }


# -- parts_from_spec and render_module ------------------------------------------------------------


def test_the_examples_cover_the_brief():
    assert len(SPECS) >= 10 and len(OFFLINE) >= 4
    assert sum(1 for spec in SPECS if spec.reference_solution) >= 4
    domains = {spec.domain for spec in SPECS}
    assert domains >= {"algorithms", "logic", "ciphers", "arithmetic", "puzzles", "strings"}
    assert domains >= {"graphs", "probability"}
    catalog = {"knapsack", "vigenere", "dice_probability", "sat_assignment", "sudoku", "game24"}
    assert not catalog & {spec.name for spec in SPECS}
    readme = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    assert all(path.name in readme for path in EXAMPLES)


@pytest.mark.parametrize("spec", OFFLINE, ids=lambda spec: spec.name)
def test_offline_examples_render_to_clean_modules(spec, tmp_path):
    parts = parts_from_spec(spec)
    assert set(parts.origin.values()) == {"spec"} and parts.missing() == []
    source = render_module(parts, spec=spec)
    cls = bootcamp_class(source)
    assert cls.name == class_name(spec.name)
    assert {"generate", "prompt", "solve"} <= set(methods(cls))
    assert ast.get_docstring(ast.parse(source)).find(Path(spec.path).name) > 0
    assert "Generated by campforge" in source
    assert "from generated_bootcamps.base import Bootcamp" in source
    assert "ClassVar[dict[str, dict[str, Any]]]" in source
    path = tmp_path / "bootcamp.py"
    path.write_text(autofix(source), encoding="utf-8")
    result = ruff(path, *LINT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_spec_without_every_part_is_not_offline():
    spec = next(spec for spec in SPECS if spec.name == "edit_distance")
    with pytest.raises(PartsError, match=r"missing `generate`, `prompt`"):
        parts_from_spec(spec)


def test_rendering_fixes_indentation_keeps_strings_and_decorates(spec, tmp_path):
    indented_prompt = (
        "```python prompt\n"
        "        @classmethod\n"
        "        def prompt(cls, case):\n"
        '            text = """Line one\n'
        "  indented line two\n"
        '"""\n'
        "            return text + _NOTE + str(case['n'])\n"
        "```\n"
    )
    start = WORKED_REPLY.index("```python prompt")
    end = WORKED_REPLY.index("```python solve")
    reply = (WORKED_REPLY[:start] + indented_prompt + WORKED_REPLY[end:]).replace(
        "```python helpers\n",
        "```python helpers\nfrom math import gcd\n\n_NOTE = 'Note: ' + str(gcd(4, 6))\n\n",
    )
    parts = parse_response(reply, spec=spec)
    source = render_module(parts, spec=spec)
    cls = bootcamp_class(source)
    assert methods(cls)["prompt"] == ["classmethod"]  # kept, not doubled
    strings = [node.value for node in ast.walk(cls) if isinstance(node, ast.Constant)]
    assert "Line one\n  indented line two\n" in strings  # the string's lines were not indented
    assert source.index("from math import gcd") < source.index("_NOTE =")  # imports hoisted
    path = tmp_path / "bootcamp.py"
    path.write_text(autofix(source), encoding="utf-8")
    assert ruff(path, *LINT).returncode == 0


def test_literals_are_python_and_long_ones_are_split(spec):
    parts = parse_response(WORKED_REPLY, spec=spec)
    parts.defaults = {"flag": True, "none": None, "words": ["a", 'b"c'], "ratio": 0.25}
    parts.difficulties = {level: {"words": [level] * 12} for level in ("easy", "medium", "hard")}
    cls = bootcamp_class(render_module(parts, spec=spec))
    values = {
        node.target.id: ast.literal_eval(node.value)
        for node in cls.body
        if isinstance(node, ast.AnnAssign)
    }
    assert values == {"defaults": parts.defaults, "difficulties": parts.difficulties}


def test_only_the_answer_names_in_use_are_imported(spec):
    reply = WORKED_REPLY.replace("answer_kind: Integer()", "answer_kind: Number(abs_tol=1e-6)")
    source = render_module(parse_response(reply, spec=spec), spec=spec)
    assert "from generated_bootcamps.answers import Number\n" in source
    assert set(ANSWER_NAMES) <= set(dir(answers))


def test_class_names():
    assert class_name("game24") == "Game24Bootcamp"
    assert class_name("longest_increasing_subsequence") == "LongestIncreasingSubsequenceBootcamp"
    assert class_name("x") == "XBootcamp"


def test_the_parts_dataclass_reports_what_is_missing():
    parts = Parts("t", "d", "logic", {}, {"easy": {}}, None, {"generate": "def generate(self): 1"})
    missing = " ".join(parts.missing())
    for needed in ("`prompt`", "`solve`", "answer_kind", "defaults", "medium, hard"):
        assert needed in missing


def test_the_test_template_is_a_clean_pytest_file(tmp_path):
    source = render_test("knapsack", "KnapsackBootcamp", "generated_bootcamps.knapsack.bootcamp")
    compile(source, "test_bootcamp.py", "exec")
    assert "from generated_bootcamps.knapsack.bootcamp import (" in source
    assert "KnapsackBootcamp as Camp" in source and "CASES = 50" in source
    path = tmp_path / "test_bootcamp.py"
    path.write_text(source, encoding="utf-8")
    config = str(ROOT / "pyproject.toml")
    assert ruff(path, "--no-cache", "--config", config).returncode == 0
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--config", config, str(path)],
        capture_output=True,
        text=True,
    )
    assert formatted.returncode == 0, formatted.stdout


@pytest.mark.parametrize(
    ("module", "name", "class_name", "passes"),
    [
        ("correct/coin_change.py", "coin_change_min", "CoinChangeBootcamp", True),
        ("broken/reference__first_found_coins.py", "fewest_coins", "FewestCoinsBootcamp", False),
    ],
)
def test_the_rendered_tests_run_and_hold_solve_to_the_brute_force(
    tmp_path, module, name, class_name, passes
):
    (tmp_path / "camp_under_test.py").write_bytes((ROOT / "tests" / "corpus" / module).read_bytes())
    (tmp_path / "test_camp.py").write_text(render_test(name, class_name, "camp_under_test"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
         str(tmp_path / "test_camp.py")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"},
    )  # fmt: skip
    if passes:
        assert result.returncode == 0, result.stdout
    else:
        assert result.returncode == 1, result.stdout
        assert "1 failed" in result.stdout
        assert "FAILED test_camp.py::test_solve_agrees_with_the_brute_force_on_easy_cases" in (
            result.stdout
        )


# -- prompts --------------------------------------------------------------------------------------


def test_the_system_prompt_teaches_the_contract_and_the_reply_format(spec):
    system, user = render_messages("draft", spec=spec)
    assert (system["role"], user["role"]) == ("system", "user")
    text = system["content"]
    for needed in (
        "```yaml meta",
        "```python generate",
        "Integer()",
        "Number(",
        "Choice([",
        "IntList()",
        "Grid(",
        "Expression()",
        "JSON()",
        "self.rng",
        "last answer wins",
        "eval",
        "to_reference_input",
        "check",
        "brute_force(cls, case)",
        "all_answers(cls, case)",
    ):
        assert needed in text, needed
    assert WORKED_REPLY.strip() in text
    assert PROMPT_VERSION


def test_the_draft_prompt_carries_the_spec_reference_and_notes():
    spec = next(spec for spec in SPECS if spec.name == "edit_distance")
    _, user = render_messages("draft", spec=spec, notes="Make the hard strings 30 letters long.")
    text = user["content"]
    assert "Spec name: edit_distance" in text and "kitten" in text
    assert "answer_kind: Integer()" in text  # the front matter's `integer`, as meta writes it
    assert spec.reference_solution.strip() in text and "to_reference_input" in text
    assert "```python solve\n" in text  # the part the spec supplies
    assert "Make the hard strings 30 letters long." in text and "Requested changes" in text
    _, plain = render_messages("draft", spec=SPECS[0])
    assert "Requested changes" not in plain["content"]


def test_the_repair_prompt_shows_previous_parts_and_failing_evidence(spec):
    parts = parse_response(WORKED_REPLY, spec=spec)
    long_response = "reasoning " * 200 + "\\boxed{7}"
    report = Report(
        verdict="fail",
        candidate="candidate.py",
        cases_per_difficulty=40,
        checks=[
            CheckResult(id="contract", passed=True, summary="ok"),
            CheckResult(
                id="soundness",
                passed=False,
                summary="junk scores: the prompt echoed back got 1.0 (expected 0)",
                evidence=Evidence(
                    case={"n": 9134},
                    response=long_response,
                    expected=0.0,
                    got=1.0,
                    detail={"probe": "the prompt echoed back", "at": "easy seed 3"},
                ),
            ),
        ],
    )
    for given in (report, report.model_dump(mode="json")):
        _, user = render_messages("repair", spec=spec, parts=parts, report=given)
        text = user["content"]
        assert "1 of 2 checks failed" in text
        assert "`soundness`: junk scores: the prompt echoed back" in text
        assert '- case: {"n": 9134}' in text and "- expected: 0.0" in text and "- got: 1.0" in text
        assert "- probe: " in text and "more characters)" in text  # the long response is cut
        assert len(text) < len(long_response) + 6000
        assert "```python solve\ndef solve(cls" in text and "```yaml meta" in text
        assert "Passed checks (keep them passing): contract." in text
        assert "sum of its decimal digits" in text  # the task itself


def test_the_repair_prompt_for_an_unusable_reply(spec):
    notes = "the response was cut off (finish_reason=length) inside the `solve` block"
    _, user = render_messages("repair", spec=spec, notes=notes)
    assert "could not be used" in user["content"] and notes in user["content"]
    with pytest.raises(ValueError, match="unknown message kind"):
        render_messages("review", spec=spec)  # type: ignore[arg-type]


# -- the self-test on rendered modules (slow-ish: one sandboxed run per module) -------------------

SETTINGS = Settings(cases=20, hypothesis_examples=40, reference_cases=5)


def _selftest(spec, parts, directory: Path):
    path = directory / f"{spec.name}.py"
    path.write_text(autofix(render_module(parts, spec=spec)), encoding="utf-8")
    return run_selftest(path, spec=spec, settings=SETTINGS)


def test_every_offline_example_and_the_worked_example_pass_the_selftest(spec, tmp_path):
    jobs = [(example, parts_from_spec(example)) for example in OFFLINE]
    jobs.append((spec, parse_response(WORKED_REPLY, finish_reason="stop", spec=spec)))
    with ThreadPoolExecutor(max_workers=3) as pool:
        reports = list(pool.map(lambda job: _selftest(*job, tmp_path), jobs))
    failures = {
        job[0].name: [(check.id, check.summary) for check in report.failed]
        for job, report in zip(jobs, reports, strict=True)
        if report.verdict != "pass"
    }
    assert not failures
    for (example, _), report in zip(jobs, reports, strict=True):
        if example.reference_solution:  # the differential check ran and agreed
            assert report.check("reference").passed, example.name


def test_a_heading_above_example_output_and_a_block_of_two_methods(spec):
    start = WORKED_REPLY.index("```python solve")
    reply = WORKED_REPLY[:start] + (
        "### solve\n\nHere is the code:\n\n```text\nfor example 123 -> 6\n```\n\n"
        "```python\ndef solve(cls, case):\n    return digit_sum(case['n'])\n\n\n"
        "def to_reference_input(cls, case):\n    return str(case['n'])\n```\n"
    )
    parts = parse_response(reply, spec=spec)
    assert parts.code["solve"].strip() == "def solve(cls, case):\n    return digit_sum(case['n'])"
    assert parts.code["to_reference_input"].startswith("def to_reference_input(cls, case):")
