"""Third-party packages in the sandbox: exactly the ones a bootcamp declares, read-only.

A bootcamp declares what it needs beyond the standard library as a class attribute,

    class Primes(Bootcamp):
        requires = ("sympy",)

(a spec as `requires: [sympy]` in its front matter, which the rendered module carries). The
sandbox then makes those distributions, and the distributions they depend on (their
`Requires-Dist`, markers evaluated, extras ignored), importable from campforge's own environment:

- `view(requires)` builds a root-owned directory of symlinks, one per top-level entry of each
  distribution (package directory, single-file module, `.libs` directory of vendored shared
  libraries, `.dist-info`), read from the distributions' RECORD files. The worker appends it to
  `sys.path`; nothing else of site-packages is on it.
- `Packages.mounts` tells the launcher what to show inside the mount namespace (when root): the
  site-packages directory is hidden behind an empty tmpfs and only the listed entries are bound
  back, so everything else there does not exist for the sandbox; every bind is remounted
  read-only like the rest of the tree. Without root (no mount namespace) only `sys.path` limits
  what is importable, as the rest of that mode's weaker isolation.

A top-level directory shared by several distributions (a namespace package such as `google`) is
shown whole once one of them is required.

`ALLOWED` is the short list of packages an LLM-drafted bootcamp may require: the drafting prompt
lists it and a spec naming another package is an error. The audit's adapters of third-party
libraries (reasoning-gym) require their library, which is not on that list: the sandbox itself
accepts any installed distribution, the caller decides.
"""

from __future__ import annotations

import ast
import atexit
import importlib.metadata
import re
import shutil
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from agent.sandbox.host import SandboxError

# What an LLM-drafted bootcamp may require (the drafting prompt renders this list).
ALLOWED = ("numpy", "sympy")
ATTRIBUTE = "requires"
_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")


class RequirementError(SandboxError):
    """A declared requirement that cannot be met: malformed, or not installed here."""


def normalize(name: str) -> str:
    """The PEP 503 form of a distribution name: `Reasoning_Gym` -> `reasoning-gym`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def check_names(names: object, where: str = "requires") -> tuple[str, ...]:
    """`names` as a tuple of distribution names; RequirementError when it is not a list of
    plain names."""
    if isinstance(names, str) or not isinstance(names, list | tuple):
        raise RequirementError(f"{where} must be a list of package names, not {names!r}")
    for name in names:
        if not isinstance(name, str) or not _NAME.match(name):
            raise RequirementError(
                f"{where} names {name!r}: give plain package names such as 'numpy' "
                "(no versions: the sandbox uses the version installed with campforge)"
            )
    return tuple(names)


def declared(source: str) -> tuple[str, ...]:
    """The `requires` class attribute of the module's top-level classes (a literal list or tuple
    of names), read without running the module; () when there is none or the source does not
    parse (the worker reports that). RequirementError for a value that is not a literal list."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return ()
    found: list[str] = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for statement in node.body:
            value = _requires_value(statement)
            if value is None:
                continue
            try:
                names = ast.literal_eval(value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                raise RequirementError(
                    f"{node.name}.{ATTRIBUTE} must be a literal list of package names"
                ) from None
            found += [n for n in check_names(names, f"{node.name}.{ATTRIBUTE}") if n not in found]
    return tuple(found)


def _requires_value(statement: ast.stmt) -> ast.expr | None:
    if isinstance(statement, ast.Assign) and any(
        isinstance(target, ast.Name) and target.id == ATTRIBUTE for target in statement.targets
    ):
        return statement.value
    if (
        isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and statement.target.id == ATTRIBUTE
    ):
        return statement.value
    return None


# -- the distributions and their files -------------------------------------------------------------


def closure(names: tuple[str, ...]) -> list[importlib.metadata.Distribution]:
    """The distributions named and every distribution they need, in a stable order.
    RequirementError names the first one that is not installed in campforge's environment."""
    from packaging.requirements import InvalidRequirement, Requirement

    found: dict[str, importlib.metadata.Distribution] = {}
    pending = [(name, None) for name in names]
    while pending:
        name, needed_by = pending.pop(0)
        key = normalize(name)
        if key in found:
            continue
        try:
            dist = importlib.metadata.distribution(key)
        except importlib.metadata.PackageNotFoundError:
            via = f" (needed by {needed_by})" if needed_by else ""
            raise RequirementError(
                f"required package {name!r}{via} is not installed in campforge's environment: "
                "install it there (scripts/setup.sh installs the pinned ones) or drop it"
            ) from None
        found[key] = dist
        for line in dist.requires or []:
            try:
                requirement = Requirement(line)
            except InvalidRequirement:
                continue
            marker = requirement.marker
            if marker is not None and not marker.evaluate({"extra": ""}):
                continue  # an extra's dependency, or another platform's / Python's
            pending.append((requirement.name, dist.metadata["Name"]))
    return [found[key] for key in sorted(found)]


def top_level(dist: importlib.metadata.Distribution) -> tuple[Path, set[str]]:
    """(site-packages directory, the distribution's top-level entries there), from RECORD:
    package directories, single-file modules, `.libs` directories and its `.dist-info`.
    Scripts outside site-packages and `.pth` files (which run code at start-up) are left out."""
    site = Path(str(dist.locate_file(""))).resolve()
    entries: set[str] = set()
    for file in dist.files or []:
        parts = Path(str(file)).parts
        if not parts or parts[0] in ("..", "__pycache__") or Path(parts[0]).is_absolute():
            continue
        if len(parts) == 1 and parts[0].endswith(".pth"):
            continue
        entries.add(parts[0])
    return site, {entry for entry in entries if (site / entry).exists()}


@dataclass(frozen=True)
class Packages:
    """What the sandbox shows of site-packages: `view` goes on the worker's sys.path, `mounts`
    (site directory -> its entries to bind back) go to the launcher, `names` into the report."""

    view: Path
    mounts: dict[str, list[str]]
    names: tuple[str, ...]


_lock = threading.Lock()
_views: dict[tuple[str, ...], Packages] = {}


def view(requires: tuple[str, ...]) -> Packages | None:
    """The sandbox's view of the required distributions (None when nothing is required), built
    once per process and set of names; removed at exit with the other sandbox libraries."""
    if not requires:
        return None
    key = tuple(sorted({normalize(name) for name in requires}))
    with _lock:
        if key in _views:
            return _views[key]
        dists = closure(key)
        root = Path(tempfile.mkdtemp(prefix="campforge-sbx-pkgs-"))
        try:
            mounts = _link(dists, root)
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        for path in [root, *root.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o755)
        names = tuple(f"{d.metadata['Name']}=={d.version}" for d in dists)
        _views[key] = Packages(root, mounts, names)
        return _views[key]


def _remove_views() -> None:
    for packages in _views.values():
        shutil.rmtree(packages.view, ignore_errors=True)


atexit.register(_remove_views)


def _link(dists: list[importlib.metadata.Distribution], root: Path) -> dict[str, list[str]]:
    """Symlink every top-level entry of `dists` into `root`; the entries per site directory."""
    mounts: dict[str, list[str]] = {}
    for dist in dists:
        site, entries = top_level(dist)
        for entry in sorted(entries):
            link = root / entry
            if link.is_symlink() or link.exists():
                continue  # two distributions sharing a top-level name (a namespace package)
            link.symlink_to(site / entry)
            mounts.setdefault(str(site), []).append(entry)
    return mounts
