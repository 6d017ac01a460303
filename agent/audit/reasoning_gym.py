"""reasoning-gym datasets through campforge's contract, for `campforge audit reasoning-gym`.

reasoning-gym (an optional extra: `pip install -e '.[reasoning-gym]'`, which scripts/setup.sh
does) registers ~100 procedural datasets: `create_dataset(name, seed=, size=, **config)` makes
entries {question, answer, metadata} and `dataset.score_answer(answer, entry)` scores one. The
library runs only in the sandbox, which provides it read-only because every module written here
declares `requires = ["reasoning-gym"]` (agent/sandbox/packages.py); campforge's own process reads
the package's metadata (its version) and nothing else.

- `targets(source)`: `reasoning-gym` (every dataset) or `reasoning-gym:NAME,...`. A survey module
  run once in the sandbox (`rg_support.survey`) reads each dataset's config parameters, its
  difficulty presets and whether its entries carry an answer; then an adapter is written per
  dataset into a scratch directory (`<name>/adapter.py`, with `adapter.d/campforge_rg_support.py`
  beside it and the survey's facts in `facts.json`).
- `audit(target, settings)`: the self-test on the adapter; its row.

The adapter maps
    defaults      -> the dataset config's fields with JSON defaults (seed and size are the
                     adapter's; a field whose default is not JSON keeps it and is noted)
    difficulties  -> the dataset's curriculum (reasoning-gym's own statement of which parameters
                     set the difficulty): easy at its first level, hard at its last, medium
                     between. Without a curriculum (or with one level): one level, and the
                     `difficulty` check is not applicable, with the reason
    generate      -> entry i of one dataset made from a seed drawn from self.rng (i = 0, 1, ...),
                     as JSON data (tuples as lists: campforge stores cases as JSON)
    prompt        -> reasoning-gym's default system prompt (it asks for `<answer>` tags), then
                     the question
    solve         -> the entry's `answer`; datasets whose entries have none (their score_answer
                     verifies answers) lack `solve`: the verifier-only checks run
    extract       -> reasoning_gym.utils.extract_answer (the last `<answer>` span)
    check         -> score_answer of `get_score_answer_fn(name)` (a dataset at the default config:
                     how reasoning-gym scores an entry without the dataset that made it)
    format_answer -> `<answer>...</answer>`

`reference` is not applicable: reasoning-gym carries no reference program or independent solver.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.metadata
import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from agent import pyliteral
from agent.audit import core
from agent.sandbox import Sandbox, SandboxError, SandboxLimits
from agent.selftest import Settings
from agent.selftest.report import CheckResult, Report
from agent.selftest.runner import CHECK_IDS

SOURCE = "reasoning-gym"
KIND = "reasoning-gym"
DISTRIBUTION = "reasoning-gym"
SUPPORT_SOURCE = Path(__file__).with_name("rg_support.py")
SUPPORT_MODULE = "campforge_rg_support"
ADAPTER = "adapter.py"
COMPANION = "adapter.d"
FACTS = "facts.json"
# The survey imports reasoning-gym and makes a few entries of every dataset: ~10 CPU s here.
SURVEY_TIMEOUT = 300.0
SURVEY_LIMITS = SandboxLimits(cpu_seconds=300)
NOT_INSTALLED = (
    "reasoning-gym is not installed in campforge's environment: run scripts/setup.sh (or "
    "pip install -e '.[reasoning-gym]')"
)


def is_source(source: str) -> bool:
    return source == SOURCE or source.startswith(f"{SOURCE}:")


def version() -> str:
    """The installed reasoning-gym's version (from its metadata: nothing of it is imported)."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise core.AuditSourceError(NOT_INSTALLED) from None


def requested_names(source: str) -> list[str] | None:
    """The dataset names of `reasoning-gym:NAME,...`, or None for every dataset."""
    if source == SOURCE:
        return None
    names = [name.strip() for name in source.split(":", 1)[1].split(",") if name.strip()]
    if not names:
        raise core.AuditSourceError(
            f"{source}: name at least one dataset after the colon, e.g. reasoning-gym:leg_counting"
        )
    return list(dict.fromkeys(names))


