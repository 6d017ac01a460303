"""A self-test report for people: one line per check, and the evidence of each failure."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agent.selftest.report import Report

MAX_EVIDENCE_CHARS = 1500
MARKS = {"pass": ("✓", "green"), "fail": ("✗", "bold red"), "n/a": ("n/a", "dim")}


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= MAX_EVIDENCE_CHARS else text[:MAX_EVIDENCE_CHARS] + " …"


def print_report(report: Report, console: Console) -> None:
    """Print the report: a table of checks, then a panel of evidence per failed check."""
    table = Table(title=Text(f"self-test of {report.bootcamp or report.candidate}"), expand=True)
    table.add_column("", width=3)
    table.add_column("check", no_wrap=True)
    table.add_column("result")
    for check in report.checks:
        mark, style = MARKS[check.state]
        table.add_row(Text(mark, style=style), Text(check.id), Text(check.summary))  # no LLM markup
    console.print(table)
    for check in report.failed:
        if check.evidence is None:
            continue
        lines: list[Text] = []
        evidence = check.evidence.model_dump(exclude_none=True)
        for key in ("case", "response", "expected", "got"):
            if key in evidence:
                lines.append(Text(f"{key}: ", style="bold") + Text(_short(evidence[key])))
        for key, value in evidence.get("detail", {}).items():
            lines.append(Text(f"{key}: ", style="bold") + Text(_short(value)))
        console.print(Panel(Group(*lines), title=Text(f"{check.id}: evidence"), border_style="red"))
    style = "bold green" if report.verdict == "pass" else "bold red"
    console.print(Text(report.summary_line(), style=style) + Text(f"  ({report.seconds:.1f} s)"))
