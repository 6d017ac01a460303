"""The `campforge` command's entry point. The command line needs the `pipeline` extra; a base
install (`pip install campforge`) is for scoring only (`generated_bootcamps`), and without the
extra the command says so in one line (exit 2) instead of a traceback."""

from __future__ import annotations

import sys

OWN_PACKAGES = {
    "agent",
    "review",
    "generated_bootcamps",
    "campforge_templates",
    "campforge_prompts",
}


def main() -> None:
    """Run the `campforge` command line (agent.cli)."""
    try:
        from agent.cli import app
    except ModuleNotFoundError as error:
        missing = (error.name or "").split(".")[0]
        if not missing or missing in OWN_PACKAGES:
            raise
        sys.stderr.write(
            f"error: the campforge command needs the pipeline dependencies ({missing} is not "
            "installed): pip install 'campforge[pipeline]', or ./scripts/setup.sh in a checkout\n"
        )
        raise SystemExit(2) from None
    app()
