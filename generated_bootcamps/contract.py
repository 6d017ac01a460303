"""The bootcamp contract's names, in one place. Standard library only.

Everything that needs to know the contract derives from here: the base class, the sandbox worker
(which imports this module inside the sandbox), the self-test's checks, the parts an LLM or a
spec supplies and the renderer. Adding a member means adding it here, to `Bootcamp`'s docstring
and to the system prompt (`prompts/system.md.j2`).

    from generated_bootcamps import contract
    contract.DIFFICULTIES       # ("easy", "medium", "hard"): presets every bootcamp has
    contract.CLASSMETHODS       # the members called on the class with a case (or a response)
    contract.SIGNATURES["solve"]  # "def solve(cls, case: dict[str, Any]) -> Any:"
"""

from __future__ import annotations

DIFFICULTIES = ("easy", "medium", "hard")  # at least these presets; more are allowed
ATTRIBUTES = ("name", "description", "domain", "defaults", "difficulties", "answer_kind")
REQUIRED_METHODS = ("generate", "prompt", "solve")

# Methods in class order, with the signature a body-only part is wrapped in. All but `generate`
# are classmethods: functions of the case alone, as a reward worker calls them.
SIGNATURES = {
    "generate": "def generate(self) -> dict[str, Any]:",
    "prompt": "def prompt(cls, case: dict[str, Any]) -> str:",
    "solve": "def solve(cls, case: dict[str, Any]) -> Any:",
    "check": "def check(cls, case: dict[str, Any], answer: Any) -> bool | float:",
    "extract": "def extract(cls, response: str) -> Any:",
    "format_answer": "def format_answer(cls, answer: Any) -> str:",
    "to_reference_input": "def to_reference_input(cls, case: dict[str, Any]) -> str:",
    "from_reference_output": "def from_reference_output(cls, stdout: str) -> Any:",
    "brute_force": "def brute_force(cls, case: dict[str, Any]) -> Any:",
    "all_answers": "def all_answers(cls, case: dict[str, Any]) -> list[Any]:",
    "shortcuts": "def shortcuts(cls, case: dict[str, Any]) -> dict[str, Any]:",
}
# Members the base class does not provide: looked up with getattr, used when present.
OPTIONAL_METHODS = (
    "to_reference_input",
    "from_reference_output",
    "brute_force",
    "all_answers",
    "shortcuts",
)
# Called on the class; `score` is provided by the base class and never written by a bootcamp.
CLASSMETHODS = (*(name for name in SIGNATURES if name != "generate"), "score")
MEMBERS = (*ATTRIBUTES, *SIGNATURES, "score")

# What an LLM or a spec supplies: module-level code, values, then the methods in class order.
MODULE_PARTS = ("imports", "helpers")
VALUE_PARTS = ("answer_kind", "defaults", "difficulties")
PARTS = (*MODULE_PARTS, *VALUE_PARTS, *SIGNATURES)
REQUIRED_PARTS = REQUIRED_METHODS
