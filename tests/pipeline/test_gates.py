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
from tests.pipeline.test_pipeline import options, run

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
