"""What the LLM gates share: their switch, sample cases, JSON replies, and their place in the
selected candidate (`selected["gates"]`, and one advisory check each in its report).

A gate's check joins the report the reviewer reads; it does not change the self-test's verdict
(the LLM's opinion is advice, not a test), but a failing one sends the candidate to
`gate_repair` while repair rounds are left.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

import campforge_prompts
from agent.selftest import CheckResult
from agent.selftest.candidate import Candidate

if TYPE_CHECKING:
    from agent.graph import Dependencies, SpecState

CASES_PER_LEVEL = 2  # sample cases per difficulty shown to an LLM gate
_JSON_FENCE = re.compile(r"```json\s*\n(.*?)```", re.DOTALL | re.IGNORECASE)


def enabled(gate: str, state: SpecState, deps: Dependencies) -> bool:
    """Whether `gate` runs: an LLM is configured, the gate is on, a candidate was selected."""
    return deps.llm is not None and gate in deps.options.gates and bool(state.get("selected"))


def gates_of(selected: dict[str, Any]) -> dict[str, Any]:
    """The gates' record on a selected candidate: {"round": repairs so far, gate: result...}."""
    return dict(selected.get("gates") or {"round": 0})


def with_gate(selected: dict[str, Any], gate: str, result: dict[str, Any], check: CheckResult):
    """A copy of `selected` with the gate's result recorded and its check in the report
    (replacing the check of an earlier round)."""
    gates = {**gates_of(selected), gate: result}
    report = dict(selected.get("report") or {})
    checks = [c for c in report.get("checks", []) if c.get("id") != check.id]
    report["checks"] = [*checks, check.model_dump(mode="json")]
    return {**selected, "gates": gates, "report": report}


def module_path(state: SpecState, deps: Dependencies) -> Path:
    """The selected candidate's module on disk (written again if a resumed process lacks it)."""
    selected = state["selected"] or {}
    path = Path(selected.get("module") or "")
    if path.is_file():
        return path
    drafts = deps.workspace.drafts(state["run_id"], state["spec_name"])
    path = drafts / f"{state['spec_name']}-selected-g{gates_of(selected)['round']}.py"
    path.write_text(selected.get("code", ""), encoding="utf-8")
    return path


def sample_cases(candidate: Candidate, description: dict[str, Any]) -> list[dict[str, Any]]:
    """A few cases per difficulty, each with its prompt and the bootcamp's answer."""
    shown: list[dict[str, Any]] = []
    for level in list(description.get("difficulties") or {}):
        made = [o.value for o in candidate.generate(level, range(CASES_PER_LEVEL)) if o.ok]
        cases = [case for case in made if isinstance(case, dict)]
        prompts = candidate.map("prompt", [[case] for case in cases])
        answers = candidate.map("solve", [[case] for case in cases])
        shown += [
            {
                "difficulty": level,
                "case_json": json.dumps(case),
                "prompt": prompt.value,
                "answer_json": json.dumps(answer.value),
            }
            for case, prompt, answer in zip(cases, prompts, answers, strict=True)
            if prompt.ok and answer.ok
        ]
    return shown


def render_prompt(template: str, **values: Any) -> list[dict[str, str]]:
    """One user message from a template in prompts/."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(campforge_prompts.DIRECTORY),
        autoescape=False,  # a chat message, not HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return [{"role": "user", "content": environment.get_template(template).render(**values)}]


def json_list(text: str) -> list[Any]:
    """The list in a reply's ```json block (or its outermost brackets); ValueError if none."""
    fenced = _JSON_FENCE.search(text)
    body = fenced.group(1) if fenced else text[text.find("[") : text.rfind("]") + 1]
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        raise ValueError("no ```json block holding a list") from None
    if not isinstance(data, list):
        raise ValueError(f"the json block holds {type(data).__name__}, not a list")
    return data
