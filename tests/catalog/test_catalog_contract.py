"""The bootcamp contract, checked for every bootcamp in the catalog at every difficulty.

These are the properties an RL trainer relies on: the index describes the class, cases are
deterministic, JSON-clean and self-contained, the reference answer scores 1 however it is wrapped,
wrong answers and junk score 0, the difficulty presets really differ, and the InternBootcamp
names behave as `generated_bootcamps.base` documents.
"""

from __future__ import annotations

import functools
import json
import random
import re
import statistics
import time
from pathlib import Path
from typing import Any

import pytest

import generated_bootcamps
from generated_bootcamps.base import REQUIRED_DIFFICULTIES, Bootcamp
from generated_bootcamps.catalog import catalog_dir

NAMES = generated_bootcamps.names()
CASES_PER_DIFFICULTY = 200
SEED = 20261122


@functools.cache
def cases(name: str, difficulty: str) -> tuple[dict[str, Any], ...]:
    bootcamp = generated_bootcamps.load(name, difficulty=difficulty, seed=SEED)
    return tuple(bootcamp.generate() for _ in range(CASES_PER_DIFFICULTY))


@functools.cache
def solutions(name: str, difficulty: str) -> tuple[Any, ...]:
    cls = generated_bootcamps.get(name)
    return tuple(cls.solve(case) for case in cases(name, difficulty))


def by_difficulty(names: list[str]) -> list[Any]:
    return [
        pytest.param(name, difficulty, id=f"{name}-{difficulty}")
        for name in names
        for difficulty in REQUIRED_DIFFICULTIES
    ]


def snake_case(text: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text).lower()


def has_default_check(cls: type[Bootcamp]) -> bool:
    return cls.check.__func__ is Bootcamp.check.__func__


