"""The graph's calibrate node, through the whole pipeline against the local Chat Completions
server: its numbers reach the queued candidate's report; a preset far outside the band sends the
spec back to the drafter with a message; without an endpoint the node does nothing."""

from __future__ import annotations

import re
from pathlib import Path

from agent.calibrate import Settings as CalibrationSettings
from agent.llm import LLMSettings, TranscriptStore
from agent.parts import format_reply, parts_from_spec
from agent.pipeline import PipelineOptions, collect_specs, run_batch
from agent.selftest import Settings
from agent.spec import load_specs
from agent.workspace import Workspace
from review.store import QueueStore
from tests.calibrate.conftest import unit
from tests.llm_server import Reply, ScriptedLLMServer
from tests.review.support import offline_spec

NAME = "power_mod_calibrated"
QUESTION = re.compile(r"Compute (\d+)\^(\d+) mod (\d+)")


def spec_file(directory: Path) -> Path:
    path = directory / f"{NAME}.md"
    path.write_text(offline_spec(NAME), encoding="utf-8")
    return path


def draft_reply(path: Path) -> str:
    """The spec's own parts as an LLM draft reply (a bootcamp that passes the self-test)."""
    (spec,) = load_specs(path)
    return "Here is the bootcamp.\n\n" + format_reply(parts_from_spec(spec))


def solver(right: float, drafts: list[str], reply: str):
    """Answers a calibration question right on a share `right` of the prompts (by their hash);
    a draft request gets `reply`, and its user message is kept in `drafts`."""

    def route(body: dict) -> Reply:
        text = body["messages"][-1]["content"]
        asked = QUESTION.search(text)
        if asked is None or "Write the parts of a bootcamp" in text:
            drafts.append(text)
            return Reply(reply)
        base, exponent, modulus = map(int, asked.groups())
        answer = pow(base, exponent, modulus) + (0 if unit(text) < right else 1)
        return Reply(f"\\boxed{{{answer}}}", usage=(40, 8))

    return route


def options(server: ScriptedLLMServer | None, calibration: CalibrationSettings | None):
    llm = LLMSettings(
        model="solver",
        base_url=server.base_url if server else None,
        api_key="test",
        retry_backoff=0.01,
        retry_max_wait=0.05,
    )
    chosen = PipelineOptions(
        samples=2, rounds=0, concurrency=1, llm=llm, use_llm=server is not None
    )
    chosen.develop.selftest = Settings(cases=15, hypothesis_examples=25)
    chosen.develop.exploit_hunt = False
    chosen.develop.gates = ()  # the LLM gates (agent.gates) would add requests of their own
    chosen.develop.rounds = 0
    chosen.develop.calibration = calibration
    return chosen


def run(tmp_path: Path, chosen: PipelineOptions):
    specs, invalid = collect_specs([spec_file(tmp_path)])
    assert not invalid
    workspace = Workspace.open(tmp_path / "state")
    run_id, (outcome,) = run_batch(specs, chosen, workspace)
    return workspace, run_id, outcome


def calibration_check(workspace: Workspace, candidate_id: int) -> dict:
    report = QueueStore(workspace.database).get(candidate_id).report
    return next(check for check in report["checks"] if check["id"] == "calibration")


def test_a_candidate_inside_the_band_is_queued_with_its_numbers(tmp_path):
    drafts: list[str] = []
    route = solver(0.5, drafts, draft_reply(spec_file(tmp_path)))
    with ScriptedLLMServer(route) as server:
        workspace, run_id, outcome = run(tmp_path, options(server, CalibrationSettings(n=12)))
        assert server.errors == [] and len(server.requests) == 36  # 12 per difficulty, no draft
    assert outcome.outcome == "queued", outcome.reason
    assert drafts == []
    candidate = QueueStore(workspace.database).get(outcome.candidate_id)
    assert candidate.attempt == 0 and candidate.report["verdict"] == "pass"
    check = calibration_check(workspace, outcome.candidate_id)
    assert check["passed"] and check["summary"].startswith("against solver, band 0.03..0.85")
    numbers = check["numbers"]
    assert [d["difficulty"] for d in numbers["difficulties"]] == ["easy", "medium", "hard"]
    for preset in numbers["difficulties"]:
        assert preset["n"] == 12 and preset["no_answer"] == 0
        assert preset["correct"] + preset["wrong"] == 12 and preset["tokens"] == 12 * 48
        assert preset["low"] <= preset["accuracy"] <= preset["high"]
    purposes = {e["purpose"] for e in TranscriptStore(workspace.database).exchanges(run_id)}
    assert purposes == {f"calibrate {NAME} {level}" for level in ("easy", "medium", "hard")}


def test_a_preset_far_outside_the_band_goes_back_to_the_drafter_with_a_message(tmp_path):
    drafts: list[str] = []
    route = solver(1.0, drafts, draft_reply(spec_file(tmp_path)))  # everything right: too easy
    with ScriptedLLMServer(route) as server:
        workspace, _, outcome = run(tmp_path, options(server, CalibrationSettings(n=25)))
        assert server.errors == []
    assert outcome.outcome == "queued", outcome.reason
    # one redraft (Settings.repairs = 1) of both samples, then the candidate is queued
    assert len(drafts) == 2
    for redraft in drafts:
        assert "Calibration against the solver model solver" in redraft
        assert "`hard` was answered right 25 of 25 times (100%" in redraft
        assert "too easy. Make `hard` harder" in redraft
        assert '"max_exponent": 1000000000' in redraft  # the presets the draft had
    candidate = QueueStore(workspace.database).get(outcome.candidate_id)
    assert candidate.attempt == 1  # the redraft's candidate
    check = calibration_check(workspace, outcome.candidate_id)
    assert not check["passed"] and "after 1 redraft(s) asked for by calibration" in check["summary"]
    assert (
        "hard: accuracy 100% is above the band 0.03..0.85 (its whole interval is)"
        in (check["summary"])
    )
    assert candidate.report["verdict"] == "fail"  # the reviewer sees "fail: calibration"


def test_without_an_endpoint_the_node_sends_nothing_and_adds_nothing(tmp_path):
    workspace, _, outcome = run(tmp_path, options(None, CalibrationSettings(n=12)))
    assert outcome.outcome == "queued", outcome.reason
    report = QueueStore(workspace.database).get(outcome.candidate_id).report
    assert report["verdict"] == "pass"
    assert "calibration" not in {check["id"] for check in report["checks"]}
