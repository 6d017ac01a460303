"""`campforge audit`: every bootcamp of a library through the sandboxed self-test, one row each.

A source is a directory of InternBootcamp-style modules (`internbootcamp.discover`) or
`catalog` (campforge's own catalog). Each bootcamp becomes a `Target`; `audit_target` audits one
(in a worker process: `run_audit` spreads them over a process pool, one sandbox per self-test)
and returns its row: verdict, failing checks, checks that do not apply, one line of evidence,
seconds, and the whole report. Rows go into the workspace's database as they finish
(`store.AuditStore`), so a killed audit resumes where it stopped.

For an InternBootcamp module the verdict is `pass` or `fail` over the applicable checks, or
`unusable: <why>` when it cannot be adapted (Python 2 code, a constructor that needs arguments,
no such class). Besides the adapter's own checks:
- `contract` also carries the static scan of the module's own source (eval of model output,
  subprocess, stdin...; module-level `random` calls are how InternBootcamp modules draw and are
  seeded by the adapter, so they are not findings);
- `lint` also carries ruff's undefined names and syntax errors in the module (F821, E9: bugs,
  not style);
- `reference` does not apply: InternBootcamp modules carry no independent solver.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agent.audit import detect as detection
from agent.audit import internbootcamp as ib
from agent.selftest import Settings
from agent.selftest.report import CheckResult, Evidence, Report
from agent.selftest.runner import CHECK_IDS

AUDIT_VERSION = "1"  # part of every fingerprint: a new audit logic re-audits everything
CATALOG = "catalog"
# Thresholds for data generation (DESIGN.md): a case may take up to 1 CPU second at the 95th
# percentile (at least 60 cases per CPU-minute: a 10,000-case training set in under 3 CPU-hours,
# minutes on a machine's cores); a score stays at 0.02 s (50 per second), as it runs in the RL
# loop for every rollout.
# Over budget by half as much again (1.5 s a case), a library bootcamp is sure to fail `speed`
# and the rest is not run: a whole library must be auditable in minutes.
AUDIT_SETTINGS = Settings(
    cases=40,
    hypothesis_examples=30,
    check_budget=10.0,
    total_budget=60.0,
    generate_p95_budget=1.0,
    score_p95_budget=0.02,
    slow_factor=1.5,
)
MIN_CASES = 10  # the guessability check needs 10 cases
GENERATE_SECONDS = 2.0  # CPU seconds of generate() per pass over the sample, at most
LINT_BUGS = "F821,E9"
EVIDENCE_CHARS = 300


class AuditRow(BaseModel):
    """One bootcamp's audit result."""

    source: str
    name: str
    module: str
    class_name: str | None = None
    verdict: str  # "pass", "fail", "unusable: <why>" or "error: <why>"
    failing: list[str] = Field(default_factory=list)
    not_applicable: list[str] = Field(default_factory=list)
    evidence: str = ""
    seconds: float = 0.0
    answer_key: str | None = None
    writer: str | None = None
    notes: list[str] = Field(default_factory=list)
    report: dict[str, Any] | None = None


@dataclass(frozen=True)
class Target:
    """One bootcamp to audit."""

    source: str  # the source's key in the database: "catalog", "reasoning-gym" or
    # "internbootcamp:<dir>"
    name: str
    kind: str  # "internbootcamp", "reasoning-gym" or "catalog"
    module: Path
    class_name: str | None = None
    root: Path | None = None  # InternBootcamp: the directory holding bootcamp/base.py

    def fingerprint(self, settings: Settings) -> str:
        digest = hashlib.sha256()
        for part in (AUDIT_VERSION, self.kind, self.class_name or "", repr(settings)):
            digest.update(part.encode() + b"\0")
        digest.update(self.module.read_bytes() if self.module.is_file() else b"")
        if self.root is not None and (self.root / "bootcamp" / "base.py").is_file():
            digest.update((self.root / "bootcamp" / "base.py").read_bytes())
        return digest.hexdigest()


class AuditSourceError(ValueError):
    """A source that cannot be audited: one line saying what to give instead."""


def targets(source: str) -> tuple[str, list[Target]]:
    """(the source's key, its bootcamps) for `source`: a directory or `catalog`."""
    path = Path(source)
    if path.is_dir():
        try:
            modules = ib.discover(path)
        except ib.NotAnInternBootcampSource as error:
            raise AuditSourceError(str(error)) from None
        key = f"internbootcamp:{path.resolve()}"
        names = _unique_names(modules)
        return key, [
            Target(key, name, "internbootcamp", module.path, module.class_name, module.root)
            for name, module in zip(names, modules, strict=True)
        ]
    if source.startswith("reasoning-gym"):
        from agent.audit import reasoning_gym

        if reasoning_gym.is_source(source):
            return reasoning_gym.targets(source)
    if source == CATALOG:
        from generated_bootcamps import catalog

        return CATALOG, [
            Target(CATALOG, name, "catalog", catalog.catalog_dir() / catalog.entry(name).path)
            for name in catalog.names()
        ]
    if path.exists():
        raise AuditSourceError(f"{source} is not a directory: give a directory of modules")
    raise AuditSourceError(
        f"no such source: {source} (give a directory of InternBootcamp-style modules, "
        "`reasoning-gym[:NAME,...]` or `catalog`)"
    )


