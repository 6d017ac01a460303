"""Dice probability: the chance that the sum of k fair n-sided dice is exactly, at least or at
most s.

The distribution of the sum is computed exactly by convolving the single-die distribution (integer
counts of outcomes), so the probability is an exact fraction, which `solve` returns as a float.

Answers are compared with an absolute tolerance of 1e-6, and the prompt asks for at least 6
decimal places: a value rounded (or even truncated) to 6 decimals is within tolerance. Every case's
probability is at least 0.001, so that precision still means at least 3 significant digits. An
exact fraction such as 5/36 is accepted too.

Targets are drawn among the sums whose probability lies in [0.001, 0.999] and is not exactly 1/2,
so that no case is a certainty, a near-impossibility or a coin flip.

Case: `{"num_dice": k, "sides": n, "mode": "exactly" | "at_least" | "at_most", "target": s}`.

Difficulty: the number of dice (2; 3 or 4; 5 to 8) and, at hard, dice with more sides.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any, ClassVar

from generated_bootcamps.answers import Number
from generated_bootcamps.base import Bootcamp

MODES = ("exactly", "at_least", "at_most")
MIN_PROBABILITY = Fraction(1, 1000)


@functools.cache
def sum_counts(num_dice: int, sides: int) -> tuple[int, ...]:
    """counts[t]: how many of the sides**num_dice outcomes have sum t (t from 0 to k*n)."""
    counts = [1]  # zero dice: sum 0 in one way
    for _ in range(num_dice):
        new = [0] * (len(counts) + sides)
        for total, ways in enumerate(counts):
            if ways:
                for face in range(1, sides + 1):
                    new[total + face] += ways
        counts = new
    return tuple(counts)


def probability(num_dice: int, sides: int, mode: str, target: int) -> Fraction:
    """The exact probability that the sum of the dice is `mode` `target`."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    if num_dice < 1 or sides < 1:
        raise ValueError("need at least one die with at least one side")
    counts = sum_counts(num_dice, sides)
    if mode == "exactly":
        favourable = counts[target] if 0 <= target < len(counts) else 0
    elif mode == "at_least":
        favourable = sum(counts[max(target, 0) :])
    else:
        favourable = sum(counts[: max(target + 1, 0)])
    return Fraction(favourable, sides**num_dice)


@functools.cache
def eligible_targets(num_dice: int, sides: int, mode: str) -> tuple[int, ...]:
    """The sums s for which P(sum `mode` s) is in [0.001, 0.999] and is not exactly 1/2."""
    return tuple(
        target
        for target in range(num_dice, num_dice * sides + 1)
        if MIN_PROBABILITY <= probability(num_dice, sides, mode, target) <= 1 - MIN_PROBABILITY
        and probability(num_dice, sides, mode, target) != Fraction(1, 2)
    )


_PHRASES = {"exactly": "exactly", "at_least": "at least", "at_most": "at most"}


class DiceProbabilityBootcamp(Bootcamp):
    """The probability of a condition on the sum of fair dice."""

    name = "dice_probability"
    description = (
        "Probability that the sum of k fair n-sided dice is exactly, at least or at most s."
    )
    domain = "probability"
    defaults: ClassVar[dict[str, Any]] = {
        "min_dice": 3,
        "max_dice": 4,
        "sides": [6, 8, 10, 12],
        "modes": list(MODES),
    }
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"min_dice": 2, "max_dice": 2, "sides": [6, 8, 10, 12], "modes": list(MODES)},
        "medium": {"min_dice": 3, "max_dice": 4, "sides": [6, 8, 10, 12], "modes": list(MODES)},
        "hard": {"min_dice": 5, "max_dice": 8, "sides": [8, 10, 12, 20], "modes": list(MODES)},
    }
    answer_kind = Number(rel_tol=0.0, abs_tol=1e-6)

    def generate(self) -> dict[str, Any]:
        if not 1 <= self.params["min_dice"] <= self.params["max_dice"]:
            raise ValueError("dice_probability: need 1 <= min_dice <= max_dice")
        if not self.params["sides"] or min(self.params["sides"]) < 2:
            raise ValueError("dice_probability: sides must be a non-empty list of numbers >= 2")
        if not self.params["modes"] or set(self.params["modes"]) - set(MODES):
            raise ValueError(f"dice_probability: modes must be a non-empty subset of {MODES}")
        for _ in range(1000):  # a setting without eligible targets (1 two-sided die) is redrawn
            num_dice = self.rng.randint(self.params["min_dice"], self.params["max_dice"])
            sides = self.rng.choice(self.params["sides"])
            mode = self.rng.choice(self.params["modes"])
            targets = eligible_targets(num_dice, sides, mode)
            if targets:
                target = self.rng.choice(targets)
                return {"num_dice": num_dice, "sides": sides, "mode": mode, "target": target}
        raise ValueError(
            "dice_probability: these parameters give no target with a usable probability"
        )

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        k, n = case["num_dice"], case["sides"]
        return (
            f"You roll {k} fair {n}-sided dice; each die shows a whole number from 1 to {n}, all "
            "equally likely, independently of the others. What is the probability that the sum "
            f"of the {k} dice is {_PHRASES[case['mode']]} {case['target']}?\n\n"
            # The example fraction has denominator 7, which no roll of dice without a multiple of 7
            # sides gives, so an echoed prompt never reads as a right answer.
            "Write your final answer at the end of your response as \\boxed{ANSWER}: a decimal "
            "number with at least 6 decimal places, or an exact fraction written a/b (not "
            "\\frac), such as \\boxed{3/7}."
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> float:
        return float(probability(case["num_dice"], case["sides"], case["mode"], case["target"]))
