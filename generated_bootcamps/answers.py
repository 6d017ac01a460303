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
"""

from __future__ import annotations

import ast
import json
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Literal

Style = Literal["boxed", "tags"]

_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
_TAG_OPEN = re.compile(r"\[answer\]", re.IGNORECASE)
_TAG_CLOSE = re.compile(r"\[/answer\]", re.IGNORECASE)
_WRAPPER = re.compile(r"^\\(?:text|textbf|mathrm|mathbf|texttt)\s*\{(.*)\}$", re.DOTALL)
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})


def answer_spans(response: str) -> list[tuple[int, str]]:
    """Every complete answer span in `response` as (start offset, inner text), in order."""
    spans: list[tuple[int, str]] = []
    for match in _BOXED.finditer(response):
        inner = _balanced_braces(response, match.end())
        if inner is not None:
            spans.append((match.start(), inner))
    for match in _TAG_OPEN.finditer(response):
        close = _TAG_CLOSE.search(response, match.end())
        if close is not None:
            spans.append((match.start(), response[match.end() : close.start()]))
    spans.sort(key=lambda span: span[0])
    return spans


def last_answer_text(response: str) -> str | None:
    """The inner text of the last answer span, or None when the response has none.

    An answer span nested inside another (`[answer]\\boxed{5}[/answer]`) starts later, so the
    innermost, last-written one wins.
    """
    if not isinstance(response, str):
        return None
    spans = answer_spans(response)
    return spans[-1][1] if spans else None


def _balanced_braces(text: str, start: int) -> str | None:
    """The text from `start` up to the brace that closes an already opened `{`, or None."""
    depth = 1
    for index in range(start, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start:index]
    return None


def _braces_balance(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def clean(text: str) -> str:
    """Strip what models put around a value: whitespace, `$...$`, `\\text{...}`, a final period."""
    text = text.strip()
    for _ in range(3):
        before = text
        if len(text) >= 2 and text[0] == "$" and text[-1] == "$":
            text = text.strip("$").strip()
        wrapped = _WRAPPER.match(text)
        if wrapped:
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
        if self.style == "boxed" and _braces_balance(inner) and "\n" not in inner:
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
_GROUPED_INT = re.compile(r"[+-]?\d{1,3}(?:([,\u202f\u00a0 _])\d{3})(?:\1\d{3})*")


def parse_int(text: str) -> int | None:
    """An integer written plainly or with consistent thousands separators ("1,234,567")."""
    text = clean(text).translate(_MINUS_SIGNS)
    if _INT.fullmatch(text):
        return int(text)
    if _GROUPED_INT.fullmatch(text):
        return int(re.sub(r"[,\u202f\u00a0 _]", "", text))
    return None


_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_FRACTION = re.compile(r"([+-]?\d+)\s*/\s*(\d+)")


def parse_number(text: str) -> float | None:
    """A finite real number: decimal, scientific, thousands-grouped integer part, or a fraction."""
    text = clean(text).translate(_MINUS_SIGNS)
    text = re.sub(
        r"^([+-]?\d{1,3}(?:,\d{3})+)(?=\.|$|[eE])", lambda m: m.group(1).replace(",", ""), text
    )
    if _FLOAT.fullmatch(text):
        value = float(text)
    elif (fraction := _FRACTION.fullmatch(text)) and int(fraction.group(2)) != 0:
        value = int(fraction.group(1)) / int(fraction.group(2))
    else:
        return None
    return value if math.isfinite(value) else None


class Integer(AnswerKind):
    """A whole number, e.g. `\\boxed{1,234}` -> 1234."""

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
        while True:
            before = text
            text = " ".join(clean(text).split())
            if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
                text = text[1:-1]
            if text == before:
                return text if self.case_sensitive else text.lower()

    def parse(self, text: str) -> str | None:
        return self.normalise(text) or None

    def render(self, answer: str) -> str:
        return str(answer)

    def equal(self, a: Any, b: Any) -> bool:
        return isinstance(a, str) and isinstance(b, str) and self.normalise(a) == self.normalise(b)


class Choice(AnswerKind):
    """One of a fixed set of options (e.g. "A".."D" or "yes"/"no"), matched case-insensitively;
    `(B)`, `B)` and `option B` read as B. Returns the option as spelled in `options`."""

    def __init__(self, options: Sequence[str], style: Style = "boxed"):
        if not options:
            raise ValueError("Choice needs at least one option")
        self.options = tuple(options)
        self.style = style
        self.example = self.options[0]
        self._by_key = {option.strip().lower(): option for option in self.options}

    def parse(self, text: str) -> str | None:
        key = clean(text).strip().lower()
        key = re.sub(r"^(?:option|answer|choice)\s*[:\-]?\s*", "", key)
        key = re.sub(r"^\((.*)\)$", r"\1", key).strip()
        key = re.sub(r"^(\w+)\)$", r"\1", key)
        return self._by_key.get(key)

    def render(self, answer: str) -> str:
        return str(answer)


# -- structured answers ----------------------------------------------------------------------------


class IntList(AnswerKind):
    """A list of integers written `[1, 2, 3]`, `1, 2, 3` or `1 2 3`. Commas separate items, so
    thousands separators are not read here. `[]` is the empty list."""

    example = "[3, 1, 2]"

    def __init__(self, style: Style = "boxed"):
        self.style = style

    def parse(self, text: str) -> list[int] | None:
        text = clean(text).translate(_MINUS_SIGNS)
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
            lines = [line for line in re.split(r"\s*(?:\n|;)\s*", text) if line.strip()]
            parsed = [
                [_strict_int(cell) for cell in re.split(r"\s*,\s*|\s+", line.strip())]
                for line in lines
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
    """Any JSON value, written compactly with sorted keys; compared as parsed values."""

    example = '{"x": 1}'

    def __init__(self, style: Style = "tags"):
        self.style = style

    def parse(self, text: str) -> Any:
        text = text.strip()
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return json.loads(clean(text))

    def render(self, answer: Any) -> str:
        return json.dumps(answer, sort_keys=True, ensure_ascii=False)


# -- arithmetic expressions ---------------------------------------------------------------------

_EXPRESSION_TRANSLATION = str.maketrans(
    {"×": "*", "·": "*", "÷": "/", "\u2212": "-", "\u2013": "-", "[": "(", "]": ")"}
)
_MAX_EXPRESSION_LENGTH = 500
_MAX_EXPRESSION_MAGNITUDE = 10**30


class Expression(AnswerKind):
    """An arithmetic expression over numbers with + - * / and parentheses, e.g. `(8-4)*(7-1)`.

    The extracted answer is the expression text with whitespace removed and `×`, `÷`, `\\times`,
    `\\div`, `\\cdot` written as `*` and `/`. Values are computed exactly (fractions) by walking the
    syntax tree: nothing is evaluated by Python. Powers, names and calls are not expressions.
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
    text = "".join(text.translate(_EXPRESSION_TRANSLATION).split())
    if "=" in text:  # "(8-4)*(7-1)=24": keep the left side, a common way of writing it.
        text = text.split("=", 1)[0]
    return text or None


def _expression_tree(text: str) -> ast.expr | None:
    if not text or len(text) > _MAX_EXPRESSION_LENGTH or "**" in text:
        return None
    if not re.fullmatch(r"[0-9.+\-*/()]+", text):
        return None
    if not all(re.fullmatch(r"\d+(?:\.\d+)?", number) for number in re.findall(r"[0-9.]+", text)):
        return None  # "1.", ".5" and "1.2.3" are not how a number is written here
    try:
        return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


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
        value = Fraction(str(node.value))
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
