"""Checks that read the candidate without running its methods: `contract` and `lint`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from agent.selftest.context import CONTRACT_DIFFICULTIES, Context
from agent.selftest.report import CheckResult, Evidence
from agent.selftest.scan import scan_source
from generated_bootcamps.contract import REQUIRED_METHODS

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# ruff's default rule set (pyflakes and the parser's errors: undefined names, unused imports,
# syntax), less two style-only rules LLM code trips often: ambiguous names (`l`), named lambdas.
LINT_RULES = "E4,E7,E9,F"
LINT_IGNORED = "E741,E731"


def contract(ctx: Context) -> CheckResult:
    """The module loads, defines one Bootcamp with the contract's members, and does nothing
    a bootcamp must not do (network, processes, files, eval, the global random generator)."""
    description = ctx.description
    problems: list[str] = []
    for attribute in ("name", "description", "domain"):
        value = description.get(attribute)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"class attribute `{attribute}` must be a non-empty string")
    name = description.get("name")
    if isinstance(name, str) and name and not NAME.match(name):
        problems.append(f"`name` {name!r} must be snake_case")
    if not isinstance(description.get("defaults"), dict):
        problems.append("`defaults` must be a dict of parameters")
    difficulties = description.get("difficulties")
    if not isinstance(difficulties, dict):
        problems.append("`difficulties` must be a dict of parameter overrides")
    else:
        missing = [level for level in CONTRACT_DIFFICULTIES if level not in difficulties]
        if missing:
            problems.append(f"`difficulties` lacks {', '.join(missing)}")
    overrides = set(description.get("overrides") or [])
    for method in REQUIRED_METHODS:
        if method not in overrides:
            problems.append(f"`{method}` is not implemented")
    if not description.get("answer_kind"):
        for method in ("extract", "format_answer"):
            if method not in overrides:
                problems.append(f"no `answer_kind` is set, so `{method}` must be implemented")
    findings = scan_source(ctx.source)
    problems.extend(str(finding) for finding in findings)
    if problems:
        return CheckResult(
            id="contract",
            passed=False,
            summary="contract violated: " + "; ".join(problems[:6]),
            numbers={"problems": len(problems)},
            evidence=Evidence(detail={"problems": problems}),
        )
    return CheckResult(
        id="contract",
        passed=True,
        summary=f"class {description.get('class_name')} follows the contract; static scan clean",
    )


def lint(module: Path) -> CheckResult:
    """ruff finds no errors (undefined names, unused imports, syntax errors) in the module."""
    command = [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache"]
    command += ["--select", LINT_RULES, "--ignore", LINT_IGNORED, "--output-format", "json"]
    result = subprocess.run([*command, str(module)], capture_output=True, text=True, timeout=60)
    try:
        diagnostics = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        return CheckResult(
            id="lint", passed=False, summary=f"ruff could not run: {result.stderr.strip()[:300]}"
        )
    if not diagnostics:
        return CheckResult(id="lint", passed=True, summary="ruff finds nothing")
    messages = [
        f"line {item['location']['row']}: {item['code']} {item['message']}" for item in diagnostics
    ]
    return CheckResult(
        id="lint",
        passed=False,
        summary=f"ruff finds {len(messages)} error(s): " + "; ".join(messages[:3]),
        numbers={"errors": len(messages)},
        evidence=Evidence(detail={"ruff": messages}),
    )
