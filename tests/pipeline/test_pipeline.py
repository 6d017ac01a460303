"""The whole graph against a real Chat Completions server on 127.0.0.1 replaying scripted replies.

The replies are built from an offline example spec's own parts (`format_reply`), so a "correct
draft" is a real bootcamp that passes the self-test, and a "wrong verifier" is that bootcamp with
a `check` that accepts anything (soundness fails; the repair round fixes it).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from agent.llm import LLMSettings, TranscriptStore
from agent.parts import format_reply, parts_from_spec
from agent.pipeline import PipelineOptions, collect_specs, run_batch
from agent.selftest import Settings
from agent.spec import load_specs
from agent.workspace import Workspace
from review.store import QueueStore
from tests.llm_server import Reply, ScriptedLLMServer, closed_port_url

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "modular_exponentiation.md"
ACCEPT_ANYTHING = "\n```python check\ndef check(cls, case, answer):\n    return True\n```\n"


def llm_spec(directory: Path, name: str = "modpow") -> Path:
    """The example's description without its parts: drafting it needs the LLM."""
    (spec,) = load_specs(EXAMPLE)
    path = directory / f"{name}.md"
    path.write_text(
        f"---\nname: {name}\ndomain: arithmetic\n---\n# {spec.title}\n\n{spec.description}\n",
        encoding="utf-8",
    )
    return path


def correct_reply(name: str = "modpow") -> str:
    (spec,) = load_specs(EXAMPLE)
    parts = parts_from_spec(spec)
    parts.name = name
    return "Here is the bootcamp.\n\n" + format_reply(parts)


def options(server: ScriptedLLMServer | None, **overrides) -> PipelineOptions:
    llm = LLMSettings(
        model="scripted",
        base_url=server.base_url if server else closed_port_url(),
        api_key="test",
        timeout=overrides.pop("timeout", 30.0),
        max_retries=overrides.pop("max_retries", 2),
        retry_backoff=0.05,
        retry_max_wait=0.2,
        token_budget=overrides.pop("token_budget", None),
    )
    chosen = PipelineOptions(samples=1, rounds=1, concurrency=2, llm=llm, use_llm=True)
    hunt = overrides.pop("exploit_hunt", False)  # off unless asked: scripts name each call
    gates = overrides.pop("gates", ())  # the LLM quality gates (agent.gates) likewise
    for key, value in overrides.items():
        setattr(chosen, key, value)
    chosen.develop.selftest = Settings(cases=15, hypothesis_examples=25)
    chosen.develop.exploit_hunt = hunt
    chosen.develop.gates = gates
    chosen.develop.rounds = chosen.rounds
    return chosen


def run(tmp_path: Path, targets: list[Path], chosen: PipelineOptions):
    specs, invalid = collect_specs(targets)
    assert not invalid
    workspace = Workspace.open(tmp_path / "state")
    run_id, outcomes = run_batch(specs, chosen, workspace)
    return workspace, run_id, {outcome.spec: outcome for outcome in outcomes}


def test_a_passing_draft_is_attacked_and_the_hunt_reaches_the_queue(tmp_path):
    hunt = '```json\n[{"case": 0, "response": "\\\\boxed{banana}", "why": "wrong type"}]\n```'

    def route(body):
        text = json.dumps(body["messages"])
        return Reply(hunt if "red-teaming" in text else correct_reply())

    with ScriptedLLMServer(route) as server:
        workspace, run_id, outcomes = run(
            tmp_path, [llm_spec(tmp_path)], options(server, exploit_hunt=True)
        )
        assert server.errors == []
    outcome = outcomes["modpow"]
    assert outcome.outcome == "queued", outcome.reason
    report = QueueStore(workspace.database).get(outcome.candidate_id).report
    exploits = next(check for check in report["checks"] if check["id"] == "exploits")
    assert exploits["passed"] and exploits["numbers"] == {
        "proposed": 1,
        "confirmed": 0,
        "discarded": 1,
    }
    purposes = [e["purpose"] for e in TranscriptStore(workspace.database).exchanges(run_id)]
    assert purposes == ["draft modpow", "exploit hunt"]


