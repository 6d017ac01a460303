"""The reviewer's web UI: the review queue and each candidate, server-rendered (FastAPI + Jinja2).

    app = create_app(Workspace.open(), token="s3cret")   # `campforge review serve` runs it

Routes:

    GET  /                          the queue: filters (?status=, ?domain=), counts per status
    GET  /candidates/{id}           spec, code, self-test report, novelty, LLM transcript, sample
                                    cases, try-an-answer and decision forms, audit trail
    POST /candidates/{id}/try       score an answer against a sample case (in the sandbox)
    POST /candidates/{id}/decide    approve / reject / changes (review.decisions.decide)
    POST /candidates/{id}/merge     land an approval whose merge failed (decisions.merge_again)
    GET  /audit                     the stored audit rows (`campforge audit`), one per bootcamp:
                                    filters ?verdict=, ?check= and ?state= (fail, pass, n/a),
                                    ?source=; counts per verdict and per check
    GET  /audit/{id}                one bootcamp's audit: its whole self-test report, check by
                                    check (n/a with the reason), with the evidence
    GET  /login?token=T, POST /login    set the access-token cookie
    GET  /style.css                 the stylesheet (ours and Pygments')

Security:

- Candidate code is untrusted: samples and tried answers run in the sandbox (`review.samples`),
  never in this process. Everything a spec, the LLM or a reviewer wrote is escaped: templates are
  autoescaped, code is highlighted by Pygments (which escapes), and the pages send a
  Content-Security-Policy with no script sources at all.
- Access token (when set): every request but /login and /style.css needs the `campforge_token`
  cookie (set by /login) or an `Authorization: Bearer` header equal to the token, else 401.
  Wrong tokens are throttled per client address (`review.web_security.TokenThrottle`), at
  /login and on every other route alike: past a few, 429 with Retry-After, for longer each time.
- CSRF (signed double submit): each browser gets a `campforge_csrf` cookie signed by this
  workspace's secret for its session (signed in or not, `review.web_security.CsrfTokens`); every
  form carries the same value in a hidden `csrf_token` field, and every POST whose field does not
  match the cookie, or whose token this server did not sign for this session, is refused with 403.
- Numbers from the request are bounded before use: a candidate id outside 1..2^63-1 is a 404,
  a sample index outside the candidate's sample cases a 400.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi import Path as PathParameter
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.middleware.trustedhost import TrustedHostMiddleware

from agent.audit.store import AuditListing
from agent.novelty import near_label
from agent.workspace import Workspace
from review.store import STATUSES, Candidate, QueueStore, UnknownCandidate
from review.web_security import CsrfTokens, TokenThrottle, workspace_secret

TEMPLATES = Path(__file__).resolve().parent / "templates"
TOKEN_COOKIE = "campforge_token"
CSRF_COOKIE = "campforge_csrf"
CSRF_FIELD = "csrf_token"
REVIEWER_COOKIE = "campforge_reviewer"
SAMPLES_PER_DIFFICULTY = 5
MAX_ID = 2**63 - 1  # SQLite's largest integer
CandidateId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
AuditId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
AUDIT_VERDICTS = ("pass", "fail", "unusable", "error")
AUDIT_STATES = ("fail", "pass", "n/a")
SAMPLE_INDEX = re.compile(r"[0-9]{1,9}")
MAX_FLASHES = 1000
OPEN_PATHS = ("/login", "/style.css")  # reachable without the access token
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
DECISIONS = {"approve": "Approve", "reject": "Reject", "changes": "Request changes"}
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
CODE_CLASS = "code"
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d232a; background: #fafbfc; }
header { background: #24292f; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.5rem;
         align-items: baseline; }
header a { color: #fff; font-weight: 600; text-decoration: none; }
header nav a { font-weight: 400; margin-right: 1rem; }
header .who { margin-left: auto; opacity: .8; }
main { padding: 1rem 1.2rem 3rem; max-width: 1200px; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem;
     border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem;
         border-bottom: 1px solid #e5e8eb; }
pre { background: #f3f5f7; padding: .6rem; overflow-x: auto; white-space: pre-wrap;
      word-break: break-word; margin: .2rem 0; }
.code pre { white-space: pre; word-break: normal; }
.pass { color: #1a7f37; } .fail { color: #cf222e; } .muted, .na { color: #6e7781; }
.counts a { margin-right: 1rem; }
.flash { padding: .6rem .8rem; border-radius: 4px; margin: 1rem 0; }
.flash.ok { background: #dafbe1; } .flash.error { background: #ffebe9; }
.warn { background: #fff8c5; padding: .4rem .6rem; }
form.inline { display: inline-block; margin-right: 1rem; vertical-align: top; }
textarea { width: 100%; max-width: 50rem; min-height: 4rem; font-family: monospace; }
label { display: block; margin: .3rem 0; }
.status { font-weight: 600; }
"""


