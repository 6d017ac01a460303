"""The shortcut hunt node: for a bootcamp that names no shortcuts of its own, the LLM writes the
plausible wrong methods as code (`shortcuts(cls, case)`), and the sandbox measures how often each
one earns the reward, per difficulty, with the self-test's own `shortcuts` check.

The measurement becomes an advisory check, `shortcut_hunt`, in the report: one right on more
than the check's limit sends the candidate to `gate_repair` (the repair prompt carries the
shortcut, its shares and "make the cases where it fails common"), and the reviewer sees it
either way. The proposal is kept, so after a repair the same shortcuts are measured again
without asking the LLM; a repaired bootcamp that names shortcuts itself is measured by its own
self-test instead. A proposal that cannot be read or fails to run is the hunt's problem, never
the candidate's.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.gates.common import (
    enabled,
    gates_of,
    module_path,
    render_prompt,
    sample_cases,
    with_gate,
)
from agent.llm import LLMError
from agent.selftest import CheckResult, Evidence, Settings
from agent.selftest.candidate import Candidate, CandidateFailure
from agent.selftest.checks.shortcuts import MAX_SHORTCUT_SHARE, shortcuts
from agent.selftest.context import Context

if TYPE_CHECKING:
    from agent.graph import Dependencies, SpecState

GATE = "shortcut_hunt"
MEASURE = Settings(cases=20)  # cases per difficulty each proposed shortcut is scored on
_PYTHON = re.compile(r"```python[^\n]*\n(.*?)```", re.DOTALL)


def shortcut_hunt(state: SpecState, deps: Dependencies) -> dict[str, Any]:
    """Ask for shortcuts (once), measure them on the selected candidate, record the check."""
    if not enabled(GATE, state, deps):
        return {}
    selected = state["selected"]
    assert selected is not None and deps.llm is not None
    round_ = gates_of(selected)["round"]
    result: dict[str, Any] = {"round": round_, "problem": None, "shares": {}}
    result["code"] = (gates_of(selected).get(GATE) or {}).get("code")
    own = any(check.get("id") == "shortcuts" for check in selected["report"].get("checks", []))
    if result["code"] is None and own:
        return {}  # it names its own shortcuts, which the self-test measured: nothing to ask
    module = module_path(state, deps)
    try:
        if result["code"] is None:
            result["code"] = _propose(state, deps, module, round_)
        measured = measure(module, result["code"])
        result["shares"] = measured.numbers.get("shares", {})
        result["summary"] = measured.summary
        result["passed"] = measured.passed
        if "fails on" in measured.summary or "names no method" in measured.summary:
            result["problem"] = f"the proposed shortcuts do not run: {measured.summary}"
    except CandidateFailure as failure:
        result["problem"] = f"the sandbox run failed: {failure.reason}"
    except LLMError as error:
        result["problem"] = f"the LLM call failed: {error}"
    except (ValueError, SyntaxError) as error:
        result["problem"] = f"its reply could not be used: {error}"
    return {"selected": with_gate(selected, GATE, result, hunt_check(result))}


def _propose(state: SpecState, deps: Dependencies, module: Path, round_: int) -> str:
    assert deps.llm is not None
    with Candidate(module) as candidate:
        cases = sample_cases(candidate, candidate.describe())
    messages = render_prompt(
        "shortcut_hunt.md.j2", spec=state["spec_text"], code=state["selected"]["code"], cases=cases
    )
    completion = deps.llm.complete(
        messages,
        key=f"{state['spec_name']}/a{state.get('attempt', 0)}/shortcut-hunt/g{round_}",
        purpose=f"shortcut hunt {state['spec_name']}",
    )
    found = _PYTHON.search(completion.text)
    if found is None:
        raise ValueError("no ```python block")
    return found.group(1)


def with_shortcuts(source: str, proposal: str) -> str:
    """The module `source` with the proposal's `shortcuts` function as a classmethod of its
    Bootcamp class and the proposal's other code (helpers, imports) at module level."""
    tree = ast.parse(proposal)
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "shortcuts"]
    if not found:
        raise ValueError("the block defines no shortcuts function")
    lines = proposal.splitlines()
    method = found[0]
    start = method.lineno - 1  # decorators dropped: it becomes a classmethod
    body = textwrap.dedent("\n".join(lines[start : method.end_lineno]))
    rest = [
        ast.get_source_segment(proposal, node) or ""
        for node in tree.body
        if node is not method and not (isinstance(node, ast.Expr) and node is tree.body[0])
    ]
    module = ast.parse(source)
    classes = [n for n in module.body if isinstance(n, ast.ClassDef)]
    if not classes:
        raise ValueError("the candidate module defines no class")
    end = classes[-1].end_lineno or len(source.splitlines())
    source_lines = source.splitlines()
    inserted = ["", "    @classmethod", *textwrap.indent(body, "    ").splitlines()]
    merged = source_lines[:end] + inserted + source_lines[end:]
    return "\n".join(merged) + "\n\n" + "\n\n".join(rest) + "\n"


def measure(module: Path, proposal: str) -> CheckResult:
    """The self-test's shortcuts check on the module with the proposed shortcuts added."""
    path = module.with_name(module.stem + "-shortcut-hunt.py")
    path.write_text(with_shortcuts(module.read_text(encoding="utf-8"), proposal), encoding="utf-8")
    with Candidate(path, call_timeout=MEASURE.call_timeout) as candidate:
        ctx = Context(candidate, path, path.read_text(encoding="utf-8"), MEASURE)
        ctx.description = candidate.describe()
        ctx.build_pool()
        return shortcuts(ctx)


def hunt_check(result: dict[str, Any]) -> CheckResult:
    if result["problem"]:
        return CheckResult(
            id=GATE,
            passed=True,
            summary=f"LLM shortcut hunt (advisory) found nothing to measure: {result['problem']}",
        )
    numbers = {"limit": MAX_SHORTCUT_SHARE, "shares": result["shares"]}
    if result["passed"]:
        return CheckResult(
            id=GATE,
            passed=True,
            summary=f"LLM shortcut hunt (advisory): {result['summary']}",
            numbers=numbers,
        )
    return CheckResult(
        id=GATE,
        passed=False,
        summary=f"LLM shortcut hunt (advisory): {result['summary']}",
        numbers=numbers,
        evidence=Evidence(detail={"shortcuts code": result["code"], "shares": result["shares"]}),
    )
