"""Python literals for data that goes into generated source, so that data never becomes code.

Every text a spec, an LLM's meta block or a reviewer supplies (a name, a description, a domain, a
reviewer's name, a spec's path) and every parameter value reaches a generated module only through
this module: as a string or container literal that evaluates back to exactly that value. Text is
never pasted between quotes by hand.

    literal('say "hi"')      # the source text  "say \\"hi\\""
    literal({"n": 4})        # the source text  {"n": 4}
    docstring("two\\nlines")  # triple-quoted and readable when the text is printable
    block(value, indent=4, prefix="defaults = ")  # one item per line when it is too long

A docstring is triple-quoted (backslashes and quotes escaped) when its text is printable; text
with control characters or other unprintable characters is written with `repr` instead, which
always round-trips. Tests hold `ast.literal_eval(literal(x)) == x` for any text, and the same for
a docstring whose text has no lone surrogate (those become U+FFFD: see `docstring`).
"""

from __future__ import annotations

import json
import math
from typing import Any

LINE_LENGTH = 100


def literal(value: Any) -> str:
    """A JSON-like value (str, int, float, bool, None, list, tuple, dict) as one-line source."""
    if isinstance(value, dict):
        items = (f"{literal(key)}: {literal(item)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} has no literal: only finite numbers can be written")
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    raise ValueError(f"{type(value).__name__} values cannot be written as a literal: {value!r}")


def block(value: Any, *, indent: int, prefix: str) -> str:
    """`literal(value)` on one line if `indent + prefix` leaves room, else one item per line."""
    flat = literal(value)
    if indent + len(prefix) + len(flat) <= LINE_LENGTH or not isinstance(value, dict | list):
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        items = [
            f"{pad}{literal(key)}: {block(item, indent=indent + 4, prefix=literal(key) + ': ')},"
            for key, item in value.items()
        ]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{block(item, indent=indent + 4, prefix='')}," for item in value]
    return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"


def docstring(text: str) -> str:
    """A docstring literal for `text`: triple-quoted if printable, else `repr(text)`.

    Lone surrogates become U+FFFD first: Python refuses them in a class's `__doc__` (it stores
    docstrings as UTF-8), so a docstring is the one literal that is not exactly its text."""
    text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if not _printable(text):
        return repr(text)
    return '"""' + "".join(_docstring_character(text, index) for index in range(len(text))) + '"""'


def _docstring_character(text: str, index: int) -> str:
    """One character inside triple quotes: backslashes escaped, and a quote escaped when another
    quote or the closing quotes follow it, so three raw quotes never meet."""
    character = text[index]
    if character == "\\":
        return "\\\\"
    if character == '"' and (index + 1 == len(text) or text[index + 1] == '"'):
        return '\\"'
    return character


def _string(text: str) -> str:
    """A one-line string literal in double quotes, as ruff format writes them."""
    if _printable(text, newlines=False):
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a Python string literal
    return repr(text)  # escapes everything unprintable, lone surrogates included


def _printable(text: str, *, newlines: bool = True) -> bool:
    """Whether every character is printable (newlines allowed in docstrings): no NUL, no CR, no
    line or paragraph separator, no lone surrogate that UTF-8 could not write."""
    lines = text.split("\n") if newlines else [text]
    return all(line.isprintable() for line in lines)
