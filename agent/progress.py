"""Live progress of a drafting batch: specs by phase, tokens used, and the final summary."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from agent.pipeline import SpecOutcome

PHASES = ("waiting", "drafting", "testing", "queued", "failed", "done")
OUTCOME_STYLE = {
    "queued": "green",
    "merged": "green",
    "approved": "green",
    "failed": "red",
    "error": "red",
    "invalid": "red",
    "skipped": "yellow",
    "rejected": "yellow",
}


class BatchProgress:
    """Follows graph events and outcomes; renders a live table on the console."""

    def __init__(self, console: Console, total: int):
        self.console, self.total = console, total
        self.phase: dict[str, str] = {}
        self.tokens = 0  # of finished specs
        self.lock = threading.Lock()
        self.live = Live(self.render(), console=console, refresh_per_second=4, transient=True)

    def __enter__(self) -> BatchProgress:
        if self.console.is_terminal:
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.console.is_terminal:
            self.live.__exit__(*exc)

    def event(self, event: dict[str, Any]) -> None:
        phase = event.get("phase")
        spec = event.get("spec")
        if not spec or phase not in ("started", "drafting", "testing", "resuming", "failed"):
            return
        with self.lock:
            self.phase[spec] = {"started": "waiting", "resuming": "waiting"}.get(phase, phase)
        self.refresh()

    def outcome(self, outcome: SpecOutcome) -> None:
        with self.lock:
            self.tokens += outcome.tokens
            self.phase[outcome.spec] = (
                "queued"
                if outcome.outcome == "queued"
                else ("failed" if outcome.outcome in ("failed", "error", "invalid") else "done")
            )
        if not self.console.is_terminal:
            style = OUTCOME_STYLE.get(outcome.outcome, "")
            self.console.print(
                Text(f"{outcome.spec}: ", style="bold")
                + Text(outcome.outcome, style=style)
                + Text(f" ({outcome.reason})")
            )
        self.refresh()

    def refresh(self) -> None:
        if self.console.is_terminal:
            self.live.update(self.render())

    def render(self) -> Table:
        with self.lock:
            counts = Counter(self.phase.values())
        table = Table.grid(padding=(0, 2))
        table.add_row(
            *(Text(f"{phase}: {counts.get(phase, 0)}") for phase in PHASES),
            Text(f"of {self.total} specs · tokens {self.tokens:,}"),
        )
        return table


def summary_table(outcomes: list[SpecOutcome]) -> Group:
    table = Table(title="drafting results", expand=True)
    for column in ("spec", "outcome", "queue id", "tokens", "reason"):
        table.add_column(column)
    for outcome in sorted(outcomes, key=lambda item: (item.outcome, item.spec)):
        table.add_row(
            Text(outcome.spec),
            Text(outcome.outcome, style=OUTCOME_STYLE.get(outcome.outcome, "")),
            Text(str(outcome.candidate_id or "")),
            Text(f"{outcome.tokens:,}"),
            Text(outcome.reason[:300]),
        )
    counts = Counter(outcome.outcome for outcome in outcomes)
    line = ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))
    return Group(table, Text(f"{len(outcomes)} specs: {line}"))