def mutants(answer: Any) -> list[Any]:
    """Wrong answers derived from a right one that no check should accept: numbers moved by more
    than any tolerance, a prefix or a changed character of a text, a list or grid with an element
    added, dropped or moved by 2 (a rules-based check may accept subtler changes)."""
    if isinstance(answer, bool):
        return [not answer]
    if isinstance(answer, int):
        return [answer + 1, answer - 1]
    if isinstance(answer, float):
        delta = 1 + abs(answer) * 0.01
        return [answer + delta, answer - delta, answer * 1.1 + 1e-3]
    if isinstance(answer, str):
        out = [answer[: len(answer) // 2]] if len(answer) >= 2 else []
        for index, char in enumerate(answer):
            if char.isdigit():
                out.append(answer[:index] + str((int(char) + 1) % 10) + answer[index + 1 :])
                break
            if char.isalpha():
                other = "b" if char.lower() == "a" else "a"
                out.append(answer[:index] + other + answer[index + 1 :])
                break
        return out
    if isinstance(answer, list) and answer and all(isinstance(row, list) for row in answer):
        changed = [list(row) for row in answer]
        changed[0][0] = changed[0][0] + 1 if isinstance(changed[0][0], int) else "#"
        return [answer[:-1], [*answer, answer[-1]], changed]
    if isinstance(answer, list) and answer:
        changed = list(answer)
        changed[0] = changed[0] + 2 if isinstance(changed[0], int) else "#"
        return [answer[:-1], [*answer, answer[-1]], changed]
    pytest.fail(f"no mutation rule for the answer {answer!r}")


def a_wrong_answer(cls: type[Bootcamp], case: dict[str, Any], answer: Any) -> Any:
    """A mutant of `answer` that is read as an answer but scores 0."""
    for mutant in mutants(answer):
        written = cls.format_answer(mutant)
        if cls.extract(written) is not None and cls.score(written, case) == 0.0:
            return mutant
    pytest.fail(f"{cls.name}: every mutant of {answer!r} scores")


# -- the index ----------------------------------------------------------------------------------


def test_the_catalog_has_the_six_seed_bootcamps():
    seeds = {"dice_probability", "game24", "knapsack", "sat_assignment", "sudoku", "vigenere"}
    assert seeds <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_the_index_entry_matches_the_class(name):
    entry = generated_bootcamps.entry(name)
    cls = generated_bootcamps.get(name)
    assert (catalog_dir() / entry.path).is_file()
    assert entry.path == f"{name}/bootcamp.py"
    assert cls.__name__ == entry.class_name
    assert cls.name == name
    assert cls.domain == entry.domain and cls.domain
    assert cls.description == entry.description
    assert cls.description and "\n" not in cls.description
    if cls.answer_kind is not None:  # a bootcamp with its own extractor names its own kind
        assert snake_case(type(cls.answer_kind).__name__) == entry.answer_kind
    assert entry.provenance.source in ("hand-written", "generated")
    assert set(REQUIRED_DIFFICULTIES) <= set(cls.difficulties)
    for difficulty, overrides in cls.difficulties.items():
        assert set(overrides) <= set(cls.defaults), difficulty


@pytest.mark.parametrize("name", NAMES)
def test_the_package_has_an_init_module(name):
    path = catalog_dir() / generated_bootcamps.entry(name).path
    assert (path.parent / "__init__.py").is_file()


# -- cases ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "difficulty"), by_difficulty(NAMES))
def test_same_seed_gives_the_same_cases_and_other_seeds_mostly_others(name, difficulty):
    cls = generated_bootcamps.get(name)
    one, two = cls(seed=7, difficulty=difficulty), cls(seed=7, difficulty=difficulty)
    run_one = [one.generate() for _ in range(30)]
    run_two = [two.generate() for _ in range(30)]
    assert run_one == run_two
    other = cls(seed=8, difficulty=difficulty)
    run_other = [other.generate() for _ in range(30)]
    same = sum(a == b for a, b in zip(run_one, run_other, strict=True))
    assert same <= 6, f"{same} of 30 cases identical under different seeds"
    distinct = {json.dumps(case, sort_keys=True) for case in cases(name, difficulty)}
    assert len(distinct) >= CASES_PER_DIFFICULTY // 2


@pytest.mark.parametrize("name", NAMES)
def test_generate_draws_only_from_its_own_rng(name):
    cls = generated_bootcamps.get(name)
    runs = []
    for global_seed in (1, 2):
        random.seed(global_seed)
        bootcamp = cls(seed=3, difficulty="medium")
        runs.append([bootcamp.generate() for _ in range(10)])
    assert runs[0] == runs[1]


def _is_plain_json(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_plain_json(item) for item in value)
    return value is None or isinstance(value, bool | int | float | str)


@pytest.mark.parametrize(("name", "difficulty"), by_difficulty(NAMES))
def test_cases_survive_a_json_round_trip_and_are_self_contained(name, difficulty):
    cls = generated_bootcamps.get(name)
    for case, answer in zip(cases(name, difficulty), solutions(name, difficulty), strict=True):
        assert isinstance(case, dict) and _is_plain_json(case), case
        copy = json.loads(json.dumps(case))
        assert copy == case
        # The classmethods give the same results on the copy (nothing hidden in the instance).
        assert cls.prompt(copy) == cls.prompt(case)
        assert cls.solve(copy) == answer
        assert json.loads(json.dumps(answer)) == answer


@pytest.mark.parametrize("name", NAMES)
def test_generation_is_fast_enough(name):
    cls = generated_bootcamps.get(name)
    for difficulty in REQUIRED_DIFFICULTIES:
        bootcamp = cls(seed=99, difficulty=difficulty)
        times = []
        for _ in range(40):
            start = time.perf_counter()
            bootcamp.generate()
            times.append(time.perf_counter() - start)
        assert statistics.mean(times) < 0.05, (difficulty, statistics.mean(times))


# -- scoring ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "difficulty"), by_difficulty(NAMES))
def test_the_reference_answer_scores_1_however_it_is_wrapped(name, difficulty):
    cls = generated_bootcamps.get(name)
    kind = cls.answer_kind
    for case, answer in zip(cases(name, difficulty), solutions(name, difficulty), strict=True):
        right = cls.format_answer(answer)
        assert cls.extract(right) == answer
        assert cls.score(right, case) == 1.0, (case, right)
        wrong = cls.format_answer(a_wrong_answer(cls, case, answer))
        reasoning = (
            "Let me work through this step by step.\n"
            f"A first draft gives {wrong}, but checking it again shows a mistake.\n"
            f"So the final answer is {right}"
        )
        assert cls.score(reasoning, case) == 1.0, reasoning
        # Last answer wins: a right draft followed by a wrong final answer scores 0.
        assert cls.score(f"Draft: {right}\nOn reflection: {wrong}", case) == 0.0
        # Both answer styles are read, whichever the kind writes.
        if kind is not None:
            inner = kind.render(answer)
            assert cls.score(f"Done.\n[answer]{inner}[/answer]", case) == 1.0
            if "\n" not in inner:
                assert cls.score(f"Done. \\boxed{{{inner}}}", case) == 1.0


@pytest.mark.parametrize(("name", "difficulty"), by_difficulty(NAMES))
def test_mutated_answers_score_0(name, difficulty):
    cls = generated_bootcamps.get(name)
    for case, answer in zip(cases(name, difficulty), solutions(name, difficulty), strict=True):
        for mutant in mutants(answer):
            assert cls.score(cls.format_answer(mutant), case) == 0.0, (case, mutant)
        if has_default_check(cls) and isinstance(answer, list) and len(set(map(str, answer))) > 1:
            i = next(i for i in range(1, len(answer)) if answer[i] != answer[0])
            swapped = list(answer)
            swapped[0], swapped[i] = swapped[i], swapped[0]
            assert cls.score(cls.format_answer(swapped), case) == 0.0, (case, swapped)


@pytest.mark.parametrize(("name", "difficulty"), by_difficulty(NAMES))
def test_other_cases_answers_mostly_score_0(name, difficulty):
    cls = generated_bootcamps.get(name)
    all_cases, answers = cases(name, difficulty), solutions(name, difficulty)
    hits = sum(
        cls.score(cls.format_answer(answers[i - 1]), all_cases[i]) for i in range(len(all_cases))
    )
    assert hits <= 0.1 * len(all_cases)


@pytest.mark.parametrize(("name", "difficulty"), by_difficulty(NAMES))
def test_no_constant_answer_is_right_for_a_large_share_of_cases(name, difficulty):
    cls = generated_bootcamps.get(name)
    all_cases, answers = cases(name, difficulty), solutions(name, difficulty)
    counts: dict[str, int] = {}
    for answer in answers:
        key = json.dumps(answer)
        counts[key] = counts.get(key, 0) + 1
    # The most frequent reference answers are the best constant guesses.
    for key in sorted(counts, key=counts.get, reverse=True)[:3]:
        guess = cls.format_answer(json.loads(key))
        share = sum(cls.score(guess, case) for case in all_cases) / len(all_cases)
        assert share <= 0.1, (key, share)


JUNK = [
    "",
    "   ",
    "I don't know.",
    "\\boxed{}",
    "\\boxed{",
    "\\boxed{ }",
    "[answer][/answer]",
    "[answer]   [/answer]",
    "[answer]",
    "[/answer]",
    "\\boxed{\\boxed{}}",
    "\\boxed{" + "{" * 500,
    "\\boxed{" + "(" * 400 + "}",
    "[answer]" + "[" * 300 + "[/answer]",
    "\\boxed{NaN}",
    "\\boxed{inf}",
    "\\boxed{-}",
    "\\boxed{1e999999}",
    "\\boxed{[1, 2}",
    "\\boxed{9" * 5000,
    "\\boxed{" + "9" * 5000 + "}",
    "\\boxed{1/0}",
    "\\boxed{__import__('os')}",
    "\x00\xff\ufffd",
    "[answer]\n\n\n[/answer]",
    "[answer]1 2\n3[/answer]",
    "\\boxed{true}",
    "\\boxed{None}",
]


@pytest.mark.parametrize("name", NAMES)
def test_junk_never_raises_and_scores_0(name):
    cls = generated_bootcamps.get(name)
    rng = random.Random(5)
    alphabet = "0123456789 ,.-+*/()[]\\boxed answer\n abcxyz"  # no braces: spans stay whole
    fuzz = ["".join(rng.choice(alphabet) for _ in range(rng.randint(8, 80))) for _ in range(150)]
    fuzz += [f"\\boxed{{{text}}}" for text in fuzz[:75]] + [f"[answer]{t}[/answer]" for t in fuzz]
    for difficulty in REQUIRED_DIFFICULTIES:
        for case in cases(name, difficulty)[:8]:
            for response in [*JUNK, *fuzz, cls.prompt(case)]:
                assert cls.score(response, case) == 0.0, (case, response)
            for response in (None, 42, b"\\boxed{1}", ["\\boxed{1}"], {"answer": 1}):
                assert cls.score(response, case) == 0.0  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "difficulty"), by_difficulty(NAMES))
