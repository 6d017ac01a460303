"""The `campforge` command: one Typer app, thin commands that call the library.

Errors a user can fix (an unknown bootcamp, a bad option) print one line and exit 2; they never
print a traceback.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Annotated

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

import generated_bootcamps
from generated_bootcamps import export

app = typer.Typer(
    help="campforge: draft, self-test, review and catalog verifiable reasoning tasks (bootcamps).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
catalog_app = typer.Typer(help="Browse the catalog of bootcamps.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")

out = Console()
err = Console(stderr=True)


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
        out.print_json(json.dumps([entry.model_dump() for entry in entries]))
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
    out.print(f"provenance: {entry.provenance.model_dump(exclude_none=True)}", highlight=False)
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
    count: Annotated[int, typer.Option("-n", "--count", help="Records per bootcamp.")] = 1000,
    difficulty: Annotated[str, typer.Option(help="easy, medium, hard, ...")] = "medium",
    seed: Annotated[int, typer.Option(help="Run seed: same seed, byte-identical file.")] = 0,
    output: Annotated[
        str, typer.Option("-o", "--output", help="Output file, or - for stdout.")
    ] = "-",
    format: Annotated[
        str | None,
        typer.Option(help="jsonl or parquet (default: from the file name, else jsonl)."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: all cores).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Write training data: JSONL {data_source, prompt, ground_truth, difficulty, seed} or parquet
    in verl's layout."""
    selected = generated_bootcamps.names() if all_ else list(names or [])
    if not selected:
        raise fail("name at least one bootcamp, or pass --all")
    if format not in (None, "jsonl", "parquet"):
        raise fail(f"unknown format {format!r}: use jsonl or parquet")
    if count < 0:
        raise fail("--count must be >= 0")
    total = count * len(selected)
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


def main() -> None:
    """Entry point for `python -m agent.cli`."""
    app()


if __name__ == "__main__":
    sys.exit(main())
