"""The reward functions hold their promise on hostile input: a broken call (unknown bootcamp,
a ground truth that is not a JSON case of that bootcamp, columns that are not columns) raises
ValueError and nothing else; any response scores a float in [0, 1] and never raises.

Hand-written hostile ground truths (nesting 100,000 deep, an int of a million digits, NaN, huge
sizes) and Hypothesis over arbitrary JSON values, over real cases with one part replaced or
scaled, and over arbitrary response text.
"""

from __future__ import annotations

import json
import math
import os
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import generated_bootcamps
from generated_bootcamps.reward import compute_score, reward_func, score_batch, trl_reward

NAMES = generated_bootcamps.names()
EXAMPLES = int(os.environ.get("CAMPFORGE_REWARD_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None)
DEEP = 100_000


def a_case(name, seed=0, difficulty="hard"):
    cls = generated_bootcamps.get(name)
    case = cls(seed=seed, difficulty=difficulty).generate()
    return cls, case, cls.format_answer(cls.solve(case))


class DeepList(list):
    """A list nested `depth` deep (built without recursion), shown as such in reports."""

    def __init__(self, depth):
        super().__init__()
        self.depth = depth
        inner = self
        for _ in range(depth):
            inner.append([])
            inner = inner[0]

    def __repr__(self):
        return f"<a list nested {self.depth} deep>"


def deep_list(depth):
    return DeepList(depth)


def holds_the_promise(call):
    """Run `call`: it must return a float in [0, 1] or raise ValueError. Returns the score or
    the ValueError."""
    try:
        score = call()
    except ValueError as error:
        return error
    assert type(score) is float and 0.0 <= score <= 1.0, score
    return score


# -- ground truths --------------------------------------------------------------------------------

HOSTILE_TEXTS = {
    "list nested 100,000 deep": "[" * DEEP + "]" * DEEP,
    "object nested 100,000 deep": '{"a":' * DEEP + "1" + "}" * DEEP,
    "a field nested 100,000 deep": '{"capacity": ' + "[" * DEEP + "]" * DEEP + "}",
    "an int of a million digits": '{"capacity": ' + "7" * 10**6 + "}",
    "an int of 5,000 digits": '{"capacity": ' + "7" * 5000 + ', "weights": [1], "values": [1]}',
    "NaN": '{"capacity": NaN, "weights": [1], "values": [1]}',
    "Infinity": '{"capacity": Infinity, "weights": [1], "values": [1]}',
    "-Infinity in a list": '{"capacity": 5, "weights": [-Infinity], "values": [1]}',
    "1e999 (a float that overflows)": '{"capacity": 1e999, "weights": [1], "values": [1]}',
    "a list": "[1, 2, 3]",
    "a number": "3",
    "null": "null",
    "a string": '"knapsack"',
    "empty text": "",
    "whitespace": "  \n ",
    "truncated": '{"capacity": 5, "weights": [1',
    "a capacity of 10**9": '{"capacity": 1000000000, "weights": [1, 2], "values": [3, 4]}',
    "100,000 items": json.dumps({"capacity": 5, "weights": [1] * 10**5, "values": [1] * 10**5}),
    "a 2 MB string": json.dumps({"capacity": 5, "weights": [1], "values": [1], "x": "a" * 2**21}),
    "a string where a number goes": '{"capacity": "5", "weights": [1], "values": [1]}',
    "booleans": '{"capacity": true, "weights": [true], "values": [false]}',
}

HOSTILE_OBJECTS = {
    "None": None,
    "an int": 42,
    "bytes": b'{"capacity": 5}',
    "a list of cases": [{"capacity": 5, "weights": [1], "values": [1]}],
    "a set inside": {"capacity": {1, 2}, "weights": [1], "values": [1]},
    "mixed key types": {1: 2, "capacity": 3},
    "a Python object nested 100,000 deep": {"capacity": deep_list(DEEP)},
    "float NaN": {"capacity": math.nan, "weights": [1], "values": [1]},
    "float infinity": {"capacity": math.inf, "weights": [1], "values": [1]},
    "an int of a million digits": {"capacity": 7 * 10**10**6, "weights": [1], "values": [1]},
    "a function": {"capacity": print},
}


@pytest.mark.parametrize("ground_truth", HOSTILE_TEXTS.values(), ids=HOSTILE_TEXTS.keys())
def test_a_hostile_ground_truth_text_is_a_value_error(ground_truth):
    for response in ("\\boxed{3}", "no answer"):
        with pytest.raises(ValueError, match=r"compute_score: ground_truth .*'knapsack'"):
            compute_score("knapsack", response, ground_truth)


def test_a_case_only_solve_refuses_is_a_value_error_once_there_is_an_answer():
    """Within the sizes the bootcamp generates, but no case of it (solve() fails): an answer
    makes the reward solve it; a response without one scores 0 without solving."""
    negative = '{"capacity": 5, "weights": [-3], "values": [1]}'
    with pytest.raises(ValueError, match=r"solve\(\) failed with IndexError"):
        compute_score("knapsack", "\\boxed{3}", negative)
    assert compute_score("knapsack", "no answer", negative) == 0.0


@pytest.mark.parametrize("ground_truth", HOSTILE_OBJECTS.values(), ids=HOSTILE_OBJECTS.keys())
def test_a_hostile_ground_truth_object_is_a_value_error(ground_truth):
    with pytest.raises(ValueError, match="compute_score: ground_truth for 'knapsack'"):
        compute_score("knapsack", "\\boxed{3}", ground_truth)


def test_an_error_names_the_problem_in_one_line():
    cases = {
        "nested too deeply": HOSTILE_TEXTS["list nested 100,000 deep"],
        "more than 4300 digits": HOSTILE_TEXTS["an int of 5,000 digits"],
        "NaN is not standard JSON": HOSTILE_TEXTS["NaN"],
        "capacity = 1000000000": HOSTILE_TEXTS["a capacity of 10**9"],
        "weights has length 100000": HOSTILE_TEXTS["100,000 items"],
        "has 2097.* characters, more than the 1000000": HOSTILE_TEXTS["a 2 MB string"],
        "capacity is a JSON string": HOSTILE_TEXTS["a string where a number goes"],
    }
    for expected, ground_truth in cases.items():
        with pytest.raises(ValueError, match=expected) as caught:
            compute_score("knapsack", "\\boxed{3}", ground_truth)
        assert "\n" not in str(caught.value)
        assert len(str(caught.value)) < 500


def test_ints_stay_bounded_when_the_process_lifts_pythons_int_limit():
    """Without the limit, reading a 100,000-digit int takes time quadratic in its digits."""
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        ground_truth = '{"capacity": ' + "7" * 100_000 + ', "weights": [1], "values": [1]}'
        with pytest.raises(ValueError, match="more than 4300 digits"):
            compute_score("knapsack", "\\boxed{3}", ground_truth)
    finally:
        sys.set_int_max_str_digits(limit)


def test_a_data_source_that_is_not_a_name_is_a_value_error():
    _, case, response = a_case("knapsack")
    for data_source in (None, 3, ["knapsack"], {"name": "knapsack"}, b"knapsack"):
        with pytest.raises(ValueError, match="data_source must be a bootcamp name"):
            compute_score(data_source, response, case)


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from([2**64, 10**9, -1, 0, 1e308, -0.0])
    | st.integers(300, 6000).map(lambda digits: -(10**digits))  # beyond the int/str limit too
    | st.integers(990, 3000).map(deep_list)  # deeper than json and pickle can recurse
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(st.text(max_size=10) | st.integers(), children, max_size=6)
    ),
    max_leaves=25,
)


