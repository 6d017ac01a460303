"""Spec parsing: parts, reference programs, several specs per file, and located errors."""

from __future__ import annotations

import pytest

from agent.spec import SpecError, parse_specs

TWO_SPECS = """---
name: knapsack_small
domain: algorithms
answer_kind: integer
defaults: {n: 4}
difficulties: {easy: {n: 3}, medium: {n: 4}, hard: {n: 8}}
---
# Small knapsack

Pick items to maximise value.

```
example: not a part
```

## Reference solution

```python
print(sum(map(int, input().split())))
```

```python generate
def generate(self):
    return {"n": self.params["n"]}
```

```python prompt
@classmethod
def prompt(cls, case):
    return str(case)
```

```python solve
@classmethod
def solve(cls, case):
    return case["n"]
```
---
name: second_task
---
# Second

Text only.
"""


def test_two_specs_with_parts_and_a_reference():
    first, second = parse_specs(TWO_SPECS, "batch.md")
    assert (first.name, first.domain, first.line) == ("knapsack_small", "algorithms", 1)
    assert first.reference_solution.startswith("print(sum(")
    assert set(first.parts) == {"generate", "prompt", "solve"}
    assert first.offline  # parts + answer kind + parameters: no LLM needed
    assert "Pick items" in first.description and "example: not a part" in first.description
    assert second.name == "second_task" and second.line == 38 and not second.offline
    assert first.hash != second.hash and len(first.hash) == 64


def test_a_spec_without_front_matter_takes_its_name_from_the_title():
    (spec,) = parse_specs("# Longest Increasing Subsequence\n\nFind it.\n", "lis.md")
    assert spec.name == "longest_increasing_subsequence"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\nname: ok\ndomain: [x\n---\n# t\n", 3, "not valid YAML"),
        ("---\nname: Not Snake\n---\n", 1, "snake_case"),
        ("# t\n\n```python generate\ndef generate(self):\n", 3, "never closed"),
        ("# t\n```python nonsense\nx = 1\n```\n", 2, "unknown part 'nonsense'"),
        ("# t\n```python solve\na\n```\n```python solve\nb\n```\n", 5, "given twice"),
        ("# t\n\n## Reference solution\n\nprose only\n", 3, "has no code block"),
        ("---\nname: a\n---\n# A\n---\nname: a\n---\n# B\n", 5, "two specs are named 'a'"),
    ],
)
def test_malformed_specs_name_file_line_and_problem(text, line, message):
    with pytest.raises(SpecError) as raised:
        parse_specs(text, "broken.md")
    assert raised.value.line == line, str(raised.value)
    assert message in str(raised.value) and str(raised.value).startswith(f"broken.md:{line}:")
