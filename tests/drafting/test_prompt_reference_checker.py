"""The draft and repair prompts for a spec with a `## Reference checker`: the LLM is asked for
`to_reference_input` (the checker reads the case from it), unless the spec supplies that part."""

from __future__ import annotations

from agent.prompts import PROMPT_VERSION, render_messages
from agent.spec import parse_specs

CHECKER_ONLY = """---
name: pair_with_sum
answer_kind: int_list
---
# Pair with sum

Pick two entries of a list of integers whose sum is a given target; any such pair is accepted.

## Reference checker

```cpp
#include <bits/stdc++.h>
int main() { int n, t; std::cin >> n >> t; std::vector<int> v(n);
  for (auto &x : v) std::cin >> x; int a, b; std::cin >> a >> b;
  std::cout << (a + b == t ? 1 : 0) << std::endl; }
```
"""

SUPPLIED = """
```python to_reference_input
def to_reference_input(cls, case):
    return f"{len(case['numbers'])} {case['target']}\\n" + " ".join(map(str, case["numbers"]))
```
"""


def draft(text: str) -> str:
    (spec,) = parse_specs(text, "pair.spec.md")
    return render_messages("draft", spec=spec)[1]["content"]


def test_a_checker_only_spec_asks_for_to_reference_input_and_shows_the_checker():
    text = draft(CHECKER_ONLY)
    assert "reference checker (cpp)" in text
    assert "Write\n`to_reference_input(cls, case)`" in text
    assert "std::cin >> a >> b" in text  # the checker itself, fenced
    assert "reference program" not in text  # the spec has none


def test_a_spec_that_supplies_to_reference_input_is_not_asked_for_it():
    text = draft(CHECKER_ONLY + SUPPLIED)
    assert "The spec's `to_reference_input(cls, case)` gives the case text" in text
    assert "Write\n`to_reference_input" not in text


def test_the_system_prompt_and_the_repair_prompt_name_the_checker():
    (spec,) = parse_specs(CHECKER_ONLY, "pair.spec.md")
    system, user = render_messages("repair", spec=spec, notes="the reply had no meta block")
    assert "reference program or a\n  reference checker" in system["content"]
    assert "Reference checker (cpp;" in user["content"]
    assert PROMPT_VERSION == "1.3"
