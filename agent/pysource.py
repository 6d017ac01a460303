"""Parsing Python source safely from several threads at once.

CPython 3.11's parser keeps recursion-depth bookkeeping that is not thread-safe: two threads in
`ast.parse` at the same time can fail with "SystemError: AST constructor recursion depth
mismatch" (CPython gh-106905). The graph drafts and self-tests candidates in parallel threads, so
every parse of candidate source goes through this lock. Parsing is fast; the lock costs nothing
measurable.
"""

from __future__ import annotations

import ast
import threading
from typing import Any

_LOCK = threading.Lock()


def parse(source: str, mode: str = "exec", **kwargs: Any) -> Any:
    """`ast.parse`, one thread at a time."""
    with _LOCK:
        return ast.parse(source, mode=mode, **kwargs)
