"""Reward functions over the catalog, in the shapes RL trainers call.

- verl: `compute_score(data_source, solution_str, ground_truth, extra_info=None)` -> float, where
  `data_source` is a catalog name and `ground_truth` the case (a dict, or its JSON text as verl's
  parquet stores it). Point verl's `custom_reward_function.path` at this file.
- TRL (GRPOTrainer): `trl_reward(completions, data_source, ground_truth, **kwargs)` -> list[float];
  the dataset's `data_source` and `ground_truth` columns arrive as keyword arguments.
- OpenRLHF (`--remote_rm_url generated_bootcamps/reward.py --label_key label`):
  `reward_func(queries, prompts, labels)` -> {"rewards", "scores", "extra_logs"}, on data written
  by `campforge generate --format openrlhf` (its `label` column names the bootcamp and the case).
- Any batch: `score_batch(data_sources, responses, ground_truths, workers=None)`, on every core.

A wrong answer scores 0.0; a mistake in the *call* does not: an unknown `data_source`, a ground
truth that is not JSON, or a case the bootcamp cannot solve raises `ValueError` naming the problem,
because a silent 0 would train a model on a broken reward. (A response with no answer in it scores
0 without looking at the case.)
"""

from __future__ import annotations

import atexit
import functools
import json
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from generated_bootcamps import catalog
from generated_bootcamps.base import Bootcamp, clamp_score

# Below this many responses per worker, a process pool costs more than it saves.
MIN_PER_WORKER = 256
_pool: ProcessPoolExecutor | None = None
_pool_workers = 0


def compute_score(
    data_source: str,
    solution_str: str,
    ground_truth: str | dict[str, Any],
    extra_info: dict[str, Any] | None = None,
    **kwargs: Any,
) -> float:
    """verl's reward: the score in [0, 1] of `solution_str` for the case in `ground_truth`."""
    cls = _bootcamp(data_source)
    case = _case(data_source, ground_truth)
    try:
        answer = cls.extract(solution_str)
        if answer is None:
            return 0.0
        return clamp_score(cls.check(case, answer))
    except Exception:
        # A wrong answer may make check() raise (score 0); a broken case makes solve() raise.
        _validate(data_source, case)
        return 0.0


