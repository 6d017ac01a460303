"""Reward functions over the catalog, in the shapes RL trainers call.

- verl: `compute_score(data_source, solution_str, ground_truth, extra_info=None)` -> float, where
  `data_source` is a catalog name and `ground_truth` the case (a dict, or its JSON text as verl's
  parquet stores it). Point verl's `custom_reward_function.path` at this file.
- TRL (GRPOTrainer): `trl_reward(completions, data_source, ground_truth, **kwargs)` -> list[float];
  the dataset's `data_source` and `ground_truth` columns arrive as keyword arguments.
- OpenRLHF (`--remote_rm_url generated_bootcamps/reward.py --label_key label`):
  `reward_func(queries, prompts, labels)` -> {"rewards", "scores", "extra_logs"}, on data written
  by `campforge generate --format openrlhf` (its `label` column names the bootcamp and the case).
- Any batch: `score_batch(data_sources, responses, ground_truths, workers=None)`, on every core,
  or on a Ray cluster with `engine="ray"` (the `campforge[ray]` extra; Ray is imported only then).

A wrong answer scores 0.0; a mistake in the *call* does not: an unknown `data_source`, a ground
truth that is not JSON, or a case the bootcamp cannot solve raises `ValueError` naming the problem,
because a silent 0 would train a model on a broken reward. Nothing else is raised, whatever the
response or the ground truth; a response is never a mistake in the call (any text scores).

The work of a call is bounded: a ground truth longer than `MAX_GROUND_TRUTH_CHARS` characters, or
outside the sizes the bootcamp generates at its presets (see `case_bounds`), raises `ValueError`
before anything is solved. Each process keeps the last `SOLVE_CACHE_ENTRIES` reference answers,
by bootcamp and canonical case JSON, so the n samples of one prompt (GRPO) cost one `solve`.
"""

from __future__ import annotations

import atexit
import copy
import functools
import json
import multiprocessing
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Literal, get_args

from generated_bootcamps import case_bounds, catalog
from generated_bootcamps.base import Bootcamp, clamp_score

# Below this many responses per worker, a process pool costs more than it saves.
MIN_PER_WORKER = 256
# The longest ground truth read: parsing is linear, but the text is kept in a cache.
MAX_GROUND_TRUTH_CHARS = 1_000_000
# Integers in a ground truth: Python's default int/str limit, however the process has set it
# (without a limit, reading an int takes time quadratic in its digits).
MAX_INT_DIGITS = 4300
PARSED_CACHE_ENTRIES = 8192
SOLVE_CACHE_ENTRIES = 4096
CACHE_CHARS = 64_000_000  # per cache, the total length of the case JSON it keeps
MAX_CLASSES = 1024  # bootcamp classes kept by (name, catalog index version)
Engine = Literal["local", "ray"]
ENGINES: tuple[Engine, ...] = get_args(Engine)
_pool: ProcessPoolExecutor | None = None
_pool_workers = 0


class BoundedCache:
    """A least-recently-used map, bounded in entries and in the total size of its entries'
    texts; safe to use from several threads."""

    def __init__(self, entries: int, chars: int):
        self.entries, self.chars = entries, chars
        self._data: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            found = self._data.get(key)
            if found is None:
                return default
            self._data.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        """Keep `value` under `key`; `size` is the length of the text it was made from."""
        if size > self.chars:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._data[key] = (value, size)
            self._size += size
            while len(self._data) > self.entries or self._size > self.chars:
                _, (_, dropped) = self._data.popitem(last=False)
                self._size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._data)


_MISSING = object()
_classes: dict[tuple[Any, ...], type[Bootcamp]] = {}
_parsed_cases = BoundedCache(PARSED_CACHE_ENTRIES, CACHE_CHARS)
_solutions = BoundedCache(SOLVE_CACHE_ENTRIES, CACHE_CHARS)


