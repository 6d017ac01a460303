"""Answer kinds: how a bootcamp finds, writes and compares a model's final answer.

LLM-written bootcamps most often go wrong here (an extractor that cannot read the format its prompt
asks for, first-answer-wins, a substring accepted as a match), so a bootcamp picks a kind instead
of writing its own. Every kind:

- `extract(response)` finds the *last* answer span in a response, in either style
  (`\\boxed{...}` with nested braces, or `[answer]...[/answer]`), and parses it; `None` when there
  is no span or the last span does not parse. A truncated, unterminated span is not an answer.
- `format(answer)` writes an answer the way a perfect response would; for every canonical value
  `a` of the kind, `extract(format(a)) == a`.
- `equal(a, b)` compares two answers (with tolerance for numbers, by value for expressions).
- `instruction()` is the sentence a prompt uses to tell the model how to write its answer.

Parsing is tolerant of what models do around a value: surrounding whitespace, `$...$`,
`\\text{...}`, thousands separators in numbers and a trailing period.

Finding the spans takes time linear in the response (plus a sort of the spans), however the
response repeats or nests markers, so a reward function stays fast on degenerate model output.
"""

from __future__ import annotations

import ast
import json
import math
import re
from abc import ABC, abstractmethod
from bisect import bisect_left
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Literal

Style = Literal["boxed", "tags"]

_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
_TAG_OPEN = re.compile(r"\[answer\]", re.IGNORECASE)
_TAG_CLOSE = re.compile(r"\[/answer\]", re.IGNORECASE)
_WRAPPER = re.compile(r"^\\(?:text|textbf|mathrm|mathbf|texttt)\s*\{(.*)\}$", re.DOTALL)
_DOLLARS = re.compile(r"(\$\$?)([^$]*)\1")
_BRACE = re.compile(r"[{}]")
# Anything that could open or close an answer span, for writers that must not emit one.
_MARKER = re.compile(r"\\(?:boxed|fbox)|\[/?answer\]", re.IGNORECASE)
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})


def answer_spans(response: str) -> list[tuple[int, str]]:
    """Every complete answer span in `response` as (start offset, inner text), in order."""
    return [(start, response[begin:end]) for start, begin, end in _span_bounds(response)]


def _span_bounds(response: str) -> list[tuple[int, int, int]]:
    """Every complete span as (start of its marker, start of inner text, end of inner text).

    A `\\boxed{` ends at the brace that closes its own (stack matching over all braces, done once);
    an `[answer]` ends at the first `[/answer]` after it (a binary search in the closing tags).
    Offsets only, so that nested or repeated markers cost no copies of the text.
    """
    bounds: list[tuple[int, int, int]] = []
    boxes = list(_BOXED.finditer(response))
    if boxes:
        closing = _matching_braces(response)
        for match in boxes:
            end = closing.get(match.end() - 1)
            if end is not None:
                bounds.append((match.start(), match.end(), end))
    opens = list(_TAG_OPEN.finditer(response))
    if opens:
        closes = [match.start() for match in _TAG_CLOSE.finditer(response)]
        for match in opens:
            index = bisect_left(closes, match.end())
            if index < len(closes):
                bounds.append((match.start(), match.end(), closes[index]))
    bounds.sort()
    return bounds


def _matching_braces(text: str) -> dict[int, int]:
    """For every `{` in `text` that is closed, the offset of the `}` that closes it."""
    closing: dict[int, int] = {}
    stack: list[int] = []
    for match in _BRACE.finditer(text):
        if match.group() == "{":
            stack.append(match.start())
        elif stack:
            closing[stack.pop()] = match.start()
    return closing


def last_answer_text(response: str) -> str | None:
    """The inner text of the last answer span, or None when the response has none.

    An answer span nested inside another (`[answer]\\boxed{5}[/answer]`) starts later, so the
    innermost, last-written one wins.
    """
    if not isinstance(response, str):
        return None
    bounds = _span_bounds(response)
    if not bounds:
        return None
    _, begin, end = bounds[-1]
    return response[begin:end]