def targets(source: str) -> tuple[str, list[core.Target]]:
    """(the source's key, a target per dataset) for `reasoning-gym[:NAME,...]`."""
    names = requested_names(source)
    installed = version()
    found = survey(names)
    datasets = found["datasets"]
    unknown = [name for name in names or [] if name not in datasets]
    if unknown:
        known = ", ".join(found["names"][:8])
        raise core.AuditSourceError(
            f"reasoning-gym {installed} has no dataset {', '.join(unknown)} (it has "
            f"{len(found['names'])}: {known}, ...)"
        )
    directory = _scratch()
    chosen = names if names is not None else found["names"]
    return SOURCE, [
        core.Target(
            SOURCE, name, KIND, write_adapter(name, datasets[name], installed, directory), name
        )
        for name in chosen
    ]


_scratches: list[Path] = []


def _scratch() -> Path:
    """A directory for this process's adapters, removed at exit (the audit's workers read them
    while it runs)."""
    path = Path(tempfile.mkdtemp(prefix="campforge-rg-"))
    if not _scratches:
        atexit.register(lambda: [shutil.rmtree(p, ignore_errors=True) for p in _scratches])
    _scratches.append(path)
    return path


# -- the survey (in the sandbox) ------------------------------------------------------------------

SURVEY_MODULE = f'''"""reasoning-gym's datasets surveyed by `campforge audit`, in the sandbox."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "survey.d"))

import {SUPPORT_MODULE} as support  # noqa: E402

from generated_bootcamps.base import Bootcamp  # noqa: E402


class Survey(Bootcamp):
    requires = ["{DISTRIBUTION}"]

    @classmethod
    def solve(cls, case):
        return support.survey(case["names"])
'''


def survey(names: list[str] | None) -> dict[str, Any]:
    """{"names": every dataset, "datasets": {name: facts}} for `names` (all when None), read in
    the sandbox. AuditSourceError when reasoning-gym cannot be loaded there."""
    directory = Path(tempfile.mkdtemp(prefix="campforge-rg-survey-"))
    try:
        module = directory / "survey.py"
        module.write_text(SURVEY_MODULE, encoding="utf-8")
        _write_companion(directory / "survey")
        with Sandbox(
            module, limits=SURVEY_LIMITS, call_timeout=SURVEY_TIMEOUT, start_timeout=120.0
        ) as sandbox:
            found = sandbox.call("solve", {"names": names}, timeout=SURVEY_TIMEOUT)
    except SandboxError as error:
        reason = " ".join(str(error).split())[:300]
        raise core.AuditSourceError(
            f"reasoning-gym could not be surveyed in the sandbox: {reason}"
        ) from None
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    if not isinstance(found, dict) or not isinstance(found.get("datasets"), dict):
        raise core.AuditSourceError("reasoning-gym's survey returned no datasets")
    return found


def _write_companion(stem: Path) -> None:
    companion = stem.parent / f"{stem.name}.d"
    companion.mkdir()
    shutil.copyfile(SUPPORT_SOURCE, companion / f"{SUPPORT_MODULE}.py")


# -- the adapter -----------------------------------------------------------------------------------


def write_adapter(name: str, facts: dict[str, Any], installed: str, directory: Path) -> Path:
    """Write `<name>/adapter.py`, its companion directory and `facts.json`; the adapter's path."""
    folder = directory / name
    folder.mkdir()
    _write_companion(folder / "adapter")
    (folder / FACTS).write_text(json.dumps(facts, sort_keys=True), encoding="utf-8")
    path = folder / ADAPTER
    path.write_text(adapter_source(name, facts, installed), encoding="utf-8")
    return path


def campforge_name(name: str) -> str:
    return "rg_" + "".join(c if c.isalnum() else "_" for c in name.lower())


