"""Showing audit rows to people: a Rich table and a verdict count per check."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.table import Table
from rich.text import Text

VERDICT_STYLES = {"pass": "green", "fail": "bold red"}


def verdict_style(verdict: str) -> str:
    return VERDICT_STYLES.get(verdict, "yellow")


def rows_table(rows: list[dict[str, Any]], title: str) -> Table:
    """One line per bootcamp: verdict, failing checks, one line of evidence, seconds."""
    table = Table(title=Text(title), expand=True)
    table.add_column("bootcamp", ratio=2, overflow="fold")
    table.add_column("verdict", no_wrap=True)
    table.add_column("failing checks", ratio=2)
    table.add_column("evidence", ratio=5, min_width=30)
    table.add_column("n/a", justify="right", no_wrap=True)
    table.add_column("s", justify="right", no_wrap=True)
    for row in rows:
        verdict = row["verdict"]
        table.add_row(
            Text(row["name"]),
            Text(verdict.split(":")[0], style=verdict_style(verdict)),
            Text(", ".join(row["failing"])),
            Text(row["evidence"] if verdict != "pass" else ""),  # no markup from third parties
            str(len(row["not_applicable"])),
            f"{row['seconds']:.1f}",
        )
    return table


def check_counts(rows: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Per check id, how many bootcamps it passed, failed or did not apply to."""
    counts: dict[str, Counter[str]] = {}
    for row in rows:
        for check in (row.get("report") or {}).get("checks", []):
            if not check.get("applicable", True):
                state = "n/a"
            else:
                state = "pass" if check["passed"] else "fail"
            counts.setdefault(check["id"], Counter())[state] += 1
    return counts


def verdict_counts(rows: list[dict[str, Any]]) -> Counter[str]:
    """How many bootcamps got each verdict ("unusable: ..." reasons kept apart)."""
    return Counter(row["verdict"] for row in rows)


def counts_table(rows: list[dict[str, Any]]) -> Table:
    """Verdicts, then pass / fail / n/a per check."""
    table = Table(title=Text("verdict counts per check"))
    for column in ("check", "pass", "fail", "n/a"):
        table.add_column(column, justify="left" if column == "check" else "right")
    for check_id, counter in check_counts(rows).items():
        table.add_row(check_id, *(str(counter[state]) for state in ("pass", "fail", "n/a")))
    return table
