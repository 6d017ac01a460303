"""The LLM quality gates (agent.gates) through the real pipeline and the scripted local Chat
Completions server: the novelty judge, the spec-fidelity review and the shortcut hunt.

Each test turns on only the gate it is about (`options(..., gates=(...))`); the scripts route by
the text of each request, so a gate's request reaches its scripted reply whatever the order.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from agent.llm import TranscriptStore
from review.store import QueueStore
from review.web import create_app
from tests.llm_server import Reply, ScriptedLLMServer
from tests.pipeline.test_pipeline import correct_reply, llm_spec, options, run

ROOT = Path(__file__).resolve().parents[2]
KNAPSACK = (ROOT / "generated_bootcamps" / "knapsack" / "bootcamp.py").read_text(encoding="utf-8")
JUDGE_MARK = "keep a catalog of reasoning tasks"
# A paraphrase of the 0/1 knapsack that avoids its key words: TF-IDF scores it 0.037.
BAG_SPEC = """---
name: bag_packing
domain: algorithms
---
# Packing a bag

A bag can carry at most W kilograms. Each object on the table has a weight and a worth. Pick
objects, each at most once, whose total weight fits in the bag, so that their total worth is as
large as possible, and report that worth.
"""
BAG_DESCRIPTION = "Choose objects for a bag of limited carrying weight to maximise their worth."


def bag_reply() -> str:
    """A correct draft of the paraphrase: the knapsack bootcamp in the bag's words."""
    code = KNAPSACK.replace('name = "knapsack"', 'name = "bag_packing"').replace(
        '"0/1 knapsack: find the maximum total value of items that fit in the capacity."',
        f'"{BAG_DESCRIPTION}"',
    )
    return f"Here is the bootcamp.\n\n```python\n{code}\n```\n"