def create_app(
    workspace: Workspace,
    *,
    token: str | None = None,
    allowed_hosts: list[str] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """The review UI over `workspace`'s queue; `token`, when set, is required on every request.

    `allowed_hosts` (Host header names) guards a localhost server against DNS rebinding;
    `clock` (seconds) times the lockouts after wrong tokens."""
    store = QueueStore(workspace.database)
    csrf_tokens = CsrfTokens(workspace_secret(workspace.root))
    throttle = TokenThrottle(clock)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["as_json"] = _as_json
    env.filters["near_label"] = near_label
    samples = _SampleCache()
    flashes: dict[str, dict[str, str]] = {}  # csrf session -> the message to show once
    flash_lock = threading.Lock()

    def session(request: Request) -> str:
        """What a CSRF token is signed for: the access token once it let this request in."""
        return token if token is not None and getattr(request.state, "signed_in", False) else ""

    def csrf_token(request: Request) -> str:
        """This browser's CSRF token: its cookie if we signed it for this session, else a new
        one (the middleware sets the cookie on the way out)."""
        if getattr(request.state, "csrf", None) is None:
            sent = request.cookies.get(CSRF_COOKIE)
            if csrf_tokens.verify(sent, session(request)):
                request.state.csrf = sent
            else:
                fresh = csrf_tokens.issue(session(request))
                request.state.csrf = request.state.csrf_issued = fresh
        return request.state.csrf

    def check_token(request: Request, given: str) -> bool:
        """Compare a token the client sent, unless its address is locked out (429)."""
        assert token is not None
        address = _client_address(request)
        wait = throttle.retry_after(address)
        if wait is not None:
            raise HTTPException(
                429,
                f"too many wrong access tokens from {address}: try again in {wait} s",
                headers={"Retry-After": str(wait)},
            )
        if hmac.compare_digest(given.encode(), token.encode()):
            return True
        throttle.failed(address)
        return False

    async def guard(request: Request) -> None:
        """Access token first (401, or 429 when locked out), then CSRF on every unsafe
        method (403)."""
        if token is not None and request.url.path not in OPEN_PATHS:
            given = _given_token(request)
            if given is None or not check_token(request, given):
                raise HTTPException(401, "this review server needs its access token")
            request.state.signed_in = True
        if request.method not in SAFE_METHODS:
            form = await request.form()
            sent = form.get(CSRF_FIELD)
            cookie = request.cookies.get(CSRF_COOKIE)
            if (
                not isinstance(sent, str)
                or cookie is None
                or not hmac.compare_digest(sent.encode(), cookie.encode())
                or not csrf_tokens.verify(cookie, session(request))
            ):
                raise HTTPException(403, "the form's CSRF token is missing or wrong: reload it")

    app = FastAPI(
        title="campforge review",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(guard)],
    )

    class SessionMiddleware(BaseHTTPMiddleware):
        """A CSRF cookie for every browser, and security headers on every response."""

        async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
            request.state.csrf = request.state.csrf_issued = None  # rendering a page sets them
            response = await call_next(request)
            if request.state.csrf_issued is not None:
                _set_cookie(request, response, CSRF_COOKIE, request.state.csrf_issued)
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Referrer-Policy", "no-referrer")
            response.headers.setdefault("Cache-Control", "no-store")
            return response

    app.add_middleware(SessionMiddleware)
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
        context.setdefault("title", "campforge review")
        page = env.get_template(template).render(
            request=request,
            csrf=csrf_token(request),
            csrf_field=CSRF_FIELD,
            reviewer=request.cookies.get(REVIEWER_COOKIE, ""),
            **context,
        )
        return HTMLResponse(page, status_code=status_code)

    def take_flash(request: Request) -> dict[str, str] | None:
        with flash_lock:
            return flashes.pop(csrf_token(request), None)

    def put_flash(request: Request, kind: str, message: str) -> None:
        with flash_lock:
            if len(flashes) >= MAX_FLASHES:  # never shown (redirect not followed): forget them
                flashes.clear()
            flashes[csrf_token(request)] = {"kind": kind, "message": message}

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code in (401, 429):
            page = render(request, "login.html", error.status_code, error=str(error.detail))
        else:
            status = error.status_code
            page = render(request, "error.html", status, status=status, error=error.detail)
        page.headers.update(error.headers or {})
        if error.status_code == 401 and TOKEN_COOKIE in request.cookies:
            page.delete_cookie(TOKEN_COOKIE, path="/")  # a wrong one: stop sending it
        return page

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        if any(e.get("loc", ())[:2] == ("path", "candidate_id") for e in error.errors()):
            return await http_error(request, HTTPException(404, _no_such_candidate(request)))
        if any(e.get("loc", ())[:2] == ("path", "audit_id") for e in error.errors()):
            given = str(request.path_params.get("audit_id", ""))[:40]
            message = f"no audit row {given!r}: see the list at /audit"
            return await http_error(request, HTTPException(404, message))
        fields = ", ".join(".".join(map(str, e.get("loc", ()))) for e in error.errors())
        return render(request, "error.html", 422, status=422, error=f"invalid request: {fields}")

    @app.get("/style.css", include_in_schema=False)
    def stylesheet() -> Response:
        pygments_css = HtmlFormatter().get_style_defs(f".{CODE_CLASS}")
        return Response(STYLE + pygments_css, media_type="text/css")

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request) -> Response:
        token_given = request.query_params.get("token")
        if token is None:
            return RedirectResponse("/", status_code=303)
        if token_given is None:
            return render(request, "login.html", error=None)
        return _login(request, token_given)

    @app.post("/login", response_class=HTMLResponse)
    async def login_form(request: Request) -> Response:
        if token is None:
            return RedirectResponse("/", status_code=303)
        form = await request.form()
        return _login(request, str(form.get("token") or ""))

    def _login(request: Request, given: str) -> Response:
        if not check_token(request, given):
            return render(request, "login.html", 401, error="wrong token")
        throttle.succeeded(_client_address(request))
        response = RedirectResponse("/", status_code=303)  # drop the token from the address bar
        _set_cookie(request, response, TOKEN_COOKIE, token)
        return response

    @app.get("/", response_class=HTMLResponse)
    def queue(request: Request, status: str | None = None, domain: str | None = None) -> Response:
        status, domain = status or None, domain or None
        if status is not None and status not in STATUSES:
            raise HTTPException(400, f"unknown status {status!r}: use one of {', '.join(STATUSES)}")
        everything = store.list()
        candidates = store.list(status=status, domain=domain)
        counts = store.counts()
        rows = [{"candidate": c, "selftest": _summary_line(c.report)} for c in candidates]
        return render(
            request,
            "queue.html",
            rows=rows,
            counts=[(s, counts.get(s, 0)) for s in STATUSES],
            total=sum(counts.values()),
            statuses=STATUSES,
            domains=sorted({c.domain for c in everything}),
            status=status,
            domain=domain,
        )

    def candidate_page(
        request: Request, candidate: Candidate, tried: dict[str, Any] | None = None
    ) -> Response:
        cases, samples_error = samples.get(candidate)
        events = store.events(candidate.id)
        return render(
            request,
            "candidate.html",
            title=f"#{candidate.id} {candidate.name} — campforge review",
            candidate=candidate,
            code_html=Markup(_highlight(candidate.code)),
            report=_report_view(candidate.report),
            calibrations=_calibrations(candidate),
            novelty=candidate.novelty,
            transcript=_transcript(workspace, candidate),
            samples=cases,
            samples_error=samples_error,
            tried=tried,
            decisions={
                action: label
                for action, label in DECISIONS.items()
                if not (candidate.imported and action == "changes")  # no spec to redraft
            },
            events=events,
            merge_failure=next(
                (e.notes for e in reversed(events) if (e.notes or "").startswith("merge failed")),
                None,
            ),
            flash=take_flash(request),
        )

    def get_candidate(candidate_id: int) -> Candidate:
        try:
            return store.get(candidate_id)
        except UnknownCandidate as error:
            raise HTTPException(404, str(error)) from None

    @app.get("/candidates/{candidate_id}", response_class=HTMLResponse)
    async def show(request: Request, candidate_id: CandidateId) -> Response:
        candidate = get_candidate(candidate_id)
        # rendering starts the sandbox (samples, once per candidate): off the event loop
        return await run_in_threadpool(candidate_page, request, candidate)

    @app.post("/candidates/{candidate_id}/try", response_class=HTMLResponse)
    async def try_response(request: Request, candidate_id: CandidateId) -> Response:
        from review.samples import SampleError, try_answer

        candidate = get_candidate(candidate_id)
        form = await request.form()
        response_text = str(form.get("response") or "")
        cases, samples_error = await run_in_threadpool(samples.get, candidate)
        index = _sample_index(form.get("sample"), cases, samples_error)
        sample = cases[index]
        tried: dict[str, Any] = {"index": index, "sample": sample, "response": response_text}
        try:
            code, case, companion = candidate.code, sample["case"], candidate.companion
            tried.update(await run_in_threadpool(try_answer, code, case, response_text, companion))
        except SampleError as failure:
            tried["error"] = str(failure)
        return await run_in_threadpool(candidate_page, request, candidate, tried)

    @app.post("/candidates/{candidate_id}/decide")
    async def decide_candidate(request: Request, candidate_id: CandidateId) -> Response:
        from review.decisions import decide

        get_candidate(candidate_id)
        form = await request.form()
        action = str(form.get("action") or "")
        reviewer = " ".join(str(form.get("reviewer") or "").split())[:80]  # one line: a trailer
        notes = str(form.get("notes") or "").strip() or None
        target = f"/candidates/{candidate_id}"
        response = RedirectResponse(target + "#decision", status_code=303)
        if not reviewer:
            put_flash(request, "error", "say who you are: fill in the reviewer name")
            return response
        _set_cookie(request, response, REVIEWER_COOKIE, reviewer)
        try:
            outcome = await run_in_threadpool(
                decide, workspace, candidate_id, action, reviewer=reviewer, notes=notes
            )
        except (UnknownCandidate, ValueError) as error:
            put_flash(request, "error", str(error))
            return response
        ok = outcome.outcome in ("merged", "queued", "rejected", "approved")
        put_flash(
            request,
            "ok" if ok else "error",
            f"{DECISIONS.get(action, action)}: {outcome.outcome} — {outcome.reason}",
        )
        return response

    @app.post("/candidates/{candidate_id}/merge")
    async def merge_candidate_again(request: Request, candidate_id: CandidateId) -> Response:
        """Land an approval whose merge failed or was interrupted (`campforge review merge`)."""
        from review.decisions import merge_again

        get_candidate(candidate_id)
        response = RedirectResponse(f"/candidates/{candidate_id}#decision", status_code=303)
        try:
            outcome = await run_in_threadpool(merge_again, workspace, candidate_id)
        except (UnknownCandidate, ValueError) as error:
            put_flash(request, "error", str(error))
            return response
        merged = outcome.outcome == "merged"
        put_flash(
            request, "ok" if merged else "error", f"merge: {outcome.outcome} — {outcome.reason}"
        )
        return response

    audits = AuditListing(workspace.database)

    @app.get("/audit", response_class=HTMLResponse)
    def audit_rows(
        request: Request,
        verdict: str | None = None,
        check: str | None = None,
        state: str | None = None,
        source: str | None = None,
    ) -> Response:
        """The stored audit rows, filtered by verdict, by a check's state, and by source."""
        everything = audits.brief_rows()
        sources = sorted({row["source"] for row in everything})
        checks = sorted({c for row in everything for c in row["states"]}, key=_check_order)
        chosen = _audit_filters(verdict, check, state, source, checks, sources)
        in_source = [r for r in everything if chosen["source"] in (None, r["source"])]
        shown = [row for row in in_source if _audit_row_matches(row, chosen)]
        return render(
            request,
            "audit.html",
            title="audit — campforge review",
            rows=shown,
            total=len(in_source),
            verdicts=_count_verdicts(in_source),
            check_counts=_count_check_states(in_source, checks),
            checks=checks,
            sources=sources,
            states=AUDIT_STATES,
            verdict_kinds=AUDIT_VERDICTS,
            chosen=chosen,
        )

    @app.get("/audit/{audit_id}", response_class=HTMLResponse)
    def audit_row(request: Request, audit_id: AuditId) -> Response:
        """One bootcamp's audit: its verdict and its whole self-test report, check by check."""
        row = audits.whole_row(audit_id)
        if row is None:
            raise HTTPException(404, f"no audit row #{audit_id}: see the list at /audit")
        report = _report_view(row["report"]) if row.get("report") else None
        return render(
            request,
            "audit_row.html",
            title=f"audit of {row['name']} — campforge review",
            row=row,
            kind=_verdict_kind(row["verdict"]),
            report=report,
        )

    app.state.store = store
    app.state.samples = samples
    return app


