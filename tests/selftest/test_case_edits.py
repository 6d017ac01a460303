"""Case edits for the `rendered` check: one field changed at a time, to a value other generated
cases hold there (or a parameter value), so that the edited case stays valid; blind
type-preserving changes only fill in."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from agent.selftest.mutate import BLIND, OTHER_CASES, PARAMS, ValuePool, case_edits, field_name


def edits_of(case: dict[str, Any], pool: list[dict[str, Any]], **kwargs: Any) -> dict[str, list]:
    """The new values tried per field, for `case` among `pool` (one group)."""
    values = ValuePool({"easy": pool}, params=kwargs.pop("params", None))
    found: dict[str, list] = {}
    for edit in case_edits(case, values=values, group="easy", **kwargs):
        found.setdefault(edit.field, []).append((edit.new, edit.source))
    return found


def test_an_enum_like_field_takes_the_values_other_cases_hold():
    pool = [{"a": 3, "op": op} for op in ("add", "mul", "add", "sub", "mul", "add")]
    tried = edits_of({"a": 5, "op": "add"}, pool)
    assert tried["op"] == [("mul", OTHER_CASES), ("sub", OTHER_CASES)]


def test_a_list_item_takes_values_held_anywhere_in_other_cases_lists():
    pool = [{"steps": ["double", "negate"]}, {"steps": ["negate", "halve", "triple"]}]
    case = {"steps": ["double", "double", "double"]}
    edits = case_edits(case, values=ValuePool({"easy": pool}), group="easy")
    assert {edit.path for edit in edits} == {("steps", 0), ("steps", 1), ("steps", 2)}
    assert all(edit.new in {"negate", "halve", "triple"} for edit in edits)
    assert all(edit.source == OTHER_CASES for edit in edits)
    first = next(edit for edit in edits if edit.path == ("steps", 0))
    assert first.case == {"steps": [first.new, "double", "double"]}
    assert first.field == "steps[*]"


def test_blind_changes_fill_in_when_no_other_case_differs():
    pool = [{"mode": "strict", "n": 4}] * 5
    tried = edits_of({"mode": "strict", "n": 4}, pool)
    assert [source for _, source in tried["mode"]] == [BLIND, BLIND]
    assert all(isinstance(value, str) and value != "strict" for value, _ in tried["mode"])
    one_other = edits_of({"mode": "strict"}, [{"mode": "strict"}, {"mode": "loose"}])
    assert [source for _, source in one_other["mode"]] == [OTHER_CASES, BLIND]
    assert one_other["mode"][0][0] == "loose"


def test_values_of_another_type_are_never_used():
    pool = [{"x": True}, {"x": 1.0}, {"x": "1"}, {"x": 7}, {"x": None}]
    tried = edits_of({"x": 1}, pool, per_field=3)
    assert [value for value, _ in tried["x"]][:1] == [7]
    assert all(type(value) is int for value, _ in tried["x"])


def test_the_preferred_group_comes_first_then_the_others():
    values = ValuePool({"easy": [{"k": 2}, {"k": 3}], "hard": [{"k": 90}, {"k": 91}]})
    assert values.alternatives(("k",), 2, prefer="hard") == [
        (90, OTHER_CASES),
        (91, OTHER_CASES),
        (3, OTHER_CASES),
    ]


def test_parameter_values_stand_in_for_a_field_named_like_them_or_listing_the_old_value():
    params = [{"modulus": 7, "ops": ["add", "xor", "mul"]}, {"modulus": 13}]
    values = ValuePool({"easy": [{"modulus": 7, "op": "add"}]}, params=params)
    assert values.alternatives(("modulus",), 7, prefer="easy") == [(13, PARAMS)]
    assert values.alternatives(("op",), "add", prefer="easy") == [("xor", PARAMS), ("mul", PARAMS)]


def test_successive_cases_rotate_through_the_values():
    pool = [{"op": op} for op in ("a", "b", "c", "d", "e")]
    values = ValuePool({"easy": pool})
    first = [edit.new for edit in case_edits({"op": "a"}, values=values, group="easy", rotate=0)]
    second = [edit.new for edit in case_edits({"op": "a"}, values=values, group="easy", rotate=1)]
    assert first == ["b", "c"] and second == ["d", "e"]


def test_every_field_is_edited_before_the_leaf_cap_bites():
    cube = [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]] * 3  # 27 leaves visited per cube
    case = {"a": cube, "b": cube, "k": 5}
    fields = {edit.field for edit in case_edits(case, max_leaves=40)}
    assert fields == {"a[*][*][*]", "b[*][*][*]", "k"}


def test_without_a_pool_the_edits_are_the_blind_type_preserving_ones():
    case = {"n": 10, "flag": False, "name": "ab"}
    edits = case_edits(case)
    assert {edit.source for edit in edits} == {BLIND}
    assert [edit.field for edit in edits].count("n") == 2
    assert [edit.field for edit in edits].count("name") == 2
    for edit in edits:
        assert type(edit.new) is type(case[edit.field]) and edit.new != case[edit.field]


def test_field_names_pool_list_positions():
    assert field_name(("items", 3, "weight")) == "items[*].weight"
    assert field_name(("grid", 0, 2)) == "grid[*][*]"
    assert field_name(()) == "case"


SCALARS = st.one_of(st.booleans(), st.integers(-50, 50), st.sampled_from(["add", "sub", "", "x7"]))
CASES = st.dictionaries(
    st.sampled_from(["a", "b", "op", "steps"]),
    st.one_of(SCALARS, st.lists(SCALARS, max_size=5), st.lists(st.lists(SCALARS, max_size=3))),
    min_size=1,
)


def differences(old: Any, new: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys():
        return [d for key in old for d in differences(old[key], new[key], (*path, key))]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        pairs = enumerate(zip(old, new, strict=True))
        return [d for i, (a, b) in pairs for d in differences(a, b, (*path, i))]
    same = type(old) is type(new) and old == new
    return [] if same else [path]


@settings(max_examples=150, deadline=None)
@given(case=CASES, pool=st.lists(CASES, max_size=6), rotate=st.integers(0, 3))
def test_each_edit_changes_exactly_one_leaf_to_another_value_of_its_type(case, pool, rotate):
    before = copy.deepcopy(case)
    values = ValuePool({"easy": pool, "hard": pool[:2]}, params=[{"op": "mul"}])
    for edit in case_edits(case, values=values, group="easy", rotate=rotate):
        assert differences(case, edit.case) == [edit.path]
        assert type(edit.new) is type(edit.old) and edit.new != edit.old
    assert case == before  # the original is never changed
