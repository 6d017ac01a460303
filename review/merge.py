"""Merging an approved candidate into the catalog: files, index and one git commit.

The merge re-runs the self-test first and refuses a candidate that no longer passes. It refuses,
changing nothing, when the catalog repository is missing, when the catalog's files have
uncommitted changes, or when the name is already in the catalog. Merges are serialised by a lock
file in the repository's git directory, so two approvals at once (two processes) both land with
a consistent index; merging a candidate that has already landed returns its commit again.

The commit carries the provenance as trailers (spec hash, model, prompt version, repair rounds,
reviewer, self-test summary, candidate); the index entry carries the same fields. Text from the
queue reaches the written files only as data: the package docstring through `agent.pyliteral`,
the index as JSON, the reviewer checked by `review.identity` before anything is written.

A candidate imported from a library (`campforge audit --queue`, `Candidate.imported`) lands the
same way, with its companion files as `<name>/bootcamp.d/` beside `<name>/bootcamp.py` (the
adapter finds them there, so the package needs nothing of the library), its provenance
(library, version, module, class) in the index entry and as trailers, and its self-test re-run
as the audit ran it (the parts it lacks, e.g. difficulty levels, reported not applicable).

A merge that dies half-way (SIGKILL, a full disk) is finished or undone by the next merge into
that catalog: a journal file in the git directory names the candidate being merged, and a
commit whose `Campforge-Candidate:` trailer names the candidate proves that it landed.
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import git

from agent import pyliteral, pysource
from agent.spec import NAME_PATTERN, parse_specs
from generated_bootcamps import answers, catalog
from review.identity import InvalidReviewer, Reviewer, parse_reviewer
from review.store import Candidate, QueueStore

JOURNAL = "campforge-merge-journal.json"  # in the git directory, while a merge is under way


class MergeError(RuntimeError):
    """The merge was refused; nothing was changed."""


@dataclass(frozen=True)
class Merged:
    name: str
    commit: str
    already: bool = False  # the candidate had landed before: nothing new was committed


def catalog_repo(directory: Path) -> git.Repo:
    """The git repository holding the catalog directory."""
    if not (directory / catalog.INDEX_FILE).exists():
        raise MergeError(f"no catalog at {directory}: {catalog.INDEX_FILE} is missing")
    try:
        return git.Repo(directory, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise MergeError(
            f"the catalog at {directory} is not in a git repository: run `git init` there, "
            "or set CAMPFORGE_CATALOG to a catalog inside one"
        ) from None


def merge_target() -> Path:
    """The catalog a merge lands in: CAMPFORGE_CATALOG or the repository you stand in (never the
    installed package), with an index, inside a git repository. Raises MergeError saying what
    to do."""
    try:
        directory = catalog.writable_catalog_dir()
    except catalog.NoCatalogError as error:
        raise MergeError(str(error)) from None
    catalog_repo(directory)
    return directory


@contextmanager
def merge_lock(repo: git.Repo) -> Iterator[None]:
    """One merge at a time per repository, across processes."""
    path = Path(repo.git_dir) / "campforge-merge.lock"
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def merge_candidate(
    store: QueueStore,
    candidate_id: int,
    *,
    reviewer: str | None,
    directory: Path | None = None,
    selftest: Callable[[Path, Any], Any] | None = None,
) -> Merged:
    """Land an approved candidate in the catalog at `directory` (default: `merge_target()`)."""
    candidate = store.get(candidate_id)
    if candidate.commit_sha:
        return Merged(candidate.name, candidate.commit_sha, already=True)
    if candidate.status != "approved":
        raise MergeError(f"candidate #{candidate_id} is {candidate.status}, not approved")
    if not NAME_PATTERN.match(candidate.name):
        raise MergeError(f"candidate #{candidate_id} has no usable name: {candidate.name!r}")
    try:
        who = parse_reviewer(reviewer or "campforge")
    except InvalidReviewer as error:
        raise MergeError(
            f"{error}; merge it with `campforge review merge {candidate_id} --reviewer NAME`"
        ) from None
    directory = (directory or merge_target()).resolve()
    repo = catalog_repo(directory)
    with merge_lock(repo):
        _recover(repo, directory, store)
        candidate = store.get(candidate_id)  # another process may have merged it meanwhile
        if candidate.commit_sha:
            return Merged(candidate.name, candidate.commit_sha, already=True)
        landed = _landed_commit(repo, candidate)
        if landed:  # committed by a merge that died before it could say so
            store.mark(candidate_id, "merged", commit_sha=landed, note=f"commit {landed[:12]}")
            return Merged(candidate.name, landed, already=True)
        _refuse_unsafe(repo, directory, candidate)
        report = _selftest_again(candidate, selftest)
        journal = Path(repo.git_dir) / JOURNAL
        journal.write_text(json.dumps(_journal_entry(store, candidate)), encoding="utf-8")
        try:
            written = _write_files(directory, candidate, report, who)
            commit = _commit(repo, written, candidate, report, who)
        except Exception:
            _undo(repo, directory, candidate.name)
            journal.unlink()
            raise
        store.mark(candidate_id, "merged", commit_sha=commit, note=f"commit {commit[:12]}")
        journal.unlink()
        return Merged(candidate.name, commit)


def _journal_entry(store: QueueStore, candidate: Candidate) -> dict[str, Any]:
    return {
        "database": store.identity,
        "candidate_id": candidate.id,
        "run_id": candidate.run_id,
        "name": candidate.name,
    }


def _recover(repo: git.Repo, directory: Path, store: QueueStore) -> None:
    """Finish or undo a merge that died half-way, as its journal says (under the merge lock)."""
    journal = Path(repo.git_dir) / JOURNAL
    if not journal.exists():
        return
    entry = json.loads(journal.read_text(encoding="utf-8"))
    landed = _commit_with_trailer(repo, f"{entry['run_id']}#{entry['candidate_id']}")
    if not landed:
        _undo(repo, directory, entry["name"])
    elif entry["database"] == store.identity:
        note = f"commit {landed[:12]} (found after an interrupted merge)"
        store.mark(entry["candidate_id"], "merged", commit_sha=landed, note=note)
    journal.unlink()


def _landed_commit(repo: git.Repo, candidate: Candidate) -> str | None:
    return _commit_with_trailer(repo, f"{candidate.run_id}#{candidate.id}")


def _commit_with_trailer(repo: git.Repo, candidate_ref: str) -> str | None:
    """The commit on HEAD whose Campforge-Candidate trailer is `candidate_ref`, if any."""
    if not repo.head.is_valid():
        return None
    pattern = f"^Campforge-Candidate: {candidate_ref}$"
    found = repo.git.log("--format=%H", "-n1", "--extended-regexp", f"--grep={pattern}")
    return found.strip() or None


def _refuse_unsafe(repo: git.Repo, directory: Path, candidate: Candidate) -> None:
    relative = directory.relative_to(Path(repo.working_tree_dir or "").resolve())
    scope = str(relative) if str(relative) != "." else None
    changed = {item.a_path for item in repo.index.diff(None, paths=scope)}
    if repo.head.is_valid():
        changed |= {item.a_path for item in repo.index.diff("HEAD", paths=scope)}
    changed |= {path for path in repo.untracked_files if scope is None or path.startswith(scope)}
    if changed:
        files = ", ".join(sorted(changed)[:5])
        raise MergeError(
            f"the catalog has uncommitted changes ({files}): commit or discard them first"
        )
    if candidate.name in catalog.read_index(directory) or (directory / candidate.name).exists():
        raise MergeError(
            f"a bootcamp named {candidate.name!r} is already in the catalog: rename the spec "
            "(front matter `name:`) and draft it again"
        )


def _selftest_again(candidate: Candidate, selftest: Callable[[Path, Any], Any] | None) -> Any:
    from agent.selftest import run_selftest

    spec = None
    if not candidate.imported:
        spec = next(
            (
                spec
                for spec in parse_specs(candidate.spec_text, candidate.spec_path)
                if spec.name == candidate.name
            ),
            None,
        )
    with tempfile.TemporaryDirectory(prefix="campforge-merge-") as scratch:
        module = write_module(Path(scratch), candidate.name, candidate)
        if selftest is None and candidate.imported:
            selftest = _imported_selftest(candidate)
        report = (selftest or (lambda path, spec: run_selftest(path, spec=spec)))(module, spec)
    if report.verdict != "pass":
        raise MergeError(
            f"candidate #{candidate.id} no longer passes the self-test ({report.summary_line()}): "
            "not merged"
        )
    return report


def write_module(directory: Path, stem: str, candidate: Candidate) -> Path:
    """The candidate's code as `<directory>/<stem>.py`, with its companion files (if any) in
    `<stem>.d/`, where the code finds them; the module's path."""
    module = directory / f"{stem}.py"
    module.write_text(candidate.code, encoding="utf-8")
    for relative, text in (candidate.companion or {}).items():
        path = _inside(directory / f"{stem}.d", relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return module


def _inside(root: Path, relative: str) -> Path:
    """`root / relative`, refused when `relative` would leave `root` (the queue's text is data)."""
    parts = Path(relative).parts
    if not parts or Path(relative).is_absolute() or any(p in ("..", ".", "") for p in parts):
        raise MergeError(f"the candidate's companion file {relative!r} is not a plain path")
    return root.joinpath(*parts)


def _imported_selftest(candidate: Candidate) -> Callable[[Path, Any], Any]:
    """The self-test as the audit ran it: its settings (and sample size), and the parts the
    library's bootcamp lacks reported not applicable."""
    from dataclasses import replace

    from agent.audit.core import AUDIT_SETTINGS
    from agent.selftest import run_selftest

    provenance = candidate.provenance or {}
    settings = replace(AUDIT_SETTINGS, cases=int(provenance.get("cases") or AUDIT_SETTINGS.cases))
    lacks = {str(k): str(v) for k, v in (provenance.get("lacks") or {}).items()}
    return lambda path, spec: run_selftest(path, settings=settings, lacks=lacks)


def _write_files(
    directory: Path, candidate: Candidate, report: Any, reviewer: Reviewer
) -> list[Path]:
    from agent.parts import render_test

    target = directory / candidate.name
    target.mkdir()
    class_name, kind = _class_facts(candidate.code)
    written = []
    if candidate.companion:
        write_module(target, "bootcamp", candidate)
        written = sorted(path for path in (target / "bootcamp.d").rglob("*") if path.is_file())
    files = {
        "__init__.py": package_docstring(candidate.name, reviewer, candidate.provenance),
        "bootcamp.py": candidate.code,
        "spec.md": candidate.spec_text.rstrip() + "\n",
        "selftest.json": report.model_dump_json(indent=2) + "\n",
        f"test_{candidate.name}.py": render_test(
            candidate.name, class_name, _module_name(directory, candidate.name)
        ),
    }
    for filename, text in files.items():
        (target / filename).write_text(text, encoding="utf-8")
        written.append(target / filename)
    index = catalog.read_index(directory)
    index[candidate.name] = catalog.CatalogEntry(
        name=candidate.name,
        path=f"{candidate.name}/bootcamp.py",
        class_name=class_name,
        domain=candidate.domain,
        description=candidate.description,
        answer_kind=kind,
        provenance=_catalog_provenance(candidate, report, reviewer),
    )
    written.append(catalog.write_index(index, directory))
    return written


IMPORT_FIELDS = ("library", "version", "module", "class")  # an import's provenance, as data


def _catalog_provenance(candidate: Candidate, report: Any, reviewer: Reviewer) -> Any:
    """The index entry's provenance: a drafted candidate's spec, model and rounds, or an
    imported one's library, version, module and class."""
    added = datetime.now(UTC).date().isoformat()
    if candidate.imported:
        origin = candidate.provenance or {}
        return catalog.Provenance(
            source="imported",
            spec_hash=candidate.spec_hash,
            reviewer=str(reviewer),
            selftest=report.summary_line(),
            added=added,
            extra={key: str(origin.get(key, "")) for key in IMPORT_FIELDS},
        )
    return catalog.Provenance(
        source="generated",
        spec_hash=candidate.spec_hash,
        model=candidate.model,
        prompt_version=candidate.prompt_version,
        rounds=candidate.rounds,
        reviewer=str(reviewer),
        selftest=report.summary_line(),
        added=added,
    )


def _module_name(directory: Path, name: str) -> str:
    """The module the merged bootcamp's test imports: through the package when the catalog is a
    checkout's `generated_bootcamps/` (pytest there imports that package)."""
    if directory.name == "generated_bootcamps":
        return f"generated_bootcamps.{name}.bootcamp"
    return f"campforge_catalog.{name}"


def _class_facts(code: str) -> tuple[str, str]:
    """The Bootcamp subclass's name and its answer kind, read with ast (never imported here)."""
    tree = pysource.parse(code)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(
            getattr(base, "id", "") == "Bootcamp" for base in node.bases
        ):
            kind = "custom"
            for item in node.body:
                targets = item.targets if isinstance(item, ast.Assign) else []
                if any(getattr(t, "id", "") == "answer_kind" for t in targets):
                    value = item.value  # type: ignore[union-attr]
                    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                        kind = answers.kind_name(value.func.id)
            return node.name, kind
    raise MergeError("the candidate defines no Bootcamp subclass")


def package_docstring(name: str, reviewer: Reviewer, imported: dict[str, Any] | None = None) -> str:
    """The merged package's `__init__.py`: its docstring and nothing else."""
    if imported is not None:
        origin = ", ".join(f"{key} {imported.get(key, '')}" for key in IMPORT_FIELDS)
        text = f"{name}: imported by campforge ({origin}), reviewed by {reviewer}."
        return pyliteral.docstring(text) + "\n"
    return pyliteral.docstring(f"{name}: generated by campforge, reviewed by {reviewer}.") + "\n"


def _commit(
    repo: git.Repo, written: list[Path], candidate: Candidate, report: Any, reviewer: Reviewer
) -> str:
    repo.index.add([str(path) for path in written])
    trailers = _origin_trailers(candidate)
    trailers |= {
        "Campforge-Reviewer": str(reviewer),
        "Campforge-Selftest": report.summary_line(),
        "Campforge-Candidate": f"{candidate.run_id}#{candidate.id}",
    }
    message = (
        f"Add bootcamp {candidate.name}\n\n{_one_paragraph(candidate.description)}\n\n"
        + "\n".join(f"{key}: {_one_paragraph(value)}" for key, value in trailers.items())
        + "\n"
    )
    author = git.Actor(reviewer.name, reviewer.git_email)
    return repo.index.commit(message, author=author, committer=author).hexsha


def _origin_trailers(candidate: Candidate) -> dict[str, str]:
    """Where the candidate came from, as commit trailers."""
    if candidate.imported:
        origin = candidate.provenance or {}
        return {
            "Campforge-Source": "imported",
            "Campforge-Library": str(origin.get("library", "")),
            "Campforge-Library-Version": str(origin.get("version", "")),
            "Campforge-Module": str(origin.get("module", "")),
            "Campforge-Class": str(origin.get("class", "")),
        }
    return {
        "Campforge-Spec-Hash": candidate.spec_hash,
        "Campforge-Model": candidate.model or "none (offline spec)",
        "Campforge-Prompt-Version": candidate.prompt_version or "none",
        "Campforge-Rounds": str(candidate.rounds),
    }


def _one_paragraph(text: str) -> str:
    """Text as one line of printable words: it cannot start a paragraph or a trailer of its own."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _undo(repo: git.Repo, directory: Path, name: str) -> None:
    """Put the catalog back as it was before a merge that failed half-way."""
    target, index_file = directory / name, directory / catalog.INDEX_FILE
    with contextlib.suppress(git.GitCommandError):  # unstage whatever was added
        repo.git.reset("-q", "HEAD", "--", str(target), str(index_file))
    shutil.rmtree(target, ignore_errors=True)
    repo.git.checkout("--", str(index_file))


def merge_for_graph(store: QueueStore) -> Callable[[int, str | None], dict[str, Any]]:
    """The graph's merge step: merge, and say how it went instead of raising. A merge that fails
    leaves the candidate approved, with the reason in its history, for `campforge review merge`."""

    def merge(candidate_id: int, reviewer: str | None) -> dict[str, Any]:
        try:
            merged = merge_candidate(store, candidate_id, reviewer=reviewer)
        except Exception as error:  # refused or broken: either way the decision stays retryable
            reason = (
                str(error) if isinstance(error, MergeError) else f"{type(error).__name__}: {error}"
            )
            store.mark(candidate_id, "approved", note=f"merge failed: {reason}")
            return {"outcome": "merge_failed", "reason": reason}
        return {"outcome": "merged", "reason": f"merged as {merged.name} in {merged.commit[:12]}"}

    return merge