def compute_score(
    data_source: str,
    solution_str: str,
    ground_truth: str | dict[str, Any],
    extra_info: dict[str, Any] | None = None,
    **kwargs: Any,
) -> float:
    """verl's reward: the score in [0, 1] of `solution_str` for the case in `ground_truth`."""
    cls = _bootcamp(data_source)
    case = _case(data_source, cls, ground_truth)
    scorer = _with_cached_solve(cls)
    try:
        answer = scorer.extract(solution_str)
        if answer is None:
            return 0.0
        return clamp_score(scorer.check(case, answer))
    except Exception:
        # A wrong answer may make check() raise (score 0); a broken case makes solve() raise.
        _validate(data_source, scorer, case)
        return 0.0


def score_batch(
    data_sources: Sequence[str],
    responses: Sequence[str],
    ground_truths: Sequence[str | dict[str, Any]],
    workers: int | None = None,
    engine: Engine = "local",
) -> list[float]:
    """Scores of many responses, in order; spread over `workers` processes (default: all cores).

    `engine="ray"` scores on a Ray cluster instead (`pip install 'campforge[ray]'`): the one this
    process has joined (as in verl), else a local one started for the call; `workers` is then the
    number of Ray tasks (default: four per CPU of the cluster). The scores are the same."""
    columns = {"data_sources": data_sources, "responses": responses, "ground_truths": ground_truths}
    lengths = [_length("score_batch", name, column) for name, column in columns.items()]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"score_batch: {lengths[0]} data sources, {lengths[1]} responses and "
            f"{lengths[2]} ground truths: the lengths must match"
        )
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)):
        raise ValueError(f"score_batch: workers must be a number of processes, not {workers!r}")
    if engine not in ENGINES:
        raise ValueError(f"score_batch: engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    items = list(zip(data_sources, responses, ground_truths, strict=True))
    if engine == "ray":
        return _score_on_ray(items, workers)
    workers = workers or os.cpu_count() or 1
    workers = min(workers, len(items) // MIN_PER_WORKER)
    if workers <= 1:
        return _score_items(items)
    size = -(-len(items) // (workers * 4))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    scores: list[float] = []
    try:
        for chunk_scores in _get_pool(workers).map(_score_items, chunks):
            scores.extend(chunk_scores)
    except ValueError:
        raise
    except Exception as error:
        # Items the pool cannot carry (too deep to pickle, not picklable) or a lost worker:
        # scored here instead, which gives the scores or the ValueError that names the item.
        if isinstance(error, BrokenProcessPool):
            _drop_pool()
        return _score_items(items)
    return scores


def _score_on_ray(items: list[tuple[str, str, Any]], tasks: int | None) -> list[float]:
    """score_batch on Ray; Ray is imported here only (the base install has none)."""
    from generated_bootcamps import ray_cluster

    try:
        return ray_cluster.score_on_ray(items, tasks)
    except ValueError:
        raise
    except Exception:
        # Items Ray cannot carry (too deep to serialize): scored here instead, as the local
        # engine does, which gives the scores or the ValueError that names the item.
        return _score_items(items)


def _length(caller: str, name: str, column: Any) -> int:
    """The length of a column of a batch; ValueError when it has none."""
    try:
        return len(column)
    except TypeError:
        raise ValueError(
            f"{caller}: {name} must be a sequence, not {type(column).__name__}"
        ) from None


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
    _length("trl_reward", "completions", completions)
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
    counts = [
        _length("reward_func", name, column)
        for name, column in (("queries", queries), ("prompts", prompts), ("labels", labels))
    ]
    if len(set(counts)) > 1:
        raise ValueError(
            f"reward_func: {counts[0]} queries, {counts[1]} prompts and {counts[2]} "
            "labels: the lengths must match"
        )
    responses = [_response(query, prompt) for query, prompt in zip(queries, prompts, strict=True)]
    pairs = [_openrlhf_label(label) for label in labels]
    sources = [source for source, _ in pairs]
    truths = [truth for _, truth in pairs]
    scores = score_batch(sources, responses, truths)
    answered = [
        _has_answer(_bootcamp(source), response)
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


def _response(query: Any, prompt: Any) -> str:
    """The response in an OpenRLHF query: what follows the prompt."""
    if not isinstance(query, str) or not isinstance(prompt, str):
        raise ValueError(
            "reward_func: queries and prompts must be text, not "
            f"{type(query).__name__} and {type(prompt).__name__}"
        )
    return query[len(prompt) :] if query.startswith(prompt) else query


def _has_answer(cls: type[Bootcamp], response: str) -> bool:
    """Whether an answer can be read in `response` (an extractor that raises reads none)."""
    try:
        return cls.extract(response) is not None
    except Exception:
        return False


def _openrlhf_label(label: str | dict[str, Any]) -> tuple[str, str | dict[str, Any]]:
    """(data_source, ground_truth) from an OpenRLHF label."""
    if isinstance(label, str):
        if len(label) > MAX_GROUND_TRUTH_CHARS:
            raise ValueError(
                f"reward_func: a label of {len(label)} characters is longer than the "
                f"{MAX_GROUND_TRUTH_CHARS} read"
            )
        try:
            label = _read_json(label)
        except ValueError as error:
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
    if not isinstance(data_source, str):
        raise ValueError(
            f"compute_score: data_source must be a bootcamp name, not {type(data_source).__name__}"
        )
    key = (data_source, *_index_version())
    found = _classes.get(key)
    if found is None:
        try:
            found = catalog.get(data_source)
        except catalog.UnknownBootcampError as error:
            raise ValueError(f"compute_score: data_source {data_source!r}: {error}") from None
        if len(_classes) >= MAX_CLASSES:
            _classes.clear()
        _classes[key] = found
    return found


def _index_version() -> tuple[str, tuple[int, int, int] | None]:
    """The catalog directory in use and its index file's (mtime, size, inode): a class looked up
    once is reused until the index changes (catalog.get reads and validates the whole index,
    most of the cost of a call)."""
    index = _index_path(os.environ.get("CAMPFORGE_CATALOG"), os.getcwd())
    try:
        stat = os.stat(index)
    except OSError:
        return index, None
    return index, (stat.st_mtime_ns, stat.st_size, stat.st_ino)


@functools.lru_cache(maxsize=64)
def _index_path(configured: str | None, cwd: str) -> str:
    """The catalog's index file for a CAMPFORGE_CATALOG setting (relative to `cwd`)."""
    return str(catalog.catalog_dir() / catalog.INDEX_FILE)


def _case(data_source: str, cls: type[Bootcamp], ground_truth: Any) -> dict[str, Any]:
    """The case in a ground truth (a dict, or its JSON text), read once per process and text."""
    if isinstance(ground_truth, dict):
        try:
            ground_truth = json.dumps(ground_truth, sort_keys=True, allow_nan=False)
        except RecursionError:
            raise ValueError(
                f"compute_score: ground_truth for {data_source!r} is nested too deeply"
            ) from None
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"compute_score: ground_truth for {data_source!r} is not a JSON case: "
                f"{_reason(error)}"
            ) from None
    elif not isinstance(ground_truth, str):
        raise ValueError(
            f"compute_score: ground_truth for {data_source!r} must be a case dict or its JSON "
            f"text, not {type(ground_truth).__name__}"
        )
    if len(ground_truth) > MAX_GROUND_TRUTH_CHARS:
        raise ValueError(
            f"compute_score: ground_truth for {data_source!r} has {len(ground_truth)} characters,"
            f" more than the {MAX_GROUND_TRUTH_CHARS} a case may have"
        )
    slack = case_bounds.slack_factor()
    key = (cls, slack, ground_truth)
    case = _parsed_cases.get(key, _MISSING)
    if case is _MISSING:
        case = _parsed_case(data_source, cls, ground_truth, slack)
        _parsed_cases.put(key, case, len(ground_truth))
    return case


def _parsed_case(
    data_source: str, cls: type[Bootcamp], ground_truth: str, slack: float | None
) -> dict[str, Any]:
    """A JSON ground truth parsed and held to the bootcamp's case bounds (times `slack`)."""
    try:
        case = _read_json(ground_truth)
    except ValueError as error:
        raise ValueError(
            f"compute_score: ground_truth for {data_source!r} is not valid JSON ({error}): "
            f"{ground_truth[:80]!r}"
        ) from None
    if not isinstance(case, dict):
        raise ValueError(
            f"compute_score: ground_truth for {data_source!r} must encode a case dict, "
            f"not {type(case).__name__}"
        )
    try:
        case_bounds.check(cls, case, slack)
    except ValueError as error:
        raise ValueError(f"compute_score: ground_truth for {data_source!r}: {error}") from None
    return case


def _read_json(text: str) -> Any:
    """Standard JSON (no NaN or Infinity), with integers of at most MAX_INT_DIGITS digits;
    ValueError otherwise, however deep the nesting."""
    try:
        return _decoder().decode(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except ValueError as error:
        raise ValueError(_reason(error)) from None


def _decoder() -> json.JSONDecoder:
    """The JSON decoder: the plain (fast) one, unless the process has lifted Python's int/str
    limit, in which case integers are held to MAX_INT_DIGITS digits here."""
    limit = sys.get_int_max_str_digits()
    return _STRICT_DECODER if 0 < limit <= MAX_INT_DIGITS else _INT_GUARDED_DECODER


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not standard JSON")


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of more than {MAX_INT_DIGITS} digits")
    return int(digits)


_STRICT_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_INT_GUARDED_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_int=_bounded_int)


def _reason(error: BaseException) -> str:
    """An error's message in one short line."""
    text = " ".join(str(error).split()) or type(error).__name__
    if "integer string conversion" in text:  # Python's int/str limit
        return f"an integer of more than {sys.get_int_max_str_digits()} digits"
    return text if len(text) <= 160 else text[:157] + "..."


@functools.cache
def _with_cached_solve(cls: type[Bootcamp]) -> type[Bootcamp]:
    """`cls` with `solve` answered from the per-process cache (check() calls solve())."""

    def solve(_: type[Bootcamp], case: dict[str, Any]) -> Any:
        return _cached_solve(cls, case)

    return type(cls.__name__, (cls,), {"solve": classmethod(solve), "__doc__": cls.__doc__})


def _cached_solve(cls: type[Bootcamp], case: dict[str, Any]) -> Any:
    """cls.solve(case), computed once per process for each (bootcamp, canonical case JSON) among
    the last SOLVE_CACHE_ENTRIES. Callers get a copy: a check() that edits it edits no cache."""
    try:
        text = json.dumps(case, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return cls.solve(case)  # not a JSON case (a check() solving its own object): no key
    key = (cls, text)
    found = _solutions.get(key, _MISSING)
    if found is _MISSING:
        found = cls.solve(case)
        _solutions.put(key, found, len(text))
    return copy.deepcopy(found)


def _validate(data_source: str, scorer: type[Bootcamp], case: dict[str, Any]) -> None:
    """A ground truth is a case of this bootcamp when the bootcamp can solve it. Checked only
    when scoring raised, so a right answer costs one check, not an extra solve."""
    try:
        scorer.solve(case)
    except Exception as error:
        raise ValueError(
            f"compute_score: ground_truth is not a {data_source!r} case: solve() failed with "
            f"{type(error).__name__}: {_reason(error)}"
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


def _drop_pool() -> None:
    """Shut the pool down; the next batch starts a new one."""
    global _pool, _pool_workers
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
    _pool, _pool_workers = None, 0


@atexit.register
def _shutdown_pool() -> None:
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
