"""The review web UI (review/web.py) through FastAPI's TestClient, on a real SQLite queue.

Candidates are either queued directly (`QueueStore.add`, real bootcamp code: the knapsack
bootcamp renamed) or, when a decision must resume a graph thread, drafted the real way by the
pipeline from an offline spec. Samples and tried answers run in the real sandbox; approving merges
into a temporary catalog git repository (CAMPFORGE_CATALOG).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import git
import pytest
from fastapi.testclient import TestClient

import review.samples
from agent.workspace import Workspace
from generated_bootcamps.knapsack.bootcamp import KnapsackBootcamp
from review.store import QueueStore
from review.web import CSRF_COOKIE, CSRF_FIELD, REVIEWER_COOKIE, TOKEN_COOKIE, create_app
from tests.review.support import make_catalog, offline_spec

ROOT = Path(__file__).resolve().parents[2]
KNAPSACK = ROOT / "generated_bootcamps" / "knapsack" / "bootcamp.py"
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
PASSING_REPORT = {
    "verdict": "pass",
    "candidate": "bootcamp.py",
    "bootcamp": "KnapsackBootcamp",
    "cases_per_difficulty": 20,
    "checks": [
        {"id": "contract", "passed": True, "summary": "one Bootcamp subclass, all members"},
        {"id": "completeness", "passed": True, "summary": "every reference answer scores 1"},
    ],
    "seconds": 1.5,
}


def knapsack_code(name: str, extra: str = "") -> str:
    code = KNAPSACK.read_text(encoding="utf-8").replace('name = "knapsack"', f'name = "{name}"')
    assert f'name = "{name}"' in code
    return code + extra


def spec_for(name: str, extra: str = "") -> str:
    return f"---\nname: {name}\ndomain: algorithms\n---\n# {name}\n\n0/1 knapsack.{extra}\n"


def queue_candidate(
    workspace: Workspace,
    name: str,
    *,
    domain: str = "algorithms",
    code: str | None = None,
    spec: str | None = None,
    report: dict[str, Any] | None = None,
    description: str = "0/1 knapsack, renamed.",
    novelty: dict[str, Any] | None = None,
) -> int:
    """Queue a candidate directly (no graph thread behind it)."""
    return QueueStore(workspace.database).add(
        run_id="run-web",
        thread_id=f"run-web/{name}",
        attempt=0,
        name=name,
        domain=domain,
        description=description,
        spec_path=f"specs/{name}.md",
        spec_text=spec or spec_for(name),
        spec_hash="0" * 64,
        code=code or knapsack_code(name),
        report=report or PASSING_REPORT,
        rounds=0,
        model=None,
        prompt_version=None,
        novelty=novelty or {"name_taken": False, "nearest": None, "similarity": 0.0},
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "home")


def client_for(workspace: Workspace, **options: Any) -> TestClient:
    return TestClient(create_app(workspace, **options))


def csrf_of(client: TestClient) -> str:
    """The CSRF token this client's cookie holds (a first GET sets it)."""
    if CSRF_COOKIE not in client.cookies:
        client.get("/login")
    token = client.cookies.get(CSRF_COOKIE)
    assert token
    return token


COOKIE_DOMAIN = "testserver.local"  # where the TestClient keeps the cookies the server sets


def rows(html: str, attribute: str) -> list[str]:
    return re.findall(rf'{attribute}="([^"]+)"', html)


# -- the queue -------------------------------------------------------------------------------------


def test_queue_lists_filters_and_counts(workspace: Workspace) -> None:
    first = queue_candidate(workspace, "knap_one")
    second = queue_candidate(workspace, "knap_two")
    third = queue_candidate(workspace, "knap_logic", domain="logic")
    QueueStore(workspace.database).decide(second, "reject", reviewer="ada", notes="duplicate")
    client = client_for(workspace)

    page = client.get("/")
    assert page.status_code == 200
    assert rows(page.text, "data-candidate") == [str(first), str(second), str(third)]
    for candidate_id in (first, second, third):
        assert f'href="/candidates/{candidate_id}"' in page.text
    counts = page.text[
        page.text.index('id="counts"') : page.text.index("</p>", page.text.index('id="counts"'))
    ]
    assert re.search(r"all <strong>3</strong>", counts)
    assert re.search(r'data-status="pending">pending <strong>2</strong>', counts)
    assert re.search(r'data-status="rejected">rejected <strong>1</strong>', counts)
    assert re.search(r'data-status="merged">merged <strong>0</strong>', counts)

    assert rows(client.get("/?status=pending").text, "data-candidate") == [str(first), str(third)]
    assert rows(client.get("/?status=rejected").text, "data-candidate") == [str(second)]
    assert rows(client.get("/?domain=logic").text, "data-candidate") == [str(third)]
    both = client.get("/?status=pending&domain=algorithms").text
    assert rows(both, "data-candidate") == [str(first)]
    assert "No candidates match" in client.get("/?status=merged").text
    assert client.get("/?status=nonsense").status_code == 400


