"""The review UI's calibration section (FastAPI TestClient, real SQLite queue, real sandbox for
the samples): a candidate's calibration (the graph node's check) and the catalog entry's of the
same name are shown; a candidate with neither says how to get one."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agent.calibrate import BootcampResult, PresetResult
from agent.calibrate_node import calibration_check
from agent.workspace import Workspace
from review.web import create_app
from tests.calibrate.conftest import write_catalog
from tests.review.test_web import PASSING_REPORT, queue_candidate


def calibrated_report() -> dict:
    """A passing report with the calibrate node's check: hard is far above the band."""
    presets = [
        PresetResult("easy", 20, correct=12, wrong=6, no_answer=2, tokens=600),
        PresetResult("medium", 20, correct=15, wrong=5, tokens=600),
        PresetResult("hard", 30, correct=30, tokens=900),
    ]
    result = BootcampResult("sum_pair", "solver-7b", (0.03, 0.85), presets, date="2026-03-04")
    check = calibration_check(result, repairs=1).model_dump(mode="json")
    return {**PASSING_REPORT, "verdict": "fail", "checks": [*PASSING_REPORT["checks"], check]}


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</div>", start)]


@pytest.fixture
def catalog_with_sum_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    stored = {
        "model": "big-model",
        "date": "2026-02-01",
        "difficulties": {
            "easy": {
                "accuracy": 0.7,
                "low": 0.5,
                "high": 0.85,
                "n": 30,
                "correct": 21,
                "wrong": 9,
                "no_answer": 0,
                "tokens": 900,
            },
        },
    }
    directory = write_catalog(tmp_path / "catalog", stored)
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(directory))
    return directory


def test_the_candidate_and_catalog_calibrations_are_shown(tmp_path, catalog_with_sum_pair):
    workspace = Workspace.open(tmp_path / "home")
    candidate_id = queue_candidate(workspace, "sum_pair", report=calibrated_report())
    html = TestClient(create_app(workspace)).get(f"/candidates/{candidate_id}").text
    assert 'id="calibration"' in html and 'id="no-calibration"' not in html
    mine = section(html, "calibration-candidate")
    assert "solver-7b" in mine and "band 0.03..0.85" in mine
    assert '<tr data-difficulty="easy">' in mine and '<td class="accuracy">60%</td>' in mine
    assert "<td>2</td>" in mine  # easy's replies with no answer
    assert '<tr data-difficulty="hard">' in mine and '<td class="accuracy">100%</td>' in mine
    assert "hard: accuracy 100% is above the band 0.03..0.85 (its whole interval is)" in mine
    theirs = section(html, "calibration-catalog")
    assert "Catalog bootcamp sum_pair" in theirs and "big-model" in theirs
    assert "2026-02-01" in theirs and '<td class="accuracy">70%</td>' in theirs
    assert "fail: calibration (3/3 passed)" not in html  # the check counts like any other
    assert "fail: calibration (2/3 passed)" in html


def test_a_candidate_without_calibration_says_how_to_get_one(tmp_path, catalog_with_sum_pair):
    workspace = Workspace.open(tmp_path / "home")
    candidate_id = queue_candidate(workspace, "knap_plain")
    html = TestClient(create_app(workspace)).get(f"/candidates/{candidate_id}").text
    assert 'id="no-calibration"' in html and "campforge calibrate NAME --model M" in html
    assert 'id="calibration-candidate"' not in html and 'id="calibration-catalog"' not in html