def braces_balanced(text: str) -> bool:
    """Whether every `}` closes an earlier `{` and none is left open."""
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def clean(text: str) -> str:
    """Strip what models put around a value: whitespace, `$...$`, `\\text{...}`, a final period.

    A wrapper is removed only when it encloses the whole value: `$a$ or $b$` and
    `\\text{a} + \\text{b}` stay as they are.
    """
    text = text.strip()
    for _ in range(3):
        before = text
        dollars = _DOLLARS.fullmatch(text)
        if dollars:
            text = dollars.group(2).strip()
        wrapped = _WRAPPER.match(text)
        if wrapped and braces_balanced(wrapped.group(1)):
            text = wrapped.group(1).strip()
        if text.endswith(".") and not text.endswith(".."):
            text = text[:-1].rstrip()
        if text == before:
            break
    return text


class AnswerKind(ABC):
    """One way of writing an answer. Subclasses implement `parse` and `render`."""

    style: Style = "boxed"
    example: str = "42"

    def extract(self, response: str) -> Any:
        """The parsed last answer in `response`, or None."""
        text = last_answer_text(response)
        if text is None:
            return None
        try:
            return self.parse(text)
        except Exception:  # a span that does not parse is no answer
            return None

    def format(self, answer: Any) -> str:
        """`answer` written in this kind's style (tags when braces would break a box)."""
        inner = self.render(answer)
        if self.style == "boxed" and braces_balanced(inner) and "\n" not in inner:
            return f"\\boxed{{{inner}}}"
        return f"[answer]{inner}[/answer]"

    def equal(self, a: Any, b: Any) -> bool:
        """Whether two answers of this kind are the same answer."""
        return a == b

    def instruction(self) -> str:
        """How a prompt tells the model to write its final answer."""
        if self.style == "boxed":
            return (
                "Write your final answer at the end of your response as \\boxed{ANSWER}, "
                f"for example \\boxed{{{self.example}}}."
            )
        return (
            "Write your final answer at the end of your response between [answer] and [/answer], "
            f"for example [answer]{self.example}[/answer]."
        )

    @abstractmethod
    def parse(self, text: str) -> Any:
        """The value written in an answer span's inner text; None (or ValueError) if none."""

    @abstractmethod
    def render(self, answer: Any) -> str:
        """The inner text that `parse` reads back as `answer`."""


# -- numbers --------------------------------------------------------------------------------------

_INT = re.compile(r"[+-]?\d+")
# Thousands separators: comma, narrow and ordinary no-break space, space, underscore; one kind
# per number ("1,234 567" is not a number), and no leading zero group ("0,123" is not 123).
_SEPARATOR = r"[,\u202f\u00a0 _]"
_GROUPED_INT = re.compile(rf"[+-]?[1-9]\d{{0,2}}(?:({_SEPARATOR})\d{{3}})(?:\1\d{{3}})*")


def parse_int(text: str) -> int | None:
    """An integer written plainly or with consistent thousands separators ("1,234,567").

    Integers longer than Python's int/str conversion limit (4300 digits by default) are not read.
    """
    text = clean(text).translate(_MINUS_SIGNS)
    if not (_INT.fullmatch(text) or _GROUPED_INT.fullmatch(text)):
        return None
    try:
        return int(re.sub(_SEPARATOR, "", text))
    except ValueError:  # beyond the int/str conversion limit
        return None


_FLOAT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED_FLOAT = re.compile(
    rf"[+-]?[1-9]\d{{0,2}}(?:({_SEPARATOR})\d{{3}})(?:\1\d{{3}})*(?:\.\d+)?(?:[eE][+-]?\d+)?"
)
_FRACTION = re.compile(r"([+-]?\d+)\s*/\s*(\d+)")


