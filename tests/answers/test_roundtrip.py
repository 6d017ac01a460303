"""Property tests: every answer kind reads back what it writes, wherever a response puts it.

For every kind and style, over generated canonical values `a`:

- `extract(format(a)) == a` (bit-exact for numbers, type-exact for JSON) and `equal(a, a)`;
- the same when the answer sits in generated reasoning text (text without answer markers), after
  an earlier, different draft answer (in either style: the last answer wins), and before
  whitespace, a trailing period or more reasoning;
- cut off inside the final answer, the response reads as the draft (or as no answer);
- reasoning text alone reads as no answer, for every kind.

Canonical values per kind are the values a kind promises to round-trip; see each strategy. JSON
`null` is left out at the top level: it extracts as None, i.e. "no answer" (documented in JSON).
Integers go up to 4000 digits: Python's int/str conversion limit (4300) bounds what is read.

CAMPFORGE_ANSWER_EXAMPLES=N sets the examples per property (default 50; 1000+ explores further).
"""

from __future__ import annotations

import json
import math
import os
import re
import string
from collections.abc import Callable
from fractions import Fraction
from functools import partial
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generated_bootcamps.answers import (
    JSON,
    AnswerKind,
    Choice,
    Expression,
    Grid,
    Integer,
    IntList,
    Number,
    Text,
    clean,
    expression_numbers,
    expression_value,
)

EXAMPLES = int(os.environ.get("CAMPFORGE_ANSWER_EXAMPLES", "50"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None)
STYLES = ("boxed", "tags")

# Anything that could open or close an answer span (stricter than the extractor: `\boxed` without
# a brace and upper-case `\BOXED` are excluded too).
MARKER = re.compile(r"\\(?:boxed|fbox)|\[/?answer\]", re.IGNORECASE)


def no_marker(text: str) -> bool:
    return MARKER.search(text) is None


# -- reasoning text --------------------------------------------------------------------------------

# Fragments that make generated reasoning look like what models write, including the characters
# the extractor cares about (braces, brackets, backslashes, dollars, periods, digits).
FRAGMENTS = (
    "Let me think. ",
    "The answer is 42",
    "\\frac{1}{2}",
    "{",
    "}",
    "{{",
    "}}",
    "[",
    "]",
    "[/",
    "answer",
    "boxed",
    "\\",
    "\\text{",
    "$",
    "$$",
    ".",
    "...",
    "\n",
    "\n\n",
    "1,234",
    "−5",
    "×",
    "So x = 3; ",
    "(B)",
    "# . #",
    "**Final**",
    "日本語",
    "café",
)

reasoning = (
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)),
        max_size=8,
    )
    .map("".join)
    .filter(no_marker)
)

tails = st.tuples(st.sampled_from(["", ".", " .", "\n", "  \n\n", ".\n", "\t"]), reasoning).map(
    "".join
)


# -- canonical values per kind ---------------------------------------------------------------------


def _text_alphabet() -> st.SearchStrategy[str]:
    return st.one_of(
        st.characters(exclude_categories=("Cs",)),
        st.sampled_from(list("{}[]()$.'\"`\\ éüñ中文Ωß−×")),
    )


# Text as models write it: characters, plus wrappers, quotes and markup the normaliser handles.
TEXT_FRAGMENTS = (
    "\\text{",
    "\\TEXT{",
    "}",
    "\\textbf{",
    "$",
    "$$",
    "'",
    '"',
    "`",
    ". ",
    "  ",
    "\n",
)
raw_text = st.lists(
    st.one_of(_text_alphabet(), st.sampled_from(TEXT_FRAGMENTS)), min_size=1, max_size=16
).map("".join)


def text_values(case_sensitive: bool) -> st.SearchStrategy[str]:
    kind = Text(case_sensitive=case_sensitive)
    return raw_text.map(kind.normalise).filter(lambda a: a != "" and no_marker(a))


def _choice_key(option: str) -> str:
    return " ".join(clean(option).split()).lower()


option_text = st.one_of(
    st.sampled_from(list(string.ascii_uppercase[:6])),
    st.sampled_from(["yes", "no", "true", "false", "answer", "choices", "optional", "etc."]),
    st.sampled_from(["(A)", "B)", "option C", "New York", "café", "中文"]),
    raw_text,
).filter(lambda o: _choice_key(o) != "" and no_marker(o))