def test_offline_specs_go_through_with_no_llm(tmp_path):
    chosen = options(None, use_llm=False)
    workspace, _, outcomes = run(tmp_path, [EXAMPLE], chosen)
    (outcome,) = outcomes.values()
    assert outcome.outcome == "queued", outcome.reason
    candidate = QueueStore(workspace.database).get(outcome.candidate_id)
    assert candidate.report["verdict"] == "pass" and candidate.model is None


def test_a_correct_draft_is_queued_with_its_transcript(tmp_path):
    with ScriptedLLMServer([Reply(correct_reply(), usage=(1200, 800))] * 2) as server:
        workspace, run_id, outcomes = run(
            tmp_path, [llm_spec(tmp_path)], options(server, samples=2)
        )
        assert len(server.requests) == 2  # one draft per sample, no repair
    outcome = outcomes["modpow"]
    assert outcome.outcome == "queued", outcome.reason
    assert outcome.tokens == 2 * 2000
    exchanges = TranscriptStore(workspace.database).exchanges(run_id)
    assert len(exchanges) == 2
    first = exchanges[0]
    assert first["model"] == "scripted" and "modpow" in json.dumps(first["messages"])
    assert first["response"].startswith("Here is the bootcamp")


def test_a_wrong_verifier_is_repaired_from_the_report(tmp_path):
    script = [Reply(correct_reply() + ACCEPT_ANYTHING), Reply(correct_reply())]
    with ScriptedLLMServer(script) as server:
        workspace, _, outcomes = run(tmp_path, [llm_spec(tmp_path)], options(server))
        requests = server.requests
    outcome = outcomes["modpow"]
    assert outcome.outcome == "queued", outcome.reason
    assert len(requests) == 2
    repair_prompt = json.dumps(requests[1]["messages"])
    assert "soundness" in repair_prompt  # the failing check and its evidence went back
    assert QueueStore(workspace.database).get(outcome.candidate_id).rounds == 1