def parse_number(text: str) -> float | None:
    """A finite real number: decimal, scientific, thousands-grouped integer part, or a fraction.

    The integer part may carry the thousands separators `parse_int` reads ("12,345.5"); the
    decimal mark is always ".", so "1,5" is not a number.
    """
    text = clean(text).translate(_MINUS_SIGNS)
    try:
        if _FLOAT.fullmatch(text):
            value = float(text)
        elif _GROUPED_FLOAT.fullmatch(text):
            value = float(re.sub(_SEPARATOR, "", text))
        elif (fraction := _FRACTION.fullmatch(text)) and int(fraction.group(2)) != 0:
            value = int(fraction.group(1)) / int(fraction.group(2))
        else:
            return None
    except (ValueError, OverflowError):  # beyond the int/str limit, or a fraction too large
        return None
    return value if math.isfinite(value) else None


class Integer(AnswerKind):
    """A whole number, e.g. `\\boxed{1,234}` -> 1234 (up to 4300 digits, Python's int/str limit)."""

    def __init__(self, style: Style = "boxed"):
        self.style = style

    def parse(self, text: str) -> int | None:
        return parse_int(text)

    def render(self, answer: int) -> str:
        return str(int(answer))


class Number(AnswerKind):
    """A real number compared with a tolerance: |a - b| <= max(rel_tol * max(|a|, |b|), abs_tol)."""

    def __init__(self, rel_tol: float = 1e-6, abs_tol: float = 1e-9, style: Style = "boxed"):
        self.rel_tol, self.abs_tol, self.style = rel_tol, abs_tol, style
        self.example = "3.25"

    def parse(self, text: str) -> float | None:
        return parse_number(text)

    def render(self, answer: float) -> str:
        return repr(float(answer))

    def equal(self, a: Any, b: Any) -> bool:
        if isinstance(a, bool) or isinstance(b, bool):
            return False
        try:
            a, b = float(a), float(b)
        except (TypeError, ValueError):
            return False
        return (
            math.isfinite(a)
            and math.isfinite(b)
            and math.isclose(a, b, rel_tol=self.rel_tol, abs_tol=self.abs_tol)
        )


# -- text and choices ----------------------------------------------------------------------------


class Text(AnswerKind):
    """A short text answer, normalised: whitespace collapsed, outer quotes and final period dropped,
    and case folded to lower case unless `case_sensitive`. Canonical values are normalised text
    (`normalise(a) == a`) that does not itself contain an answer marker."""

    def __init__(self, case_sensitive: bool = False, style: Style = "boxed"):
        self.case_sensitive, self.style = case_sensitive, style
        self.example = "HELLO WORLD" if case_sensitive else "hello world"

    def normalise(self, text: str) -> str:
        """The text as compared: repeated until nothing changes, so normalising is idempotent."""
        while True:
            before = text
            text = " ".join(clean(text).split())
            if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
                text = text[1:-1]
            if not self.case_sensitive:  # inside the loop: \TEXT{a} lowers to a wrapper
                text = text.lower()
            if text == before:
                return text

    def parse(self, text: str) -> str | None:
        return self.normalise(text) or None

    def render(self, answer: str) -> str:
        return str(answer)

    def equal(self, a: Any, b: Any) -> bool:
        return isinstance(a, str) and isinstance(b, str) and self.normalise(a) == self.normalise(b)


class Choice(AnswerKind):
    """One of a fixed set of options (e.g. "A".."D" or "yes"/"no"), matched case-insensitively
    with whitespace collapsed; `(B)`, `B)` and `option B` read as B. Returns the option as spelled
    in `options`.

    An answer spelled exactly like an option ("(A)", "answer", "etc.") reads as that option first;
    otherwise the answer and the options are compared with those decorations removed, so `B`
    also reads as an option written "(B)" (unless that is ambiguous). Options must be non-blank
    and distinct once normalised, else ValueError.
    """

    def __init__(self, options: Sequence[str], style: Style = "boxed"):
        if not options:
            raise ValueError("Choice needs at least one option")
        self.options = tuple(options)
        self.style = style
        self.example = self.options[0]
        self._by_key: dict[str, str] = {}
        for option in self.options:
            key = _choice_key(option)
            if not key:
                raise ValueError(f"Choice option {option!r} is blank")
            if key in self._by_key:
                raise ValueError(f"Choice options {self._by_key[key]!r} and {option!r} read alike")
            self._by_key[key] = option
        loose: dict[str, list[str]] = {}
        for key, option in self._by_key.items():
            loose.setdefault(_choice_forms(key)[-1], []).append(option)
        self._by_loose_key = {key: found[0] for key, found in loose.items() if len(found) == 1}

    def parse(self, text: str) -> str | None:
        forms = _choice_forms(_choice_key(text))
        for form in forms:
            if form and form in self._by_key:
                return self._by_key[form]
        return self._by_loose_key.get(forms[-1]) if forms[-1] else None

    def render(self, answer: str) -> str:
        return str(answer)