def test_the_prompt_ends_with_an_answer_instruction_and_does_not_leak_the_answer(name, difficulty):
    cls = generated_bootcamps.get(name)
    for case, answer in zip(cases(name, difficulty), solutions(name, difficulty), strict=True):
        prompt = cls.prompt(case)
        last_paragraph = prompt.rstrip().rsplit("\n\n", 1)[-1]
        assert "\\boxed{" in last_paragraph or "[answer]" in last_paragraph
        assert cls.format_answer(answer) not in prompt
        if isinstance(answer, str) and len(answer) >= 4:
            assert answer.lower() not in prompt.lower()


def field_variants(case: dict[str, Any]) -> list[dict[str, Any]]:
    """Copies of `case` with one field changed, keeping its type."""
    variants = []
    for key, value in case.items():
        changed: Any = None
        if isinstance(value, bool):
            changed = not value
        elif isinstance(value, int | float):
            changed = value + 1
        elif isinstance(value, str) and value:
            changed = ("b" if value[0] != "b" else "c") + value[1:]
        elif isinstance(value, list) and value and isinstance(value[0], int | float):
            changed = [value[0] + 1, *value[1:]]
        elif isinstance(value, list) and value and isinstance(value[0], list) and value[0]:
            changed = json.loads(json.dumps(value))
            if isinstance(changed[0][0], int):
                changed[0][0] += 1
        if changed is not None and changed != value:
            variants.append({**case, key: changed})
    return variants


