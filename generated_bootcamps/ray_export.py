"""`campforge generate --engine ray`: the export of `export.write_dataset`, sharded over a Ray
cluster, into a directory of shards and a manifest.

The records are the local engine's: the same record seeds, and so the same bytes once the shards
are read in the manifest's order, which is the order of (bootcamp, difficulty, index). Each
(bootcamp, difficulty) pair is cut into shards of `shard_size` records; a shard is one file,
`<bootcamp>/<difficulty>/part-<first index, 12 digits>.<jsonl|parquet>`, rendered and written by
one Ray task with the local engine's own code (`export.render_chunk`, `export.write_rendered`),
so a parquet shard keeps verl's layout and `extra_info.index` counts from the start of the whole
export, as in one local file. The output is a local directory or any URI pyarrow's file systems
read (`s3://bucket/path`, `gs://...`, `hdfs://...`); every node writes its own shards there, so on
a cluster of several machines a local path must be a file system they share.

Resuming. `manifest.json` names the export's settings (bootcamps, difficulties, count, seed,
format, split, shard size, and the catalog index's digest) and lists the finished shards with
their record counts, plus the totals per bootcamp and difficulty. A task writes `<shard>.partial`
and moves it into place when it is whole; the driver adds it to the manifest (rewritten whole,
atomically, at most every MANIFEST_SECONDS, and at the end). Run the same command again after a
kill and only the shards the manifest does not list are written: a finished shard is never
rewritten. A worker that dies mid-shard is retried by Ray (SHARD_RETRIES), and the retry writes
the shard from its start: its partial file is overwritten, never appended to.

Plain Ray tasks, not Ray Data: a shard is a pure function of its place in the export, so one
task per shard that writes its file itself moves no record through Ray's object store (only a
few numbers come back to the driver), names every file from the plan (so a resume knows which
exist), and lets Ray's task retries handle a dead worker. Ray Data would carry every record as
blocks through the object store to its own write operator, name the files itself (so a resume
could not tell which are whole), add its streaming executor's start-up to every run, and bring
the `ray[data]` extra's dependencies, for no gain: there is no shuffle and no join here.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import pyarrow.fs as pafs

from generated_bootcamps import export
from generated_bootcamps.ray_cluster import (
    CatalogPin,
    cluster,
    cluster_cpus,
    unwrap_task_error,
)

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
MANIFEST_SECONDS = 2.0  # the longest the manifest lags behind the shards written
SHARD_RETRIES = 3  # a shard whose worker died is run again this many times
SHARDS_PER_CPU = 8  # at least this many shards per CPU when the records allow it
MIN_SHARD_SIZE = 4096
MAX_SHARD_SIZE = 131_072
EXTENSIONS = {"jsonl": "jsonl", "openrlhf": "jsonl", "parquet": "parquet"}
PARTIAL = ".partial"


class ShardError(RuntimeError):
    """A shard's task failed on every try (not by an error of its own: its worker died)."""


@dataclass(frozen=True)
class Shard:
    """Records [start, stop) of one bootcamp at one difficulty: one file of the export."""

    name: str
    difficulty: str | None
    start: int
    stop: int
    offset: int  # index of this shard's first record in the whole export
    file: str  # its path under the export's directory

    def chunks(self, settings: ExportSettings) -> Iterator[export.Chunk]:
        """The shard in chunks of export.CHUNK_SIZE, as the local engine renders them."""
        for start in range(self.start, self.stop, export.CHUNK_SIZE):
            stop = min(start + export.CHUNK_SIZE, self.stop)
            offset = self.offset + start - self.start
            yield export.Chunk(
                self.name,
                self.difficulty,
                settings.seed,
                start,
                stop,
                offset,
                settings.format,
                settings.split,
            )


@dataclass(frozen=True)
class ExportSettings:
    """What makes an export's records: a resume must be given the same."""

    shares: tuple[tuple[str, str | None], ...]  # (bootcamp, difficulty), in output order
    count: int  # records per share
    seed: int
    format: export.Format
    split: str
    shard_size: int
    catalog: str  # SHA-256 of the catalog index

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["shares"] = [list(share) for share in self.shares]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExportSettings:
        shares = tuple((name, level) for name, level in data["shares"])
        return cls(**{**data, "shares": shares})


