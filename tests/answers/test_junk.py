"""Junk is no answer: spans whose content is not a value of the kind extract as None.

A soundness check only works if junk never scores, so every kind must refuse what it cannot read
rather than guess: letters for a number, malformed thousands grouping, two numbers for one,
ragged grids, names, calls, powers and division by zero in expressions, empty or truncated spans.
"""

from __future__ import annotations

import os
import string

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
    parse_int,
    parse_number,
)

EXAMPLES = int(os.environ.get("CAMPFORGE_ANSWER_EXAMPLES", "50"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None)

ALL_KINDS: list[AnswerKind] = [
    Integer(),
    Number(),
    Text(),
    Text(case_sensitive=True),
    Choice(["A", "B", "C", "D"]),
    IntList(),
    Grid(),
    Grid("char"),
    Expression(),
    JSON(),
]


def spans(content: str) -> list[str]:
    """`content` in both answer styles, with reasoning before it and a period after it."""
    return [f"So the answer is \\boxed{{{content}}}.", f"Final: [answer]{content}[/answer]\n"]


def extracts_nothing(kind: AnswerKind, content: str) -> bool:
    return all(kind.extract(response) is None for response in spans(content))


# -- empty and truncated spans ---------------------------------------------------------------------


EMPTY_CONTENTS = ["", " ", "\n\t ", "$ $", "\\text{}", "\\text{ }", '""']


def empty_for(kind: AnswerKind, content: str) -> bool:
    """Whether `content` is empty *for this kind*: `""` is a JSON string, and any non-blank
    text is a grid of characters."""
    if isinstance(kind, JSON) and content == '""':
        return False
    return not (isinstance(kind, Grid) and kind.cells == "char" and content.strip())


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        pytest.param(kind, content, id=f"{type(kind).__name__}-{content!r}")
        for kind in ALL_KINDS
        for content in EMPTY_CONTENTS
        if empty_for(kind, content)
    ],
)
def test_empty_span_is_no_answer(kind: AnswerKind, content: str) -> None:
    assert extracts_nothing(kind, content)


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda kind: type(kind).__name__)
@pytest.mark.parametrize(
    "response",
    ["\\boxed{5", "[answer]5", "\\boxed{\\frac{1}{2}", "[answer]5[/answ", "5}", "5[/answer]"],
)
def test_unterminated_span_is_no_answer(kind: AnswerKind, response: str) -> None:
    assert kind.extract(response) is None


# -- numbers ---------------------------------------------------------------------------------------

letters_except_e = "".join(c for c in string.ascii_letters if c not in "eE")


@SETTINGS
@given(
    head=st.text(string.digits + " ,.+-", max_size=5),
    letter=st.sampled_from(letters_except_e),
    tail=st.text(string.digits + letters_except_e + " ,.+-", max_size=5),
)
def test_letters_are_not_numbers(head: str, letter: str, tail: str) -> None:
    content = head + letter + tail
    for kind in (Integer(), Number(), IntList(), Grid(), Expression()):
        assert extracts_nothing(kind, content), (kind, content)


@SETTINGS
@given(
    head=st.integers(1, 999),
    groups=st.lists(st.integers(0, 10**6), min_size=1, max_size=3),
    bad=st.sampled_from([1, 2, 4, 5]),
    separator=st.sampled_from([",", "\u00a0", "\u202f", "_"]),
)
def test_malformed_thousands_grouping(
    head: int, groups: list[int], bad: int, separator: str
) -> None:
    """A group that is not three digits ("1,23", "1,2345") is not a grouped number."""
    written = [str(head)] + [str(group).zfill(3)[-3:] for group in groups]
    written[-1] = str(groups[-1]).zfill(bad)[-bad:]
    content = separator.join(written)
    assert parse_int(content) is None, content
    assert parse_number(content) is None, content
    assert extracts_nothing(Integer(), content)