def campforge(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess, on a terminal wide enough for a table row to stay on one line."""
    command = [sys.executable, "-m", "agent.cli", *args, "--home", str(home)]
    environment = {**os.environ, "COLUMNS": "250"}
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=environment)


def neighbour_index(text: str, name: str) -> int:
    found = re.search(rf"## Existing task (\d+): {name} ", text)
    assert found, text[-2000:]
    return int(found.group(1))


def write_spec(directory: Path, text: str, name: str) -> Path:
    path = directory / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_paraphrase_tf_idf_misses_is_flagged_by_the_judge_and_shown_in_the_queue(tmp_path):
    def route(body):
        text = body["messages"][-1]["content"]
        if JUDGE_MARK in text:
            index = neighbour_index(text, "knapsack")
            verdicts = [
                {"neighbour": i, "verdict": "different", "reason": "another problem"}
                for i in range(3)
                if i != index
            ]
            verdicts.append(
                {"neighbour": index, "verdict": "same task", "reason": "a bag is a knapsack"}
            )
            return Reply("```json\n" + json.dumps(verdicts) + "\n```")
        return Reply(bag_reply())

    spec = write_spec(tmp_path, BAG_SPEC, "bag_packing")
    with ScriptedLLMServer(route) as server:
        workspace, run_id, outcomes = run(
            tmp_path, [spec], options(server, gates=("novelty_judge",))
        )
    outcome = outcomes["bag_packing"]
    assert outcome.outcome == "queued", outcome.reason
    candidate = QueueStore(workspace.database).get(outcome.candidate_id)
    found = candidate.novelty
    assert not found["catalog_duplicate"] and found["similarity"] < 0.1  # TF-IDF misses it
    assert found["duplicate"] and found["judged_same"]["name"] == "knapsack"
    judged = {v["name"]: v for v in found["judge"]["verdicts"]}
    assert judged["knapsack"]["verdict"] == "same task"
    assert judged["knapsack"]["reason"] == "a bag is a knapsack"
    purposes = [e["purpose"] for e in TranscriptStore(workspace.database).exchanges(run_id)]
    assert purposes == ["draft bag_packing", "novelty judge"]

    listed = campforge(workspace.root, "review", "list")
    assert "near knapsack (LLM: same task)" in listed.stdout, listed.stdout + listed.stderr
    shown = campforge(workspace.root, "review", "show", str(candidate.id), "--samples", "0")
    assert "LLM judge: same task as catalog bootcamp 'knapsack'" in shown.stdout
    assert "a bag is a knapsack" in shown.stdout
    client = TestClient(create_app(workspace))
    assert "near knapsack (LLM: same task)" in client.get("/").text
    page = client.get(f"/candidates/{candidate.id}").text
    assert 'id="novelty-judge"' in page and "a bag is a knapsack" in page
    assert "The LLM judge calls it the same task as <code>knapsack</code>" in page


def test_malformed_judge_replies_do_not_crash_a_batch(tmp_path):
    replies = {
        "bag_one": Reply("I think they are all different tasks."),  # no JSON at all
        "bag_two": Reply('```json\n{"verdict": "same task"}\n```'),  # not a list
        "bag_three": Reply('```json\n[{"neighbour": 9, "verdict": "twin"}]\n```'),  # nothing valid
        "bag_four": Reply(raw_body="{not json"),  # a broken response body
    }

    def route(body):
        text = body["messages"][-1]["content"]
        name = re.search(r"name: (bag_\w+)", text).group(1)
        return (
            replies[name] if JUDGE_MARK in text else Reply(bag_reply().replace("bag_packing", name))
        )

    specs = [write_spec(tmp_path, BAG_SPEC.replace("bag_packing", name), name) for name in replies]
    with ScriptedLLMServer(route) as server:
        workspace, _, outcomes = run(
            tmp_path, specs, options(server, gates=("novelty_judge",), max_retries=0)
        )
    store = QueueStore(workspace.database)
    for name in replies:
        outcome = outcomes[name]
        assert outcome.outcome == "queued", (name, outcome.reason)
        judge = store.get(outcome.candidate_id).novelty["judge"]
        assert judge["verdicts"] == [] and judge["problem"], (name, judge)
    assert (
        "could not be read"
        in store.get(outcomes["bag_one"].candidate_id).novelty["judge"]["problem"]
    )


# -- the spec-fidelity review -----------------------------------------------------------------

FIDELITY_MARK = "review an RL training task against its specification"
REPAIR_MARK = "checks failed"
FINDING = "the spec asks for exponents up to a billion at hard; hard exponents stop at 1000"


def fidelity_route(findings_per_review: list[list[dict[str, str]]]):
    """Drafts and repairs get the correct modpow reply; reviews get the scripted findings."""
    reviews = iter(findings_per_review)

    def route(body):
        text = body["messages"][-1]["content"]
        if FIDELITY_MARK in text:
            return Reply("```json\n" + json.dumps(next(reviews)) + "\n```")
        return Reply(correct_reply())

    return route


def test_a_fidelity_finding_goes_round_repair_with_the_finding_in_the_repair_prompt(tmp_path):
    finding = {"where": "difficulties", "departure": FINDING}
    with ScriptedLLMServer(fidelity_route([[finding], []])) as server:
        workspace, run_id, outcomes = run(
            tmp_path, [llm_spec(tmp_path)], options(server, gates=("fidelity",))
        )
        requests = [request["messages"][-1]["content"] for request in server.requests]
    outcome = outcomes["modpow"]
    assert outcome.outcome == "queued", outcome.reason
    purposes = [e["purpose"] for e in TranscriptStore(workspace.database).exchanges(run_id)]
    assert purposes == [
        "draft modpow",
        "fidelity review modpow",
        "gate repair modpow",
        "fidelity review modpow",
    ]
    repair = requests[2]
    assert REPAIR_MARK in repair and "`fidelity`" in repair and FINDING in repair
    candidate = QueueStore(workspace.database).get(outcome.candidate_id)
    check = next(c for c in candidate.report["checks"] if c["id"] == "fidelity")
    assert check["passed"] and "no departure" in check["summary"]
    assert candidate.report["verdict"] == "pass" and candidate.rounds == 1


def test_a_finding_left_after_the_repair_rounds_reaches_the_reviewers_packet(tmp_path):
    finding = {"where": "prompt", "departure": FINDING}
    with ScriptedLLMServer(fidelity_route([[finding], [finding]])) as server:
        workspace, _, outcomes = run(
            tmp_path, [llm_spec(tmp_path)], options(server, gates=("fidelity",), rounds=1)
        )
    candidate = QueueStore(workspace.database).get(outcomes["modpow"].candidate_id)
    check = next(c for c in candidate.report["checks"] if c["id"] == "fidelity")
    assert not check["passed"] and FINDING in check["summary"]
    assert candidate.report["verdict"] == "pass"  # advice for the reviewer, not a failed test
    page = TestClient(create_app(workspace)).get(f"/candidates/{candidate.id}").text
    assert "the spec asks for exponents up to a billion" in page


# -- the shortcut hunt -------------------------------------------------------------------------

HUNT_MARK = "ways a solver can earn the reward"
GREEDY_KNAPSACK = (
    ROOT / "tests/corpus/broken/shortcuts__knapsack_greedy_often_right.py"
).read_text(encoding="utf-8")
PROPOSAL = '''```python shortcuts
def shortcuts(cls, case):
    """Greedy by value per weight: take the best ratio first while it fits."""
    weights, values, room = case["weights"], case["values"], case["capacity"]
    total = 0
    for i in sorted(range(len(weights)), key=lambda i: -values[i] / weights[i]):
        if weights[i] <= room:
            room -= weights[i]
            total += values[i]
    return {"greedy by value/weight": total}
```'''


def module_reply(source: str, name: str) -> str:
    renamed = source.replace('name = "knapsack"', f'name = "{name}"')
    return f"Here is the bootcamp.\n\n```python\n{renamed}\n```\n"


def test_a_proposed_shortcut_runs_in_the_sandbox_and_its_accuracy_drives_the_repair(tmp_path):
    # The first draft names no shortcuts and draws uniformly random items, where greedy by
    # value per weight is usually optimal; the repair is the catalog's knapsack, which redraws.
    without = GREEDY_KNAPSACK[: GREEDY_KNAPSACK.index("    @classmethod\n    def shortcuts")]
    without = without.replace('EXPECTED_FAILURES = {"shortcuts"}\n', "")
    draft, repaired = module_reply(without, "bag_value"), module_reply(KNAPSACK, "bag_value")

    def route(body):
        text = body["messages"][-1]["content"]
        if HUNT_MARK in text:
            return Reply(PROPOSAL)
        return Reply(repaired if REPAIR_MARK in text else draft)

    spec = write_spec(tmp_path, BAG_SPEC.replace("bag_packing", "bag_value"), "bag_value")
    with ScriptedLLMServer(route) as server:
        workspace, run_id, outcomes = run(
            tmp_path, [spec], options(server, gates=("shortcut_hunt",))
        )
        requests = [request["messages"][-1]["content"] for request in server.requests]
    outcome = outcomes["bag_value"]
    assert outcome.outcome == "queued", outcome.reason
    purposes = [e["purpose"] for e in TranscriptStore(workspace.database).exchanges(run_id)]
    assert purposes == ["draft bag_value", "shortcut hunt bag_value", "gate repair bag_value"]
    repair = requests[2]
    assert "`shortcut_hunt`" in repair and "greedy by value/weight" in repair
    assert "make the cases where it fails common" in repair
    share = re.search(r"right on (\d+)% of (\w+) cases", repair)
    assert share and int(share.group(1)) > 50  # measured in the sandbox on the first draft
    candidate = QueueStore(workspace.database).get(outcome.candidate_id)
    hunt = next(c for c in candidate.report["checks"] if c["id"] == "shortcut_hunt")
    shares = hunt["numbers"]["shares"]["greedy by value/weight"]
    assert hunt["passed"] and set(shares) == {"easy", "medium", "hard"}
    assert max(shares.values()) <= 0.2  # the repaired generator, measured again, no new call
    assert "redraw" in candidate.code.lower()