@dataclass
class ShardResult:
    """What a task reports of the shard it wrote."""

    file: str
    records: int
    bytes: int
    seconds: float  # the task's own time: rendering and writing


def plan_shards(settings: ExportSettings) -> list[Shard]:
    """Every shard of the export, in output order."""
    shards: list[Shard] = []
    extension = EXTENSIONS[settings.format]
    for number, (name, level) in enumerate(settings.shares):
        for start in range(0, settings.count, settings.shard_size):
            stop = min(start + settings.shard_size, settings.count)
            file = f"{name}/{level or 'default'}/part-{start:012d}.{extension}"
            shards.append(Shard(name, level, start, stop, number * settings.count + start, file))
    return shards


def auto_shard_size(total: int, cpus: int) -> int:
    """Records per shard: about SHARDS_PER_CPU shards per CPU (no worker idles long at the end),
    within [MIN_SHARD_SIZE, MAX_SHARD_SIZE] (a task's start costs little next to a few thousand
    records, and a shard stays a few seconds of work, so progress and resumes are fine-grained)."""
    return max(MIN_SHARD_SIZE, min(MAX_SHARD_SIZE, -(-total // (cpus * SHARDS_PER_CPU))))


def open_output(output: str) -> tuple[pafs.FileSystem, str]:
    """The file system and root path of an output directory or URI; OutputError when it is no
    directory pyarrow can write to."""
    if not output:
        raise export.OutputError("the output directory is empty: give a directory or a URI")
    if "://" in output:
        try:
            filesystem, root = pafs.FileSystem.from_uri(output)
        except (ValueError, OSError) as error:
            raise export.OutputError(f"cannot write to {output}: {error}") from None
    else:
        filesystem, root = pafs.LocalFileSystem(), os.path.abspath(output)
    root = root.rstrip("/") or "/"
    info = filesystem.get_file_info(root)
    if info.type == pafs.FileType.File:
        raise export.OutputError(
            f"{output} is a file: --engine ray writes a directory of shards, give a directory"
        )
    try:
        filesystem.create_dir(root, recursive=True)
    except OSError as error:
        raise export.OutputError(f"cannot create the directory {output}: {error}") from None
    return filesystem, root


def write_shard(
    shard: Shard, settings: ExportSettings, filesystem: pafs.FileSystem, root: str, pin: CatalogPin
) -> ShardResult:
    """In a Ray worker: render one shard and write it to `root/shard.file`, whole or not at all
    (written to a partial file, then moved into place)."""
    started = time.perf_counter()
    pin.apply()
    path = f"{root}/{shard.file}"
    filesystem.create_dir(path.rsplit("/", 1)[0], recursive=True)
    rendered = ((chunk, export.render_chunk(chunk)) for chunk in shard.chunks(settings))
    with filesystem.open_output_stream(path + PARTIAL) as stream:
        records = export.write_rendered(path, stream, settings.format, rendered)
    filesystem.move(path + PARTIAL, path)
    size = filesystem.get_file_info(path).size
    return ShardResult(shard.file, records, size, time.perf_counter() - started)


@dataclass
class Manifest:
    """The export's settings and its finished shards, as `manifest.json` holds them."""

    settings: ExportSettings
    done: dict[str, dict[str, Any]]  # shard file -> its entry

    def as_json(self, shards: Sequence[Shard]) -> dict[str, Any]:
        listed = [self.done[shard.file] for shard in shards if shard.file in self.done]
        counts: dict[str, dict[str, int]] = {}
        for name, level in self.settings.shares:
            counts.setdefault(name, {})[level or "default"] = 0
        for entry in listed:
            counts[entry["bootcamp"]][entry["difficulty"] or "default"] += entry["records"]
        records = sum(entry["records"] for entry in listed)
        return {
            "campforge_export": MANIFEST_VERSION,
            "complete": len(listed) == len(shards),
            "records": records,
            "total": self.settings.count * len(self.settings.shares),
            "settings": self.settings.as_json(),
            "counts": counts,
            "shards": listed,
        }

    def add(self, shard: Shard, result: ShardResult) -> None:
        self.done[shard.file] = {
            "file": shard.file,
            "bootcamp": shard.name,
            "difficulty": shard.difficulty,
            "start": shard.start,
            "stop": shard.stop,
            "records": result.records,
            "bytes": result.bytes,
            "seconds": round(result.seconds, 3),  # the task's: per-worker throughput
        }


def read_manifest(filesystem: pafs.FileSystem, root: str) -> dict[str, Any] | None:
    """The manifest in `root`, or None when there is none."""
    path = f"{root}/{MANIFEST}"
    if filesystem.get_file_info(path).type != pafs.FileType.File:
        return None
    with filesystem.open_input_stream(path) as stream:
        try:
            return json.loads(stream.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise export.OutputError(
                f"{path} is not a campforge manifest ({error}): write to another directory"
            ) from None


def write_manifest(
    filesystem: pafs.FileSystem, root: str, manifest: Manifest, shards: Sequence[Shard]
) -> None:
    """Replace the manifest whole (a partial file moved into place)."""
    path = f"{root}/{MANIFEST}"
    body = json.dumps(manifest.as_json(shards), indent=1, ensure_ascii=False).encode("utf-8")
    with filesystem.open_output_stream(path + PARTIAL) as stream:
        stream.write(body)
    filesystem.move(path + PARTIAL, path)


def resumed_manifest(
    filesystem: pafs.FileSystem, root: str, output: str, settings: ExportSettings, fixed_size: bool
) -> Manifest:
    """The manifest to go on with: the one in `root`, when its settings are these (a shard size
    left to campforge takes the stored one), else a new one for an empty directory.
    OutputError when the directory holds anything else."""
    stored = read_manifest(filesystem, root)
    if stored is None:
        listing = filesystem.get_file_info(pafs.FileSelector(root, allow_not_found=True))
        if listing:
            raise export.OutputError(
                f"{output} is not empty and holds no {MANIFEST}: give a new or empty directory"
            )
        return Manifest(settings, {})
    try:
        found = ExportSettings.from_json(stored["settings"])
        entries = {entry["file"]: entry for entry in stored["shards"]}
    except (KeyError, TypeError, ValueError) as error:
        raise export.OutputError(
            f"{output}/{MANIFEST} is not a campforge manifest (no {error}): write elsewhere"
        ) from None
    if not fixed_size:
        settings = replace(settings, shard_size=found.shard_size)
    if found != settings:
        differences = [
            f"{key} {theirs!r}, not {ours!r}"
            for key, theirs in found.as_json().items()
            if (ours := settings.as_json()[key]) != theirs
        ]
        raise export.OutputError(
            f"{output} holds an export with other settings ({'; '.join(differences)}): run the "
            "same command to resume it, or write to another directory"
        )
    return Manifest(found, entries)


def present(filesystem: pafs.FileSystem, root: str, manifest: Manifest) -> None:
    """Forget the manifest's shards whose file is gone or changed size: they are written again."""
    if not manifest.done:
        return
    listing = filesystem.get_file_info(pafs.FileSelector(root, recursive=True))
    sizes = {info.path[len(root) + 1 :]: info.size for info in listing}
    for file, entry in list(manifest.done.items()):
        if sizes.get(file) != entry["bytes"]:
            del manifest.done[file]


def export_on_ray(
    names: Sequence[str],
    count: int,
    output: str,
    *,
    difficulty: str | Sequence[str | None] | None = "medium",
    seed: int = 0,
    format: export.Format | None = None,
    split: str = "train",
    shard_size: int | None = None,
    address: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Write `count` records per bootcamp and difficulty as shards under `output` (a directory or
    a URI) on a Ray cluster (the one at `address`, the one this process has joined, or a new local
    one with every core); resume the export already there. Returns the manifest.

    `on_start(total, done)` is called once the cluster is up and the manifest read, with the
    records of the export and those already written; `on_progress(n)` with the records of each
    shard as it is finished."""
    settings, fixed_size = _settings(
        names, count, output, difficulty, seed, format, split, shard_size
    )
    filesystem, root = open_output(output)
    with cluster(address) as ray:
        if not fixed_size:
            total = count * len(settings.shares)
            size = auto_shard_size(total, cluster_cpus(ray))
            settings = replace(settings, shard_size=size)
        manifest = resumed_manifest(filesystem, root, output, settings, fixed_size)
        present(filesystem, root, manifest)
        shards = plan_shards(manifest.settings)
        todo = [shard for shard in shards if shard.file not in manifest.done]
        if on_start is not None:
            done = sum(entry["records"] for entry in manifest.done.values())
            on_start(count * len(settings.shares), done)
        _run_shards(ray, todo, manifest, shards, filesystem, root, on_progress)
        write_manifest(filesystem, root, manifest, shards)
    return manifest.as_json(shards)


def _settings(
    names: Sequence[str],
    count: int,
    output: str,
    difficulty: str | Sequence[str | None] | None,
    seed: int,
    format: export.Format | None,
    split: str,
    shard_size: int | None,
) -> tuple[ExportSettings, bool]:
    """The export's settings, checked before any work (and whether the shard size was given)."""
    if count < 0:
        raise ValueError("count must be >= 0")
    format = format or ("parquet" if output.rstrip("/").endswith(".parquet") else "jsonl")
    if format not in export.FORMATS:
        raise ValueError(f"unknown format {format!r}: use {export.FORMAT_NAMES}")
    if shard_size is not None and shard_size < 1:
        raise ValueError("the shard size must be at least 1 record")
    shares = tuple(
        (name, level) for name in names for level in export.difficulties_of(name, difficulty)
    )
    digest = CatalogPin.of_driver().digest
    settings = ExportSettings(shares, count, seed, format, split, shard_size or 0, digest)
    return settings, shard_size is not None


def _run_shards(
    ray: Any,
    todo: Sequence[Shard],
    manifest: Manifest,
    shards: Sequence[Shard],
    filesystem: pafs.FileSystem,
    root: str,
    on_progress: Callable[[int], None] | None,
) -> None:
    """Run the shards' tasks, a bounded window at a time (two per CPU), recording each in the
    manifest as it finishes; on any failure or interrupt, cancel the rest and save the manifest."""
    task = ray.remote(max_retries=SHARD_RETRIES)(write_shard)
    shared = [ray.put(value) for value in (manifest.settings, filesystem, root)]
    pin = CatalogPin.of_driver()
    window = 2 * cluster_cpus(ray)
    pending = iter(todo)
    running: dict[Any, Shard] = {}
    saved = float("-inf")  # the first shard finished is saved at once

    def submit() -> None:
        shard = next(pending, None)
        if shard is not None:
            running[task.remote(shard, *shared, pin)] = shard

    try:
        for _ in range(window):
            submit()
        while running:
            ready, _ = ray.wait(list(running), num_returns=1)
            for ref in ready:
                shard = running.pop(ref)
                try:
                    result = ray.get(ref)
                except ray.exceptions.RayTaskError as error:
                    raise unwrap_task_error(ray, error) from None
                except ray.exceptions.RayError as error:  # its worker died every time
                    reason = str(error).strip().splitlines()[0]
                    raise ShardError(
                        f"shard {shard.file} failed {SHARD_RETRIES + 1} time(s) ({reason}): the "
                        "finished shards are in the manifest; run the same command to resume"
                    ) from None
                manifest.add(shard, result)
                submit()
                if on_progress is not None:
                    on_progress(result.records)
            if time.monotonic() - saved >= MANIFEST_SECONDS:
                write_manifest(filesystem, root, manifest, shards)
                saved = time.monotonic()
    finally:
        for ref in running:
            ray.cancel(ref, force=True)
        if running:
            write_manifest(filesystem, root, manifest, shards)
