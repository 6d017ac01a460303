"""Skip markers for tests that compile reference programs.

A test that needs a compiler is skipped when it is missing, except under CI (env CI set), where
that is a failure: `.ci/run` installs gcc, g++, a JDK, Go and rustc as Debian packages.
"""

from __future__ import annotations

import os

import pytest

from agent.sandbox.programs import CompilerMissing, find_compiler


def missing(language: str) -> str | None:
    """Why `language`'s programs cannot be built here, or None when they can."""
    try:
        find_compiler(language)
    except CompilerMissing as error:
        return str(error)
    return None


def requires(*languages: str) -> pytest.MarkDecorator:
    """Skip unless every language's compiler is installed (fail under CI instead)."""
    reasons = [reason for language in languages if (reason := missing(language))]
    return pytest.mark.skipif(
        bool(reasons) and not os.environ.get("CI"),
        reason="; ".join(reasons) + " (.ci/run installs it)",
    )
