"""The bootcamps the catalog audit flagged now resist their plausible wrong methods.

grid_shortest_path (the grid distance ignoring walls was right on 87/69/45% of cases),
longest_increasing_subsequence (a constant guess was right on 34% of easy cases, non-strict
counting on most) and game24 (operators between the numbers as listed) each name their shortcuts,
and their generators keep every shortcut at most 20% right at every difficulty. Measured through
the sandbox with the `shortcuts` check itself, on 100 cases per difficulty: the example specs are
rendered to modules that are never imported here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.parts import autofix, parts_from_spec, render_module
from agent.selftest.candidate import Candidate
from agent.selftest.checks import scoring
from agent.selftest.checks.shortcuts import MAX_SHORTCUT_SHARE, shortcuts
from agent.selftest.context import Context, Settings
from agent.spec import load_specs

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = Settings(cases=100)


def module_of(name: str, directory: Path) -> Path:
    """The bootcamp module: a catalog entry as it is, an example spec rendered into `directory`."""
    catalog = ROOT / "generated_bootcamps" / name / "bootcamp.py"
    if catalog.exists():
        return catalog
    spec = load_specs(ROOT / "examples" / f"{name}.md")[0]
    path = directory / f"{name}.py"
    path.write_text(autofix(render_module(parts_from_spec(spec), spec=spec)), encoding="utf-8")
    return path


def pooled(path: Path, candidate: Candidate) -> Context:
    ctx = Context(candidate, path, path.read_text(encoding="utf-8"), SETTINGS)
    ctx.description = candidate.describe()
    ctx.build_pool()
    return ctx


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "grid_shortest_path",
            {
                "ignore the walls (grid distance)",
                "one detour around a wall (grid distance + 2)",
                "diagonal steps allowed",
            },
        ),
        (
            "longest_increasing_subsequence",
            {
                "equal entries count as increasing",
                "longest run of adjacent entries",
                "greedy from the first entry",
            },
        ),
        ("game24", {"the numbers in the given order, no parentheses"}),
    ],
)
def test_flagged_bootcamps_keep_each_shortcut_rare_at_every_difficulty(name, expected, tmp_path):
    path = module_of(name, tmp_path)
    with Candidate(path) as candidate:
        result = shortcuts(pooled(path, candidate))
    shares = result.numbers["shares"]
    assert set(shares) == expected
    assert result.passed, result.summary
    for method, by_level in shares.items():
        assert set(by_level) == {"easy", "medium", "hard"}, method
        assert max(by_level.values()) <= MAX_SHORTCUT_SHARE, (method, by_level)


def test_no_constant_answer_is_right_on_a_fifth_of_longest_increasing_subsequence_cases(tmp_path):
    path = module_of("longest_increasing_subsequence", tmp_path)
    with Candidate(path) as candidate:
        result = scoring.guessability(pooled(path, candidate))
    assert result.passed, result.summary
    assert result.numbers["best_constant_share"] <= 0.2, result.numbers
