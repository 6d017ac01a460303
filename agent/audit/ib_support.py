"""Support code of an adapted InternBootcamp module: runs in the sandbox, beside the adapter.

`campforge audit` copies this file (standard library only) into the adapter's companion
directory as `campforge_ib_support.py`; the generated adapter imports it. The audit also imports
it on the host, so that the answer writers it detects are exactly the ones the adapter uses.

- `seed_global_random(rng)`: InternBootcamp modules draw from the global `random` module (the
  `random.randint(...)` or `from random import randint` at module level). The adapter seeds that
  global generator from the bootcamp's own `self.rng` before every call that makes a case, so
  the same campforge seed gives the same case. (This is the adapter's one deliberate use of the
  global generator; it lives here, not in the adapter, whose source the self-test's static scan
  holds to "all randomness via self.rng".)
- `write(answer, style, rendering)`: an answer as response text: the value rendered as text
  (`RENDERINGS`), inside an answer span (`STYLES`).
"""

from __future__ import annotations

import json
import random
from typing import Any

STYLES = ("tags", "boxed", "xml", "bare")
RENDERINGS = ("text", "json", "spaces", "commas", "csv", "lines", "grid", "concat")
STYLE_MARKERS = {"tags": "[answer]", "boxed": "\\boxed", "xml": "<answer>"}


def seed_global_random(rng: random.Random) -> None:
    """Seed the global `random` generator from `rng` (one draw from it)."""
    random.seed(rng.getrandbits(64))


def stored_answer(case: dict[str, Any], key: str | None) -> Any:
    """The reference answer the audit found under `key` in an identity."""
    if key is None:
        raise NotImplementedError(
            "this InternBootcamp module keeps no answer in its identity that its own verifier "
            "accepts, so the adapter has no solve()"
        )
    return case[key]


def wrap(style: str, text: str) -> str:
    """`text` inside an answer span of `style`."""
    if style == "tags":
        return f"[answer]{text}[/answer]"
    if style == "boxed":
        return f"\\boxed{{{text}}}"
    if style == "xml":
        return f"<answer>{text}</answer>"
    return text


def _flat(value: Any) -> bool:
    return isinstance(value, list) and all(
        not isinstance(item, list | dict) and item is not None for item in value
    )


def render(value: Any, rendering: str) -> str | None:
    """`value` as answer text in the named rendering, or None when it does not fit the value."""
    if rendering == "text":
        return value if isinstance(value, str) else str(value)
    if rendering == "json":
        return None if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if rendering == "grid":
        if isinstance(value, list) and value and all(_flat(row) for row in value):
            return "\n".join(" ".join(str(item) for item in row) for row in value)
        return None
    if not _flat(value) or not value:
        return None
    items = [str(item) for item in value]
    joiner = {"spaces": " ", "commas": ", ", "csv": ",", "lines": "\n", "concat": ""}
    return joiner[rendering].join(items) if rendering in joiner else None


def write(answer: Any, style: str, rendering: str) -> str:
    """How a response writes `answer` (a rendering that does not fit the value falls back to
    plain text, e.g. for a near miss of another shape)."""
    text = render(answer, rendering)
    return wrap(style, text if text is not None else render(answer, "text") or "")
