"""The spec-fidelity review node: the LLM reads the spec, the code and sample cases with their
answers, and lists each place where the bootcamp departs from the spec.

Its findings become a failing advisory check, `fidelity`, in the candidate's report: while
repair rounds are left the graph sends it to `gate_repair` (the findings reach the repair
prompt as that check's evidence); whatever is left reaches the reviewer's packet. A failed call
or an unreadable reply is recorded on the check and sends nothing back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.gates.common import (
    enabled,
    gates_of,
    json_list,
    module_path,
    render_prompt,
    sample_cases,
    with_gate,
)
from agent.llm import LLMError
from agent.selftest import CheckResult, Evidence
from agent.selftest.candidate import Candidate, CandidateFailure

if TYPE_CHECKING:
    from agent.graph import Dependencies, SpecState

GATE = "fidelity"
MAX_FINDINGS = 8


def fidelity(state: SpecState, deps: Dependencies) -> dict[str, Any]:
    """Review the selected candidate against its spec; record the findings as a check."""
    if not enabled(GATE, state, deps):
        return {}
    selected = state["selected"]
    assert selected is not None and deps.llm is not None
    round_ = gates_of(selected)["round"]
    result: dict[str, Any] = {"round": round_, "findings": [], "problem": None}
    try:
        with Candidate(module_path(state, deps)) as candidate:
            cases = sample_cases(candidate, candidate.describe())
        messages = render_prompt(
            "fidelity.md.j2", spec=state["spec_text"], code=selected["code"], cases=cases
        )
        completion = deps.llm.complete(
            messages,
            key=f"{state['spec_name']}/a{state.get('attempt', 0)}/fidelity/g{round_}",
            purpose=f"fidelity review {state['spec_name']}",
        )
        result["findings"] = findings_of(completion.text)
    except CandidateFailure as failure:
        result["problem"] = f"the candidate failed in the sandbox: {failure.reason}"
    except LLMError as error:
        result["problem"] = f"the LLM call failed: {error}"
    except ValueError as error:
        result["problem"] = f"its reply could not be read: {error}"
    return {"selected": with_gate(selected, GATE, result, fidelity_check(result))}


def findings_of(text: str) -> list[dict[str, str]]:
    """The departures a reply lists: {where, departure}; items without a departure dropped."""
    findings = []
    for item in json_list(text)[:MAX_FINDINGS]:
        if isinstance(item, dict) and str(item.get("departure") or "").strip():
            findings.append(
                {
                    "where": str(item.get("where") or "")[:80],
                    "departure": str(item["departure"])[:500],
                }
            )
    return findings


def fidelity_check(result: dict[str, Any]) -> CheckResult:
    findings = result["findings"]
    if result["problem"]:
        return CheckResult(
            id=GATE, passed=True, summary=f"LLM review (advisory) did not run: {result['problem']}"
        )
    if not findings:
        return CheckResult(
            id=GATE, passed=True, summary="LLM review (advisory): no departure from the spec found"
        )
    listed = "; ".join(f"{f['where']}: {f['departure']}" for f in findings)
    return CheckResult(
        id=GATE,
        passed=False,
        summary=(
            f"LLM review (advisory): the bootcamp departs from the spec in {len(findings)} "
            f"place(s): {listed}"[:1500]
        ),
        numbers={"findings": len(findings), "review_round": result["round"]},
        evidence=Evidence(
            detail={
                f"departure {i + 1} ({f['where']})": f["departure"] for i, f in enumerate(findings)
            }
        ),
    )