# -- the candidate page ----------------------------------------------------------------------------


def test_candidate_page_renders_every_section(workspace: Workspace) -> None:
    report = {
        **PASSING_REPORT,
        "verdict": "fail",
        "checks": [
            *PASSING_REPORT["checks"],
            {
                "id": "soundness",
                "passed": False,
                "summary": "a mutated answer scores 1",
                "evidence": {"case": {"capacity": 3}, "response": "\\boxed{7}", "got": 1.0},
            },
        ],
    }
    novelty = {"name_taken": False, "nearest": "knapsack", "similarity": 0.9, "duplicate": True}
    candidate_id = queue_candidate(workspace, "knap_page", report=report, novelty=novelty)
    page = client_for(workspace).get(f"/candidates/{candidate_id}")
    assert page.status_code == 200
    html = page.text
    for section in ("spec", "code", "report", "novelty", "transcript", "samples", "try"):
        assert f'id="{section}"' in html, section
    assert 'id="decision-form"' in html and 'id="history"' in html
    assert "name: knap_page" in html  # the spec, in a <pre>
    assert '<div class="code">' in html and '<span class="k">def</span>' in html  # Pygments
    assert "fail: soundness (2/3 passed)" in html
    assert html.count("✓") == 2 and html.count("✗") == 1
    assert 'class="evidence"' in html and "&#34;capacity&#34;: 3" in html
    assert "Looks like catalog bootcamp <code>knapsack</code>" in html
    assert 'id="no-transcript"' in html  # no LLM call was recorded for this run
    # 5 sample cases per difficulty, computed in the sandbox, each reference answer scoring 1
    assert len(rows(html, "data-sample")) == 15
    table = html[
        html.index('id="sample-table"') : html.index("</table>", html.index('id="sample-table"'))
    ]
    assert table.count("<td>1.0</td>") == 15
    assert "easy" in table and "medium" in table and "hard" in table
    assert "weight capacity of" in table  # the prompts
    assert "No decisions yet." in html


def test_a_near_duplicate_in_the_queue_links_to_the_other_candidate(workspace: Workspace) -> None:
    first = queue_candidate(workspace, "knap_first")
    novelty = {
        "name_taken": False,
        "nearest": "dice_probability",
        "similarity": 0.05,
        "catalog_duplicate": False,
        "queued": {"id": first, "name": "knap_first", "similarity": 0.8},
        "duplicate": True,
    }
    second = queue_candidate(workspace, "knap_second", novelty=novelty)
    client = client_for(workspace)
    html = client.get(f"/candidates/{second}").text
    assert f'<a href="/candidates/{first}">candidate #{first} <code>knap_first</code></a>' in html
    assert "of another spec, also in the queue (similarity 0.8)" in html
    assert "Looks like catalog bootcamp" not in html
    queue = client.get("/").text
    assert f"near #{first} knap_first" in queue


def test_candidate_page_shows_the_llm_transcript(workspace: Workspace) -> None:
    from agent.llm import Completion, TranscriptStore

    candidate_id = queue_candidate(workspace, "knap_llm")
    with TranscriptStore(workspace.database) as transcripts:
        completion = Completion(
            "```python solve\n...\n```", "tiny-model", "stop", 120, 80, 0.4, False
        )
        messages = [{"role": "system", "content": "You write bootcamps."}]
        transcripts.record(
            run_id="run-web", key="knap_llm/draft/r0", purpose="draft knap_llm",
            model="tiny-model", messages=messages, completion=completion, error=None,
        )  # fmt: skip
        transcripts.record(
            run_id="run-web", key="other_spec/draft/r0", purpose="draft other_spec",
            model="tiny-model", messages=messages, completion=completion, error=None,
        )  # fmt: skip
    html = client_for(workspace).get(f"/candidates/{candidate_id}").text
    assert 'id="no-transcript"' not in html
    assert "draft knap_llm" in html and "120+80 tokens" in html and "You write bootcamps." in html
    assert "draft other_spec" not in html  # only this candidate's exchanges


