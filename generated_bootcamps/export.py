"""Training data from the catalog: JSONL in InternBootcamp's layout, or parquet in verl's.

Every record has its own seed, derived from (run seed, bootcamp, difficulty, index), so a record
can be regenerated on its own (`load(name, difficulty=d, seed=record["seed"]).generate()`), the
output does not depend on how the work is split across processes, and the same arguments always
give a byte-identical file. Records are made in chunks on a process pool and written in order as
they arrive, with a bounded number of chunks in flight, so memory stays flat however many records
are asked for.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from generated_bootcamps import catalog

Format = Literal["jsonl", "parquet"]
CHUNK_SIZE = 256
PARQUET_ROW_GROUP = 8192

VERL_SCHEMA = pa.schema(
    [
        ("data_source", pa.string()),
        (
            "prompt",
            pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())])),
        ),
        ("ability", pa.string()),
        ("reward_model", pa.struct([("style", pa.string()), ("ground_truth", pa.string())])),
        (
            "extra_info",
            pa.struct(
                [
                    ("split", pa.string()),
                    ("index", pa.int64()),
                    ("difficulty", pa.string()),
                    ("seed", pa.int64()),
                ]
            ),
        ),
    ]
)


@dataclass(frozen=True)
class Chunk:
    """Records [start, stop) of one bootcamp's share of the output."""

    name: str
    difficulty: str | None
    seed: int
    start: int
    stop: int
    offset: int  # index of this chunk's first record in the whole file
    format: Format
    split: str = "train"


def record_seed(seed: int, name: str, difficulty: str | None, index: int) -> int:
    """The seed of record `index`: a stable 63-bit hash of where the record sits in the run."""
    key = f"{seed}\x1f{name}\x1f{difficulty or ''}\x1f{index}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") >> 1


def make_records(chunk: Chunk) -> Iterator[dict[str, Any]]:
    """The InternBootcamp-style records of one chunk: data_source, prompt, ground_truth, ..."""
    cls = catalog.get(chunk.name)
    # One instance, reseeded per record: the same cases as a fresh instance per seed (generate
    # may use only self.rng and self.params) without rebuilding the parameters every time.
    bootcamp = cls(seed=0, difficulty=chunk.difficulty)
    for index in range(chunk.start, chunk.stop):
        seed = record_seed(chunk.seed, chunk.name, chunk.difficulty, index)
        bootcamp.seed = seed
        bootcamp.rng.seed(seed)
        case = bootcamp.generate()
        yield {
            "data_source": chunk.name,
            "prompt": cls.prompt(case),
            "ground_truth": case,
            "difficulty": chunk.difficulty,
            "seed": seed,
        }


def render_chunk(chunk: Chunk) -> str | pa.RecordBatch:
    """One chunk, rendered in the output format (runs in a worker process)."""
    records = make_records(chunk)
    if chunk.format == "jsonl":
        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    ability = catalog.entry(chunk.name).domain
    rows = [
        {
            "data_source": record["data_source"],
            "prompt": [{"role": "user", "content": record["prompt"]}],
            "ability": ability,
            "reward_model": {
                "style": "rule",
                "ground_truth": json.dumps(record["ground_truth"], ensure_ascii=False),
            },
            "extra_info": {
                "split": chunk.split,
                "index": chunk.offset + position,
                "difficulty": record["difficulty"],
                "seed": record["seed"],
            },
        }
        for position, record in enumerate(records)
    ]
    return pa.RecordBatch.from_pylist(rows, schema=VERL_SCHEMA)


def plan_chunks(
    names: Sequence[str],
    count: int,
    *,
    difficulty: str | None,
    seed: int,
    format: Format,
    chunk_size: int = CHUNK_SIZE,
) -> list[Chunk]:
    """Split `count` records per bootcamp into chunks, in output order."""
    chunks: list[Chunk] = []
    offset = 0
    for name in names:
        for start in range(0, count, chunk_size):
            stop = min(start + chunk_size, count)
            chunks.append(Chunk(name, difficulty, seed, start, stop, offset, format))
            offset += stop - start
    return chunks


def validate_request(names: Sequence[str], difficulty: str | None) -> None:
    """Fail before any work when a name or the difficulty is unknown (a clear, early error)."""
    for name in names:
        cls = catalog.get(name)
        if difficulty is not None and difficulty not in cls.difficulties:
            known = ", ".join(cls.difficulties)
            raise ValueError(f"bootcamp {name!r} has no difficulty {difficulty!r} (has: {known})")


def rendered_chunks(chunks: Sequence[Chunk], workers: int) -> Iterator[tuple[Chunk, Any]]:
    """Render chunks on `workers` processes, yielding them in order with a bounded window."""
    if workers <= 1:
        for chunk in chunks:
            yield chunk, render_chunk(chunk)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        window: deque[tuple[Chunk, Future[Any]]] = deque()
        pending = iter(chunks)
        for chunk in pending:
            window.append((chunk, pool.submit(render_chunk, chunk)))
            if len(window) >= 2 * workers:
                break
        while window:
            chunk, future = window.popleft()
            next_chunk = next(pending, None)
            if next_chunk is not None:
                window.append((next_chunk, pool.submit(render_chunk, next_chunk)))
            yield chunk, future.result()


@contextmanager
def _text_sink(output: str) -> Iterator[IO[str]]:
    """The file to write JSONL to: stdout for "-"."""
    if output == "-":
        yield sys.stdout
        return
    with open(output, "w", encoding="utf-8") as stream:
        yield stream


def write_dataset(
    names: Sequence[str],
    count: int,
    output: Path | str,
    *,
    difficulty: str | None = "medium",
    seed: int = 0,
    format: Format | None = None,
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write `count` records per bootcamp to `output` ("-" is stdout); return the record count.

    `format` defaults to parquet for a `.parquet` file, JSONL otherwise. `workers` defaults to
    every core. `on_progress(n)` is called with the number of records each finished chunk adds.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    output = str(output)
    format = format or ("parquet" if output.endswith(".parquet") else "jsonl")
    if format == "parquet" and output == "-":
        raise ValueError("parquet needs a file: give -o FILE.parquet")
    validate_request(names, difficulty)
    chunks = plan_chunks(names, count, difficulty=difficulty, seed=seed, format=format)
    workers = max(1, min(workers or os.cpu_count() or 1, len(chunks)))
    if output != "-":
        Path(output).parent.mkdir(parents=True, exist_ok=True)
    written = 0
    if format == "jsonl":
        with _text_sink(output) as stream:
            for chunk, text in rendered_chunks(chunks, workers):
                stream.write(text)
                written += chunk.stop - chunk.start
                if on_progress:
                    on_progress(chunk.stop - chunk.start)
        return written
    with pq.ParquetWriter(output, VERL_SCHEMA) as writer:
        buffered: list[pa.RecordBatch] = []
        rows = 0
        for chunk, batch in rendered_chunks(chunks, workers):
            buffered.append(batch)
            rows += batch.num_rows
            if rows >= PARQUET_ROW_GROUP:
                writer.write_table(pa.Table.from_batches(buffered, VERL_SCHEMA))
                buffered, rows = [], 0
            written += chunk.stop - chunk.start
            if on_progress:
                on_progress(chunk.stop - chunk.start)
        if buffered:
            writer.write_table(pa.Table.from_batches(buffered, VERL_SCHEMA))
    return written
