"""The `rendered` check reports, per case field, how many edits made a valid case, and names the
fields that no valid edit reached (without failing on them alone)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from agent.selftest import Settings, run_selftest

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FAST = Settings(cases=12, hypothesis_examples=20)

# `count` must equal len(values): solve() refuses any case where it does not, so no edit of that
# field alone (another case's count, a blind +-1) ever makes a valid case.
REDUNDANT_COUNT = '''
"""Sum a list of integers; the case also stores the list's length, which solve() insists on."""

from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp


class CheckedSumBootcamp(Bootcamp):
    name = "checked_sum"
    description = "Sum a list of integers."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"size": 4}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"size": 3},
        "medium": {"size": 5},
        "hard": {"size": 8},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        values = [self.rng.randint(-99, 99) for _ in range(self.params["size"])]
        return {"values": values, "count": len(values)}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        shown = ", ".join(str(value) for value in case["values"])
        return f"What is the sum of {shown}?\\n\\n" + cls.answer_kind.instruction()

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        if case["count"] != len(case["values"]):
            raise ValueError("count does not match the values")
        return sum(case["values"])
'''


def rendered_of(path: Path):
    report = run_selftest(path, settings=FAST)
    check = report.check("rendered")
    assert check is not None
    return check


def test_a_field_no_valid_edit_reaches_is_named_but_does_not_fail(tmp_path):
    module = tmp_path / "checked_sum.py"
    module.write_text(textwrap.dedent(REDUNDANT_COUNT), encoding="utf-8")
    check = rendered_of(module)
    assert check.passed, check.summary
    assert check.numbers["untested_fields"] == ["count"]
    assert check.numbers["fields"]["count"]["edits"] > 0
    assert check.numbers["fields"]["count"]["valid"] == 0
    assert check.numbers["fields"]["values[*]"]["valid"] > 0
    assert "untested fields: count (" in check.summary


def test_edits_of_a_list_of_named_steps_are_valid_and_counted_per_field():
    check = rendered_of(CORPUS / "correct" / "text_word_steps.py")
    assert check.passed, check.summary
    steps = check.numbers["fields"]["steps[*]"]
    assert steps["valid"] == steps["edits"] > 0  # every step is replaced by another real step
    assert steps["answer_changed"] > 0
    assert check.numbers["untested_fields"] == []
    assert check.numbers["valid_edits"] == sum(
        field["valid"] for field in check.numbers["fields"].values()
    )


def test_the_failure_names_the_edit_and_where_its_value_came_from():
    check = rendered_of(CORPUS / "broken" / "rendered__operation_word_lookup.py")
    assert not check.passed
    assert check.evidence is not None
    detail = check.evidence.detail
    assert detail["field"] == "case['op']"
    assert {detail["old"], detail["new"]} <= {"add", "sub", "mul"}
    assert detail["new_from"] == "other cases"
    assert "does not show case['op']" in check.summary
