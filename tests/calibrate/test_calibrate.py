"""`agent.calibrate` against the local Chat Completions server: a scripted solver whose accuracy
per difficulty is known is reported within its interval, with the exact counts it answered; a
bootcamp whose difficulty does not rise is flagged; malformed, 429 and 500 replies do not stop
the run; a run stopped by its token budget resumes without sending a finished request again."""

from __future__ import annotations

import pytest

from agent.calibrate import (
    CatalogSubject,
    Settings,
    calibrate,
    parse_band,
    wilson_interval,
)
from tests.calibrate.conftest import USAGE, Solver, client_for, unit
from tests.llm_server import Reply, ScriptedLLMServer

LEVELS = ("easy", "medium", "hard")


def run(server, transcripts, settings, **extra):
    with client_for(server, transcripts, **extra) as client:
        (result,) = calibrate([CatalogSubject("sum_pair")], client, settings)
    return result


def test_wilson_interval_matches_known_values():
    # Reference values (Wilson score interval, z = 1.96), e.g. from statsmodels' proportion_confint.
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)
    low, high = wilson_interval(0, 20)
    assert low == 0.0 and high == pytest.approx(0.1611, abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize("text", ["0.85", "0.9,0.1", "a,b", "0,1.5", "0.1,0.2,0.3"])
def test_a_bad_band_is_refused_with_what_to_give(text):
    with pytest.raises(ValueError, match="LOW,HIGH with 0 <= LOW < HIGH <= 1"):
        parse_band(text)


def test_known_accuracy_is_reported_within_its_interval_with_exact_counts(sum_catalog, transcripts):
    solver = Solver({"easy": 0.8, "medium": 0.5, "hard": 0.15}, silent=0.5)
    with ScriptedLLMServer(solver) as server:
        result = run(server, transcripts, Settings(n=60, concurrency=8))
        assert server.errors == [] and len(server.requests) == 180
    assert [p.difficulty for p in result.presets] == list(LEVELS)
    for preset in result.presets:
        low, high = preset.interval
        assert low <= solver.right[preset.difficulty] <= high, preset
        assert preset.correct == solver.counts[preset.difficulty, "right"]
        assert preset.wrong == solver.counts[preset.difficulty, "wrong"]
        assert preset.no_answer == solver.counts[preset.difficulty, "silent"]
        assert preset.n == 60 and preset.errors == preset.skipped == 0
        assert preset.wrong > 0 and preset.no_answer > 0  # both failure modes are told apart
        assert preset.tokens == 60 * sum(USAGE)
    assert result.complete and result.flags() == []  # falls from easy to hard, inside the band


def test_difficulty_that_does_not_rise_is_flagged(sum_catalog, transcripts):
    solver = Solver({"easy": 0.25, "medium": 0.35, "hard": 0.97})
    with ScriptedLLMServer(solver) as server:
        result = run(server, transcripts, Settings(n=40))
    pairs = [(easier.difficulty, harder.difficulty) for easier, harder in result.inversions()]
    assert ("easy", "hard") in pairs and ("medium", "hard") in pairs
    assert ("easy", "medium") not in pairs  # their intervals overlap: not beyond them
    flags = result.flags()
    assert any("difficulty does not rise: hard" in line and "easy" in line for line in flags)
    assert [p.difficulty for p in result.outside_band()] == ["hard"]
    assert [p.difficulty for p in result.far_outside_band()] == ["hard"]  # 95%+ surely above


def test_a_preset_outside_the_band_is_flagged_but_not_far_when_its_interval_reaches_in(
    sum_catalog, transcripts
):
    solver = Solver({"easy": 0.9, "medium": 0.5, "hard": 0.1})
    with ScriptedLLMServer(solver) as server:
        result = run(server, transcripts, Settings(n=20, band=(0.03, 0.85)))
    easy = result.presets[0]
    assert easy.accuracy > 0.85 and easy.interval[0] < 0.85
    assert result.outside_band() == [easy] and result.far_outside_band() == []
    assert result.flags() == [f"easy: accuracy {easy.accuracy:.0%} is above the band 0.03..0.85"]


def test_malformed_rate_limited_and_failing_replies_do_not_stop_the_run(sum_catalog, transcripts):
    solver = Solver({"easy": 1.0, "medium": 1.0, "hard": 1.0})
    seen: dict[str, int] = {}

    def flaky(body):
        prompt = body["messages"][-1]["content"]
        seen[prompt] = seen.get(prompt, 0) + 1
        kind = unit("kind" + prompt)
        if kind < 0.2:  # never a chat completion: counted as an error, the rest goes on
            return Reply(raw_body="<html>502 Bad Gateway</html>")
        if kind < 0.4 and seen[prompt] == 1:  # rate limited once, then answered
            return Reply("slow down", status=429, headers={"retry-after": "0"})
        if kind < 0.6 and seen[prompt] == 1:  # a server error once, then answered
            return Reply("boom", status=500)
        return solver(body)

    with ScriptedLLMServer(flaky) as server:
        result = run(server, transcripts, Settings(n=20))
    malformed = {level: 0 for level in LEVELS}
    retried = 0
    for prompt, times in seen.items():
        level = prompt[1 : prompt.index("]")]
        malformed[level] += unit("kind" + prompt) < 0.2
        retried += times == 2
    assert retried > 0 and sum(malformed.values()) > 0
    for preset in result.presets:
        assert preset.errors == malformed[preset.difficulty]
        assert preset.correct == preset.n == 20 - preset.errors  # the retried ones were answered
        assert preset.first_error is None or "malformed chat completion" in preset.first_error
    assert result.complete  # errors are counted, not a stop


def test_a_run_stopped_by_its_budget_resumes_without_resending_finished_requests(
    sum_catalog, transcripts
):
    solver = Solver({"easy": 0.8, "medium": 0.5, "hard": 0.2})
    with ScriptedLLMServer(solver) as server:
        # 30 tokens a reply, one request at a time: the budget of 300 stops after 10 replies
        first = run(server, transcripts, Settings(n=10, concurrency=1), token_budget=300)
        assert not first.complete and "token budget spent" in (first.stopped or "")
        assert sum(p.n for p in first.presets) == 10 == len(server.requests)
        assert first.to_catalog().difficulties.keys() == {"easy"}
        second = run(server, transcripts, Settings(n=10, concurrency=4))
        sent = [request["messages"][-1]["content"] for request in server.requests]
    assert second.complete and sum(p.n for p in second.presets) == 30
    assert len(sent) == len(set(sent)) == 30  # every case sent once across the two runs
    assert [p.correct for p in second.presets] == [
        solver.counts[level, "right"] for level in LEVELS
    ]


def test_an_endpoint_that_stays_down_stops_the_run_with_a_clear_reason(sum_catalog, transcripts):
    with ScriptedLLMServer(lambda body: Reply("down", status=503)) as server:
        result = run(server, transcripts, Settings(n=5, concurrency=2))
        asked = len(server.requests)
    assert not result.complete and "still failing after 3 attempts: HTTP 503" in result.stopped
    assert asked < 15 * 3  # it stopped asking: not every case was tried three times
    assert sum(p.skipped for p in result.presets) > 0


def test_case_i_of_a_difficulty_is_record_i_of_campforge_generate(sum_catalog):
    from agent.calibrate import PresetResult, plan_batches
    from generated_bootcamps.export import Chunk, make_records

    subject = CatalogSubject("sum_pair")
    for level in LEVELS:
        preset = PresetResult(level, requested=6)
        sent = [r for batch in plan_batches(subject, preset, seed=3, key_prefix="") for r in batch]
        records = list(make_records(Chunk("sum_pair", level, 3, 0, 6, 0, "jsonl")))
        assert [r.case for r in sent] == [record["ground_truth"] for record in records]
        assert [r.messages[-1]["content"] for r in sent] == [rec["prompt"] for rec in records]