class _SampleCache:
    """Sample cases per candidate, computed once in the sandbox (errors are not cached)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str], list[dict[str, Any]]] = {}
        self._locks: dict[int, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, candidate: Candidate) -> tuple[list[dict[str, Any]], str | None]:
        from review.samples import SampleError, sample_cases

        key = (candidate.id, candidate.code)
        with self._lock:
            lock = self._locks.setdefault(candidate.id, threading.Lock())
        with lock:
            if key in self._cache:
                return self._cache[key], None
            try:
                cases = sample_cases(
                    candidate.code, SAMPLES_PER_DIFFICULTY, companion=candidate.companion
                )
            except SampleError as error:
                return [], str(error)
            self._cache[key] = cases
            return cases, None


def _given_token(request: Request) -> str | None:
    """The access token this request carries: its Bearer header, else its cookie."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(TOKEN_COOKIE)


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _sample_index(value: object, cases: list[dict[str, Any]], samples_error: str | None) -> int:
    """The sample case a try-an-answer form picked, by its index in `cases` (400 if none)."""
    if not cases:
        raise HTTPException(400, f"this candidate has no sample cases to try: {samples_error}")
    last = len(cases) - 1
    if isinstance(value, str) and SAMPLE_INDEX.fullmatch(value) and int(value) <= last:
        return int(value)
    picked = f"no sample case {value[:40]!r}" if isinstance(value, str) else "no sample case picked"
    raise HTTPException(400, f"{picked}: pick one numbered from 0 to {last}")


