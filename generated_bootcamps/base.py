"""The bootcamp contract: the base class every catalog entry derives from.

A bootcamp generates self-contained task instances ("cases") at a configurable difficulty, renders
each case as a prompt, and scores a model's free-text response against it. Everything except
`generate` is a classmethod and a function of the case alone, because an RL reward function only
ever sees the stored case (the "ground truth"), never the instance that generated it.

Subclasses set `name`, `description`, `domain`, `defaults`, `difficulties` and implement
`generate`, `prompt` and `solve`. Extraction, formatting and comparison come from `answer_kind`
(see `generated_bootcamps.answers`) unless the subclass overrides `extract`, `format_answer` or
`check`. Tasks with many valid answers override `check` to verify an answer against the rules.

Optional members, looked up with `getattr` by the self-test when a spec has a reference program:
`to_reference_input(cls, case) -> str` (the program's stdin) and
`from_reference_output(cls, stdout) -> answer` (the answer read from its stdout). And
`brute_force(cls, case) -> answer`: an independent, plainly correct solver (exhaustive search)
for small cases; the self-test's `reference` check has `check` judge its answers on easy cases,
which catches a `solve` built on a wrong algorithm when the spec has no reference program. And
`all_answers(cls, case) -> list`: every valid answer of a small case, for tasks with many answers;
the `reference` check holds `check` to it on easy cases (listed answers score 1, others 0). And
`shortcuts(cls, case) -> dict[str, answer]`: the answers of plausible wrong methods; the
`shortcuts` check fails when any is right on more than 20% of a difficulty's cases.

The InternBootcamp names (`case_generator`, `prompt_func`, `extract_output`, `_verify_correction`,
`verify_score`) are provided so catalog bootcamps drop into code written for InternBootcamp.
"""

from __future__ import annotations

import math
import random
from typing import Any, ClassVar

from generated_bootcamps import contract
from generated_bootcamps.answers import AnswerKind

REQUIRED_DIFFICULTIES = contract.DIFFICULTIES


class Bootcamp:
    """Base class of every bootcamp. See the module docstring for the contract."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    domain: ClassVar[str] = ""
    defaults: ClassVar[dict[str, Any]] = {}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {}
    answer_kind: ClassVar[AnswerKind | None] = None

    def __init__(self, *, seed: int | None = None, difficulty: str | None = None, **params: Any):
        if difficulty is not None and difficulty not in self.difficulties:
            known = ", ".join(sorted(self.difficulties)) or "none"
            raise ValueError(
                f"{type(self).__name__}: unknown difficulty {difficulty!r} (known: {known})"
            )
        preset = self.difficulties[difficulty] if difficulty is not None else {}
        for source, given in (("difficulty " + repr(difficulty), preset), ("", params)):
            unknown = sorted(set(given) - set(self.defaults))
            if unknown:
                known = ", ".join(sorted(self.defaults)) or "none"
                where = f"{source} sets " if source else ""
                raise ValueError(
                    f"{type(self).__name__}: {where}unknown parameter(s) {', '.join(unknown)} "
                    f"(known: {known})"
                )
        self.params: dict[str, Any] = {**self.defaults, **preset, **params}
        self.seed = seed
        self.difficulty = difficulty
        self.rng = random.Random(seed)

    # -- to implement ---------------------------------------------------------------------------

    def generate(self) -> dict[str, Any]:
        """One case: a self-contained JSON-serializable dict, made only from self.rng and params."""
        raise NotImplementedError

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        """The question, including exactly how to write the final answer."""
        raise NotImplementedError

    @classmethod
    def solve(cls, case: dict[str, Any]) -> Any:
        """The reference answer (JSON-serializable)."""
        raise NotImplementedError

    # -- usually provided by the answer kind ----------------------------------------------------

    @classmethod
    def extract(cls, response: str) -> Any:
        """The answer found in a model response, or None."""
        return cls._kind().extract(response)

    @classmethod
    def format_answer(cls, answer: Any) -> str:
        """How a perfect response writes `answer`; `extract(format_answer(a)) == a`."""
        return cls._kind().format(answer)

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool | float:
        """Whether `answer` is right for `case`: by default, equal to `solve(case)` per the kind.

        Override for tasks with many valid answers, verifying the answer against the rules.
        """
        expected = cls.solve(case)
        kind = cls.answer_kind
        return kind.equal(answer, expected) if kind is not None else answer == expected

    # -- provided -------------------------------------------------------------------------------

    @classmethod
    def score(cls, response: str, case: dict[str, Any]) -> float:
        """extract -> check, clamped to [0, 1]. Never raises; 0.0 when nothing is extracted."""
        try:
            answer = cls.extract(response)
            if answer is None:
                return 0.0
            return clamp_score(cls.check(case, answer))
        except Exception:
            return 0.0

    @classmethod
    def _kind(cls) -> AnswerKind:
        if cls.answer_kind is None:
            raise NotImplementedError(
                f"{cls.__name__} sets no answer_kind: implement extract and format_answer"
            )
        return cls.answer_kind

    # -- InternBootcamp-compatible names --------------------------------------------------------

    def case_generator(self) -> dict[str, Any]:
        """InternBootcamp name for `generate`."""
        return self.generate()

    @classmethod
    def prompt_func(cls, question_case: dict[str, Any]) -> str:
        """InternBootcamp name for `prompt`."""
        return cls.prompt(question_case)

    @classmethod
    def extract_output(cls, output: str) -> Any:
        """InternBootcamp name for `extract`."""
        return cls.extract(output)

    @classmethod
    def _verify_correction(cls, solution: Any, identity: dict[str, Any]) -> bool | float:
        """InternBootcamp name for `check` (note the swapped argument order)."""
        return cls.check(identity, solution)

    @classmethod
    def verify_score(
        cls,
        model_output: str,
        identity: dict[str, Any],
        format_score: float = 0,
        short_penalty: bool = False,
        short_threshold: int = 100,
        format_penalty: bool = False,
    ) -> float:
        """InternBootcamp's scoring entry point.

        1.0 for a right answer, `format_score` for an extractable but wrong one, 0.0 when nothing
        is extracted; a partial `check` result r gives max(r, format_score). Never raises.
        `short_penalty` (score 0 below `short_threshold` characters) and `format_penalty` (score
        0 without a closing `</think>`) mirror InternBootcamp's options but default to off here:
        InternBootcamp turns them on, which scores a correct short answer 0.
        """
        if short_penalty and len(model_output) < short_threshold:
            return 0.0
        if format_penalty and "</think>" not in model_output:
            return 0.0
        try:
            answer = cls.extract(model_output)
            if answer is None:
                return 0.0
        except Exception:
            return 0.0
        try:
            result = clamp_score(cls.check(identity, answer))
        except Exception:
            result = 0.0
        return result if result >= 1.0 else max(result, clamp_score(format_score))


def clamp_score(value: Any) -> float:
    """A check result as a float in [0, 1]; NaN and non-numbers count as 0."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    if math.isnan(number):
        return 0.0
    return min(1.0, max(0.0, number))