def test_a_crashing_candidate_shows_the_sandbox_error(workspace: Workspace) -> None:
    code = knapsack_code("knap_crash").replace(
        "    def generate(self) -> dict[str, Any]:\n",
        "    def generate(self) -> dict[str, Any]:\n        raise RuntimeError('boom')\n",
    )
    candidate_id = queue_candidate(workspace, "knap_crash", code=code)
    page = client_for(workspace).get(f"/candidates/{candidate_id}")
    assert page.status_code == 200
    assert 'id="sample-table"' not in page.text  # no case could be generated
    assert client_for(workspace).get("/candidates/999").status_code == 404


def test_script_is_escaped_everywhere(workspace: Workspace) -> None:
    from agent.llm import Completion, TranscriptStore

    report = {
        **PASSING_REPORT,
        "verdict": "fail",
        "checks": [
            {
                "id": "soundness",
                "passed": False,
                "summary": f"summary {SCRIPT}",
                "evidence": {"response": SCRIPT, "got": SCRIPT, "detail": {"x": SCRIPT}},
            }
        ],
    }
    candidate_id = queue_candidate(
        workspace,
        "knap_xss",
        domain="algorithms",
        code=knapsack_code("knap_xss", f"\n# {SCRIPT}\nNOTE = '{SCRIPT}'\n"),
        spec=spec_for("knap_xss", f"\n\n{SCRIPT}\n"),
        report=report,
        description=f"description {SCRIPT}",
        novelty={"duplicate": True, "nearest": SCRIPT, "similarity": 0.7},
    )
    store = QueueStore(workspace.database)
    other = queue_candidate(workspace, "knap_xss_notes")
    store.decide(other, "reject", reviewer=SCRIPT, notes=f"notes {SCRIPT}")
    store.mark(candidate_id, "pending", note=f"event {SCRIPT}")
    with TranscriptStore(workspace.database) as transcripts:
        transcripts.record(
            run_id="run-web", key="knap_xss/draft/r0", purpose=f"draft {SCRIPT}",
            model=SCRIPT, messages=[{"role": "user", "content": SCRIPT}],
            completion=Completion(SCRIPT, SCRIPT, "stop", 1, 1, 0.1, False), error=None,
        )  # fmt: skip

    client = client_for(workspace)
    client.cookies.set(REVIEWER_COOKIE, SCRIPT)
    csrf = csrf_of(client)
    responses = [
        client.get("/"),
        client.get("/?domain=algorithms"),
        client.get("/?status=rejected"),
        client.get("/", params={"status": SCRIPT}),
        client.get("/", params={"domain": SCRIPT}),
        client.get(f"/candidates/{candidate_id}"),
        client.get(f"/candidates/{other}"),
        client.get("/candidates/%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
        client.get("/login", params={"token": SCRIPT}),
        client.post(
            f"/candidates/{candidate_id}/try",
            data={CSRF_FIELD: csrf, "sample": "0", "response": SCRIPT},
        ),
        client.post(f"/candidates/{candidate_id}/try", data={CSRF_FIELD: SCRIPT}),
        client.post(f"/candidates/{candidate_id}/try", data={CSRF_FIELD: csrf, "sample": SCRIPT}),
    ]
    for response in responses:
        assert SCRIPT not in response.text, response.request.url
    page = responses[5].text
    # escaped, not dropped: in the spec, the code, the report, the novelty flag, the transcript
    assert page.count(ESCAPED) >= 5
    assert "&lt;script&gt;" in page[page.index('id="spec-text"') :]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in responses[6].text  # the notes
    assert "Content-Security-Policy" in responses[5].headers
    assert "script-src" not in responses[5].headers["Content-Security-Policy"]  # none allowed


# -- CSRF and the access token ---------------------------------------------------------------------


def test_post_without_a_matching_csrf_token_is_403(workspace: Workspace) -> None:
    candidate_id = queue_candidate(workspace, "knap_csrf")
    client = client_for(workspace)
    csrf = csrf_of(client)
    decide = f"/candidates/{candidate_id}/decide"
    attempts = [
        {"action": "approve", "reviewer": "ada"},  # no field
        {CSRF_FIELD: "", "action": "approve", "reviewer": "ada"},
        {CSRF_FIELD: csrf[:-1] + ("A" if csrf[-1] != "A" else "B"), "action": "approve"},
    ]
    for data in attempts:
        assert client.post(decide, data=data).status_code == 403
        assert client.post(f"/candidates/{candidate_id}/try", data=data).status_code == 403
    # the right field but no cookie (another site's form cannot read or set it)
    stranger = client_for(workspace)
    response = stranger.post(decide, data={CSRF_FIELD: csrf, "action": "approve", "reviewer": "x"})
    assert response.status_code == 403
    assert stranger.post("/login", data={CSRF_FIELD: csrf, "token": "t"}).status_code == 403
    store = QueueStore(workspace.database)
    assert store.get(candidate_id).status == "pending" and store.events(candidate_id) == []
    # with the matching pair the request goes through (here: a decision that needs notes)
    ok = client.post(decide, data={CSRF_FIELD: csrf, "action": "reject", "reviewer": "ada"})
    assert ok.status_code == 200 and "reject needs a reason or notes" in ok.text
    assert client.cookies.get(REVIEWER_COOKIE) == "ada"  # the name is remembered


def test_token_is_required_when_set(workspace: Workspace) -> None:
    candidate_id = queue_candidate(workspace, "knap_token")
    client = client_for(workspace, token="s3cret-token")
    for path in ("/", f"/candidates/{candidate_id}", "/?status=pending"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert 'action="/login"' in response.text  # a sign-in form
    assert client.get("/style.css").status_code == 200
    assert client.get("/login", params={"token": "wrong"}).status_code == 401
    assert TOKEN_COOKIE not in client.cookies
    csrf = csrf_of(client)
    denied = client.post(
        f"/candidates/{candidate_id}/try", data={CSRF_FIELD: csrf, "sample": "0", "response": "1"}
    )
    assert denied.status_code == 401  # a valid CSRF pair is no substitute for the token

    signed_in = client.get("/login", params={"token": "s3cret-token"}, follow_redirects=False)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
    assert client.cookies.get(TOKEN_COOKIE) == "s3cret-token"
    assert client.get("/").status_code == 200
    assert client.get(f"/candidates/{candidate_id}").status_code == 200

    by_form = client_for(workspace, token="s3cret-token")
    form_csrf = csrf_of(by_form)
    assert by_form.post("/login", data={CSRF_FIELD: form_csrf, "token": "nope"}).status_code == 401
    assert (
        by_form.post("/login", data={CSRF_FIELD: form_csrf, "token": "s3cret-token"}).url.path
        == "/"
    )
    assert by_form.get("/").status_code == 200

    bearer = client_for(workspace, token="s3cret-token")
    assert bearer.get("/", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    assert bearer.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401


def plant_csrf(client: TestClient, value: str) -> None:
    """What another app on the same host can do: set this server's CSRF cookie to `value`."""
    client.cookies.delete(CSRF_COOKIE)
    client.cookies.set(CSRF_COOKIE, value, domain=COOKIE_DOMAIN)


def test_a_planted_csrf_pair_the_server_did_not_sign_is_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    candidate_id = queue_candidate(workspace, "knap_planted")
    other_server = client_for(Workspace.open(tmp_path / "other-home"))
    other_server.get("/")
    planted = [
        "A" * 43,  # the shape of an unsigned random token
        f"{'A' * 43}.{'B' * 43}",  # the shape of a signed one, with a made-up signature
        other_server.cookies[CSRF_COOKIE],  # signed, by another workspace's server
    ]
    posts = {
        f"/candidates/{candidate_id}/try": {"sample": "0", "response": "1"},
        f"/candidates/{candidate_id}/decide": {"action": "approve", "reviewer": "mallory"},
    }
    open_client = client_for(workspace)
    signed_in = client_for(workspace, token="s3cret-token")
    signed_in.cookies.set(TOKEN_COOKIE, "s3cret-token", domain=COOKIE_DOMAIN)
    login = client_for(workspace, token="s3cret-token")
    for value in planted:
        for client, routes in (
            (open_client, posts),
            (signed_in, posts),
            (login, {"/login": {"token": "s3cret-token"}}),
        ):
            plant_csrf(client, value)
            for url, data in routes.items():
                response = client.post(url, data={CSRF_FIELD: value, **data})
                assert response.status_code == 403, (value, url)
                assert "CSRF token is missing or wrong" in response.text
    store = QueueStore(workspace.database)
    assert store.get(candidate_id).status == "pending" and store.events(candidate_id) == []
    assert TOKEN_COOKIE not in login.cookies

    # the real flow: the token this server handed out goes through
    for client in (open_client, signed_in):
        client.cookies.delete(CSRF_COOKIE)
        csrf = csrf_of(client) if client is open_client else signed_in_csrf(client)
        tried = client.post(
            f"/candidates/{candidate_id}/try",
            data={CSRF_FIELD: csrf, "sample": "0", "response": "1"},
        )
        assert tried.status_code == 200 and 'id="try-score"' in tried.text
        decided = client.post(
            f"/candidates/{candidate_id}/decide",
            data={CSRF_FIELD: csrf, "action": "reject", "reviewer": "ada"},
        )
        assert decided.status_code == 200 and "reject needs a reason or notes" in decided.text
    login.cookies.delete(CSRF_COOKIE)
    csrf = csrf_of(login)
    assert login.post("/login", data={CSRF_FIELD: csrf, "token": "s3cret-token"}).url.path == "/"
    assert login.cookies.get(TOKEN_COOKIE) == "s3cret-token"


def signed_in_csrf(client: TestClient) -> str:
    """The CSRF token a client that carries the access token is handed (a page sets it)."""
    assert client.get("/").status_code == 200
    token = client.cookies.get(CSRF_COOKIE)
    assert token
    return token


def test_a_csrf_token_handed_out_before_signing_in_is_refused_after(workspace: Workspace) -> None:
    """/login is open: anyone can get a signed CSRF token there, but not one for a session
    signed in with the access token."""
    candidate_id = queue_candidate(workspace, "knap_session")
    attacker = client_for(workspace, token="s3cret-token")
    anonymous = csrf_of(attacker)
    reviewer = client_for(workspace, token="s3cret-token")
    reviewer.get("/login", params={"token": "s3cret-token"})
    plant_csrf(reviewer, anonymous)
    url = f"/candidates/{candidate_id}/decide"
    forged = {CSRF_FIELD: anonymous, "action": "reject", "reviewer": "x", "notes": "forged"}
    assert reviewer.post(url, data=forged).status_code == 403
    assert QueueStore(workspace.database).events(candidate_id) == []
    own = signed_in_csrf(reviewer)  # the page replaced the planted cookie with a token of its own
    assert own != anonymous
    response = reviewer.post(url, data={CSRF_FIELD: own, "action": "reject", "reviewer": "ada"})
    assert response.status_code == 200 and "reject needs a reason or notes" in response.text


def test_csrf_tokens_outlive_a_restart_and_the_secret_is_private(workspace: Workspace) -> None:
    candidate_id = queue_candidate(workspace, "knap_restart")
    before = client_for(workspace)
    csrf = csrf_of(before)
    secret = workspace.root / "review-secret"
    assert secret.stat().st_mode & 0o777 == 0o600
    restarted = client_for(workspace)  # a new server process over the same workspace
    restarted.cookies.set(CSRF_COOKIE, csrf, domain=COOKIE_DOMAIN)
    response = restarted.post(
        f"/candidates/{candidate_id}/decide",
        data={CSRF_FIELD: csrf, "action": "reject", "reviewer": "ada"},
    )
    assert response.status_code == 200 and "reject needs a reason or notes" in response.text
    assert restarted.cookies.get(CSRF_COOKIE) == csrf  # accepted as is, not replaced


class FakeClock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_tokens_at_login_are_throttled_with_a_growing_delay(workspace: Workspace) -> None:
    clock = FakeClock()
    app = create_app(workspace, token="s3cret-token", clock=clock)
    client = TestClient(app)
    csrf = csrf_of(client)

    def log_in(given: str) -> Any:
        return client.post("/login", data={CSRF_FIELD: csrf, "token": given})

    for _ in range(5):
        assert log_in("guess").status_code == 401
    locked = log_in("s3cret-token")  # locked out: not even the right token is compared
    assert locked.status_code == 429 and locked.headers["retry-after"] == "1"
    assert "too many wrong access tokens" in locked.text and "try again in 1 s" in locked.text
    assert client.get("/login", params={"token": "s3cret-token"}).status_code == 429
    assert TOKEN_COOKIE not in client.cookies
    clock.now += 1
    assert log_in("guess").status_code == 401
    assert log_in("guess").headers["retry-after"] == "2"  # twice as long each time
    clock.now += 2
    assert log_in("guess").status_code == 401
    assert log_in("guess").headers["retry-after"] == "4"
    clock.now += 1.5
    assert log_in("guess").headers["retry-after"] == "3"  # what is left of the 4 s
    clock.now += 2.5
    # another address is not held up meanwhile
    elsewhere = TestClient(app, client=("10.0.0.9", 50000))
    assert elsewhere.get("/login", params={"token": "wrong"}).status_code == 401

    signed_in = log_in("s3cret-token")
    assert signed_in.status_code == 200 and signed_in.url.path == "/"
    assert client.cookies.get(TOKEN_COOKIE) == "s3cret-token"
    client.get("/login")  # the sign-in form again (its CSRF token is not a signed-in one)
    csrf = client.cookies[CSRF_COOKIE]
    for _ in range(5):  # a right token forgives the wrong ones
        assert log_in("guess").status_code == 401
    assert log_in("guess").status_code == 429
    clock.now += 3600 + 1  # and so does an hour without a wrong one
    for _ in range(5):
        assert log_in("guess").status_code == 401


def test_wrong_bearer_and_cookie_tokens_are_throttled_too(workspace: Workspace) -> None:
    clock = FakeClock()
    client = TestClient(create_app(workspace, token="s3cret-token", clock=clock))
    for _ in range(5):
        assert client.get("/", headers={"Authorization": "Bearer guess"}).status_code == 401
    locked = client.get("/", headers={"Authorization": "Bearer s3cret-token"})
    assert locked.status_code == 429 and locked.headers["retry-after"] == "1"
    client.cookies.set(TOKEN_COOKIE, "s3cret-token", domain=COOKIE_DOMAIN)
    assert client.get("/").status_code == 429
    clock.now += 1
    assert client.get("/").status_code == 200

    stale = TestClient(create_app(workspace, token="s3cret-token", clock=clock))
    stale.cookies.set(TOKEN_COOKIE, "an-old-token", domain=COOKIE_DOMAIN)
    assert stale.get("/").status_code == 401
    assert TOKEN_COOKIE not in stale.cookies  # a wrong cookie is dropped, not sent again and again


def test_allowed_hosts_refuse_other_host_names(workspace: Workspace) -> None:
    client = TestClient(
        create_app(workspace, allowed_hosts=["127.0.0.1"]), base_url="http://127.0.0.1"
    )
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"host": "rebound.example"}).status_code == 400


# -- trying an answer ------------------------------------------------------------------------------


def test_try_answer_runs_in_the_sandbox(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Path] = []

    class SpySandbox(review.samples.Sandbox):
        def __init__(self, module: Path, **options: Any):
            started.append(Path(module))
            super().__init__(module, **options)

    monkeypatch.setattr(review.samples, "Sandbox", SpySandbox)
    candidate_id = queue_candidate(workspace, "knap_try")
    client = client_for(workspace)
    page = client.get(f"/candidates/{candidate_id}")
    assert len(started) == 1  # the samples: computed once, in a sandbox
    samples = client.app.state.samples.get(QueueStore(workspace.database).get(candidate_id))[0]
    index = 7
    case = samples[index]["case"]
    right = KnapsackBootcamp.solve(case)  # the trusted catalog bootcamp knows the answer
    csrf = csrf_of(client)
    url = f"/candidates/{candidate_id}/try"

    good = client.post(
        url, data={CSRF_FIELD: csrf, "sample": str(index), "response": f"So \\boxed{{{right}}}"}
    )
    assert good.status_code == 200
    assert re.search(r'id="try-score">1\.0<', good.text)
    assert f'id="try-extracted">{right}<' in good.text
    bad = client.post(
        url, data={CSRF_FIELD: csrf, "sample": str(index), "response": f"\\boxed{{{right + 1}}}"}
    )
    assert re.search(r'id="try-score">0\.0<', bad.text)
    assert f'id="try-extracted">{right + 1}<' in bad.text
    nothing = client.post(url, data={CSRF_FIELD: csrf, "sample": "0", "response": "no idea"})
    assert (
        re.search(r'id="try-score">0\.0<', nothing.text)
        and 'id="try-extracted">null<' in nothing.text
    )
    assert len(started) == 4  # one sandbox per tried answer; the samples came from the cache
    assert all(path.name == "candidate.py" for path in started)
    assert (
        client.post(url, data={CSRF_FIELD: csrf, "sample": "99", "response": "1"}).status_code
        == 400
    )
    assert page.status_code == 200


def test_try_answer_refuses_a_sample_index_out_of_range(workspace: Workspace) -> None:
    candidate_id = queue_candidate(workspace, "knap_index")
    client = client_for(workspace)
    url = f"/candidates/{candidate_id}/try"
    csrf = csrf_of(client)
    assert client.get(f"/candidates/{candidate_id}").status_code == 200  # 15 sample cases
    refused = ["-1", "-15", "15", "99", "", "abc", "1e1", "0x1", " 1", "1.0", "١", "9" * 5000]
    for sample in refused:
        response = client.post(url, data={CSRF_FIELD: csrf, "sample": sample, "response": "1"})
        assert response.status_code == 400, sample
        assert "pick one numbered from 0 to 14" in response.text, sample
        assert 'id="try-score"' not in response.text
    missing = client.post(url, data={CSRF_FIELD: csrf, "response": "1"})
    assert missing.status_code == 400 and "no sample case picked: pick one" in missing.text
    for sample in ("0", "14"):
        response = client.post(url, data={CSRF_FIELD: csrf, "sample": sample, "response": "1"})
        assert response.status_code == 200 and 'id="try-score"' in response.text
        assert re.search(rf'<option value="{sample}" selected>#{sample} ', response.text)

    code = knapsack_code("knap_no_samples").replace(
        "    def generate(self) -> dict[str, Any]:\n",
        "    def generate(self) -> dict[str, Any]:\n        raise RuntimeError('boom')\n",
    )
    broken = queue_candidate(workspace, "knap_no_samples", code=code)
    response = client.post(
        f"/candidates/{broken}/try", data={CSRF_FIELD: csrf, "sample": "0", "response": "1"}
    )
    assert response.status_code == 400 and "has no sample cases to try" in response.text


def test_out_of_range_candidate_ids_are_404_on_every_route(workspace: Workspace) -> None:
    candidate_id = queue_candidate(workspace, "knap_ids")
    client = client_for(workspace)
    csrf = csrf_of(client)
    data = {CSRF_FIELD: csrf, "sample": "0", "response": "1", "action": "approve", "reviewer": "a"}
    ids = [str(2**63), str(2**64), "9" * 400, "-1", str(-(2**63) - 1), "0", "abc"]
    for given in ids:
        responses = [
            client.get(f"/candidates/{given}"),
            client.post(f"/candidates/{given}/try", data=data),
            client.post(f"/candidates/{given}/decide", data=data),
        ]
        for response in responses:
            assert response.status_code == 404, (given, response.request.url)
            assert "candidate ids are whole numbers from 1 to 9223372036854775807" in response.text
        # the CSRF check still comes first
        assert client.post(f"/candidates/{given}/decide", data={}).status_code == 403
    assert client.get(f"/candidates/{2**63 - 1}").status_code == 404  # in range, unknown
    assert client.get(f"/candidates/{candidate_id}").status_code == 200
    assert QueueStore(workspace.database).events(candidate_id) == []


# -- decisions: candidates drafted by the pipeline (a graph thread to resume) ----------------------


def draft(workspace: Workspace, spec_file: Path) -> dict[str, int]:
    """Run the pipeline (offline) over a spec file: candidate id per spec name."""
    from agent.pipeline import PipelineOptions, collect_specs, run_batch

    specs, invalid = collect_specs([spec_file])
    assert not invalid, invalid
    # An offline spec renders one candidate whatever `samples` says. samples=1 would make the
    # graph's max_concurrency 1, which deadlocks langgraph 1.2.22's stream with "custom" mode.
    options = PipelineOptions(use_llm=False, samples=2)
    _, outcomes = run_batch(specs, options, workspace)
    assert all(o.outcome == "queued" for o in outcomes), outcomes
    return {o.spec: o.candidate_id for o in outcomes if o.candidate_id is not None}


class Drafted:
    def __init__(self, workspace: Workspace, repo: git.Repo, ids: dict[str, int]):
        self.workspace, self.repo, self.ids = workspace, repo, ids


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drafted]:
    root = tmp_path_factory.mktemp("drafted")
    with pytest.MonkeyPatch.context() as patch:
        repo, directory = make_catalog(root / "catalog-repo")
        patch.setenv("CAMPFORGE_CATALOG", str(directory))
        patch.delenv("OPENAI_BASE_URL", raising=False)
        patch.delenv("OPENAI_API_KEY", raising=False)
        spec_file = root / "specs.md"
        spec_file.write_text(
            offline_spec("power_mod_approve")
            + "\n"
            + offline_spec("power_mod_reject", SCRIPT)
            + "\n"
            + offline_spec("power_mod_unmerged")
        )
        workspace = Workspace.open(root / "home")
        yield Drafted(workspace, repo, draft(workspace, spec_file))


