"""Ray for campforge: join or start a cluster, make every worker read the driver's catalog, and
score a batch of responses on it (`reward.score_batch(..., engine="ray")`).

Ray is the optional extra `campforge[ray]`. Neither the base install nor `generated_bootcamps`
imports this module or Ray: only the Ray paths do (`score_batch(engine="ray")`,
`campforge generate --engine ray`, `campforge audit --engine ray`).

Workers read the catalog the driver reads. The driver sends its catalog directory and the SHA-256
of its index with every task (`CatalogPin`): a worker that has that directory with the same index
(a local cluster, a shared file system) reads it; any other worker reads its own catalog, which
must have the same index, or the task fails with `CatalogMismatchError` saying so (a node with
another catalog would write other records under the same names).
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generated_bootcamps import catalog

INSTALL_HINT = "Ray is not installed: pip install 'campforge[ray]'"
CONNECT_SECONDS = 5.0  # to reach a cluster's address before handing it to ray.init
SCORE_TASKS_PER_CPU = 4  # tasks per CPU of the cluster for one batch: a slow task is not the tail


class RayUnavailableError(ValueError):
    """Ray is not installed, or the cluster asked for cannot be reached."""


class CatalogMismatchError(ValueError):
    """A worker reads a catalog whose index differs from the driver's."""


def import_ray() -> Any:
    """The `ray` module; RayUnavailableError saying how to install it when it is missing."""
    try:
        import ray
    except ModuleNotFoundError as error:
        if error.name != "ray":
            raise
        raise RayUnavailableError(INSTALL_HINT) from None
    return ray


@contextmanager
def cluster(address: str | None = None, num_cpus: int | None = None) -> Iterator[Any]:
    """Ray, ready to take tasks: the cluster this process has joined already (left running), the
    one at `address` (host:port, ray://..., or auto), or else a new local one with `num_cpus`
    CPUs (default: the machine's cores), stopped on exit."""
    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    if address:
        check_reachable(address)
        options: dict[str, Any] = {"address": address}
    else:
        options = {"address": "local", "num_cpus": num_cpus or os.cpu_count() or 1}
    try:
        ray.init(**options, include_dashboard=False, logging_level=logging.WARNING)
    except ConnectionError as error:
        raise RayUnavailableError(f"cannot join the Ray cluster at {address}: {error}") from None
    try:
        yield ray
    finally:
        ray.shutdown()


def check_reachable(address: str) -> None:
    """A host:port address must accept a connection within CONNECT_SECONDS (ray.init would wait
    minutes for one that never answers); other forms (ray://, auto) are left to Ray."""
    host, _, port = address.rpartition(":")
    if "://" in address or not host or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as error:
        raise RayUnavailableError(
            f"no Ray cluster answers at {address} ({error.strerror or error}): start one with "
            "`ray start --head`, or leave out --address for a local one"
        ) from None


def cluster_cpus(ray: Any) -> int:
    """The CPUs of the cluster (at least 1)."""
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def index_digest(directory: Path) -> str | None:
    """SHA-256 of a catalog directory's index file; None when it has none."""
    try:
        return hashlib.sha256((directory / catalog.INDEX_FILE).read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class CatalogPin:
    """The driver's catalog, as a task carries it to a worker."""

    directory: str
    digest: str

    @classmethod
    def of_driver(cls) -> CatalogPin:
        """The catalog this process reads (CAMPFORGE_CATALOG, the repository here, or the
        installed one)."""
        directory = catalog.catalog_dir()
        return cls(str(directory), index_digest(directory) or "")

    def apply(self) -> None:
        """In a worker, before any catalog lookup: read the driver's catalog directory when this
        node has it with the same index, else this node's own catalog, which must match."""
        if index_digest(Path(self.directory)) == self.digest:
            os.environ[catalog.ENVIRONMENT_VARIABLE] = self.directory
            return
        os.environ.pop(catalog.ENVIRONMENT_VARIABLE, None)
        own = catalog.catalog_dir()
        if index_digest(own) != self.digest:
            raise CatalogMismatchError(
                f"worker on {socket.gethostname()} reads the catalog at {own}, whose index "
                f"differs from the driver's ({self.directory}): install the same catalog on "
                "every node (or put it on a shared file system at the same path)"
            )


def unwrap_task_error(ray: Any, error: BaseException) -> BaseException:
    """The exception a task raised (a RayTaskError wraps it with the remote traceback)."""
    cause = getattr(error, "cause", None)
    if isinstance(error, ray.exceptions.RayTaskError) and isinstance(cause, BaseException):
        return cause
    return error


def _score_on_worker(pin: CatalogPin, items: Sequence[tuple[str, str, Any]]) -> list[float]:
    from generated_bootcamps import reward

    pin.apply()
    return reward._score_items(items)


def score_on_ray(
    items: Sequence[tuple[str, str, Any]], tasks: int | None = None, address: str | None = None
) -> list[float]:
    """Scores of (data_source, response, ground_truth) items, in order, in about `tasks` Ray
    tasks (default: SCORE_TASKS_PER_CPU per CPU of the cluster). Uses the cluster this process
    has joined, the one at `address`, or a local one started for the call. A mistake in the call
    raises the ValueError the local engine raises."""
    if not items:
        return []
    with cluster(address) as ray:
        tasks = tasks or cluster_cpus(ray) * SCORE_TASKS_PER_CPU
        size = -(-len(items) // max(1, tasks))
        score, pin = ray.remote(_score_on_worker), CatalogPin.of_driver()
        parts = [items[start : start + size] for start in range(0, len(items), size)]
        try:
            chunks = ray.get([score.remote(pin, part) for part in parts])
        except ray.exceptions.RayTaskError as error:
            raise unwrap_task_error(ray, error) from None
    return [score for chunk in chunks for score in chunk]