option_sets = st.lists(option_text, min_size=1, max_size=6, unique_by=_choice_key)

finite_floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 1.7976931348623157e308, -1e-300, 1e22, 0.1]),
)

huge_ints = st.integers(min_value=-(10**4000), max_value=10**4000)

char_cells = st.one_of(
    st.sampled_from(list(".#")),
    st.characters(exclude_categories=("Z", "C")),
)


@st.composite
def int_grids(draw: st.DrawFn) -> list[list[int]]:
    rows = draw(st.integers(1, 6))
    cols = draw(st.integers(1, 6))
    cells = st.one_of(st.integers(-99, 99), st.integers())
    return [[draw(cells) for _ in range(cols)] for _ in range(rows)]


@st.composite
def char_grids(draw: st.DrawFn) -> list[str]:
    rows = draw(st.integers(1, 6))
    cols = draw(st.integers(1, 6))
    grid = ["".join(draw(char_cells) for _ in range(cols)) for _ in range(rows)]
    assume(no_marker("\n".join(grid)))
    return grid


# Arithmetic expressions: (text, exact value, literals in order). Precedence: leaves and
# parenthesised groups 3, unary minus 2, * and / 1, + and - 0 (Python's grammar, which is what the
# extractor parses with).
_MAX_MAGNITUDE = 10**30
_OPS: dict[str, tuple[int, Callable[[Fraction, Fraction], Fraction]]] = {
    "+": (0, lambda x, y: x + y),
    "-": (0, lambda x, y: x - y),
    "*": (1, lambda x, y: x * y),
    "/": (1, lambda x, y: x / y),
}


@st.composite
def expressions(draw: st.DrawFn, depth: int = 3) -> tuple[str, Fraction, list[Fraction], int]:
    shape = draw(
        st.sampled_from(["leaf", "leaf", "neg", "bin", "bin"]) if depth else st.just("leaf")
    )
    if shape == "leaf":
        n = draw(st.integers(0, 10**4))
        text, value, literals, precedence = str(n), Fraction(n), [Fraction(n)], 3
    elif shape == "neg":
        inner, inner_value, literals, inner_prec = draw(expressions(depth - 1))
        if inner_prec < 2:
            inner = f"({inner})"
        text, value, precedence = "-" + inner, -inner_value, 2
    else:
        op = draw(st.sampled_from(sorted(_OPS)))
        op_prec, apply = _OPS[op]
        left, left_value, left_literals, left_prec = draw(expressions(depth - 1))
        right, right_value, right_literals, right_prec = draw(expressions(depth - 1))
        assume(not (op == "/" and right_value == 0))
        value = apply(left_value, right_value)
        assume(abs(value.numerator) <= _MAX_MAGNITUDE and value.denominator <= _MAX_MAGNITUDE)
        if left_prec < op_prec:
            left = f"({left})"
        if right_prec <= op_prec:
            right = f"({right})"
        text, literals, precedence = f"{left}{op}{right}", left_literals + right_literals, op_prec
    if draw(st.integers(0, 5)) == 0:  # now and then, redundant parentheses
        text, precedence = f"({text})", 3
    return text, value, literals, precedence


