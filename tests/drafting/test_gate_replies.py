"""Reading the LLM gates' replies (agent.novelty, agent.gates): malformed replies are reported
as the gate's problem (ValueError), never crash, and a proposed `shortcuts` joins the module."""

from __future__ import annotations

import ast

import pytest

from agent.gates.fidelity import findings_of
from agent.gates.shortcut_hunt import with_shortcuts
from agent.novelty import parse_verdicts

MODULE = """class ToyBootcamp(Bootcamp):
    name = "toy"

    @classmethod
    def solve(cls, case):
        return case["n"]


TAIL = 1
"""


@pytest.mark.parametrize(
    "reply",
    [
        "They are all different tasks.",
        '```json\n{"verdict": "same task"}\n```',
        '```json\n[{"neighbour": 7, "verdict": "same task"}]\n```',
        '```json\n[{"neighbour": 0, "verdict": "twin"}]\n```',
        '```json\n[{"neighbour": true, "verdict": "same task"}]\n```',
        "```json\n[[[[\n```",
    ],
)
def test_an_unreadable_judge_reply_is_a_value_error(reply):
    with pytest.raises(ValueError):
        parse_verdicts(reply, 3)


def test_judge_verdicts_keep_the_first_valid_one_per_neighbour():
    reply = (
        '[{"neighbour": 1, "verdict": "Same Task", "reason": "a bag is a knapsack"},'
        ' {"neighbour": 1, "verdict": "different"}, {"neighbour": 0, "verdict": "variant"}, "x"]'
    )
    assert parse_verdicts(reply, 2) == [
        {"neighbour": 0, "verdict": "variant", "reason": ""},
        {"neighbour": 1, "verdict": "same task", "reason": "a bag is a knapsack"},
    ]


def test_fidelity_findings_need_a_departure_and_a_list():
    reply = (
        '```json\n[{"where": "generate", "departure": "n up to 20, not 100"}, {"where": "x"}]\n```'
    )
    assert findings_of(reply) == [{"where": "generate", "departure": "n up to 20, not 100"}]
    assert findings_of("```json\n[]\n```") == []
    with pytest.raises(ValueError):
        findings_of("Looks faithful to me.")


def test_a_proposed_shortcut_becomes_a_classmethod_with_its_helpers_at_module_level():
    proposal = (
        '"""Shortcuts."""\nimport math\n\n\ndef half(n):\n    return n // 2\n\n\n'
        "@staticmethod\ndef shortcuts(cls, case):\n    return {'half': half(case['n'])}\n"
    )
    merged = with_shortcuts(MODULE, proposal)
    tree = ast.parse(merged)
    toy = next(node for node in tree.body if isinstance(node, ast.ClassDef))
    method = next(n for n in toy.body if isinstance(n, ast.FunctionDef) and n.name == "shortcuts")
    assert [ast.unparse(d) for d in method.decorator_list] == ["classmethod"]
    assert {n.name for n in tree.body if isinstance(n, ast.FunctionDef)} == {"half"}
    assert "import math" in merged and "TAIL = 1" in merged
    with pytest.raises(ValueError, match="no shortcuts"):
        with_shortcuts(MODULE, "def greedy(cls, case):\n    return {}\n")
