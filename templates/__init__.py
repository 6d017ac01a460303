"""Jinja templates of generated code: a bootcamp module (`bootcamp.py.j2`) and the tests of a
merged one (`test_bootcamp.py.j2`). Installed as the package `campforge_templates`."""

from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