def _no_such_candidate(request: Request) -> str:
    given = str(request.path_params.get("candidate_id", ""))[:40]
    return f"no candidate {given!r}: candidate ids are whole numbers from 1 to {MAX_ID}"


def _set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=30 * 24 * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def _as_json(value: Any) -> str:
    """Pretty JSON for a <pre> (escaped by the template like any other text)."""
    try:
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _highlight(code: str) -> str:
    """The code as highlighted HTML; Pygments escapes every token."""
    return highlight(code, PythonLexer(), HtmlFormatter(cssclass=CODE_CLASS, linenos="table"))


def _summary_line(report: dict[str, Any]) -> str:
    from agent.selftest import Report

    try:
        return Report.model_validate(report).summary_line()
    except ValueError:
        return str(report.get("verdict", "unreadable report"))


def _report_view(report: dict[str, Any]) -> dict[str, Any]:
    """The report for the template: verdict, summary and checks, or the raw JSON if unreadable."""
    from agent.selftest import Report

    try:
        parsed = Report.model_validate(report)
    except ValueError:
        return {"valid": False, "raw": report}
    checks = [_check_view(check) for check in parsed.checks]
    return {
        "valid": True,
        "verdict": parsed.verdict,
        "summary": parsed.summary_line(),
        "checks": checks,
        "seconds": parsed.seconds,
    }


