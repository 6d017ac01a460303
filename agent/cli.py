"""The `campforge` command: one Typer app, thin commands that call the library.

Errors a user can fix (an unknown bootcamp, a bad option) print one line and exit 2; they never
print a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

import generated_bootcamps
from agent.spec import Spec, SpecError, load_specs
from generated_bootcamps import catalog, export


class CampforgeGroup(TyperGroup):
    """The top-level command group: broken or unusable state (a damaged database or catalog index,
    a directory that is not campforge's), found by any command, is one line and exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        from agent.dbhealth import BrokenStateError
        from agent.workspace import WorkspaceError

        try:
            return super().invoke(ctx)
        except (BrokenStateError, WorkspaceError, catalog.CatalogError) as error:
            err.print(Text("error: ", style="bold red") + Text(str(error)))
            raise typer.Exit(2) from None


app = typer.Typer(
    help="campforge: draft, self-test, review and catalog verifiable reasoning tasks (bootcamps).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=CampforgeGroup,
)
catalog_app = typer.Typer(help="Browse the catalog of bootcamps.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")


def _review_app() -> typer.Typer:
    from review.cli import review_app

    return review_app


out = Console()
err = Console(stderr=True, soft_wrap=True)  # an error stays one line, however long


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


@catalog_app.command("list")
def catalog_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print the index as JSON.")] = False,
) -> None:
    """List the catalog's bootcamps."""
    entries = generated_bootcamps.entries()
    if as_json:
        out.print_json(json.dumps([entry.as_dict() for entry in entries]))
        return
    table = Table(title=f"{len(entries)} bootcamps")
    for column in ("name", "domain", "answer", "source", "description"):
        table.add_column(column)
    for entry in entries:
        table.add_row(
            entry.name,
            entry.domain,
            entry.answer_kind,
            entry.provenance.source,
            entry.description,
        )
    out.print(table)


@catalog_app.command("show")
def catalog_show(
    name: str,
    difficulty: Annotated[str, typer.Option(help="Difficulty of the sample case.")] = "medium",
    seed: Annotated[int, typer.Option(help="Seed of the sample case.")] = 0,
) -> None:
    """Show one bootcamp: provenance, parameters, difficulties and a sample case."""
    try:
        entry = generated_bootcamps.entry(name)
        bootcamp = generated_bootcamps.load(name, difficulty=difficulty, seed=seed)
    except ValueError as error:
        raise fail(str(error)) from None
    cls = type(bootcamp)
    case = bootcamp.generate()
    answer = cls.solve(case)
    out.print(f"[bold]{entry.name}[/] ({entry.domain}): {entry.description}", highlight=False)
    out.print(f"provenance: {entry.provenance.as_dict()}", highlight=False)
    out.print(f"defaults: {cls.defaults}", highlight=False)
    for level, overrides in cls.difficulties.items():
        out.print(f"  {level}: {overrides}", highlight=False)
    out.rule(f"sample case ({difficulty}, seed {seed})")
    out.print(cls.prompt(case), markup=False, highlight=False)
    out.rule("reference answer")
    response = cls.format_answer(answer)
    out.print(f"{response}  (score {cls.score(response, case)})", markup=False, highlight=False)