def test_approve_merges_into_the_catalog(drafted: Drafted) -> None:
    candidate_id = drafted.ids["power_mod_approve"]
    head = drafted.repo.head.commit.hexsha
    client = client_for(drafted.workspace)
    page = client.get(f"/candidates/{candidate_id}")
    assert "pass: " in page.text and 'id="no-transcript"' in page.text  # offline: no LLM
    csrf = csrf_of(client)
    url = f"/candidates/{candidate_id}/decide"
    nameless = client.post(url, data={CSRF_FIELD: csrf, "action": "approve", "reviewer": "  "})
    assert "fill in the reviewer name" in nameless.text
    assert drafted.repo.head.commit.hexsha == head

    response = client.post(
        url, data={CSRF_FIELD: csrf, "action": "approve", "reviewer": "Ada\nLovelace"}
    )
    assert response.status_code == 200 and response.url.path == f"/candidates/{candidate_id}"
    commit = drafted.repo.head.commit
    assert commit.hexsha != head
    assert commit.message.startswith("Add bootcamp power_mod_approve")
    assert "Campforge-Reviewer: Ada Lovelace\n" in commit.message  # one line: no forged trailers
    assert "Campforge-Model: none (offline spec)" in commit.message
    assert re.search(r"merged — merged as power_mod_approve in [0-9a-f]{12}", response.text)
    assert 'id="status">merged<' in response.text and commit.hexsha in response.text
    index = json.loads(
        (Path(drafted.repo.working_tree_dir) / "catalog" / "catalog.json").read_text()
    )
    assert index["bootcamps"]["power_mod_approve"]["provenance"]["reviewer"] == "Ada Lovelace"
    assert 'id="reviewer-name">Ada Lovelace<' in client.get("/").text  # remembered (cookie)
    assert "nothing left to decide" in response.text and 'id="decision-form"' not in response.text
    again = client.post(url, data={CSRF_FIELD: csrf, "action": "approve", "reviewer": "Ada"})
    assert "already merged" in again.text
    assert drafted.repo.head.commit.hexsha == commit.hexsha
    trail = again.text[again.text.index('id="events"') :]
    assert "approve" in trail and "merged" in trail and "Ada Lovelace" in trail