STATE_MARKS = {"pass": "✓", "fail": "✗", "n/a": "n/a"}


def _check_view(check: Any) -> dict[str, Any]:
    """One check for a template: its state (pass, fail or n/a: a check that does not apply is
    never shown as passed or failed), the mark for that state, and what it says."""
    return {
        "id": check.id,
        "state": check.state,
        "mark": STATE_MARKS[check.state],
        "css": {"n/a": "na"}.get(check.state, check.state),
        "passed": check.passed,
        "summary": check.summary,
        "numbers": check.numbers,
        "evidence": _evidence(check.evidence),
    }


def _verdict_kind(verdict: str) -> str:
    """ "pass", "fail", "unusable" or "error": the verdict without its reason."""
    return verdict.split(":", 1)[0].strip()


def _check_order(check_id: str) -> tuple[int, str]:
    """Checks in the self-test's order, unknown ones after them."""
    from agent.selftest.runner import CHECK_IDS

    return (CHECK_IDS.index(check_id) if check_id in CHECK_IDS else len(CHECK_IDS), check_id)


def _audit_filters(
    verdict: str | None,
    check: str | None,
    state: str | None,
    source: str | None,
    checks: list[str],
    sources: list[str],
) -> dict[str, str | None]:
    """The audit page's filters, checked: an unknown value is a 400 naming the known ones."""
    verdict, check, state, source = verdict or None, check or None, state or None, source or None
    if verdict is not None and verdict not in AUDIT_VERDICTS:
        raise HTTPException(
            400, f"unknown verdict {verdict!r}: use one of {', '.join(AUDIT_VERDICTS)}"
        )
    if state is not None and state not in AUDIT_STATES:
        raise HTTPException(400, f"unknown state {state!r}: use one of {', '.join(AUDIT_STATES)}")
    if check is not None and check not in checks:
        known = ", ".join(checks) or "none yet"
        raise HTTPException(
            400, f"no audited bootcamp has a check {check!r}: known checks: {known}"
        )
    if source is not None and source not in sources:
        raise HTTPException(400, f"no audit of source {source!r} is stored")
    if state is not None and check is None:
        raise HTTPException(400, "a check's state needs the check: give check= too")
    return {"verdict": verdict, "check": check, "state": state or "fail", "source": source}