@pytest.mark.parametrize("name", NAMES)
def test_the_prompt_shows_every_field_the_answer_depends_on(name):
    cls = generated_bootcamps.get(name)
    for difficulty in REQUIRED_DIFFICULTIES:
        pairs = zip(cases(name, difficulty), solutions(name, difficulty), strict=True)
        for case, answer in list(pairs)[:30]:
            prompt = cls.prompt(case)
            for variant in field_variants(case):
                try:
                    changed_answer = cls.solve(variant)
                except Exception:  # a variant may be no valid case at all
                    continue
                if changed_answer != answer:
                    assert cls.prompt(variant) != prompt, (case, variant)


# -- difficulty and parameters ------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_presets_really_differ(name):
    cls = generated_bootcamps.get(name)
    presets = [cls.difficulties[d] for d in REQUIRED_DIFFICULTIES]
    assert presets[0] != presets[1] != presets[2] != presets[0]

    def size(difficulty: str) -> float:
        return statistics.mean(
            len(cls.prompt(case)) + len(json.dumps(case)) for case in cases(name, difficulty)
        )

    sizes = [size(difficulty) for difficulty in REQUIRED_DIFFICULTIES]
    assert sizes[0] < sizes[1] < sizes[2], sizes


@pytest.mark.parametrize("name", NAMES)
def test_unknown_parameters_and_difficulties_raise_value_error(name):
    cls = generated_bootcamps.get(name)
    with pytest.raises(ValueError):
        cls(difficulty="nightmare")
    with pytest.raises(ValueError):
        cls(no_such_parameter=1)
    with pytest.raises(ValueError):
        generated_bootcamps.load(name, difficulty="nightmare")
    with pytest.raises(ValueError):
        generated_bootcamps.load(name, seed=0, no_such_parameter=1)
    # A known parameter passed explicitly overrides the preset.
    key = sorted(cls.defaults)[0]
    bootcamp = cls(difficulty="hard", **{key: cls.defaults[key]})
    assert bootcamp.params[key] == cls.defaults[key]


@pytest.mark.parametrize(("name", "difficulty"), by_difficulty(NAMES))
def test_load_gives_a_seeded_instance_of_the_class(name, difficulty):
    cls = generated_bootcamps.get(name)
    bootcamp = generated_bootcamps.load(name, difficulty=difficulty, seed=SEED)
    assert type(bootcamp) is cls
    assert bootcamp.params == {**cls.defaults, **cls.difficulties[difficulty]}
    assert bootcamp.generate() == cases(name, difficulty)[0]
    assert generated_bootcamps.load(name, seed=1).params == cls.defaults


def test_an_unknown_name_raises():
    with pytest.raises(generated_bootcamps.UnknownBootcampError):
        generated_bootcamps.get("no_such_bootcamp")


def test_the_index_file_is_sorted_and_stable():
    path = Path(catalog_dir()) / "catalog.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["version"] == 1
    assert list(raw["bootcamps"]) == sorted(raw["bootcamps"])


# -- InternBootcamp names ------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_internbootcamp_names_behave_as_documented(name):
    cls = generated_bootcamps.get(name)
    one, two = cls(seed=11, difficulty="easy"), cls(seed=11, difficulty="easy")
    for _ in range(10):
        case = one.case_generator()
        assert case == two.generate()
        assert cls.prompt_func(case) == cls.prompt(case)
        answer = cls.solve(case)
        right = cls.format_answer(answer)
        wrong_answer = a_wrong_answer(cls, case, answer)
        wrong = cls.format_answer(wrong_answer)
        assert cls.extract_output(right) == cls.extract(right) == answer
        assert cls._verify_correction(answer, case) == cls.check(case, answer)
        assert cls._verify_correction(answer, case)
        assert not cls._verify_correction(wrong_answer, case)
        long_right = "I checked every possibility carefully. " * 5 + right
        assert cls.verify_score(long_right, case) == 1.0
        assert cls.verify_score(long_right, case, format_score=0.1) == 1.0
        assert cls.verify_score(wrong, case) == 0.0
        assert cls.verify_score(wrong, case, format_score=0.1) == 0.1
        assert cls.verify_score("no answer at all", case, format_score=0.1) == 0.0
        assert cls.verify_score(right, case, short_penalty=True, short_threshold=10**6) == 0.0
        assert cls.verify_score(long_right, case, short_penalty=True, short_threshold=10) == 1.0
        assert cls.verify_score(long_right, case, format_penalty=True) == 0.0
        thought = "<think>Let me see.</think>" + long_right
        assert cls.verify_score(thought, case, format_penalty=True) == 1.0
