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
from rich import box
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
    _print_stored_calibration(entry)
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
    band: Annotated[
        str | None,
        typer.Option(
            help="LOW,HIGH: skip (bootcamp, difficulty) pairs whose stored calibration accuracy "
            "is outside it (`campforge calibrate`); pairs with none are kept."
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            help="local (a process pool, one file) or ray (a Ray cluster, -o is a directory or "
            "URI of shards and a manifest; the same command resumes a killed run)."
        ),
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="With --engine ray: the cluster to join (default: a new local one)."),
    ] = None,
    shard_size: Annotated[
        int | None,
        typer.Option(help="With --engine ray: records per shard (default: from the cluster)."),
    ] = None,
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
    _check_engine_options(engine, output, workers, address, shard_size)
    if band is not None and engine == "ray":
        raise fail("--band is not yet supported with --engine ray: run it with the local engine")
    try:  # an unknown bootcamp or difficulty: one line, before any work
        plan = _within_band(selected, difficulty, band) if band is not None else difficulty
        total = count * sum(len(export.difficulties_of(name, plan)) for name in selected)
    except ValueError as error:
        raise fail(str(error)) from None
    started = time.perf_counter()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet or (output == "-" and not err.is_terminal),
    )
    if engine == "ray":
        options = {"difficulty": difficulty, "seed": seed, "format": format, "split": split}
        _generate_on_ray(selected, count, output, options, address, shard_size, progress, quiet)
        return
    try:
        with progress:
            task = progress.add_task("generating", total=total)
            written = export.write_dataset(
                selected,
                count,
                output,
                difficulty=plan,
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


@app.command()
def calibrate(
    names: Annotated[
        list[str] | None, typer.Argument(help="Catalog bootcamps to calibrate (or --all).")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every bootcamp in the catalog.")] = False,
    model: Annotated[
        str | None, typer.Option(help="The solver model at the endpoint (required).")
    ] = None,
    n: Annotated[int, typer.Option("--n", "-n", help="Cases per bootcamp and difficulty.")] = 30,
    difficulty: Annotated[
        str, typer.Option(help="The presets to calibrate: all, one, or several (easy,hard).")
    ] = "all",
    band: Annotated[
        str, typer.Option(help="LOW,HIGH: the accuracy a preset should have; outside is flagged.")
    ] = "0.03,0.85",
    concurrency: Annotated[int, typer.Option(help="Requests in flight at once.")] = 8,
    token_budget: Annotated[
        int | None,
        typer.Option(help="Send no new request after this many tokens (counted across resumes)."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint (default $OPENAI_BASE_URL).")
    ] = None,
    max_tokens: Annotated[int, typer.Option(help="Output tokens allowed per reply.")] = 4096,
    temperature: Annotated[float, typer.Option(help="Sampling temperature.")] = 0.7,
    seed: Annotated[int, typer.Option(help="Seed of the cases (as in `campforge generate`).")] = 0,
    store: Annotated[
        bool, typer.Option(help="Store the result in the catalog entries (catalog.json).")
    ] = True,
    home: Annotated[Path | None, typer.Option(help="State directory (default .campforge).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Measure how often a solver model answers each difficulty right: N cases per preset sent to
    an OpenAI-compatible endpoint, scored by the bootcamp. Reports accuracy with a 95% interval,
    tokens and failure modes; flags presets outside the band and difficulty that does not rise.
    Running it again resumes it from the transcript. Exit 0: calibrated, nothing flagged;
    1: something flagged, or the run stopped early; 2: unusable input."""
    from agent import calibrate as calibration
    from agent.llm import LLMClient, LLMSettings, TranscriptStore, endpoint_configured
    from agent.workspace import Workspace

    selected = generated_bootcamps.names() if all_ else list(dict.fromkeys(names or []))
    try:
        settings = _calibration_settings(selected, model, n, difficulty, band, concurrency)
        settings.seed = seed
        if not endpoint_configured(base_url):
            raise ValueError(
                "no endpoint: pass --base-url or set OPENAI_BASE_URL (and OPENAI_API_KEY)"
            )
        if token_budget is not None and token_budget < 1:
            raise ValueError("--token-budget must be at least 1")
        if max_tokens < 1:
            raise ValueError("--max-tokens must be at least 1")
        target = catalog.writable_catalog_dir() if store else None
        subjects = [calibration.CatalogSubject(name) for name in selected]
        for subject in subjects:  # an unknown difficulty: one line, before any request
            calibration.select_difficulties(subject.difficulties(), difficulty)
    except ValueError as error:
        raise fail(str(error)) from None
    llm = LLMSettings(
        model=model or "",
        base_url=base_url,
        concurrency=concurrency,
        token_budget=token_budget,
        temperature=temperature,
        max_tokens=max_tokens,
    )
    run_id = calibration.run_id_for(
        llm.model, llm.resolved_base_url(), seed, temperature, max_tokens
    )
    workspace = Workspace.open(home)
    progress = Progress(
        TextColumn(f"calibrating against {llm.model}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet or not err.is_terminal,
    )
    task = progress.add_task("calibrate", total=None)
    with (
        TranscriptStore(workspace.database) as transcripts,
        LLMClient(llm, transcripts, run_id) as client,
        progress,
    ):
        spent_before = client.tokens_used
        results = calibration.calibrate(
            subjects,
            client,
            settings,
            on_planned=lambda total: progress.update(task, total=total),  # grows as planned
            on_done=lambda: progress.advance(task),
        )
        spent = client.tokens_used - spent_before
    stored = []
    for result in results:
        if target is not None and result.complete:  # a partial one waits for the resumed run
            catalog.record_calibration(result.name, result.to_catalog(), target)
            stored.append(result.name)
    if as_json:
        body = {"run": run_id, "tokens_spent": spent, "results": [r.as_dict() for r in results]}
        sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    else:
        for result in results:
            _print_calibration(result)
        _print_calibration_footer(results, stored, run_id, spent)
    flagged = any(result.flags() or not result.complete for result in results)
    raise typer.Exit(1 if flagged else 0)


def _calibration_settings(
    selected: list[str], model: str | None, n: int, difficulty: str, band: str, concurrency: int
) -> Any:
    """The calibration's settings, checked: ValueError saying what to give."""
    from agent.calibrate import Settings, parse_band

    if not selected:
        raise ValueError("name at least one bootcamp, or pass --all")
    for name in selected:
        catalog.entry(name)  # UnknownBootcampError (a ValueError) naming the known ones
    if not model:
        raise ValueError("give the solver model: --model NAME (as the endpoint calls it)")
    if n < 1:
        raise ValueError("--n must be at least 1")
    if concurrency < 1:
        raise ValueError("--concurrency must be at least 1")
    return Settings(n=n, band=parse_band(band), difficulty=difficulty, concurrency=concurrency)


def _print_calibration(result: Any) -> None:
    """One bootcamp's calibration: a table per difficulty, then its flags."""
    table = Table(
        title=f"{result.name} against {result.model}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        collapse_padding=True,  # fits 80 columns
    )
    for column in ("difficulty", "accuracy", "95% CI", "n", "right", "wrong", "no answer",
                   "failed", "tokens"):  # fmt: skip
        table.add_column(column, justify="left" if column == "difficulty" else "right")
    for preset in result.presets:
        low, high = preset.interval
        table.add_row(
            preset.difficulty,
            f"{preset.accuracy:.0%}" if preset.n else "-",
            f"{low:.0%}..{high:.0%}" if preset.n else "-",
            str(preset.n),
            str(preset.correct),
            str(preset.wrong),
            str(preset.no_answer),
            str(preset.errors + preset.skipped),
            f"{preset.tokens:,}",
        )
    out.print(table)
    for line in result.flags():
        out.print(Text("flag: ", style="bold yellow") + Text(line))
    for preset in result.presets:
        if preset.first_error:
            out.print(
                Text(f"{preset.difficulty}: {preset.errors} request(s) failed, e.g. ")
                + Text(preset.first_error)
            )


def _print_calibration_footer(results: list[Any], stored: list[str], run: str, spent: int) -> None:
    stopped = next((result.stopped for result in results if result.stopped), None)
    if stopped:
        out.print(Text("stopped early: ", style="bold red") + Text(stopped))
        out.print("Run the same command again to resume: finished requests are not sent again.")
    if stored:
        out.print(f"stored in the catalog: {', '.join(stored)}", highlight=False)
    out.print(f"run {run}: {spent:,} tokens spent by this command", highlight=False)


def _print_stored_calibration(entry: catalog.CatalogEntry) -> None:
    """`catalog show`: the calibration stored with the entry, if any."""
    found = entry.calibration
    if found is None:
        out.print("calibration: none (`campforge calibrate NAME --model M` measures it)")
        return
    out.print(f"calibration: against {found.model} on {found.date}", highlight=False)
    for level, preset in found.difficulties.items():
        out.print(
            f"  {level}: accuracy {preset.accuracy:.0%} ({preset.low:.0%}..{preset.high:.0%}, "
            f"n {preset.n}; wrong {preset.wrong}, no answer {preset.no_answer}; "
            f"{preset.tokens:,} tokens)",
            highlight=False,
        )


ENGINES = ("local", "ray")


def _check_engine_options(
    engine: str, output: str, workers: int | None, address: str | None, shard_size: int | None
) -> None:
    """Options that only one engine reads, given to the other: one line, before any work."""
    if engine not in ENGINES:
        raise fail(f"unknown engine {engine!r}: use local or ray")
    if engine == "local":
        for name, value in (("--address", address), ("--shard-size", shard_size)):
            if value is not None:
                raise fail(f"{name} is for --engine ray")
        return
    if output == "-":
        raise fail(
            "--engine ray writes a directory of shards: give -o DIR (or a URI, e.g. "
            "s3://bucket/path)"
        )
    if workers is not None:
        raise fail("--workers is for the local engine: Ray uses every CPU of the cluster")
    if shard_size is not None and shard_size < 1:
        raise fail("--shard-size must be at least 1")


def _generate_on_ray(
    selected: list[str],
    count: int,
    output: str,
    options: dict[str, Any],
    address: str | None,
    shard_size: int | None,
    progress: Progress,
    quiet: bool,
) -> None:
    """`campforge generate --engine ray`: shards and a manifest under `output`, with progress."""
    from generated_bootcamps import ray_export

    started = time.perf_counter()
    task = progress.add_task("generating", total=None)
    shown = []

    def begin(total: int, done: int) -> None:
        """Once Ray is up: the bar (so a bad output or cluster is the error's one line alone)."""
        if done:
            err.print(f"resuming: {done} of {total} records already written", highlight=False)
        progress.reset(task, total=total, completed=done)  # the clock starts now
        progress.start()
        shown.append(True)

    try:
        manifest = ray_export.export_on_ray(
            selected,
            count,
            output,
            **options,
            shard_size=shard_size,
            address=address,
            on_start=begin,
            on_progress=lambda n: progress.advance(task, n),
        )
    except ValueError as error:
        raise fail(str(error)) from None
    except ray_export.ShardError as error:
        raise fail(str(error), code=1) from None
    finally:
        if shown:  # (stopping a progress never started prints a blank line)
            progress.stop()
    seconds = time.perf_counter() - started
    if not quiet:
        err.print(
            f"wrote {manifest['records']} records ({len(selected)} bootcamps × {count}) in "
            f"{len(manifest['shards'])} shards to {output} in {seconds:.1f} s, Ray start-up "
            f"included; manifest: {output.rstrip('/')}/{ray_export.MANIFEST}",
            highlight=False,
        )


def _within_band(names: list[str], difficulty: str, band: str) -> dict[str, list[str | None]]:
    """Per bootcamp, the asked difficulties whose stored calibration is inside `band`; says on
    stderr which pairs were skipped and which have no calibration (kept)."""
    from agent.calibrate import band_filter, parse_band

    kept, skipped, unknown = band_filter(names, difficulty, parse_band(band))
    if skipped:
        err.print(f"skipped (outside the band {band}): {', '.join(skipped)}", highlight=False)
    if unknown:
        err.print(f"no calibration, kept: {', '.join(unknown)}", highlight=False)
    if not any(kept.values()):
        raise ValueError(f"every bootcamp and difficulty asked for is outside the band {band}")
    return kept


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
    gates: Annotated[
        bool,
        typer.Option(
            help="With an LLM: the quality gates (novelty judge, spec-fidelity review, shortcut "
            "hunt; see the README)."
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
    calibrate: Annotated[
        bool,
        typer.Option(
            help="With an LLM: calibrate the selected candidate against the model (30 cases per "
            "difficulty); a preset far outside 0.03..0.85 goes back to the drafter once."
        ),
    ] = False,
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
    if calibrate:
        from agent.calibrate import Settings as CalibrationSettings

        options.develop.calibration = CalibrationSettings()
    if not gates:
        options.develop.gates = ()
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
    queue: Annotated[
        bool,
        typer.Option(
            "--queue",
            help="Put each passing bootcamp into the review queue, with its provenance "
            "(library, version or commit, module, class); approving it merges it into the "
            "catalog. Running it again queues nothing twice.",
        ),
    ] = False,
    engine: Annotated[
        str, typer.Option(help="local (a process pool) or ray (one Ray task per bootcamp).")
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="With --engine ray: the cluster to join (default: a new local one)."),
    ] = None,
) -> None:
    """Audit existing bootcamp libraries through the sandboxed self-test: one row per bootcamp
    (verdict, failing checks, evidence, seconds). Results are kept in the workspace's database:
    running the same command again resumes where it stopped. Exit 0 when the audit ran."""
    from agent.audit import core
    from agent.audit.store import AuditStore
    from agent.audit.table import counts_table, rows_table
    from agent.workspace import Workspace
    from generated_bootcamps.ray_cluster import RayUnavailableError

    if limit is not None and limit < 1:
        raise fail("--limit must be at least 1")
    if workers is not None and workers < 1:
        raise fail("--workers must be at least 1")
    if engine not in ENGINES:
        raise fail(f"unknown engine {engine!r}: use local or ray")
    if address is not None and engine != "ray":
        raise fail("--address is for --engine ray")
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
    audited: list[tuple[list[Any], list[dict[str, Any]]]] = []
    try:
        for key, chosen in plan:
            prints = {target.name: target.fingerprint(settings) for target in chosen}
            done = store.done(key, prints)
            todo = [target for target in chosen if target.name not in done]
            rows = _audit_source(
                key, chosen, todo, done, store, prints, workers, quiet, engine, address
            )
            audited.append((chosen, rows))
            everything += rows
        if queue:
            _queue_passing(store, audited)
    except RayUnavailableError as error:
        raise fail(str(error)) from None
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
    engine: str = "local",
    address: str | None = None,
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
            engine=engine,
            address=address,
        )
    rows = {**done, **{row["name"]: row for row in fresh}}
    return [rows[target.name] for target in chosen]


def _queue_passing(store: Any, audited: list[tuple[list[Any], list[dict[str, Any]]]]) -> None:
    """`audit --queue`: the passing bootcamps into the review queue, a line each (on stderr, so
    that --json stays JSON)."""
    from agent.audit.importing import queue_passing

    outcomes = [
        outcome for chosen, rows in audited for outcome in queue_passing(store.queue, chosen, rows)
    ]
    for outcome in outcomes:
        where = f" #{outcome.candidate_id}" if outcome.candidate_id is not None else ""
        style = {"queued": "green", "already queued": "cyan"}.get(outcome.outcome, "yellow")
        err.print(
            Text(f"{outcome.name}: ")
            + Text(f"{outcome.outcome}{where}", style=style)
            + Text(f" ({outcome.reason})")
        )
    queued = sum(outcome.outcome == "queued" for outcome in outcomes)
    already = sum(outcome.outcome == "already queued" for outcome in outcomes)
    err.print(
        f"{queued} passing bootcamp(s) queued for review, {already} already in the queue, "
        f"{len(outcomes) - queued - already} not queued. Review them with "
        "`campforge review list` / `campforge review show ID` / `campforge review approve ID`.",
        highlight=False,
    )


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
