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
