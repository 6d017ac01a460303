"""Training data from the catalog: JSONL in InternBootcamp's layout, or parquet in verl's.

Every record has its own seed, derived from (run seed, bootcamp, difficulty, index), so a record
can be regenerated on its own (`load(name, difficulty=d, seed=record["seed"]).generate()`), the
output does not depend on how the work is split across processes, and the same arguments always
give a byte-identical file. Records are made in chunks on a process pool (each worker writes its
chunk to a scratch file) and appended to the output in order, with a bounded number of chunks in
flight. The chunks are planned lazily, as the pool asks for them, so memory stays flat and the first
records come out at once however many records are asked for.

A bad output (a directory, an unwritable path, a missing parent outside the current directory) is
refused before any work, and a run that fails or is interrupted leaves no partial file behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import stat
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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


# One preset, several, "all", None (the defaults), or per bootcamp.
Difficulties = str | Sequence[str | None] | Mapping[str, Sequence[str | None]] | None


class OutputError(ValueError):
    """The output cannot be written: a directory, an unwritable path, a missing parent, ..."""


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
    difficulty: Difficulties,
    seed: int,
    format: Format,
    size: int = CHUNK_SIZE,
    split: str = "train",
) -> Iterator[Chunk]:
    """Split `count` records per bootcamp and difficulty into chunks of `size`, in output order:
    bootcamp by bootcamp, and within one, difficulty by difficulty.

    A generator: each chunk is planned when it is asked for, so planning takes the same time and
    memory for ten records as for ten billion."""
    offset = 0
    for name in names:
        for level in difficulties_of(name, difficulty):
            for start in range(0, count, size):
                stop = min(start + size, count)
                yield Chunk(name, level, seed, start, stop, offset, format, split)
                offset += stop - start


def count_chunks(count: int, size: int, shares: int) -> int:
    """How many chunks `plan_chunks` yields for `shares` (bootcamp, difficulty) pairs."""
    return shares * -(-count // size)


def difficulties_of(name: str, difficulty: Difficulties) -> list[str | None]:
    """The difficulties to export for one bootcamp: one name, several (a list, or names joined
    by commas), "all" (every preset the bootcamp has), None (its defaults), or a mapping giving
    each bootcamp its own (`campforge generate --band`). An unknown name raises ValueError
    naming the known ones."""
    if isinstance(difficulty, Mapping):
        difficulty = difficulty.get(name, [])
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


def rendered_chunks(chunks: Iterable[Chunk], workers: int) -> Iterator[tuple[Chunk, Any]]:
    """Render chunks on `workers` processes, yielding them in order with a bounded window (at
    most two chunks per worker are rendered ahead of the writer, and `chunks` is consumed only as
    the window moves, so memory stays flat)."""
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


def _make_parents(output: str) -> list[Path]:
    """Create the missing directories above `output`, but only under the current directory (so
    `-o data/train.jsonl` works in a fresh checkout, while a typo such as `-o /nonexistent/x`
    does not create directories elsewhere). Returns the directories created, outermost first."""
    parent = Path(os.path.abspath(output)).parent
    missing: list[Path] = []
    while not parent.exists() and not parent.is_symlink():
        missing.append(parent)
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"{parent} is not a directory: cannot write {output} under it")
    if not missing:
        return []
    if not parent.resolve().is_relative_to(Path.cwd().resolve()):
        raise OutputError(
            f"parent directory {missing[0]} does not exist: create it first (missing "
            "directories are created only under the current directory)"
        )
    created: list[Path] = []
    for directory in reversed(missing):
        try:
            directory.mkdir()
        except OSError as error:
            _remove_directories(created)
            raise OutputError(f"cannot create directory {directory}: {error.strerror}") from None
        created.append(directory)
    return created


def _remove_directories(created: list[Path]) -> None:
    for directory in reversed(created):
        with contextlib.suppress(OSError):  # not empty (someone else wrote there): leave it
            directory.rmdir()


@contextmanager
def _byte_sink(output: str) -> Iterator[IO[bytes]]:
    """The stream to write to: stdout for "-", else the file, checked and opened before any work.

    A directory, an unwritable path or a missing parent raises OutputError. If the body fails or
    is interrupted, the partial file (and any directory made for it) is removed."""
    if output == "-":
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    if not output:
        raise OutputError("the output name is empty: give a file name, or - for stdout")
    if Path(output).is_dir() or output.endswith(os.sep):
        what = "is a directory" if Path(output).is_dir() else f"ends with {os.sep}"
        example = os.path.join(output, "train.jsonl")
        raise OutputError(f"{output} {what}: give a file name, e.g. {example}")
    created = _make_parents(output)
    try:
        stream = open(output, "wb")  # noqa: SIM115 - closed below, whatever happens
    except OSError as error:
        _remove_directories(created)
        raise OutputError(f"cannot write {output}: {error.strerror or error}") from None
    regular = stat.S_ISREG(os.fstat(stream.fileno()).st_mode)  # not /dev/null, a pipe, ...
    try:
        try:
            yield stream
        finally:
            with _writing(output):
                stream.close()
    except BaseException:
        if regular:
            with contextlib.suppress(OSError):  # e.g. /proc/version: "regular", not removable
                Path(output).unlink(missing_ok=True)
        _remove_directories(created)
        raise


@contextmanager
def _writing(output: str) -> Iterator[None]:
    """An OSError from writing to or closing the output becomes an OutputError naming it (and
    only those: an OSError from a worker's scratch file is not about the output)."""
    try:
        yield
    except OSError as error:
        raise OutputError(f"cannot write {output}: {error.strerror or error}") from None


def _write_lines(
    output: str,
    stream: IO[bytes],
    rendered: Iterable[tuple[Chunk, bytes]],
    on_progress: Callable[[int], None] | None,
) -> int:
    written = 0
    for chunk, lines in rendered:
        with _writing(output):
            stream.write(lines)
        written += chunk.stop - chunk.start
        if on_progress:
            on_progress(chunk.stop - chunk.start)
    return written


def _write_parquet(
    output: str,
    stream: IO[bytes],
    rendered: Iterable[tuple[Chunk, pa.RecordBatch]],
    on_progress: Callable[[int], None] | None,
) -> int:
    """Row groups of exactly PARQUET_ROW_GROUP rows (the last one excepted), whatever the chunk
    size: the chunk size depends on the worker count, and the file must not."""
    written = 0
    writer = pq.ParquetWriter(stream, VERL_SCHEMA)
    try:
        buffered: list[pa.RecordBatch] = []
        rows = 0
        for chunk, batch in rendered:
            buffered.append(batch)
            rows += batch.num_rows
            if rows >= PARQUET_ROW_GROUP:
                table = pa.Table.from_batches(buffered, VERL_SCHEMA)
                whole = rows - rows % PARQUET_ROW_GROUP
                # Contiguous columns: pages must not depend on where the chunks ended either.
                ready = table.slice(0, whole).combine_chunks()
                with _writing(output):
                    writer.write_table(ready, row_group_size=PARQUET_ROW_GROUP)
                buffered = table.slice(whole).to_batches()
                rows -= whole
            written += chunk.stop - chunk.start
            if on_progress:
                on_progress(chunk.stop - chunk.start)
        if buffered:
            with _writing(output):
                writer.write_table(pa.Table.from_batches(buffered, VERL_SCHEMA).combine_chunks())
    finally:
        with _writing(output):
            writer.close()  # the footer
    return written


def write_dataset(
    names: Sequence[str],
    count: int,
    output: Path | str,
    *,
    difficulty: Difficulties = "medium",
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
    shares = sum(len(difficulties_of(name, difficulty)) for name in names)
    workers = max(1, workers or os.cpu_count() or 1)
    size = chunk_size(count * shares, workers)
    workers = min(workers, count_chunks(count, size, shares)) or 1
    chunks = plan_chunks(
        names, count, difficulty=difficulty, seed=seed, format=format, size=size, split=split
    )
    with _byte_sink(output) as stream:
        return write_rendered(output, stream, format, rendered_chunks(chunks, workers), on_progress)


def write_rendered(
    output: str,
    stream: IO[bytes],
    format: Format,
    rendered: Iterable[tuple[Chunk, Any]],
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write rendered chunks, in order, to `stream` in `format` (named `output` in errors); return
    the record count. The same bytes for the same records, however they were chunked: one file
    of `write_dataset`, or one shard of a Ray export (`ray_export`)."""
    if format in TEXT_FORMATS:
        return _write_lines(output, stream, rendered, on_progress)
    return _write_parquet(output, stream, rendered, on_progress)