def score_batch(
    data_sources: Sequence[str],
    responses: Sequence[str],
    ground_truths: Sequence[str | dict[str, Any]],
    workers: int | None = None,
) -> list[float]:
    """Scores of many responses, in order; spread over `workers` processes (default: all cores)."""
    if not len(data_sources) == len(responses) == len(ground_truths):
        raise ValueError(
            f"score_batch: {len(data_sources)} data sources, {len(responses)} responses and "
            f"{len(ground_truths)} ground truths: the lengths must match"
        )
    items = list(zip(data_sources, responses, ground_truths, strict=True))
    workers = workers or os.cpu_count() or 1
    workers = min(workers, len(items) // MIN_PER_WORKER)
    if workers <= 1:
        return _score_items(items)
    size = -(-len(items) // (workers * 4))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    scores: list[float] = []
    for chunk_scores in _get_pool(workers).map(_score_items, chunks):
        scores.extend(chunk_scores)
    return scores


def trl_reward(
    completions: Sequence[Any],
    data_source: Sequence[str] | None = None,
    ground_truth: Sequence[str | dict[str, Any]] | None = None,
    **kwargs: Any,
) -> list[float]:
    """TRL reward function: completions are strings or chat messages ([{"role", "content"}])."""
    if data_source is None or ground_truth is None:
        raise ValueError(
            "trl_reward needs the dataset columns 'data_source' and 'ground_truth' "
            "(export with `campforge generate`, which writes them)"
        )
    texts = [_completion_text(completion) for completion in completions]
    return score_batch(data_source, texts, ground_truth)


def reward_func(
    queries: Sequence[str], prompts: Sequence[str], labels: Sequence[str | dict[str, Any]], **_: Any
) -> dict[str, Any]:
    """OpenRLHF's custom reward function. A query is the prompt followed by the response (the
    prompt is cut off when the query starts with it); a label is the `label` column of
    `campforge generate --format openrlhf`: the JSON text of {data_source, ground_truth}.

    Returns {"rewards", "scores", "extra_logs": {"answered"}}: torch tensors when torch is
    importable (as in OpenRLHF), else lists. "answered" is the share of responses in which an
    answer was found at all, scored or not.
    """
    if not len(queries) == len(prompts) == len(labels):
        raise ValueError(
            f"reward_func: {len(queries)} queries, {len(prompts)} prompts and {len(labels)} "
            "labels: the lengths must match"
        )
    responses = [
        query[len(prompt) :] if query.startswith(prompt) else query
        for query, prompt in zip(queries, prompts, strict=True)
    ]
    sources, truths = zip(*map(_openrlhf_label, labels), strict=True) if labels else ((), ())
    scores = score_batch(sources, responses, truths)
    answered = [
        _bootcamp(source).extract(response) is not None
        for source, response in zip(sources, responses, strict=True)
    ]
    share = sum(answered) / len(answered) if answered else 0.0
    try:
        import torch
    except ImportError:
        return {"rewards": scores, "scores": list(scores), "extra_logs": {"answered": share}}
    tensor = torch.tensor(scores, dtype=torch.float32)
    return {
        "rewards": tensor,
        "scores": tensor.clone(),
        "extra_logs": {"answered": torch.tensor([share] * len(scores))},
    }


def _openrlhf_label(label: str | dict[str, Any]) -> tuple[str, str | dict[str, Any]]:
    """(data_source, ground_truth) from an OpenRLHF label."""
    if isinstance(label, str):
        try:
            label = json.loads(label)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"reward_func: a label is not JSON ({error}): {label[:80]!r}; export with "
                "`campforge generate --format openrlhf` and pass --label_key label"
            ) from None
    if not (isinstance(label, dict) and {"data_source", "ground_truth"} <= label.keys()):
        raise ValueError(
            "reward_func: a label must hold 'data_source' and 'ground_truth' (the `label` "
            "column of `campforge generate --format openrlhf`)"
        )
    return str(label["data_source"]), label["ground_truth"]


def _completion_text(completion: Any) -> str:
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        return str(completion[-1].get("content", ""))
    raise ValueError(f"trl_reward: cannot read a completion of type {type(completion).__name__}")


def _score_items(items: Sequence[tuple[str, str, str | dict[str, Any]]]) -> list[float]:
    return [compute_score(source, response, truth) for source, response, truth in items]


def _bootcamp(data_source: str) -> type[Bootcamp]:
    try:
        return catalog.get(data_source)
    except catalog.UnknownBootcampError as error:
        raise ValueError(f"compute_score: data_source {data_source!r}: {error}") from None


def _case(data_source: str, ground_truth: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(ground_truth, dict):
        ground_truth = json.dumps(ground_truth, sort_keys=True)
    elif not isinstance(ground_truth, str):
        raise ValueError(
            f"compute_score: ground_truth for {data_source!r} must be a case dict or its JSON "
            f"text, not {type(ground_truth).__name__}"
        )
    return _parsed_case(data_source, ground_truth)


@functools.lru_cache(maxsize=8192)
def _parsed_case(data_source: str, ground_truth: str) -> dict[str, Any]:
    """A JSON ground truth parsed once (trainers score many responses per case)."""
    try:
        case = json.loads(ground_truth)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"compute_score: ground_truth for {data_source!r} is not valid JSON ({error}): "
            f"{ground_truth[:80]!r}"
        ) from None
    if not isinstance(case, dict):
        raise ValueError(
            f"compute_score: ground_truth for {data_source!r} must encode a case dict, "
            f"not {type(case).__name__}"
        )
    return case


def _validate(data_source: str, case: dict[str, Any]) -> None:
    """A ground truth is a case of this bootcamp when the bootcamp can solve it. Checked only
    when scoring raised, so a right answer costs one check, not an extra solve."""
    try:
        _bootcamp(data_source).solve(case)
    except Exception as error:
        raise ValueError(
            f"compute_score: ground_truth is not a {data_source!r} case: solve() failed with "
            f"{type(error).__name__}: {error}"
        ) from None


def _get_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool kept across calls. forkserver: safe in trainers that hold CUDA or threads."""
    global _pool, _pool_workers
    if _pool is None or _pool_workers != workers:
        if _pool is not None:
            _pool.shutdown(cancel_futures=True)
        context = multiprocessing.get_context("forkserver")
        _pool, _pool_workers = ProcessPoolExecutor(workers, mp_context=context), workers
    return _pool


@atexit.register
def _shutdown_pool() -> None:
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
