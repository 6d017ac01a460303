"""Where campforge keeps its state: `.campforge/` under the working directory by default.

One SQLite database (`campforge.db`: runs, the review queue and its audit trail, LLM
transcripts), the graph's checkpoints (`checkpoints.db`, or the Postgres database named by
$CAMPFORGE_CHECKPOINTS: see `agent.checkpoints`) and every drafted module (`drafts/`).
The directory is private (mode 700): sandboxed candidates run under other uids and must not
read the review database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Workspace:
    root: Path
    checkpoint_url: str | None = None  # a Postgres URL; None: checkpoints.db in the workspace

    @classmethod
    def open(cls, root: Path | str | None = None, checkpoints: str | None = None) -> Workspace:
        """The workspace at `root` (default: $CAMPFORGE_HOME or ./.campforge), created if needed;
        its checkpoints in `checkpoints` (default: $CAMPFORGE_CHECKPOINTS, else in the root)."""
        path = Path(root or os.environ.get("CAMPFORGE_HOME") or ".campforge").resolve()
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o700)
        (path / "drafts").mkdir(exist_ok=True)
        return cls(path, checkpoints or os.environ.get("CAMPFORGE_CHECKPOINTS") or None)

    @property
    def database(self) -> Path:
        return self.root / "campforge.db"

    @property
    def checkpoints(self) -> str:
        """Where the graph's checkpoints are: a Postgres URL or a SQLite file's path."""
        return self.checkpoint_url or str(self.root / "checkpoints.db")

    def drafts(self, run_id: str, spec_name: str) -> Path:
        directory = self.root / "drafts" / run_id / spec_name
        directory.mkdir(parents=True, exist_ok=True)
        return directory
