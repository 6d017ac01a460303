"""Hostile (sandbox): `generate` forks in an endless loop (a fork bomb)."""

import os
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Do not import and run this anywhere without a process limit. The sandbox's process limit must
# contain it (fork then fails with BlockingIOError, in the parent and in every child, and the
# children run on into the worker's own code); the self-test must kill the whole process group
# and report. `contract` should flag `os.fork` statically as process creation.
# os.fork is scanned; NPROC stops the bomb
EXPECTED_FAILURES = {"contract", "generate"}


class ParallelSumBootcamp(Bootcamp):
    name = "parallel_sum"
    description = "Add up a list of numbers."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"length": 10}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"length": 5},
        "medium": {"length": 10},
        "hard": {"length": 40},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        while True:  # "warm up a worker pool"
            os.fork()

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        numbers = ", ".join(str(x) for x in case["numbers"])
        return f"What is {numbers.replace(', ', ' + ')}?\n\n" + cls.answer_kind.instruction()

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        return sum(case["numbers"])