def as_ground_truth(value, form):
    """`value` as a dict (TRL), as JSON text (verl; NaN written as NaN), or as it is."""
    if form == "text":
        try:
            return json.dumps(value)
        except (ValueError, TypeError, RecursionError):
            return value
    return value


@SETTINGS
@given(
    name=st.sampled_from(NAMES),
    value=json_values,
    form=st.sampled_from(["object", "text"]),
    response_index=st.integers(0, 2),
)
def test_any_json_ground_truth_scores_or_is_a_value_error(name, value, form, response_index):
    _, _, right = a_case(name, seed=1)
    response = [right, "\\boxed{7}", "nothing"][response_index]
    holds_the_promise(lambda: compute_score(name, response, as_ground_truth(value, form)))


def replace_at(case, path, value):
    """A deep copy of `case` with the value at `path` (keys and list indices) replaced."""
    copy = json.loads(json.dumps(case))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


def places(value, path=()):
    """Every (path, value) inside a JSON value."""
    found = [(path, value)] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*path, index))
    return found


@st.composite
def damaged_cases(draw):
    """A real case of a bootcamp with one part replaced by any JSON value, or scaled."""
    name = draw(st.sampled_from(NAMES))
    difficulty = draw(st.sampled_from(["easy", "medium", "hard"]))
    _, case, right = a_case(name, seed=draw(st.integers(0, 50)), difficulty=difficulty)
    path, old = draw(st.sampled_from(places(case)))
    if isinstance(old, int | float) and not isinstance(old, bool) and draw(st.booleans()):
        new = old * draw(st.sampled_from([-1, 0, 2, 3, 10, 1000, 10**7, 10**30, 0.5]))
    elif isinstance(old, list | str) and draw(st.booleans()):
        new = old * draw(st.sampled_from([0, 2, 3, 50]))
    else:
        new = draw(json_values)
    return name, replace_at(case, path, new), right


