"""Jinja templates of the LLM messages of drafting (`system.md.j2`, `draft.md.j2`,
`repair.md.j2`) and the worked reply the system message shows. Installed as the package
`campforge_prompts`."""

from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
