"""The novelty judge node: after a candidate is queued, the LLM compares its spec with its
nearest tasks (catalog and queue, by TF-IDF) and its verdicts are stored with the candidate.

A failed call or an unreadable reply is stored as the judge's problem: the candidate still goes
to review with today's TF-IDF check, and the batch goes on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.llm import LLMError
from agent.novelty import judge_messages, judged, neighbours, parse_verdicts, spec_prose

if TYPE_CHECKING:
    from agent.graph import Dependencies, SpecState

GATE = "novelty_judge"


def novelty_judge(state: SpecState, deps: Dependencies) -> dict[str, Any]:
    """Store the LLM judge's verdicts on the queued candidate's novelty record."""
    if deps.llm is None or GATE not in deps.options.gates or not state.get("candidate_id"):
        return {}
    candidate = deps.store.get(state["candidate_id"])
    if "judge" in candidate.novelty:
        return {}  # judged before this node was interrupted
    queued = [
        (other.id, other.name, other.description, other.spec_text)
        for other in deps.store.list()
        if other.name != candidate.name and other.status in ("pending", "approved")
    ]
    # The spec's own words too: a paraphrase's class description may share none with its twin.
    text = f"{candidate.description}\n{spec_prose(candidate.spec_text)}"
    found = neighbours(candidate.name, text, queued)
    judge: dict[str, Any] = {"verdicts": [], "problem": None}
    if found:
        key = f"{candidate.name}/a{candidate.attempt}/novelty-judge"
        try:
            completion = deps.llm.complete(
                judge_messages(candidate.spec_text, found), key=key, purpose="novelty judge"
            )
            judge["model"] = completion.model
            verdicts = parse_verdicts(completion.text, len(found))
            judge["verdicts"] = [
                {
                    **{k: found[v["neighbour"]][k] for k in ("kind", "name", "id", "similarity")},
                    "verdict": v["verdict"],
                    "reason": v["reason"],
                }
                for v in verdicts
            ]
        except LLMError as error:
            judge["problem"] = f"the LLM call failed: {error}"
        except ValueError as error:
            judge["problem"] = f"its reply could not be read: {error}"
    deps.store.set_novelty(candidate.id, judged(candidate.novelty, judge))
    return {}