def _unique_names(modules: list[ib.IBModule]) -> list[str]:
    """The module name, or module.Class when a module holds several bootcamps."""
    counts: dict[str, int] = {}
    for module in modules:
        counts[module.name] = counts.get(module.name, 0) + 1
    return [m.name if counts[m.name] == 1 else f"{m.name}.{m.class_name}" for m in modules]


def select(found: list[Target], only: Iterable[str] | None, limit: int | None) -> list[Target]:
    """The targets named in `only` (all when None), then the first `limit`."""
    chosen = found
    if only:
        wanted = list(only)
        known = {target.name for target in found}
        unknown = [name for name in wanted if name not in known]
        if unknown:
            raise AuditSourceError(f"--only names no bootcamp of the source: {', '.join(unknown)}")
        chosen = [target for target in found if target.name in set(wanted)]
    return chosen[:limit] if limit is not None else chosen


# -- auditing one bootcamp (in a worker process) ---------------------------------------------------


def audit_target(target: Target, settings: Settings = AUDIT_SETTINGS) -> dict[str, Any]:
    """Audit one bootcamp; its row as a dict. Never raises: a failure of the audit itself is
    the row's verdict (`error: ...`)."""
    started = time.perf_counter()
    try:
        if target.kind == "catalog":
            row = _audit_catalog(target, settings)
        elif target.kind == "reasoning-gym":
            from agent.audit import reasoning_gym

            row = reasoning_gym.audit(target, settings)
        else:
            row = _audit_internbootcamp(target, settings)
    except Exception as error:
        row = AuditRow(
            source=target.source,
            name=target.name,
            module=str(target.module),
            class_name=target.class_name,
            verdict=f"error: {type(error).__name__}: {error}"[:300],
            evidence=traceback.format_exc(limit=-3)[-EVIDENCE_CHARS:],
        )
    row.seconds = round(time.perf_counter() - started, 3)
    return row.model_dump()


def _audit_catalog(target: Target, settings: Settings) -> AuditRow:
    from agent.selftest import run_selftest
    from agent.spec import load_specs

    stored = target.module.parent / "spec.md"  # the spec approved with it, if any
    spec = load_specs(stored)[0] if stored.exists() else None
    report = run_selftest(target.module, spec=spec, settings=settings)
    return _row(target, report)


def _audit_internbootcamp(target: Target, settings: Settings) -> AuditRow:
    from agent.selftest import run_selftest

    assert target.class_name is not None and target.root is not None
    module = ib.IBModule(target.module, target.class_name, target.root)
    facts = ib.read_module(module)
    if facts.unusable:
        return AuditRow(
            source=target.source,
            name=target.name,
            module=module.relative,
            class_name=module.class_name,
            verdict=facts.unusable,
            evidence=facts.unusable,
        )
    scratch = Path(tempfile.mkdtemp(prefix="campforge-audit-"))
    try:
        found = detection.detect(module, facts, scratch, settings.call_timeout)
        adapter = ib.write_adapter(module, facts, found.wiring, scratch)
        lacks = {}
        if found.no_answer:
            lacks["solve"] = found.no_answer
        if found.single_level:
            lacks["difficulty"] = found.single_level
        report = run_selftest(adapter, settings=sample_size(settings, found), lacks=lacks)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report = _with_module_findings(report, module, facts)
    row = _row(target, report)
    row.module = module.relative
    row.class_name = module.class_name
    row.answer_key = found.wiring.answer_key
    if found.wiring.answer_key is not None:
        row.writer = f"{found.wiring.style}/{found.wiring.rendering}"
    row.notes = found.notes
    return row