json_values = st.recursive(
    st.one_of(
        st.integers(),
        st.booleans(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(_text_alphabet(), max_size=10),
        st.sampled_from(["\\boxed{5}", "[answer]1[/answer]", "}{", "\\frac{1}{2}", "[/ANSWER]"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(_text_alphabet(), max_size=6), children, max_size=4),
    ),
    max_leaves=12,
)


# -- kinds -----------------------------------------------------------------------------------------

# Each entry: a strategy of (make, value) where make(style=...) builds the kind in that style
# (a functools.partial, so that a falsifying example shows the kind's arguments).
Make = Callable[..., AnswerKind]


def _fixed(make: Make, values: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Make, Any]]:
    return values.map(lambda value: (make, value))


@st.composite
def _choices(draw: st.DrawFn) -> tuple[Make, str]:
    options = draw(option_sets)
    return partial(Choice, options), draw(st.sampled_from(options))


KINDS: dict[str, st.SearchStrategy[tuple[Make, Any]]] = {
    "integer": _fixed(partial(Integer), st.one_of(st.integers(), huge_ints)),
    "number": _fixed(partial(Number), finite_floats),
    "text": _fixed(partial(Text), text_values(False)),
    "text_case_sensitive": _fixed(partial(Text, case_sensitive=True), text_values(True)),
    "choice": _choices(),
    "intlist": _fixed(partial(IntList), st.lists(st.integers(), max_size=12)),
    "grid_int": _fixed(partial(Grid, "int"), int_grids()),
    "grid_char": _fixed(partial(Grid, "char"), char_grids()),
    "expression": _fixed(partial(Expression), expressions().map(lambda e: e[0])),
    "json": _fixed(partial(JSON), json_values),
}


def same(a: Any, b: Any) -> bool:
    """Exact sameness: types included (True is not 1), floats bit for bit (-0.0 is not 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


# -- properties ------------------------------------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", sorted(KINDS))
@SETTINGS
@given(data=st.data())
def test_format_then_extract_is_identity(name: str, style: str, data: st.DataObject) -> None:
    make, a = data.draw(KINDS[name])
    kind = make(style=style)
    written = kind.format(a)
    assert isinstance(written, str)
    assert same(kind.extract(written), a), written
    assert kind.equal(a, a)
    assert kind.equal(kind.extract(written), a)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", sorted(KINDS))
@SETTINGS
@given(data=st.data(), before=reasoning, between=reasoning, after=tails)
def test_last_answer_in_reasoning_wins(
    name: str, style: str, data: st.DataObject, before: str, between: str, after: str
) -> None:
    """The final answer is read, whatever precedes and follows it; and when the response is cut off
    inside the final answer, what remains is the draft (or no answer when there is none)."""
    make, a = data.draw(KINDS[name], label="answer")
    kind = make(style=style)
    values = KINDS[name].map(lambda drawn: drawn[1])
    if isinstance(kind, Choice):  # a draft must be one of this question's options
        values = st.sampled_from(kind.options)
    draft = data.draw(st.none() | values, label="draft")
    draft_style = data.draw(st.sampled_from(STYLES), label="draft style")
    if draft is None:
        draft_text = ""
    else:
        assume(not kind.equal(draft, a))
        draft_text = make(style=draft_style).format(draft)
    final = kind.format(a)
    response = before + draft_text + between + final + after
    assert same(kind.extract(response), a), response

    cut = data.draw(st.integers(0, len(final) - 1), label="cut")
    truncated = before + draft_text + between + final[:cut]
    extracted = kind.extract(truncated)
    assert extracted is None if draft is None else same(extracted, draft), truncated


FIXED_KINDS = [
    Integer(),
    Number(),
    Text(),
    Text(case_sensitive=True),
    Choice(["A", "B", "C", "D"]),
    Choice(["yes", "no"]),
    IntList(),
    Grid(),
    Grid("char"),
    Expression(),
    JSON(),
]


@SETTINGS
@given(text=reasoning)
def test_reasoning_without_markers_has_no_answer(text: str) -> None:
    for kind in FIXED_KINDS:
        assert kind.extract(text) is None, kind


@SETTINGS
@given(expression=expressions())
def test_expression_value_and_literals(expression: tuple[str, Fraction, list, int]) -> None:
    text, value, literals, _ = expression
    assert expression_value(text) == value
    assert expression_numbers(text) == literals
    assert Expression().equal(text, str(value.numerator) + "/" + str(value.denominator))


@pytest.mark.parametrize("case_sensitive", [False, True])
@SETTINGS
@given(text=raw_text)
def test_text_normalise_is_idempotent(case_sensitive: bool, text: str) -> None:
    kind = Text(case_sensitive=case_sensitive)
    once = kind.normalise(text)
    assert kind.normalise(once) == once
    assert kind.equal(text, once)


@SETTINGS
@given(a=finite_floats, relative=st.floats(-1e-7, 1e-7))
def test_number_tolerance_accepts_tiny_relative_error(a: float, relative: float) -> None:
    kind = Number()
    b = a * (1 + relative)
    assume(math.isfinite(b))
    assert kind.equal(a, b)
    assert kind.equal(kind.extract(kind.format(b)), a)


@SETTINGS
@given(a=json_values)
def test_json_render_is_standard_json(a: Any) -> None:
    """The written JSON is parseable by any JSON reader, whatever strings it holds."""
    written = JSON().render(a)
    assert same(json.loads(written), a)