def adapter_source(name: str, facts: dict[str, Any], installed: str) -> str:
    """The adapter module's source; every value written through `pyliteral`. It names the
    support code's hash, so a change of either re-audits (the fingerprint hashes the module)."""
    lit = pyliteral.literal
    support = hashlib.sha256(SUPPORT_SOURCE.read_bytes()).hexdigest()[:16]
    doc = pyliteral.docstring(
        f"Adapter of reasoning-gym {installed}'s dataset {name} to campforge's contract.\n\n"
        "Generated by `campforge audit`. It runs only in the sandbox, which provides "
        f"reasoning-gym read-only (`requires`) and copies `{COMPANION}/` "
        f"({SUPPORT_MODULE}.py, support {support}) beside it.\n"
    )
    defaults = pyliteral.block(facts.get("defaults") or {}, indent=4, prefix="defaults = ")
    difficulties = pyliteral.block(
        facts.get("difficulties") or {"easy": {}, "medium": {}, "hard": {}},
        indent=4,
        prefix="difficulties = ",
    )
    return f"""{doc}

from __future__ import annotations

import os
import sys
from typing import Any, ClassVar

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), {lit(COMPANION)}))

import {SUPPORT_MODULE} as support  # noqa: E402

from generated_bootcamps.base import Bootcamp  # noqa: E402

DATASET = {lit(name)}
SCORE_ANSWER = support.scorer(DATASET)


class Adapted(Bootcamp):
    {pyliteral.docstring(f"reasoning-gym's {name}, through campforge's contract.")}

    name = {lit(campforge_name(name))}
    description = {lit(f"reasoning-gym {installed}: {name}")}
    domain = "reasoning-gym"
    requires: ClassVar[list[str]] = [{lit(DISTRIBUTION)}]
    defaults: ClassVar[dict[str, Any]] = {defaults}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {difficulties}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = support.Source(DATASET, self.params, self.rng.getrandbits(32))

    def generate(self) -> dict[str, Any]:
        return self.source.next_case()

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return support.instruction() + "\\n\\n" + case["question"]

    @classmethod
    def solve(cls, case: dict[str, Any]) -> Any:
        if case.get("answer") is None:
            raise NotImplementedError(
                "reasoning-gym's entries of this dataset carry no answer: score_answer verifies"
            )
        return case["answer"]

    @classmethod
    def extract(cls, response: str) -> Any:
        return support.extract(response)

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool | float:
        return SCORE_ANSWER(answer, case)

    @classmethod
    def format_answer(cls, answer: Any) -> str:
        return f"<answer>{{answer}}</answer>"
"""


# -- auditing one dataset (in an audit worker process) ------------------------------------------


def no_answer_reason(name: str) -> str:
    return (
        f"reasoning-gym's {name} entries carry no answer (`answer` is None; its score_answer "
        "verifies answers against the rules), so there is no solve(): the verifier-only checks run"
    )


REFERENCE_REASON = (
    "reasoning-gym carries no reference program or independent solver: the entries' answers are "
    "checked against the dataset's own score_answer only"
)


def audit(target: core.Target, settings: Settings) -> core.AuditRow:
    """The self-test of one adapted dataset: its row (`unusable` when the dataset cannot be
    made at its default config)."""
    from agent.selftest import run_selftest

    facts = json.loads((target.module.parent / FACTS).read_text(encoding="utf-8"))
    if facts.get("unusable"):
        verdict = f"unusable: cannot create the dataset at its defaults ({facts['unusable']})"
        return core.AuditRow(
            source=target.source,
            name=target.name,
            module=target.name,
            class_name=target.class_name,
            verdict=verdict[:300],
            evidence=verdict[:300],
        )
    lacks = {}
    if facts.get("no_answer"):
        lacks["solve"] = no_answer_reason(target.name)
    if facts.get("single_level"):
        lacks["difficulty"] = facts["single_level"]
    report = run_selftest(target.module, settings=sample_size(settings, facts), lacks=lacks)
    row = core._row(target, with_reference_not_applicable(report))
    row.module = target.name
    row.notes = [f"difficulty: {facts['single_level']}"] if facts.get("single_level") else []
    if facts.get("skipped"):
        row.notes.append(
            "config fields kept at their defaults (not JSON): " + ", ".join(facts["skipped"])
        )
    return row


def sample_size(settings: Settings, facts: dict[str, Any]) -> Settings:
    """`settings` with fewer cases (at least core.MIN_CASES) for a dataset slow to make a case
    from a fresh seed (one that loads data files when created, as arc_agi does), as for an
    InternBootcamp module (`core.sample_size`)."""
    seconds = float(facts.get("case_seconds") or 0.0)
    if seconds <= 0:
        return settings
    cases = max(core.MIN_CASES, min(settings.cases, int(core.GENERATE_SECONDS / seconds)))
    return replace(settings, cases=cases)


def with_reference_not_applicable(report: Report) -> Report:
    if report.check("reference") is not None:
        return report
    checks = [*report.checks, CheckResult.not_applicable("reference", REFERENCE_REASON)]
    checks.sort(key=lambda check: CHECK_IDS.index(check.id))
    return report.model_copy(update={"checks": checks, "verdict": Report.verdict_of(checks)})
