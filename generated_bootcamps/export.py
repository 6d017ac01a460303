"""Training data from the catalog: JSONL in InternBootcamp's layout, or parquet in verl's.

Every record has its own seed, derived from (run seed, bootcamp, difficulty, index), so a record
can be regenerated on its own (`load(name, difficulty=d, seed=record["seed"]).generate()`), the
output does not depend on how the work is split across processes, and the same arguments always
give a byte-identical file. Records are made in chunks on a process pool (each worker writes its
chunk to a scratch file) and appended to the output in order, with a bounded number of chunks in
flight, so memory stays flat however many records are asked for.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, get_args

import pyarrow as pa
import pyarrow.parquet as pq

from generated_bootcamps import catalog

Format = Literal["jsonl", "openrlhf", "parquet"]
FORMATS: tuple[Format, ...] = get_args(Format)
FORMAT_NAMES = ", ".join(FORMATS[:-1]) + " or " + FORMATS[-1]  # "jsonl, openrlhf or parquet"
TEXT_FORMATS = ("jsonl", "openrlhf")
# Records per unit of work: scheduling is noise at this size (at 256, it cost ~10% on 2 cores).
CHUNK_SIZE = 1024
MIN_CHUNK_SIZE = 32
CHUNKS_PER_WORKER = 16  # at least this many per worker when the records allow it
PARQUET_ROW_GROUP = 8192
# One encoder for every record: json.dumps(obj, **options) builds a new encoder per call, which
# was a fifth of the serialization time of a small record.
_encode_json = json.JSONEncoder(ensure_ascii=False).encode

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


def openrlhf_record(record: dict[str, Any]) -> dict[str, Any]:
    """A record for OpenRLHF, whose reward function sees one dataset column (`--label_key`):
    `label` is the JSON text of {data_source, ground_truth}, what `reward.reward_func` reads."""
    label = {"data_source": record["data_source"], "ground_truth": record["ground_truth"]}
    return {
        "data_source": record["data_source"],
        "prompt": record["prompt"],
        "label": _encode_json(label),
        "difficulty": record["difficulty"],
        "seed": record["seed"],
    }


def render_chunk(chunk: Chunk) -> bytes | pa.RecordBatch:
    """One chunk in the output format: JSONL lines as UTF-8 bytes, or a record batch in verl's
    layout."""
    records = make_records(chunk)
    if chunk.format == "jsonl":
        return "".join(_encode_json(record) + "\n" for record in records).encode("utf-8")
    if chunk.format == "openrlhf":
        return "".join(_encode_json(openrlhf_record(r)) + "\n" for r in records).encode("utf-8")
    ability = catalog.entry(chunk.name).domain
    rows = [
        {
            "data_source": record["data_source"],
            "prompt": [{"role": "user", "content": record["prompt"]}],
            "ability": ability,
            "reward_model": {"style": "rule", "ground_truth": _encode_json(record["ground_truth"])},
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


def render_chunk_to_file(chunk: Chunk, directory: str) -> str:
    """Run in a worker process: render a chunk into a file of its own in `directory`.

    Handing the parent a file name instead of the rendered bytes keeps the parent's work to
    appending files: sending every byte through the pool's pipe cost the parent a third of a core
    and capped the speed-up on two cores at about 1.5x (measured).
    """
    rendered = render_chunk(chunk)
    path = os.path.join(directory, f"{chunk.offset}.{chunk.format}")
    with open(path, "wb") as stream:
        if isinstance(rendered, bytes):
            stream.write(rendered)
        else:
            with pa.ipc.new_stream(stream, rendered.schema) as writer:
                writer.write_batch(rendered)
    return path


def _read_chunk_file(path: str, format: Format) -> bytes | pa.RecordBatch:
    try:
        if format in TEXT_FORMATS:
            with open(path, "rb") as stream:
                return stream.read()
        with pa.OSFile(path) as source, pa.ipc.open_stream(source) as reader:
            return reader.read_next_batch()  # read into memory: safe once the file is gone
    finally:
        os.unlink(path)


def chunk_size(total: int, workers: int) -> int:
    """Records per chunk: CHUNK_SIZE, but small enough that every worker gets several chunks,
    so no worker idles long at the end while the last one finishes (with one chunk too many for
    an even split, the run takes a whole chunk longer)."""
    if workers <= 1:
        return CHUNK_SIZE
    return max(MIN_CHUNK_SIZE, min(CHUNK_SIZE, -(-total // (workers * CHUNKS_PER_WORKER))))


def plan_chunks(
    names: Sequence[str],
    count: int,
    *,
    difficulty: str | Sequence[str | None] | None,
    seed: int,
    format: Format,
    size: int = CHUNK_SIZE,
    split: str = "train",
) -> list[Chunk]:
    """Split `count` records per bootcamp and difficulty into chunks of `size`, in output order:
    bootcamp by bootcamp, and within one, difficulty by difficulty."""
    chunks: list[Chunk] = []
    offset = 0
    for name in names:
        for level in difficulties_of(name, difficulty):
            for start in range(0, count, size):
                stop = min(start + size, count)
                chunks.append(Chunk(name, level, seed, start, stop, offset, format, split))
                offset += stop - start
    return chunks


def difficulties_of(name: str, difficulty: str | Sequence[str | None] | None) -> list[str | None]:
    """The difficulties to export for one bootcamp: one name, several (a list, or names joined
    by commas), "all" (every preset the bootcamp has) or None (its defaults). An unknown name
    raises ValueError naming the known ones."""
    if difficulty is None:
        return [None]
    wanted = difficulty.split(",") if isinstance(difficulty, str) else list(difficulty)
    known = list(catalog.get(name).difficulties)
    levels: list[str | None] = []
    for level in wanted:
        level = level.strip() if isinstance(level, str) else level
        if level == "all":
            levels += known
        elif level is None or level in known:
            levels.append(level)
        else:
            raise ValueError(
                f"bootcamp {name!r} has no difficulty {level!r} (has: {', '.join(known)}, or all)"
            )
    return list(dict.fromkeys(levels))  # each once, in the order asked


def rendered_chunks(chunks: Sequence[Chunk], workers: int) -> Iterator[tuple[Chunk, Any]]:
    """Render chunks on `workers` processes, yielding them in order with a bounded window (at
    most two chunks per worker are rendered ahead of the writer, so memory stays flat)."""
    if workers <= 1:
        for chunk in chunks:
            yield chunk, render_chunk(chunk)
        return
    with (
        ProcessPoolExecutor(max_workers=workers) as pool,
        tempfile.TemporaryDirectory(prefix="campforge-export-") as scratch,
    ):
        window: deque[tuple[Chunk, Future[str]]] = deque()
        pending = iter(chunks)
        for chunk in itertools.islice(pending, 2 * workers):
            window.append((chunk, pool.submit(render_chunk_to_file, chunk, scratch)))
        while window:
            chunk, future = window.popleft()
            next_chunk = next(pending, None)
            if next_chunk is not None:
                window.append((next_chunk, pool.submit(render_chunk_to_file, next_chunk, scratch)))
            yield chunk, _read_chunk_file(future.result(), chunk.format)


@contextmanager
def _byte_sink(output: str) -> Iterator[IO[bytes]]:
    """The file to write JSONL to: stdout for "-"."""
    if output == "-":
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with open(output, "wb") as stream:
        yield stream


def write_dataset(
    names: Sequence[str],
    count: int,
    output: Path | str,
    *,
    difficulty: str | Sequence[str | None] | None = "medium",
    seed: int = 0,
    format: Format | None = None,
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    split: str = "train",
) -> int:
    """Write `count` records per bootcamp and difficulty to `output` ("-" is stdout); return the
    record count.

    `difficulty`: one preset, several (a list or "easy,hard"), "all" (each bootcamp's every
    preset) or None (the bootcamp's defaults). `split` goes to parquet's `extra_info.split`.
    `format`: "jsonl" (InternBootcamp's records), "openrlhf" (JSONL whose `label` carries what
    the reward needs) or "parquet" (verl's layout); by default parquet for a `.parquet` file,
    JSONL otherwise. `workers` defaults to every core. `on_progress(n)` is called with the
    number of records each finished chunk adds.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    output = str(output)
    format = format or ("parquet" if output.endswith(".parquet") else "jsonl")
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}: use {FORMAT_NAMES}")
    if format == "parquet" and output == "-":
        raise ValueError("parquet needs a file: give -o FILE.parquet")
    # Every name and difficulty is checked here, before any work (a clear, early error).
    total = count * sum(len(difficulties_of(name, difficulty)) for name in names)
    workers = max(1, workers or os.cpu_count() or 1)
    size = chunk_size(total, workers)
    chunks = plan_chunks(
        names, count, difficulty=difficulty, seed=seed, format=format, size=size, split=split
    )
    workers = min(workers, len(chunks)) or 1
    if output != "-":
        Path(output).parent.mkdir(parents=True, exist_ok=True)
    written = 0
    if format in TEXT_FORMATS:
        with _byte_sink(output) as stream:
            for chunk, lines in rendered_chunks(chunks, workers):
                stream.write(lines)
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