def _choice_key(text: str) -> str:
    return " ".join(clean(text).split()).lower()


def _choice_forms(key: str) -> list[str]:
    """`key`, then with "option"/"answer"/"choice" dropped, then "(b)" and then "b)" unwrapped."""
    forms = [key]
    key = re.sub(r"^(?:option|answer|choice)\b\s*[:\-]?\s*", "", key)
    forms.append(key)
    key = re.sub(r"^\((.*)\)$", r"\1", key).strip()
    forms.append(key)
    forms.append(re.sub(r"^(\w+)\)$", r"\1", key))
    return forms


# -- structured answers ----------------------------------------------------------------------------


class IntList(AnswerKind):
    """A list of integers written `[1, 2, 3]`, `1, 2, 3` or `1 2 3`. Commas separate items, so
    thousands separators are not read here. `[]` is the empty list; an empty span is no answer."""

    example = "[3, 1, 2]"

    def __init__(self, style: Style = "boxed"):
        self.style = style

    def parse(self, text: str) -> list[int] | None:
        text = clean(text).translate(_MINUS_SIGNS)
        if not text:  # `[answer][/answer]` is no answer, not the empty list
            return None
        if text[:1] + text[-1:] in ("[]", "()"):
            text = text[1:-1]
        tokens = [token for token in re.split(r"\s*,\s*|\s+", text.strip()) if token]
        if not all(_INT.fullmatch(token) for token in tokens):
            return None
        return [int(token) for token in tokens]

    def render(self, answer: Sequence[int]) -> str:
        return "[" + ", ".join(str(int(item)) for item in answer) + "]"


class Grid(AnswerKind):
    """A rectangular grid, one row per line. `cells="int"`: whitespace- or comma-separated integers
    (a list of lists of int); `cells="char"`: one character per cell, whitespace ignored (a list of
    row strings). A JSON list of rows (`[[1, 2], [3, 4]]`) is read too. Written between tags."""

    def __init__(self, cells: Literal["int", "char"] = "int", style: Style = "tags"):
        self.cells, self.style = cells, style
        self.example = "1 2\n3 4" if cells == "int" else "#.\n.#"

    def parse(self, text: str) -> list[list[int]] | list[str] | None:
        if self.cells == "char":  # "." is a common cell: no clean(), which drops a final period
            parsed: list[Any] = [
                "".join(line.split()) for line in text.splitlines() if line.strip()
            ]
        elif (text := clean(text)).startswith("[["):
            parsed = [[_strict_int(cell) for cell in row] for row in json.loads(text)]
        else:
            lines = [row.strip() for line in text.splitlines() for row in line.split(";")]
            parsed = [
                [_strict_int(cell) for cell in re.split(r"\s*,\s*|\s+", line)]
                for line in lines
                if line
            ]
        if not parsed or len({len(row) for row in parsed}) != 1 or len(parsed[0]) == 0:
            return None
        return parsed

    def render(self, answer: Sequence[Any]) -> str:
        if self.cells == "int":
            return "\n".join(" ".join(str(int(cell)) for cell in row) for row in answer)
        return "\n".join("".join(row) for row in answer)

    def equal(self, a: Any, b: Any) -> bool:
        if self.cells == "char" and isinstance(a, list) and isinstance(b, list):
            return ["".join(row) for row in a] == ["".join(row) for row in b]
        return a == b