def test_an_approval_whose_merge_failed_is_shown_and_merged_again(drafted: Drafted) -> None:
    candidate_id = drafted.ids["power_mod_unmerged"]
    stray = Path(drafted.repo.working_tree_dir) / "catalog" / "draft-notes.txt"
    stray.write_text("uncommitted\n", encoding="utf-8")  # the merge is refused, the approval kept
    client = client_for(drafted.workspace)
    client.get(f"/candidates/{candidate_id}")
    csrf = csrf_of(client)
    try:
        page = client.post(
            f"/candidates/{candidate_id}/decide",
            data={CSRF_FIELD: csrf, "action": "approve", "reviewer": "ada"},
        )
        assert "merge_failed" in page.text and "uncommitted changes" in page.text
        assert 'id="unmerged"' in page.text and 'id="merge-form"' in page.text
        row = client.get("/").text.split(f'data-candidate="{candidate_id}"')[1].split("</tr>")[0]
        assert "approved, not merged" in row
        forged = client.post(f"/candidates/{candidate_id}/merge", data={CSRF_FIELD: "x"})
        assert forged.status_code == 403
    finally:
        stray.unlink()
    merged = client.post(f"/candidates/{candidate_id}/merge", data={CSRF_FIELD: csrf})
    assert merged.status_code == 200 and "merge: merged" in merged.text
    assert 'id="status">merged<' in merged.text and 'id="merge-form"' not in merged.text
    commit = drafted.repo.head.commit
    assert commit.message.startswith("Add bootcamp power_mod_unmerged")
    assert commit.author.name == "ada"  # the approver, as recorded