def _audit_row_matches(row: dict[str, Any], chosen: dict[str, str | None]) -> bool:
    if chosen["verdict"] is not None and _verdict_kind(row["verdict"]) != chosen["verdict"]:
        return False
    if chosen["check"] is not None:
        return row["states"].get(chosen["check"]) == chosen["state"]
    return True


def _count_verdicts(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    counts = Counter(_verdict_kind(row["verdict"]) for row in rows)
    return [(kind, counts.get(kind, 0)) for kind in AUDIT_VERDICTS]


def _count_check_states(rows: list[dict[str, Any]], checks: list[str]) -> list[dict[str, Any]]:
    """Per check: how many bootcamps it passed, failed, or did not apply to."""
    counts: dict[str, Counter[str]] = {check: Counter() for check in checks}
    for row in rows:
        for check, check_state in row["states"].items():
            counts[check][check_state] += 1
    return [{"check": check, **{s: counts[check][s] for s in AUDIT_STATES}} for check in checks]


def _calibrations(candidate: Candidate) -> list[dict[str, Any]]:
    """What calibration says about this task: the candidate's own (the graph's calibrate node,
    in its report) and the catalog entry's of the same name (`campforge calibrate`), if any."""
    views = []
    check = next(
        (c for c in candidate.report.get("checks") or [] if isinstance(c, dict)
         and c.get("id") == "calibration"),
        None,
    )  # fmt: skip
    numbers = check.get("numbers") if check else None
    if isinstance(numbers, dict) and isinstance(numbers.get("difficulties"), list):
        views.append(
            {
                "source": "candidate",
                "title": "This candidate",
                "model": numbers.get("model"),
                "date": numbers.get("date"),
                "band": numbers.get("band"),
                "presets": [d for d in numbers["difficulties"] if _measured(d)],
                "flags": numbers.get("flags") or [],
            }
        )
    with contextlib.suppress(ValueError):  # no catalog, a damaged index: nothing to show
        from generated_bootcamps import catalog

        stored = catalog.read_index().get(candidate.name)
        if stored is not None and stored.calibration is not None:
            found = stored.calibration
            views.append(
                {
                    "source": "catalog",
                    "title": f"Catalog bootcamp {candidate.name}",
                    "model": found.model,
                    "date": found.date,
                    "band": None,
                    "presets": [
                        {"difficulty": level, **preset.as_dict()}
                        for level, preset in found.difficulties.items()
                    ],
                    "flags": [],
                }
            )
    return views


def _measured(preset: Any) -> bool:
    """A preset row the calibration table can show (its shares are numbers)."""
    return isinstance(preset, dict) and all(
        isinstance(preset.get(key), int | float) for key in ("accuracy", "low", "high")
    )


def _evidence(evidence: Any) -> dict[str, Any] | None:
    """A falsifying example without the fields that do not apply."""
    if evidence is None:
        return None
    return {k: v for k, v in evidence.model_dump().items() if v is not None and v != {}}


def _transcript(workspace: Workspace, candidate: Candidate) -> list[dict[str, Any]] | None:
    """The LLM exchanges that drafted this candidate; None when there is no transcript."""
    try:
        from agent.llm import TranscriptStore
    except ImportError:
        return None
    try:
        with contextlib.closing(TranscriptStore(workspace.database)) as transcripts:
            exchanges = transcripts.exchanges(candidate.run_id)
    except (sqlite3.Error, AttributeError, OSError, ValueError):
        return None
    prefix = f"{candidate.name}/"
    return [e for e in exchanges if str(e.get("key", "")).startswith(prefix)] or None