@SETTINGS
@given(damaged=damaged_cases(), form=st.sampled_from(["object", "text"]))
def test_a_damaged_case_scores_or_is_a_value_error(damaged, form):
    name, case, right = damaged
    for response in (right, "\\boxed{1}", "[answer]x[/answer]"):
        holds_the_promise(lambda r=response: compute_score(name, r, as_ground_truth(case, form)))


# -- responses -----------------------------------------------------------------------------------

HOSTILE_RESPONSES = {
    "100,000 open boxes": "\\boxed{" * DEEP,
    "100,000 nested boxes": "\\boxed{" * DEEP + "1" + "}" * DEEP,
    "100,000 braces": "{" * DEEP + "}" * DEEP,
    "100,000 tags": "[answer]" * DEEP + "[/answer]" * 3,
    "10 MB of text, then an answer": "x" * 10**7 + "\\boxed{1}",
    "parentheses 100,000 deep": "\\boxed{" + "(" * DEEP + "1" + ")" * DEEP + "}",
    "a 100,000-digit number": "\\boxed{" + "9" * DEEP + "}",
    "a huge fraction": "\\boxed{" + "9" * 5000 + "/" + "7" * 5000 + "}",
    "a grid of a million cells": "[answer]" + ("1 " * 1000 + "\n") * 1000 + "[/answer]",
    "NUL and surrogates": "\\boxed{\x00\ud800}",
    "empty": "",
}


@pytest.mark.parametrize("response", HOSTILE_RESPONSES.values(), ids=HOSTILE_RESPONSES.keys())
@pytest.mark.parametrize("name", NAMES)
def test_a_hostile_response_scores_and_never_raises(name, response):
    _, case, _ = a_case(name)
    score = compute_score(name, response, case)
    assert type(score) is float and 0.0 <= score <= 1.0


@pytest.mark.parametrize("response", [None, 42, b"\\boxed{1}", ["\\boxed{1}"], {"a": 1}])
def test_a_response_that_is_not_text_scores_0(response):
    _, case, _ = a_case("knapsack")
    assert compute_score("knapsack", response, case) == 0.0