def test_reject_records_the_escaped_notes(drafted: Drafted) -> None:
    candidate_id = drafted.ids["power_mod_reject"]
    head = drafted.repo.head.commit.hexsha
    client = client_for(drafted.workspace)
    page = client.get(f"/candidates/{candidate_id}")
    assert SCRIPT not in page.text and ESCAPED in page.text  # the spec's <script>
    csrf = csrf_of(client)
    url = f"/candidates/{candidate_id}/decide"
    notes = f"copies an existing task {SCRIPT}"
    response = client.post(
        url, data={CSRF_FIELD: csrf, "action": "reject", "reviewer": "Grace", "notes": notes}
    )
    assert response.status_code == 200
    assert SCRIPT not in response.text
    assert "rejected" in response.text and ESCAPED in response.text
    store = QueueStore(drafted.workspace.database)
    assert store.get(candidate_id).status == "rejected"
    assert [(e.action, e.reviewer, e.notes) for e in store.events(candidate_id)] == [
        ("reject", "Grace", notes)
    ]
    assert drafted.repo.head.commit.hexsha == head
    queue_page = client.get("/?status=rejected")
    assert rows(queue_page.text, "data-candidate") == [str(candidate_id)]


def test_serve_refuses_a_public_address_without_a_token(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from agent.cli import app

    home = str(tmp_path / "home")
    result = CliRunner().invoke(app, ["review", "serve", "--host", "0.0.0.0", "--home", home])
    assert result.exit_code == 2
    assert "--token" in result.output and "0.0.0.0" in result.output