def _strict_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("boolean is not a grid cell")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT.fullmatch(value.translate(_MINUS_SIGNS)):
        return int(value.translate(_MINUS_SIGNS))
    raise ValueError(f"not an integer cell: {value!r}")


class JSON(AnswerKind):
    """Any JSON value, written with sorted keys; compared as parsed values, where `true` is not `1`
    (numbers compare by value, so `1` equals `1.0`).

    Standard JSON only: `NaN` and `Infinity` are not read. A top-level `null` extracts as None,
    which means "no answer": a task whose answer can be null should wrap it (`{"value": null}`).
    Strings holding an answer marker (`[/answer]`, a backslash before `boxed`) are written with
    JSON escapes, so that the written answer cannot end or open a span early.
    """

    example = '{"x": 1}'

    def __init__(self, style: Style = "tags"):
        self.style = style

    def parse(self, text: str) -> Any:
        text = text.strip()
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError:
            return json.loads(clean(text), parse_constant=_reject_constant)

    def render(self, answer: Any) -> str:
        text = json.dumps(answer, sort_keys=True, ensure_ascii=False, allow_nan=False)
        if _MARKER.search(text):
            # Only strings can hold a marker: write every escape that could spell `\boxed` or
            # `\fbox` (an escaped backslash, `\b`, `\f`) and the `[` of a tag as \uXXXX.
            text = re.sub(r"\\(u[0-9a-fA-F]{4}|.)", _unicode_escape, text)
            text = re.sub(r"\[(?=/?answer\])", r"\\u005b", text, flags=re.IGNORECASE)
        return text

    def equal(self, a: Any, b: Any) -> bool:
        return _json_equal(a, b)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not standard JSON")


def _unicode_escape(match: re.Match[str]) -> str:
    escaped = {"\\": "\\u005c", "b": "\\u0008", "f": "\\u000c"}
    return escaped.get(match.group(1), match.group(0))