@SETTINGS
@given(a=st.integers(0, 10**6), b=st.integers(0, 10**6), sep=st.sampled_from([" ", "  ", "\n"]))
def test_two_numbers_are_not_one(a: int, b: int, sep: str) -> None:
    """ "1 2" is not 12; only a three-digit group after one space reads as thousands ("1 234")."""
    assume(not (sep == " " and 1 <= a <= 999 and 100 <= b <= 999))
    content = f"{a}{sep}{b}"
    assert extracts_nothing(Integer(), content)
    assert extracts_nothing(Number(), content)
    assert extracts_nothing(Expression(), content)


@pytest.mark.parametrize(
    "content",
    ["1,23", "1 2", "forty", "42 apples", "4 2", "--5", "5-", "1..5", "∞", "½", "1/0", "0x1F"],
)
def test_number_junk(content: str) -> None:
    assert extracts_nothing(Integer(), content)
    assert extracts_nothing(Number(), content)


# -- choices ---------------------------------------------------------------------------------------


@SETTINGS
@given(text=st.text(string.ascii_letters + " ()", min_size=1, max_size=6))
def test_choice_reads_only_its_options(text: str) -> None:
    kind = Choice(["A", "B", "C", "D"])
    stripped = text.replace("(", "").replace(")", "").strip().lower()
    assume(stripped not in ("a", "b", "c", "d"))
    assume(not stripped.startswith(("option", "answer", "choice")))
    assert extracts_nothing(kind, text), text


# -- grids -----------------------------------------------------------------------------------------


@SETTINGS
@given(
    lengths=st.lists(st.integers(1, 5), min_size=2, max_size=5).filter(lambda n: len(set(n)) > 1),
    cell=st.integers(-50, 50),
    char=st.sampled_from(list(".#xo")),
)
def test_ragged_grid_is_no_grid(lengths: list[int], cell: int, char: str) -> None:
    int_rows = "\n".join(" ".join([str(cell)] * length) for length in lengths)
    char_rows = "\n".join(char * length for length in lengths)
    assert Grid().extract(f"[answer]{int_rows}[/answer]") is None
    assert Grid().extract(f"[answer]{[[cell] * n for n in lengths]}[/answer]") is None
    assert Grid("char").extract(f"[answer]{char_rows}[/answer]") is None


# -- expressions -----------------------------------------------------------------------------------

identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)


@SETTINGS
@given(
    name=identifiers,
    a=st.integers(0, 99),
    shape=st.sampled_from(["{n}", "{a}+{n}", "{n}({a})", "{a}*{n}.x", "({a}-{n})/2", "{n}[{a}]"]),
)
def test_names_are_not_expressions(name: str, a: int, shape: str) -> None:
    content = shape.format(n=name, a=a)
    assert extracts_nothing(Expression(), content), content


@SETTINGS
@given(a=st.integers(0, 10**4), b=st.integers(0, 10**4), c=st.integers(0, 99))
def test_powers_and_division_by_zero_are_not_expressions(a: int, b: int, c: int) -> None:
    for content in (f"{a}**{b}", f"{a}/0", f"{a}/({c}-{c})", f"{a}/(0*{b})", f"({a}+{b})/{0}"):
        assert extracts_nothing(Expression(), content), content


@pytest.mark.parametrize(
    "content",
    [
        "__import__('os')",
        "__import__('os').system('echo hi')",
        "open('/etc/passwd').read()",
        "2**99999",
        "1/0",
        "x",
        "a+b",
        "print(1)",
        "[i for i in range(9)]",
        "{}",
        "1;2",
        "1 if 1 else 2",
        "not 1",
        "1<2",
        "~1",
        "1%2",
        "7//2",
        "1e999",
    ],
)
def test_expression_junk(content: str) -> None:
    assert extracts_nothing(Expression(), content)


# -- text and JSON --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content", ["{a: 1}", "[1, 2", "'x'", "{'a': 1}", "NaN", "Infinity", "-Infinity", "tru", "None"]
)
def test_json_junk(content: str) -> None:
    assert extracts_nothing(JSON(), content)


def test_non_string_responses_are_no_answer() -> None:
    for kind in ALL_KINDS:
        for response in (None, 42, b"\\boxed{5}", ["\\boxed{5}"]):
            assert kind.extract(response) is None  # type: ignore[arg-type]
