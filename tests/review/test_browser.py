"""The review UI in a real browser: Chromium (Playwright) against the real server (uvicorn).

A candidate drafted by the pipeline from an offline spec waits in the queue; the browser signs in
with the access token, opens the queue and the candidate, tries a right and a wrong answer (scored
in the sandbox) and approves it, which must land a commit in a temporary catalog repository.

Skipped when /usr/bin/chromium is missing, except under CI (env CI set), where that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import git
import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright

from agent.workspace import Workspace
from review.store import QueueStore
from review.web import create_app
from tests.review.support import make_catalog, offline_spec
from tests.review.test_audit_page import ESCAPED, SCRIPT, store_sample_audit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOKEN = "browser-test-token"
NAME = "power_mod_browser"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="needs /usr/bin/chromium (apt-get install chromium)",
)

SPEC = offline_spec(NAME)


@pytest.fixture
def catalog_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> git.Repo:
    """An empty catalog in a fresh git repository, used by merges (CAMPFORGE_CATALOG)."""
    repo, directory = make_catalog(tmp_path / "catalog-repo")
    monkeypatch.setenv("CAMPFORGE_CATALOG", str(directory))
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return repo


@pytest.fixture
def queued(tmp_path: Path, catalog_repo: git.Repo) -> tuple[Workspace, int]:
    """A workspace whose queue holds one candidate drafted by the pipeline."""
    from agent.pipeline import PipelineOptions, collect_specs, run_batch

    spec_file = tmp_path / "power_mod_browser.md"
    spec_file.write_text(SPEC, encoding="utf-8")
    specs, invalid = collect_specs([spec_file])
    assert not invalid, invalid
    workspace = Workspace.open(tmp_path / "home")
    # An offline spec renders one candidate whatever `samples` says. samples=1 would make the
    # graph's max_concurrency 1, which deadlocks langgraph 1.2.22's stream with "custom" mode.
    options = PipelineOptions(use_llm=False, samples=2)
    _, outcomes = run_batch(specs, options, workspace)
    assert [o.outcome for o in outcomes] == ["queued"], outcomes
    assert outcomes[0].candidate_id is not None
    return workspace, outcomes[0].candidate_id


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(queued: tuple[Workspace, int]) -> Iterator[str]:
    """The real review server (uvicorn, in a thread) over the queue; its base URL."""
    workspace, _ = queued
    yield from serve(workspace)


def serve(workspace: Workspace) -> Iterator[str]:
    """Run the review server over `workspace` until the generator is closed; yields its URL."""
    app = create_app(workspace, token=TOKEN, allowed_hosts=["127.0.0.1", "localhost"])
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page() -> Iterator[Page]:
    if not CHROMIUM.exists():
        pytest.fail("CI is set but /usr/bin/chromium is missing: apt-get install chromium")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.set_default_timeout(30_000)
            yield context.new_page()
        finally:
            browser.close()


def test_review_in_the_browser(
    page: Page, server: str, queued: tuple[Workspace, int], catalog_repo: git.Repo
) -> None:  # `page` first: a missing Chromium under CI fails before the pipeline runs
    workspace, candidate_id = queued
    first_commit = catalog_repo.head.commit.hexsha

    # without the token: the sign-in page, then signing in through its form
    response = page.goto(server + "/")
    assert response is not None and response.status == 401
    page.fill("input[name=token]", TOKEN)
    page.click("text=Sign in")
    expect(page).to_have_url(server + "/")

    # the queue
    expect(page.locator("h1")).to_have_text("Review queue")
    row = page.locator(f'tr[data-candidate="{candidate_id}"]')
    expect(row).to_contain_text(NAME)
    expect(row.locator(".status")).to_have_text("pending")
    row.locator(f"text={NAME}").click()

    # the candidate
    expect(page).to_have_url(f"{server}/candidates/{candidate_id}")
    expect(page.locator("#status")).to_have_text("pending")
    expect(page.locator("#report-summary")).to_contain_text("pass")
    expect(page.locator("#spec-text")).to_contain_text(f"name: {NAME}")
    expect(page.locator("tr[data-sample]")).to_have_count(15)
    reference = page.locator('tr[data-sample="3"] td:nth-child(4) pre').first.inner_text()
    answer = int(json.loads(reference))

    # try a right and a wrong answer against sample case #3
    page.select_option("#try-form select[name=sample]", "3")
    page.fill("#try-form textarea[name=response]", f"Square and multiply: \\boxed{{{answer}}}")
    page.click("#try-form button")
    expect(page.locator("#try-score")).to_have_text("1.0")
    expect(page.locator("#try-extracted")).to_have_text(str(answer))
    page.select_option("#try-form select[name=sample]", "3")
    page.fill("#try-form textarea[name=response]", f"\\boxed{{{answer + 1}}}")
    page.click("#try-form button")
    expect(page.locator("#try-score")).to_have_text("0.0")

    # approve, as a named reviewer
    page.fill("#decision-form input[name=reviewer]", "Barbara Liskov")
    page.fill("#decision-form textarea[name=notes]", "clean and correct")
    page.click("#decision-form button[value=approve]")
    expect(page.locator("#flash")).to_contain_text("merged", timeout=60_000)
    expect(page.locator("#status")).to_have_text("merged")
    expect(page.locator("#reviewer-name")).to_have_text("Barbara Liskov")  # remembered

    commit = catalog_repo.head.commit
    assert commit.hexsha != first_commit
    assert commit.message.startswith(f"Add bootcamp {NAME}")
    assert "Campforge-Reviewer: Barbara Liskov" in commit.message
    expect(page.locator("#commit")).to_have_text(commit.hexsha)
    assert re.search(
        rf"merged as {NAME} in {commit.hexsha[:12]}", page.locator("#flash").inner_text()
    )
    assert QueueStore(workspace.database).get(candidate_id).status == "merged"
    assert (Path(catalog_repo.working_tree_dir) / "catalog" / NAME / "bootcamp.py").exists()

    # the audit page, from the navigation: every stored row, then filtered with the form
    store_sample_audit(workspace)
    page.click("#nav-audit")
    expect(page).to_have_url(server + "/audit")
    expect(page.locator("tr[data-audit]")).to_have_count(3)
    expect(page.locator("#audit")).to_contain_text(f"bleak{SCRIPT}")  # shown as text
    assert ESCAPED not in page.locator("#audit").inner_text()  # escaped once, not twice
    page.select_option("#audit-filters select[name=check]", "leakage")
    page.select_option("#audit-filters select[name=state]", "fail")
    page.click("#audit-filters button")
    expect(page).to_have_url(re.compile(r"/audit\?.*check=leakage.*state=fail"))
    expect(page.locator("tr[data-audit]")).to_have_count(1)
    page.select_option("#audit-filters select[name=check]", "reference")
    page.select_option("#audit-filters select[name=state]", "n/a")
    page.click("#audit-filters button")
    expect(page.locator("tr[data-audit]")).to_have_count(1)
    page.locator("tr[data-audit] a", has_text="agood").click()
    expect(page).to_have_url(re.compile(r"/audit/[0-9]+$"))
    reference = page.locator('tr[data-check="reference"]')
    expect(reference).to_have_attribute("data-state", "n/a")
    expect(reference).to_contain_text("not applicable: InternBootcamp modules carry no")
    expect(page.locator("#verdict")).to_have_text("pass")


def test_calibration_is_shown_in_the_browser(
    page: Page, tmp_path: Path, catalog_repo: git.Repo
) -> None:
    """A candidate calibrated by the graph's node, whose name a calibrated catalog entry has:
    both calibrations appear on its page, with the flag of the preset far above the band."""
    from agent.calibrate import BootcampResult, PresetResult
    from agent.calibrate_node import calibration_check
    from generated_bootcamps import catalog

    presets = [
        PresetResult("easy", 30, correct=24, wrong=4, no_answer=2, tokens=900),
        PresetResult("medium", 30, correct=15, wrong=15, tokens=900),
        PresetResult("hard", 30, correct=30, tokens=900),
    ]
    result = BootcampResult(NAME, "solver-7b", (0.03, 0.85), presets, date="2026-03-04")
    check = calibration_check(result, repairs=1).model_dump(mode="json")
    report = {"verdict": "fail", "candidate": "bootcamp.py", "cases_per_difficulty": 15,
              "checks": [{"id": "contract", "passed": True, "summary": "ok"}, check]}  # fmt: skip
    directory = Path(catalog_repo.working_tree_dir) / "catalog"
    index = catalog.read_index(directory)
    index[NAME] = catalog.CatalogEntry(
        NAME, f"{NAME}/bootcamp.py", "PowerMod", "arithmetic", "Powers modulo m.", "integer",
        catalog.Provenance("hand-written"), result.to_catalog(),
    )  # fmt: skip
    catalog.write_index(index, directory)
    workspace = Workspace.open(tmp_path / "calibrated-home")
    candidate_id = QueueStore(workspace.database).add(
        run_id="run-browser", thread_id=f"run-browser/{NAME}", attempt=1, name=NAME,
        domain="arithmetic", description="Compute a power modulo m.", spec_path="spec.md",
        spec_text=SPEC, spec_hash="0" * 64, code=_offline_code(), report=report, rounds=0,
        model="solver-7b", prompt_version=None, novelty={"nearest": None, "similarity": 0.0},
    )  # fmt: skip
    running = serve(workspace)
    base = next(running)
    try:
        page.goto(f"{base}/login?token={TOKEN}")
        page.goto(f"{base}/candidates/{candidate_id}")
        mine = page.locator("#calibration-candidate")
        expect(mine).to_contain_text("solver-7b")
        expect(mine.locator('tr[data-difficulty="easy"] .accuracy')).to_have_text("80%")
        expect(mine.locator('tr[data-difficulty="hard"] .accuracy')).to_have_text("100%")
        expect(mine.locator(".calibration-flag").first).to_contain_text(
            "hard: accuracy 100% is above the band 0.03..0.85"
        )
        theirs = page.locator("#calibration-catalog")
        expect(theirs).to_contain_text(f"Catalog bootcamp {NAME}")
        expect(theirs.locator('tr[data-difficulty="medium"] .accuracy')).to_have_text("50%")
        expect(page.locator('#checks tr[data-check="calibration"]')).to_contain_text("✗")
    finally:
        running.close()


def _offline_code() -> str:
    """The module the pipeline renders from the offline spec (no LLM)."""
    from agent.parts import parts_from_spec, render_module
    from agent.spec import parse_specs

    (spec,) = parse_specs(SPEC, "spec.md")
    return render_module(parts_from_spec(spec), spec=spec)