def test_garbage_and_truncated_replies_are_failed_rounds_not_crashes(tmp_path):
    truncated = correct_reply()[: len(correct_reply()) // 2]
    script = [Reply("I cannot help with that."), Reply(truncated, finish_reason="length")]
    with ScriptedLLMServer(script) as server:
        _, _, outcomes = run(tmp_path, [llm_spec(tmp_path)], options(server))
        assert len(server.requests) == 2
    outcome = outcomes["modpow"]
    assert outcome.outcome == "failed"
    assert "could not be used" in outcome.reason or "cut off" in outcome.reason


def test_rate_limits_and_server_errors_are_retried(tmp_path):
    script = [
        Reply("slow down", status=429, headers={"retry-after": "0"}),
        Reply("boom", status=500),
        Reply(correct_reply()),
    ]
    with ScriptedLLMServer(script) as server:
        _, _, outcomes = run(tmp_path, [llm_spec(tmp_path)], options(server))
        assert len(server.requests) == 3
    assert outcomes["modpow"].outcome == "queued", outcomes["modpow"].reason


def test_a_slow_endpoint_fails_its_spec_and_the_batch_goes_on(tmp_path):
    def route(body):
        text = json.dumps(body["messages"])
        if "slowpow" in text:
            return Reply(correct_reply("slowpow"), delay=2.0)
        return Reply(correct_reply("fastpow"))

    targets = [llm_spec(tmp_path, "slowpow"), llm_spec(tmp_path, "fastpow")]
    with ScriptedLLMServer(route) as server:
        _, _, outcomes = run(tmp_path, targets, options(server, timeout=0.5, max_retries=1))
    assert outcomes["fastpow"].outcome == "queued", outcomes["fastpow"].reason
    assert outcomes["slowpow"].outcome == "error"
    assert "did not answer within 0.5 s (2 attempts)" in outcomes["slowpow"].reason


def test_the_token_budget_stops_new_requests(tmp_path):
    script = [Reply(correct_reply() + ACCEPT_ANYTHING, usage=(3000, 2000))] * 3
    with ScriptedLLMServer(script) as server:
        _, _, outcomes = run(tmp_path, [llm_spec(tmp_path)], options(server, token_budget=4000))
        assert len(server.requests) == 1  # the repair round is refused before any request
    outcome = outcomes["modpow"]
    assert outcome.outcome == "error" and "budget" in outcome.reason


def test_an_unreachable_endpoint_is_a_clear_error(tmp_path):
    _, _, outcomes = run(tmp_path, [llm_spec(tmp_path)], options(None, max_retries=1))
    outcome = outcomes["modpow"]
    assert outcome.outcome == "error" and "cannot reach" in outcome.reason


def test_replay_reruns_a_recorded_run_with_no_endpoint(tmp_path):
    script = [Reply(correct_reply() + ACCEPT_ANYTHING), Reply(correct_reply())]
    with ScriptedLLMServer(script) as server:
        workspace, run_id, first = run(tmp_path, [llm_spec(tmp_path)], options(server))
    assert first["modpow"].outcome == "queued"
    replay = options(None, replay_from=run_id, run_id="replayed")
    specs, _ = collect_specs([tmp_path / "modpow.md"])
    _, outcomes = run_batch(specs, replay, workspace)
    assert outcomes[0].outcome == "queued", outcomes[0].reason
    assert len(TranscriptStore(workspace.database).exchanges("replayed")) == 2


def test_killed_run_resumes_without_repeating_a_finished_request(tmp_path):
    names = ["alpha", "beta", "gamma"]
    targets = [llm_spec(tmp_path, name) for name in names]

    def route(body):
        text = json.dumps(body["messages"])
        name = next(name for name in names if f"name: {name}" in text or name in text)
        return Reply(correct_reply(name), delay=0.3)

    with ScriptedLLMServer(route) as server:
        env = {
            **os.environ,
            "OPENAI_BASE_URL": server.base_url,
            "OPENAI_API_KEY": "test",
            "CAMPFORGE_MODEL": "scripted",
        }
        command = [sys.executable, "-m", "agent.cli", "draft", *map(str, targets), "--samples", "1",
                   "--rounds", "0", "--concurrency", "1", "--cases", "15", "--no-exploit-hunt",
                   "--no-gates", "--home", str(tmp_path / "state")]  # fmt: skip
        first = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while len(server.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.8)  # the second reply is recorded; its self-test is under way
        first.send_signal(signal.SIGKILL)
        first.wait()
        before = len(server.requests)
        assert 2 <= before < 3 + 1
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert second.returncode == 0, second.stdout + second.stderr
        bodies = [json.dumps(request["messages"], sort_keys=True) for request in server.requests]
    assert len(bodies) == len(set(bodies)) == 3  # every call made once, across the two runs
    assert second.stdout.count("queued") >= 3


def test_two_specs_of_a_batch_describing_one_task_are_flagged(tmp_path):
    from tests.review.support import offline_spec

    targets = []
    for name in ("power_mod_first", "power_mod_again"):
        path = tmp_path / f"{name}.md"
        path.write_text(offline_spec(name), encoding="utf-8")
        targets.append(path)
    chosen = options(None, use_llm=False, concurrency=1)  # one after the other: a known order
    workspace, _, outcomes = run(tmp_path, targets, chosen)
    assert {outcome.outcome for outcome in outcomes.values()} == {"queued"}
    store = QueueStore(workspace.database)
    first = store.get(outcomes["power_mod_first"].candidate_id)
    again = store.get(outcomes["power_mod_again"].candidate_id)
    assert not first.novelty["duplicate"]  # nothing like it was queued before it
    assert again.novelty["duplicate"] and again.novelty["queued"]["id"] == first.id
