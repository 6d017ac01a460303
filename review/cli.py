"""`campforge review`: work the review queue from the command line.

A decision is recorded in the queue (with the reviewer and an audit event) and then resumes the
candidate's graph thread: approve merges it into the catalog, changes redrafts it with the notes
(this needs the LLM), reject ends it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from agent.novelty import judge_lines, near_label, novelty_flag, queued_only
from agent.selftest import Report, print_report
from agent.workspace import Workspace
from review.store import STATUSES, QueueStore, UnknownCandidate, unmerged_hint

review_app = typer.Typer(help="Work the review queue.", no_args_is_help=True)
out = Console()
err = Console(stderr=True, soft_wrap=True)
Home = Annotated[Path | None, typer.Option(help="State directory (default .campforge).")]


def default_reviewer() -> str:
    return os.environ.get("CAMPFORGE_REVIEWER") or os.environ.get("USER") or "reviewer"


def _store(home: Path | None) -> tuple[Workspace, QueueStore]:
    workspace = Workspace.open(home)
    return workspace, QueueStore(workspace.database)


def _fail(message: str) -> typer.Exit:
    err.print(Text("error: ", style="bold red") + Text(message))
    return typer.Exit(2)


@review_app.command("list")
def list_candidates(
    status: Annotated[str | None, typer.Option(help=f"One of: {', '.join(STATUSES)}.")] = None,
    home: Home = None,
) -> None:
    """List candidates in the queue."""
    if status is not None and status not in STATUSES:
        raise _fail(f"unknown status {status!r}: use one of {', '.join(STATUSES)}")
    _, store = _store(home)
    candidates = store.list(status=status)
    table = Table(title=f"{len(candidates)} candidate(s)")
    for column in ("id", "name", "domain", "status", "self-test", "novelty", "rounds", "created"):
        table.add_column(column, no_wrap=column in ("id", "status"))
    unmerged = [candidate.id for candidate in candidates if candidate.unmerged]
    for candidate in candidates:
        report = Report.model_validate(candidate.report)
        table.add_row(
            str(candidate.id),
            Text(candidate.name),
            Text(candidate.domain),
            Text("approved, not merged", style="bold yellow")
            if candidate.unmerged
            else candidate.status,
            Text(report.summary_line()),
            Text(novelty_flag(candidate.novelty)),
            str(candidate.rounds),
            candidate.created_at,
        )
    out.print(table)
    for candidate_id in unmerged:
        err.print(Text(f"#{candidate_id}: {unmerged_hint(candidate_id)}", style="yellow"))


@review_app.command("show")
def show(
    candidate_id: int,
    samples: Annotated[int, typer.Option(help="Sample cases per difficulty.")] = 2,
    home: Home = None,
) -> None:
    """Show a candidate: spec, code, self-test report and sample cases (run in the sandbox)."""
    from review.samples import SampleError, sample_cases

    _, store = _store(home)
    try:
        candidate = store.get(candidate_id)
    except UnknownCandidate as error:
        raise _fail(str(error)) from None
    out.rule(Text(f"#{candidate.id} {candidate.name} ({candidate.status})"))
    if candidate.unmerged:
        out.print(Text(unmerged_hint(candidate.id), style="bold yellow"))
        for event in store.events(candidate.id)[-1:]:
            if event.notes:
                out.print(Text(event.notes, style="yellow"))
    if candidate.imported:
        print_provenance(candidate.provenance or {})
    out.print(Text(candidate.spec_text))
    out.rule("code")
    out.print(Syntax(candidate.code, "python", line_numbers=True))
    print_report(Report.model_validate(candidate.report), out)
    if candidate.novelty.get("duplicate"):
        found = candidate.novelty
        where = (
            f"candidate {near_label(found)} of another spec, also in the queue "
            f"(similarity {found['queued']['similarity']})"
            if queued_only(found)
            else f"catalog bootcamp {found.get('nearest')!r} (similarity {found.get('similarity')})"
        )
        out.print(Text(f"novelty: looks like {where}", style="yellow"))
    for line in judge_lines(candidate.novelty):
        out.print(Text(line, style="yellow" if "same task" in line else ""))
    out.rule("sample cases")
    try:
        for sample in sample_cases(candidate.code, samples, companion=candidate.companion):
            out.print(Text(f"[{sample['difficulty']} seed {sample['seed']}]", style="bold"))
            out.print(Text(str(sample["prompt"])))
            out.print(
                Text(f"reference: {sample['response']}  score {sample['score']}", style="green")
            )
    except SampleError as error:
        out.print(Text(str(error), style="red"))


PROVENANCE_SHOWN = ("library", "version", "module", "class", "answer_key")


def print_provenance(provenance: dict[str, Any]) -> None:
    """Where an imported candidate came from, one field a line (the library's text as text)."""
    out.print(Text("imported from a library", style="bold"))
    for key in PROVENANCE_SHOWN:
        if provenance.get(key) is not None:
            out.print(Text(f"  {key}: ") + Text(str(provenance[key])))


def _decide(
    candidate_id: int, action: str, reviewer: str, notes: str | None, home: Path | None
) -> None:
    from review.decisions import decide

    workspace = Workspace.open(home)
    try:
        outcome = decide(workspace, candidate_id, action, reviewer=reviewer, notes=notes)
    except (UnknownCandidate, ValueError) as error:
        raise _fail(str(error)) from None
    style = "green" if outcome.outcome in ("merged", "queued", "rejected") else "red"
    out.print(
        Text(f"#{candidate_id} {outcome.spec}: {action} -> ")
        + Text(outcome.outcome, style=style)
        + Text(f" ({outcome.reason})")
    )
    if outcome.outcome in ("merge_failed", "error"):
        raise typer.Exit(1)


Reviewer = Annotated[str, typer.Option(help="Who decides (default $CAMPFORGE_REVIEWER/$USER).")]


@review_app.command()
def approve(candidate_id: int, reviewer: Reviewer = "", home: Home = None) -> None:
    """Approve a candidate: re-run its self-test and merge it into the catalog (a git commit)."""
    _decide(candidate_id, "approve", reviewer or default_reviewer(), None, home)


@review_app.command()
def reject(
    candidate_id: int,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")],
    reviewer: Reviewer = "",
    home: Home = None,
) -> None:
    """Reject a candidate, with a reason."""
    _decide(candidate_id, "reject", reviewer or default_reviewer(), reason, home)


@review_app.command()
def changes(
    candidate_id: int,
    notes: Annotated[str, typer.Option(help="What to change (sent to the LLM with the spec).")],
    reviewer: Reviewer = "",
    home: Home = None,
) -> None:
    """Request changes: the spec is drafted again with these notes."""
    _decide(candidate_id, "changes", reviewer or default_reviewer(), notes, home)


@review_app.command()
def merge(
    candidate_id: int,
    reviewer: Annotated[
        str, typer.Option(help="Author of the merge commit (default: who approved it).")
    ] = "",
    home: Home = None,
) -> None:
    """Merge an approved candidate whose merge failed or was interrupted (safe to repeat)."""
    from review.decisions import merge_again

    workspace = Workspace.open(home)
    try:
        outcome = merge_again(workspace, candidate_id, reviewer=reviewer or None)
    except (UnknownCandidate, ValueError) as error:
        raise _fail(str(error)) from None
    merged = outcome.outcome == "merged"
    out.print(
        Text(f"#{candidate_id} {outcome.spec}: merge -> ")
        + Text(outcome.outcome, style="green" if merged else "red")
        + Text(f" ({outcome.reason})")
    )
    if not merged:
        raise typer.Exit(1)


@review_app.command()
def history(candidate_id: int, home: Home = None) -> None:
    """The audit trail of a candidate: every decision, who made it and when."""
    _, store = _store(home)
    try:
        store.get(candidate_id)
    except UnknownCandidate as error:
        raise _fail(str(error)) from None
    for event in store.events(candidate_id):
        out.print(json.dumps(event.model_dump()))


LOOPBACK_HOSTS = ("127.0.0.1", "localhost")  # served there, no token is needed


@review_app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="CAMPFORGE_REVIEW_TOKEN",
            help="Access token every request must carry (required beyond localhost).",
        ),
    ] = None,
    home: Home = None,
) -> None:
    """Serve the review web UI (http://127.0.0.1:8765 by default)."""
    import uvicorn

    from review.web import create_app
    from review.web_security import SecretError

    if not token and host not in LOOPBACK_HOSTS:
        raise _fail(
            f"serving on {host} lets other machines reach the review queue: give an access "
            "token with --token (or $CAMPFORGE_REVIEW_TOKEN), or serve on 127.0.0.1"
        )
    workspace = Workspace.open(home)
    # A localhost server without a token answers only to localhost names (no DNS rebinding).
    allowed = None if token else ["127.0.0.1", "localhost"]
    try:
        app = create_app(workspace, token=token or None, allowed_hosts=allowed)
    except SecretError as error:
        raise _fail(str(error)) from None
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    err.print(f"campforge review: {url}" + (" (sign in at /login with the token)" if token else ""))
    uvicorn.run(app, host=host, port=port, log_level="warning")