@SETTINGS
@given(name=st.sampled_from(NAMES), text=st.text(max_size=300), wrap=st.integers(0, 3))
def test_any_response_text_scores_and_never_raises(name, text, wrap):
    _, case, right = a_case(name)
    response = [text, f"\\boxed{{{text}}}", f"[answer]{text}[/answer]", text + right][wrap]
    score = compute_score(name, response, json.dumps(case))
    assert type(score) is float and 0.0 <= score <= 1.0


# -- the other entry points ----------------------------------------------------------------------


def test_score_batch_columns_that_are_not_sequences_are_a_value_error():
    for columns in ((None, [], []), ([], 3, []), ([], [], object())):
        with pytest.raises(ValueError, match=r"score_batch: \w+ must be a sequence"):
            score_batch(*columns)
    with pytest.raises(ValueError, match="workers must be a number"):
        score_batch([], [], [], workers="2")


def test_score_batch_on_the_pool_names_a_ground_truth_too_deep_to_send():
    """A ground truth too deep to pickle for a worker: ValueError, as scored in-process."""
    _, case, right = a_case("knapsack")
    count = 600  # enough for two workers
    truths = [case] * count
    truths[count // 2] = {"capacity": deep_list(DEEP)}
    with pytest.raises(ValueError, match="nested too deeply"):
        score_batch(["knapsack"] * count, [right] * count, truths, workers=2)


def test_trl_reward_on_hostile_completions_and_ground_truths():
    _, case, right = a_case("knapsack")
    completions = [right, "\\boxed{" * DEEP, [{"role": "assistant", "content": None}]]
    scores = trl_reward(completions, data_source=["knapsack"] * 3, ground_truth=[case] * 3)
    assert scores == [1.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="nested too deeply"):
        trl_reward([right], data_source=["knapsack"], ground_truth=["[" * DEEP + "]" * DEEP])
    with pytest.raises(ValueError, match="trl_reward needs the dataset columns"):
        trl_reward([right], data_source=["knapsack"], ground_truth=None)
    with pytest.raises(ValueError, match="trl_reward: completions must be a sequence"):
        trl_reward(None, data_source=["knapsack"], ground_truth=[case])


def label(data_source, ground_truth):
    return json.dumps({"data_source": data_source, "ground_truth": ground_truth})


def test_reward_func_on_hostile_labels_queries_and_prompts():
    _, case, right = a_case("knapsack")
    deep_label = '{"data_source": "knapsack", "ground_truth": ' + "[" * DEEP + "]" * DEEP + "}"
    with pytest.raises(ValueError, match="reward_func: a label is not JSON"):
        reward_func([right], [""], [deep_label])
    with pytest.raises(ValueError, match="reward_func: a label is not JSON"):
        reward_func([right], [""], ['{"data_source": "knapsack", "ground_truth": NaN}'])
    with pytest.raises(ValueError, match="capacity = 1000000000"):
        reward_func([right], [""], [label("knapsack", {**case, "capacity": 10**9})])
    with pytest.raises(ValueError, match="queries and prompts must be text"):
        reward_func([None], [""], [label("knapsack", case)])
    with pytest.raises(ValueError, match="queries and prompts must be text"):
        reward_func([right], [3], [label("knapsack", case)])
    with pytest.raises(ValueError, match="must be a sequence"):
        reward_func(None, None, None)
    result = reward_func(
        ["p" + "\\boxed{" * DEEP, "p" + right], ["p", "p"], [label("knapsack", case)] * 2
    )
    assert list(result["rewards"]) == [0.0, 1.0]


def test_reward_func_counts_an_extractor_that_raises_as_no_answer(monkeypatch):
    cls, case, right = a_case("knapsack")

    def broken_extract(bootcamp, response):
        raise RuntimeError("an extractor bug")

    monkeypatch.setattr(cls, "extract", classmethod(broken_extract))
    result = reward_func([right], [""], [label("knapsack", case)])
    assert list(result["rewards"]) == [0.0]
    assert result["extra_logs"]["answered"] == 0.0
