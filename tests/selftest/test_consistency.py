"""The `consistency` check: which fields of a case check() reads next to solve(), and whether
check() follows an edit of the case that makes an accepted answer wrong.

Real sandboxes throughout: the reads are recorded inside the sandboxed worker, on candidate
modules written to a temporary directory or taken from tests/corpus.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from agent.sandbox import Sandbox
from agent.selftest import Settings, run_selftest
from agent.selftest.checks.consistency import fields_read, leaf_fields

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SETTINGS = Settings(cases=12, hypothesis_examples=20, call_timeout=5.0, total_budget=60.0)

READER = """
import copy
import json
from generated_bootcamps.base import Bootcamp


class Reader(Bootcamp):
    name = "reader"
    defaults = {}
    difficulties = {"easy": {}, "medium": {}, "hard": {}}

    def generate(self):
        return {}

    @classmethod
    def prompt(cls, case):
        return " ".join(case["words"])

    @classmethod
    def solve(cls, case):
        total = sum(item["weight"] for item in case["items"])
        return [total, isinstance(case, dict), isinstance(case["items"], list)]

    @classmethod
    def check(cls, case, answer):
        grid = copy.deepcopy(case["grid"])
        return len(grid) == case["size"] and json.dumps(case["meta"]) != ""
"""

CASE = {
    "words": ["a", "b"],
    "items": [{"weight": 2, "value": 5}, {"weight": 3, "value": 1}],
    "grid": [[1, 2], [3, 4]],
    "size": 2,
    "meta": {"x": 1, "y": [1]},
    "unused": 7,
}


def recorded(sandbox: Sandbox, method: str, args: list) -> tuple[object, set[str]]:
    item = sandbox.map(method, [args], record=0)[0]
    assert item["ok"], item
    paths = [tuple(path) for path in item["reads"]]
    return item["value"], fields_read(paths, leaf_fields(CASE))


def test_recorded_reads_name_the_fields_each_call_reads(tmp_path):
    module = tmp_path / "reader.py"
    module.write_text(textwrap.dedent(READER))
    with Sandbox(module, call_timeout=5.0) as sandbox:
        value, solve_reads = recorded(sandbox, "solve", [CASE])
        assert value == [5, True, True]  # isinstance still holds on the recording case
        assert solve_reads == {"items[*].weight"}  # not items[*].value: never handed out
        _, prompt_reads = recorded(sandbox, "prompt", [CASE])
        assert prompt_reads == {"words[*]"}  # a list joined by C code counts as read whole
        value, check_reads = recorded(sandbox, "check", [CASE, None])
        assert value is True
        assert check_reads == {"grid[*][*]", "size", "meta.x", "meta.y[*]"}
        plain = sandbox.map("solve", [[CASE]])[0]
        assert "reads" not in plain  # recording only when asked


def test_check_that_never_reads_the_walls_fails_with_a_counter_example():
    report = run_selftest(
        CORPUS / "broken" / "consistency__path_ignores_walls.py", settings=SETTINGS
    )
    check = report.check("consistency")
    assert check is not None and not check.passed, check
    assert "never reads walls[*][*]" in check.summary
    assert check.numbers["unread_by_check"] == ["walls[*][*]"]
    detail = check.evidence.detail
    assert detail["field"].startswith("case['walls']")
    assert detail["solve_now"] != detail["accepted_answer"]
    assert check.evidence.case != detail["original_case"]  # the edited case


def test_correct_many_answer_checks_pass_and_report_their_reads():
    for name in ("text_grid_path", "intlist_pair_sum", "expression_make_target"):
        report = run_selftest(CORPUS / "correct" / f"{name}.py", settings=SETTINGS)
        check = report.check("consistency")
        assert check is not None and check.passed, (name, check)
        assert check.numbers["recorded_cases"] > 0
    # expression_make_target's solve() returns the stored witness, which check() rightly never
    # reads: editing it changes solve() but not the prompt, so it is no constraint
    assert check.numbers["unread_by_check"] == ["witness"]


def test_default_check_is_not_probed():
    report = run_selftest(CORPUS / "correct" / "intlist_prime_factors.py", settings=SETTINGS)
    assert report.check("consistency") is None


ORACLE_PATH = '''
"""Shortest grid walks with all_answers(); check() reads the walls (for the distance) but never
tests that the walk avoids them."""

from collections import deque

from generated_bootcamps.answers import Text
from generated_bootcamps.base import Bootcamp

MOVES = {"U": (-1, 0), "D": (1, 0), "L": (0, -1), "R": (0, 1)}


class ShortestWalk(Bootcamp):
    name = "shortest_walk"
    description = "A shortest walk between two cells of a walled grid."
    domain = "search"
    defaults = {"size": 4}
    difficulties = {"easy": {"size": 4}, "medium": {"size": 5}, "hard": {"size": 6}}
    answer_kind = Text()

    def generate(self):
        n = self.params["size"]
        while True:
            cells = [[r, c] for r in range(n) for c in range(n)]
            start, goal = self.rng.sample(cells, 2)
            walls = [x for x in cells if x not in (start, goal) and self.rng.random() < 0.25]
            case = {"size": n, "walls": walls, "start": start, "goal": goal}
            if _distance(case) is not None:
                return case

    @classmethod
    def prompt(cls, case):
        walls = {tuple(x) for x in case["walls"]}
        rows = [
            "".join(
                "S" if [r, c] == case["start"] else "T" if [r, c] == case["goal"]
                else "#" if (r, c) in walls else "."
                for c in range(case["size"])
            )
            for r in range(case["size"])
        ]
        return (
            "Grid:\\n" + "\\n".join(rows) + "\\nGive a shortest walk from S to T avoiding '#', "
            "as U/D/L/R moves.\\n" + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case):
        return next(_walks(case, _distance(case)))

    @classmethod
    def check(cls, case, answer):
        if not isinstance(answer, str):
            return False
        n = case["size"]
        r, c = case["start"]
        for move in answer.upper():
            if move not in MOVES:
                return False
            r, c = r + MOVES[move][0], c + MOVES[move][1]
            if not (0 <= r < n and 0 <= c < n):
                return False
        return [r, c] == case["goal"] and len(answer) == _distance(case)

    @classmethod
    def all_answers(cls, case):
        length = _distance(case)
        found = set()
        for walk in _walks(case, length):
            found.add(walk)
        return sorted(found)


def _walks(case, length):
    """Every walk from S that gets one step closer to T (by BFS distance) at each move."""
    to_goal = _distances(case, tuple(case["goal"]))
    todo = [(tuple(case["start"]), "")]
    while todo:
        cell, walk = todo.pop()
        if len(walk) == length:
            yield walk
            continue
        for move, (dr, dc) in MOVES.items():
            nxt = (cell[0] + dr, cell[1] + dc)
            if to_goal.get(nxt) == to_goal[cell] - 1:
                todo.append((nxt, walk + move))


def _distances(case, source):
    walls = {tuple(x) for x in case["walls"]}
    n = case["size"]
    seen = {source: 0}
    queue = deque([source])
    while queue:
        r, c = queue.popleft()
        for dr, dc in MOVES.values():
            nxt = (r + dr, c + dc)
            if 0 <= nxt[0] < n and 0 <= nxt[1] < n and nxt not in walls and nxt not in seen:
                seen[nxt] = seen[(r, c)] + 1
                queue.append(nxt)
    return seen


def _distance(case):
    return _distances(case, tuple(case["start"])).get(tuple(case["goal"]))
'''


def test_check_that_keeps_an_answer_all_answers_drops_fails(tmp_path):
    module = tmp_path / "shortest_walk.py"
    module.write_text(textwrap.dedent(ORACLE_PATH))
    report = run_selftest(module, settings=SETTINGS)
    check = report.check("consistency")
    assert check is not None and not check.passed, check
    assert "all_answers() no longer lists it" in check.summary
    assert check.numbers["unread_by_check"] == []  # it reads the walls, for the distance
    detail = check.evidence.detail
    assert detail["accepted_answer"] not in detail["valid_answers"]