def sample_size(settings: Settings, found: detection.Detection) -> Settings:
    """`settings` with fewer cases (at least MIN_CASES) when the probe found cases slow to
    make: the self-test makes each sample case about four times (pool, again, under another
    hash seed, in sequence), so a 0.7 s generator would take minutes at 20 cases."""
    seconds = sorted(found.generate_seconds)
    if not seconds:
        return settings
    median = seconds[len(seconds) // 2]
    cases = settings.cases if median <= 0 else int(GENERATE_SECONDS / median)
    return replace(settings, cases=max(MIN_CASES, min(settings.cases, cases)))


def _with_module_findings(report: Report, module: ib.IBModule, facts: ib.ModuleFacts) -> Report:
    """The report with the module's own static scan in `contract`, its undefined names in
    `lint`, and `reference` not applicable."""
    checks: list[CheckResult] = []
    for check in report.checks:
        if check.id == "contract" and facts.findings:
            check = _add_problems(
                check,
                [f"InternBootcamp module {finding}" for finding in facts.findings],
                "the module's own source",
            )
        if check.id == "lint":
            bugs = lint_bugs(module.path)
            if bugs:
                check = _add_problems(check, bugs, "ruff (F821, E9) on the module's own source")
        checks.append(check)
    if report.check("reference") is None:
        checks.append(
            CheckResult.not_applicable(
                "reference",
                "InternBootcamp modules carry no reference program or brute-force solver: "
                "the stored answer is checked against the module's own verifier only",
            )
        )
    checks.sort(key=lambda check: CHECK_IDS.index(check.id))
    return report.model_copy(update={"checks": checks, "verdict": Report.verdict_of(checks)})


def _add_problems(check: CheckResult, problems: list[str], where: str) -> CheckResult:
    """`check`, failed, with `problems` added to its summary and evidence."""
    evidence = check.evidence.model_dump() if check.evidence else {}
    detail = dict(evidence.get("detail") or {})
    detail["problems"] = [*detail.get("problems", []), *problems]
    summary = f"{where}: " + "; ".join(problems[:4])
    if not check.passed:
        summary = f"{check.summary}; {summary}"
    return check.model_copy(
        update={
            "passed": False,
            "summary": summary,
            "evidence": Evidence(**{**evidence, "detail": detail}),
        }
    )


def lint_bugs(path: Path) -> list[str]:
    """ruff's undefined names and syntax errors in a file (bugs, not style)."""
    command = [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select"]
    command += [LINT_BUGS, "--output-format", "concise", "--quiet", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    return [line.split(":", 1)[1].strip() if ":" in line else line for line in lines]


def evidence_line(check: CheckResult) -> str:
    """One line: the check, what it says, and its falsifying example (response, expected, got)."""
    example = []
    evidence = check.evidence
    if evidence is not None and evidence.response is not None:
        example.append(f"response {_short(evidence.response, 70)}")
    if evidence is not None and (evidence.expected is not None or evidence.got is not None):
        example.append(f"expected {_short(evidence.expected, 40)}, got {_short(evidence.got, 50)}")
    tail = f" [{'; '.join(example)}]" if example else ""
    summary = " ".join(check.summary.split())
    room = max(60, EVIDENCE_CHARS - len(check.id) - 2 - len(tail))
    if len(summary) > room:
        summary = summary[: room - 1] + "…"
    return f"{check.id}: {summary}{tail}"


def _short(value: Any, limit: int) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row(target: Target, report: Report) -> AuditRow:
    failing = [check.id for check in report.failed]
    evidence = report.summary_line()
    if report.failed:
        evidence = evidence_line(report.failed[0])
    return AuditRow(
        source=target.source,
        name=target.name,
        module=str(target.module),
        class_name=target.class_name,
        verdict=report.verdict,
        failing=failing,
        not_applicable=[check.id for check in report.not_applicable],
        evidence=evidence,
        report=report.model_dump(mode="json"),
    )


# -- the whole audit -------------------------------------------------------------------------------


def run_audit(
    chosen: list[Target],
    *,
    save: Callable[[Target, dict[str, Any]], None],
    workers: int | None = None,
    settings: Settings = AUDIT_SETTINGS,
    on_row: Callable[[dict[str, Any]], None] | None = None,
    engine: str = "local",
    address: str | None = None,
) -> list[dict[str, Any]]:
    """Audit `chosen` on `workers` processes (default: every core), or with `engine="ray"` one
    Ray task per bootcamp (on the cluster at `address`, or a new local one), each running the
    sandboxed self-test on its worker; each row is saved as soon as it is done, then passed to
    `on_row`. Rows in the order of `chosen`."""
    if not chosen:
        return []
    rows: dict[int, dict[str, Any]] = {}
    if engine == "ray":
        for index, row in _audit_on_ray(chosen, settings, address):
            _finish(chosen[index], row, save, on_row)
            rows[index] = row
        return [rows[index] for index in range(len(chosen))]
    workers = max(1, min(workers or os.cpu_count() or 1, len(chosen)))
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {
            pool.submit(audit_target, target, settings): i for i, target in enumerate(chosen)
        }
        for future in concurrent.futures.as_completed(futures):
            index = futures[future]
            row = future.result()
            _finish(chosen[index], row, save, on_row)
            rows[index] = row
    return [rows[index] for index in range(len(chosen))]


def _finish(
    target: Target,
    row: dict[str, Any],
    save: Callable[[Target, dict[str, Any]], None],
    on_row: Callable[[dict[str, Any]], None] | None,
) -> None:
    save(target, row)
    if on_row is not None:
        on_row(row)


def _audit_on_ray(
    chosen: list[Target], settings: Settings, address: str | None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index in `chosen`, row) of each bootcamp as its Ray task finishes."""
    from generated_bootcamps.ray_cluster import cluster

    with cluster(address) as ray:
        audit = ray.remote(audit_target)
        running = {audit.remote(target, settings): i for i, target in enumerate(chosen)}
        while running:
            [ready], _ = ray.wait(list(running), num_returns=1)
            yield running.pop(ready), ray.get(ready)