def _json_equal(a: Any, b: Any) -> bool:
    """Equality of parsed JSON values that keeps booleans apart from numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[key], b[key]) for key in a)
    return type(a) is type(b) and a == b


# -- arithmetic expressions ---------------------------------------------------------------------

_EXPRESSION_TRANSLATION = str.maketrans(
    {"×": "*", "·": "*", "÷": "/", "\u2212": "-", "\u2013": "-", "[": "(", "]": ")"}
)
_MAX_EXPRESSION_LENGTH = 500
_MAX_EXPRESSION_MAGNITUDE = 10**30


class Expression(AnswerKind):
    """An arithmetic expression over numbers with + - * / and parentheses, e.g. `(8-4)*(7-1)`.

    The extracted answer is the expression text with whitespace removed and `×`, `÷`, `\\times`,
    `\\div`, `\\cdot` written as `*` and `/`. Values are computed exactly (fractions, decimals read
    from their digits) by walking the syntax tree: nothing is evaluated by Python. Powers, names,
    calls, digits split by whitespace ("1 2") and values beyond 10**30 are not expressions.
    """

    example = "(8-4)*(7-1)"

    def __init__(self, style: Style = "boxed"):
        self.style = style

    def parse(self, text: str) -> str | None:
        canonical = canonical_expression(text)
        if canonical is None or expression_value(canonical) is None:
            return None
        return canonical

    def render(self, answer: str) -> str:
        return str(answer)

    def equal(self, a: Any, b: Any) -> bool:
        va, vb = expression_value(a), expression_value(b)
        return va is not None and va == vb


def canonical_expression(text: str) -> str | None:
    """The expression text in canonical form (no whitespace, ASCII operators), or None."""
    if not isinstance(text, str):
        return None
    text = clean(text)
    for latex, ascii_op in (
        (r"\times", "*"),
        (r"\cdot", "*"),
        (r"\div", "/"),
        (r"\left", ""),
        (r"\right", ""),
    ):
        text = text.replace(latex, ascii_op)
    text = text.translate(_EXPRESSION_TRANSLATION)
    if re.search(r"[\d.]\s+[\d.]", text):  # "1 2" is two numbers, not 12
        return None
    text = "".join(text.split())
    if "=" in text:  # "(8-4)*(7-1)=24": keep the left side, a common way of writing it.
        text = text.split("=", 1)[0]
    return text or None


def _expression_tree(text: str) -> ast.expr | None:
    """The syntax tree of a canonical expression; each float constant carries its digits."""
    if not text or len(text) > _MAX_EXPRESSION_LENGTH or "**" in text:
        return None
    if not re.fullmatch(r"[0-9.+\-*/()]+", text):
        return None
    if not all(re.fullmatch(r"\d+(?:\.\d+)?", number) for number in re.findall(r"[0-9.]+", text)):
        return None  # "1.", ".5" and "1.2.3" are not how a number is written here
    try:
        tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            node.digits = text[node.col_offset : node.end_col_offset]  # type: ignore[attr-defined]
    return tree


def _digits(node: ast.Constant) -> str:
    return getattr(node, "digits", None) or str(node.value)


def expression_value(text: Any) -> Fraction | None:
    """The exact value of an arithmetic expression; None if malformed, dividing by 0 or too big."""
    if not isinstance(text, str):
        return None
    tree = _expression_tree(canonical_expression(text) or "")
    if tree is None:
        return None
    try:
        return _evaluate(tree)
    except (ValueError, ZeroDivisionError, RecursionError, OverflowError):
        return None


def expression_numbers(text: Any) -> list[Fraction] | None:
    """The number literals an expression uses, in order (for "use each number once" rules)."""
    if not isinstance(text, str):
        return None
    tree = _expression_tree(canonical_expression(text) or "")
    if tree is None:
        return None
    numbers: list[Fraction] = []
    try:
        _evaluate(tree, numbers)
    except (ValueError, ZeroDivisionError, RecursionError, OverflowError):
        return None
    return numbers


def _evaluate(node: ast.expr, literals: list[Fraction] | None = None) -> Fraction:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        # A float constant is exact from its digits ("0.1" is 1/10): the node keeps the text.
        value = Fraction(node.value) if type(node.value) is int else Fraction(_digits(node))
        if literals is not None:
            literals.append(value)
        return value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _evaluate(node.operand, literals)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
        left = _evaluate(node.left, literals)
        right = _evaluate(node.right, literals)
        if isinstance(node.op, ast.Add):
            result = left + right
        elif isinstance(node.op, ast.Sub):
            result = left - right
        elif isinstance(node.op, ast.Mult):
            result = left * right
        else:
            result = left / right
        if (
            abs(result.numerator) > _MAX_EXPRESSION_MAGNITUDE
            or result.denominator > _MAX_EXPRESSION_MAGNITUDE
        ):
            raise OverflowError("expression value too large")
        return result
    raise ValueError(f"not an arithmetic expression: {ast.dump(node)[:60]}")


# -- the registry ---------------------------------------------------------------------------------

# Every answer kind by class name, with its short names: the first is what the catalog records
# (`answer_kind` in catalog.json), all of them are what a spec's front matter may write
# (`answer_kind: integer`). A new kind is a class above plus one line here (and the system prompt).
KINDS: dict[type[AnswerKind], tuple[str, ...]] = {
    Integer: ("integer", "int"),
    Number: ("number", "float", "real"),
    Text: ("text", "string", "str"),
    Choice: ("choice",),
    IntList: ("int_list", "intlist", "list_of_ints", "list"),
    Grid: ("grid",),
    Expression: ("expression", "expr"),
    JSON: ("json",),
}
# Helpers a bootcamp's own extractor or checker may use, beside the kinds.
HELPERS = (
    "answer_spans",
    "clean",
    "expression_numbers",
    "expression_value",
    "last_answer_text",
    "parse_int",
    "parse_number",
)


def kind_name(class_name: str) -> str:
    """The catalog's name of an answer kind class ("IntList" -> "int_list"); a class that is not
    a registered kind (a bootcamp's own) is named in lower case."""
    for kind, names in KINDS.items():
        if kind.__name__ == class_name:
            return names[0]
    return class_name.lower()