@app.command()
def generate(
    names: Annotated[
        list[str] | None, typer.Argument(help="Bootcamps to export (default with --all).")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every bootcamp in the catalog.")] = False,
    count: Annotated[
        int, typer.Option("-n", "--count", help="Records per bootcamp and difficulty.")
    ] = 1000,
    difficulty: Annotated[
        str,
        typer.Option(help="A preset (easy, medium, hard, ...), several (easy,hard) or all."),
    ] = "medium",
    split: Annotated[str, typer.Option(help="Split name in parquet's extra_info.")] = "train",
    seed: Annotated[int, typer.Option(help="Run seed: same seed, byte-identical file.")] = 0,
    output: Annotated[
        str, typer.Option("-o", "--output", help="Output file, or - for stdout.")
    ] = "-",
    format: Annotated[
        str | None,
        typer.Option(
            help="jsonl, openrlhf (JSONL with a `label` column) or parquet (verl) "
            "(default: from the file name, else jsonl)."
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: all cores).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Write training data: JSONL {data_source, prompt, ground_truth, difficulty, seed}, JSONL for
    OpenRLHF, or parquet in verl's layout."""
    selected = generated_bootcamps.names() if all_ else list(names or [])
    if not selected:
        raise fail("name at least one bootcamp, or pass --all")
    if format is not None and format not in export.FORMATS:
        raise fail(f"unknown format {format!r}: use {export.FORMAT_NAMES}")
    if count < 0:
        raise fail("--count must be >= 0")
    try:  # an unknown bootcamp or difficulty: one line, before any work
        total = count * sum(len(export.difficulties_of(name, difficulty)) for name in selected)
    except ValueError as error:
        raise fail(str(error)) from None
    started = time.perf_counter()
    progress = Progress(
        TextColumn("generating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet or (output == "-" and not err.is_terminal),
    )
    try:
        with progress:
            task = progress.add_task("generate", total=total)
            written = export.write_dataset(
                selected,
                count,
                output,
                difficulty=difficulty,
                seed=seed,
                format=format,  # type: ignore[arg-type]
                workers=workers,
                on_progress=lambda n: progress.advance(task, n),
                split=split,
            )
    except ValueError as error:
        raise fail(str(error)) from None
    seconds = time.perf_counter() - started
    if output != "-" and not quiet:
        err.print(
            f"wrote {written} records ({len(selected)} bootcamps × {count}) to {output} "
            f"in {seconds:.1f} s ({written / max(seconds, 1e-9):,.0f} records/s)",
            highlight=False,
        )


def resolve_candidate(target: str) -> tuple[Path, Spec | None]:
    """A module path, or a catalog name (with the spec stored beside it, if any). Anything else
    (a directory, a device, a file that is not Python) raises ValueError saying what to give."""
    path = Path(target)
    wanted = "give a bootcamp module file (.py) or a catalog name"
    if path.is_file():
        if path.suffix != ".py":
            raise ValueError(f"{target} is not a Python file: {wanted}")
        return path, None
    if path.suffix != ".py" and "/" not in target and target in catalog.names():
        return _catalog_candidate(target)  # even if a directory has the same name
    if path.is_dir():
        raise ValueError(f"{target} is a directory: {wanted}")
    if path.exists():
        raise ValueError(f"{target} is not a regular file: {wanted}")
    if path.suffix == ".py" or "/" in target:
        raise ValueError(f"no such file: {target}")
    raise ValueError(f"{target!r} is neither a file nor a catalog bootcamp")


def _catalog_candidate(name: str) -> tuple[Path, Spec | None]:
    entry = catalog.entry(name)
    module = catalog.catalog_dir() / entry.path
    stored = module.parent / "spec.md"
    return module, (load_specs(stored)[0] if stored.exists() else None)


def pick_spec(path: Path, module: Path) -> Spec:
    """The spec in `path` for `module`: the only one, or the one named like the module."""
    specs = load_specs(path)
    if len(specs) == 1:
        return specs[0]
    names = {module.stem, module.parent.name}
    matching = [spec for spec in specs if spec.name in names]
    if len(matching) != 1:
        raise ValueError(f"{path} holds {len(specs)} specs; none is named {module.stem!r}")
    return matching[0]


@app.command()
def check(
    target: Annotated[str, typer.Argument(help="A bootcamp module file, or a catalog name.")],
    spec: Annotated[
        Path | None, typer.Option(help="The task spec (enables the reference check).")
    ] = None,
    cases: Annotated[int, typer.Option(help="Sample cases per difficulty.")] = 40,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    timeout: Annotated[
        float, typer.Option(help="Seconds allowed per call into the candidate.")
    ] = 10.0,
) -> None:
    """Self-test a candidate bootcamp in the sandbox. Exit 0: pass, 1: fail, 2: unusable input."""
    from agent.selftest import Settings, UnusableInput, print_report, run_selftest

    try:
        module, stored_spec = resolve_candidate(target)
        chosen = pick_spec(spec, module) if spec is not None else stored_spec
        if cases < 2:
            raise ValueError("--cases must be at least 2")
        settings = Settings(cases=cases, call_timeout=timeout)
        with err.status(f"self-testing {module} …", spinner="dots") as status:
            report = run_selftest(
                module,
                spec=chosen,
                settings=settings,
                progress=lambda check_id: status.update(f"self-testing {module}: {check_id} done"),
            )
    except (ValueError, SpecError, UnusableInput) as error:
        raise fail(str(error)) from None
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        print_report(report, out)
    raise typer.Exit(0 if report.verdict == "pass" else 1)


@app.command()
def draft(
    targets: Annotated[list[str], typer.Argument(help="Spec files or directories of specs.")],
    samples: Annotated[int, typer.Option(help="Parallel drafts per spec.")] = 2,
    rounds: Annotated[int, typer.Option(help="Repair rounds per draft.")] = 2,
    model: Annotated[str | None, typer.Option(help="Model name at the endpoint.")] = None,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint (default $OPENAI_BASE_URL).")
    ] = None,
    concurrency: Annotated[int, typer.Option(help="Specs drafted at once.")] = 4,
    llm_concurrency: Annotated[int, typer.Option(help="LLM requests in flight at once.")] = 8,
    token_budget: Annotated[
        int | None, typer.Option(help="Stop asking the LLM after this many tokens.")
    ] = None,
    replay: Annotated[
        str | None, typer.Option(help="Re-run from a recorded run's transcript, no endpoint.")
    ] = None,
    run: Annotated[
        str | None, typer.Option(help="Run id (default: derived from the request).")
    ] = None,
    cases: Annotated[int, typer.Option(help="Self-test cases per difficulty.")] = 40,
    exploit_hunt: Annotated[
        bool,
        typer.Option(
            help="With an LLM: let it attack each passing candidate's verifier; exploits an "
            "oracle confirms fail the candidate."
        ),
    ] = True,
    home: Annotated[Path | None, typer.Option(help="State directory (default .campforge).")] = None,
    database: Annotated[
        str | None,
        typer.Option(
            help="A postgresql:// URL a team shares for the queue, transcripts and checkpoints "
            "(default $CAMPFORGE_DATABASE_URL, else SQLite in the state directory)."
        ),
    ] = None,
    checkpoints: Annotated[
        str | None,
        typer.Option(help="Deprecated: the graph checkpoints alone elsewhere (use --database)."),
    ] = None,
) -> None:
    """Draft bootcamps from specs: parallel drafts, self-test, repair, then the review queue.

    Running the same command again resumes the run where it stopped."""
    from agent.checkpoints import CheckpointStoreError, open_store
    from agent.llm import LLMSettings, endpoint_configured
    from agent.pipeline import PipelineOptions, SpecOutcome, collect_specs, run_batch
    from agent.progress import BatchProgress, summary_table
    from agent.selftest import Settings
    from agent.workspace import Workspace

    specs, invalid = collect_specs(targets)
    if not specs and not invalid:
        raise fail("no specs found in " + ", ".join(targets))
    use_llm = endpoint_configured(base_url) or model is not None
    defaults = LLMSettings()
    options = PipelineOptions(
        samples=samples,
        rounds=rounds,
        concurrency=concurrency,
        llm=LLMSettings(
            model=model or defaults.model,
            base_url=base_url,
            concurrency=llm_concurrency,
            token_budget=token_budget,
        ),
        use_llm=use_llm,
        replay_from=replay,
        run_id=run,
    )
    options.develop.rounds = rounds
    options.develop.selftest = Settings(cases=cases)
    options.develop.exploit_hunt = exploit_hunt
    runnable = [spec for spec in specs if spec.offline or use_llm or replay]
    skipped = [
        SpecOutcome(spec.name, spec.path, "skipped", "needs an LLM (no endpoint configured)")
        for spec in specs
        if spec not in runnable
    ]
    workspace = Workspace.open(home, checkpoints=checkpoints, database=database)
    try:
        open_store(workspace.checkpoints).close()  # an unreachable store fails before any work
    except CheckpointStoreError as error:
        raise fail(str(error)) from None
    progress = BatchProgress(err, total=len(runnable))
    for outcome in invalid + skipped:
        progress.outcome(outcome)
    with progress:
        run_id, outcomes = run_batch(
            runnable, options, workspace, on_event=progress.event, on_outcome=progress.outcome
        )
    everything = invalid + skipped + outcomes
    out.print(summary_table(everything))
    queued = sum(outcome.outcome == "queued" for outcome in everything)
    out.print(
        f"run {run_id}: {queued} candidate(s) in the review queue. Review them with "
        "`campforge review list` / `campforge review show ID` / `campforge review approve ID`, "
        "or in the browser: `campforge review serve`.",
        highlight=False,
    )
    if skipped:
        out.print(
            f"{len(skipped)} spec(s) skipped: they need an LLM to draft their missing parts. "
            "Set OPENAI_BASE_URL (and OPENAI_API_KEY, --model) to any OpenAI-compatible "
            "endpoint and run the same command again.",
            highlight=False,
        )
    broken = [o for o in everything if o.outcome in ("error", "invalid")]
    raise typer.Exit(1 if broken else 0)


@app.command()
def audit(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Directories of InternBootcamp-style modules (index.json is used when present), "
            "or `catalog` for campforge's own catalog."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Also write the rows as JSONL.")
    ] = None,
    only: Annotated[
        str | None, typer.Option(help="Audit only these bootcamps (NAME,NAME,...).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Audit only the first N bootcamps.")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: all cores).")
    ] = None,
    home: Annotated[Path | None, typer.Option(help="State directory (default .campforge).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Audit existing bootcamp libraries through the sandboxed self-test: one row per bootcamp
    (verdict, failing checks, evidence, seconds). Results are kept in the workspace's database:
    running the same command again resumes where it stopped. Exit 0 when the audit ran."""
    from agent.audit import core
    from agent.audit.store import AuditStore
    from agent.audit.table import counts_table, rows_table
    from agent.workspace import Workspace

    if limit is not None and limit < 1:
        raise fail("--limit must be at least 1")
    if workers is not None and workers < 1:
        raise fail("--workers must be at least 1")
    names = [name.strip() for name in only.split(",") if name.strip()] if only else None
    if names and len(sources) > 1:
        raise fail("--only works with one source at a time")
    try:
        plan = [
            (key, core.select(found, names, limit)) for key, found in map(core.targets, sources)
        ]
    except core.AuditSourceError as error:
        raise fail(str(error)) from None
    workspace = Workspace.open(home)
    store = AuditStore(workspace.database)
    settings = core.AUDIT_SETTINGS
    everything: list[dict[str, Any]] = []
    try:
        for key, chosen in plan:
            prints = {target.name: target.fingerprint(settings) for target in chosen}
            done = store.done(key, prints)
            todo = [target for target in chosen if target.name not in done]
            everything += _audit_source(key, chosen, todo, done, store, prints, workers, quiet)
    finally:
        store.close()
    if output is not None:
        with output.open("w", encoding="utf-8") as handle:
            for row in everything:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    if as_json:
        sys.stdout.write(json.dumps(everything, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(rows_table(everything, f"audit of {', '.join(sources)}: {len(everything)} bootcamps"))
    out.print(counts_table(everything))


def _audit_source(
    key: str,
    chosen: list[Any],
    todo: list[Any],
    done: dict[str, dict[str, Any]],
    store: Any,
    prints: dict[str, str],
    workers: int | None,
    quiet: bool,
) -> list[dict[str, Any]]:
    """Audit what is left of one source, with a progress bar; every row of it, in order."""
    from agent.audit import core

    progress = Progress(
        TextColumn(f"auditing {key[:60]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
    )
    if done:
        err.print(f"resuming: {len(chosen) - len(todo)} of {len(chosen)} already audited")
    with progress:
        task = progress.add_task("audit", total=len(chosen), completed=len(chosen) - len(todo))
        fresh = core.run_audit(
            todo,
            save=lambda target, row: store.save(key, target.name, prints[target.name], row),
            workers=workers,
            on_row=lambda _: progress.advance(task),
        )
    rows = {**done, **{row["name"]: row for row in fresh}}
    return [rows[target.name] for target in chosen]


@app.command()
def doctor(
    home: Annotated[Path | None, typer.Option(help="State directory (default .campforge).")] = None,
    checkpoints: Annotated[
        str | None,
        typer.Option(
            help="The graph's checkpoints (default $CAMPFORGE_CHECKPOINTS, else checkpoints.db "
            "in the state directory); a postgresql:// URL is not checked."
        ),
    ] = None,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Repair what is broken: a damaged file is moved aside as <name>.broken-<time> "
            "(never deleted); campforge.db is restored from its newest good backup (in "
            "backups/), or else started afresh with the rows still readable; checkpoints.db is "
            "started afresh with the rows still readable. Stop `review serve` and drafts first.",
        ),
    ] = False,
) -> None:
    """Check campforge's state: the workspace is private, campforge.db (the review queue) and
    checkpoints.db are sound (PRAGMA integrity_check) and the queue's schema is known.

    Exit 0: healthy (or, with --repair, everything repaired); 1: problems found (without
    --repair), or some could not be repaired; 2: no campforge workspace there."""
    from agent.dbhealth import doctor as run_doctor
    from agent.workspace import Workspace

    root = Workspace.location(home)
    env = os.environ.get
    state = Workspace(root, env("CAMPFORGE_CHECKPOINTS"), env("CAMPFORGE_DATABASE_URL"))
    report = run_doctor(
        root, checkpoints or state.checkpoints, repair=repair, database=state.database
    )
    for line in report.lines:
        out.print(Text(line), soft_wrap=True)
    raise typer.Exit(report.exit_code)


app.add_typer(_review_app(), name="review")


def main() -> None:
    """Entry point for `python -m agent.cli`."""
    app()


if __name__ == "__main__":
    sys.exit(main())
