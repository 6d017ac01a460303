"""`campforge audit SOURCE --queue`: each passing library bootcamp into the review queue.

A queued import is a candidate like a drafted one (`review.store.QueueStore`), with:

- `code`: the adapter the audit self-tested (`internbootcamp.adapter_source`), and `companion`:
  the files it imports, kept in the queue, so that the candidate needs the library no more: the
  module's source, InternBootcamp's base class, the adapter's support code (standard library
  only) and the library's LICENSE. An approval writes them into the catalog as
  `<name>/bootcamp.py` and `<name>/bootcamp.d/`.
- `provenance`: where it came from: `library`, `version` (`git <commit>` when the module is
  committed unchanged in a git repository, else `sha256:<hash>` of the module and its base
  class), `module` (its path in the library), `class`; and what the merge's self-test needs to
  judge it as the audit did (`lacks`, `cases`); `code_hash` covers code and companion.

Only a bootcamp that passed with a reference answer (an answer key found in its identities) is
queued: the catalog's reward functions need `solve()`. One that passed the verifier-only checks
is reported as not queued, with the reason. Queueing the same bootcamp again (same provenance,
same code) finds the candidate already there: its graph thread id is a hash of both.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from agent.audit import internbootcamp as ib
from agent.audit.core import AUDIT_SETTINGS, Target
from agent.spec import NAME_PATTERN
from review.store import QueueStore

LIBRARY = "internbootcamp"
DOMAIN = "internbootcamp"
THREAD_PREFIX = "import/"
GIT_TIMEOUT = 20


@dataclass(frozen=True)
class QueueOutcome:
    """What `--queue` did with one passing bootcamp."""

    name: str
    outcome: str  # "queued", "already queued" or "not queued"
    reason: str
    candidate_id: int | None = None


def queue_passing(
    store: QueueStore, targets: list[Target], rows: list[dict[str, Any]]
) -> list[QueueOutcome]:
    """Queue every bootcamp of `targets` whose row (same order) passed; one outcome each."""
    outcomes = []
    for target, row in zip(targets, rows, strict=True):
        if row.get("verdict") == "pass":
            outcomes.append(queue_one(store, target, row))
    return outcomes


def queue_one(store: QueueStore, target: Target, row: dict[str, Any]) -> QueueOutcome:
    """Queue one passing bootcamp, or say why not."""
    if target.kind != "internbootcamp" or target.class_name is None or target.root is None:
        return QueueOutcome(target.name, "not queued", "only library bootcamps are imported")
    if row.get("answer_key") is None:
        return QueueOutcome(
            target.name,
            "not queued",
            "it passed the verifier-only checks: no reference answer was found in its "
            "identities, and a catalog bootcamp needs solve()",
        )
    module = ib.IBModule(target.module, target.class_name, target.root)
    name = ib.campforge_name(module)
    if not NAME_PATTERN.match(name):
        return QueueOutcome(target.name, "not queued", f"no usable campforge name ({name!r})")
    try:
        fields = candidate_fields(module, row)
    except (OSError, ValueError) as error:
        return QueueOutcome(target.name, "not queued", str(error))
    thread = fields["thread_id"]
    with store.connection() as db:
        found = db.execute(
            "SELECT id FROM candidates WHERE thread_id = ? AND attempt = 0", (thread,)
        ).fetchone()
    if found is not None:
        return QueueOutcome(
            target.name, "already queued", "same provenance and code", int(found["id"])
        )
    candidate_id = store.add(**fields)
    return QueueOutcome(target.name, "queued", f"as {name}", candidate_id)


def candidate_fields(module: ib.IBModule, row: dict[str, Any]) -> dict[str, Any]:
    """The queue's fields for an imported bootcamp (`QueueStore.add`)."""
    facts = ib.read_module(module)
    if facts.unusable:
        raise ValueError(f"{module.relative} can no longer be adapted: {facts.unusable}")
    style, _, rendering = (row.get("writer") or "tags/text").partition("/")
    wiring = ib.Wiring(row["answer_key"], style, rendering or "text")
    code = ib.adapter_source(module, facts, wiring)
    companion = ib.companion_files(module, facts)
    report = row["report"]
    provenance = {
        "library": LIBRARY,
        "version": library_version(module),
        "module": module.relative,
        "class": module.class_name,
        "answer_key": row["answer_key"],
        "lacks": {"difficulty": ib.single_level_reason(facts.params)},
        "cases": int(report.get("cases_per_difficulty") or AUDIT_SETTINGS.cases),
        "code_hash": code_hash(code, companion),
    }
    identity = {key: provenance[key] for key in ("library", "version", "module", "class")}
    identity["code_hash"] = provenance["code_hash"]
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()
    name = ib.campforge_name(module)
    description = f"InternBootcamp's {module.class_name} ({module.relative})"
    spec_text = import_spec(name, description, provenance)
    return {
        "run_id": f"import-{digest[:12]}",
        "thread_id": f"{THREAD_PREFIX}{digest[:32]}",
        "attempt": 0,
        "name": name,
        "domain": DOMAIN,
        "description": description,
        "spec_path": str(module.path),
        "spec_text": spec_text,
        "spec_hash": hashlib.sha256(spec_text.encode()).hexdigest(),
        "code": code,
        "report": report,
        "rounds": 0,
        "model": None,
        "prompt_version": None,
        "novelty": {},
        "provenance": provenance,
        "companion": companion,
    }


def code_hash(code: str, companion: dict[str, str]) -> str:
    digest = hashlib.sha256(code.encode())
    for path in sorted(companion):
        digest.update(b"\0" + path.encode() + b"\0" + companion[path].encode())
    return digest.hexdigest()


def import_spec(name: str, description: str, provenance: dict[str, Any]) -> str:
    """The spec a reviewer reads for an import: what it is and where it came from (data only:
    it is never parsed into code)."""
    front = yaml.safe_dump(
        {"name": name, "domain": DOMAIN, "description": description, "source": "imported"},
        sort_keys=False,
        allow_unicode=True,
    )
    return (
        f"---\n{front}---\n\n# {description}\n\n"
        f"Imported by `campforge audit --queue` from {provenance['library']} "
        f"{provenance['version']}: module `{provenance['module']}`, class "
        f"`{provenance['class']}`. The reference answer is the identity's "
        f"`{provenance['answer_key']}`; extraction and scoring are the module's own "
        "(`extract_output`, `_verify_correction`).\n"
    )


def library_version(module: ib.IBModule) -> str:
    """`git <commit>` when the module and its base class are committed unchanged in a git
    repository, else `sha256:<hash>` of the two files."""
    base = module.root / "bootcamp" / "base.py"
    where = module.path.parent
    commit = _git(where, "rev-parse", "HEAD")
    if commit and _git(where, "ls-files", "--error-unmatch", "--", str(module.path)):
        changed = _git(where, "status", "--porcelain", "--", str(module.path), str(base))
        if changed == "":
            return f"git {commit}"
    digest = hashlib.sha256(module.path.read_bytes())
    digest.update(b"\0" + (base.read_bytes() if base.is_file() else b""))
    return f"sha256:{digest.hexdigest()}"


def _git(directory: Path, *args: str) -> str | None:
    """git's output (stripped), or None when git fails or is missing."""
    try:
        done = subprocess.run(
            ["git", "-C", str(directory), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None
