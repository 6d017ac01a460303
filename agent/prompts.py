"""The LLM messages of drafting: a system message teaching the contract and the reply format, and a
user message asking for a draft (from a spec, maybe with a reviewer's notes) or a repair (the
previous parts and the failing self-test checks with their evidence).

    messages = render_messages("draft", spec=spec, notes=reviewer_notes)
    messages = render_messages("repair", spec=spec, parts=parts, report=report)

Templates live in `prompts/` (Jinja, no autoescaping: these are chat messages, not HTML). Bump
`PROMPT_VERSION` whenever a template changes what the LLM is asked; it is recorded with every
exchange and in a merged bootcamp's provenance.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any, Literal

import jinja2

import campforge_prompts
from agent.parts import (
    ANSWER_NAMES,
    Parts,
    PartsError,
    answer_kind_expression,
    format_reply,
    yaml_block,
)
from agent.sandbox.packages import ALLOWED as ALLOWED_PACKAGES
from agent.spec import Spec

# 1.1: brute_force; 1.2: all_answers, shortcuts; 1.3: n/a checks apart,
# to_reference_input for a reference checker, requires, LLM gates (agent.gates)
PROMPT_VERSION = "1.3"
PROMPTS = campforge_prompts.DIRECTORY  # prompts/ in the repository
HINT_KEYS = ("answer_kind", "defaults", "difficulties", "description")
EVIDENCE_FIELDS = ("case", "response", "expected", "got")
VALUE_LIMIT = 600  # characters of one evidence value shown to the LLM
DETAIL_LIMIT = 300
MAX_DETAILS = 6
_REFERENCE_HEADING = re.compile(r"^#{1,6}\s+reference solution\s*#*$", re.IGNORECASE)


def render_messages(
    kind: Literal["draft", "repair"],
    *,
    spec: Spec,
    parts: Parts | None = None,
    report: Any = None,
    notes: str | None = None,
) -> list[dict[str, str]]:
    """The chat messages (system, user) for a draft or a repair of `spec`.

    draft: the spec (description, front-matter hints, reference program, parts it supplies) and
    the reviewer's requested changes (`notes`). repair: the previous `parts`, the failing checks
    of `report` (a self-test Report or its JSON dict) with compact evidence, and `notes` (e.g.
    why the previous reply could not be parsed).
    """
    if kind not in ("draft", "repair"):
        raise ValueError(f"unknown message kind {kind!r} (draft or repair)")
    environment = _environment()
    system = environment.get_template("system.md.j2").render(
        answer_names=", ".join(f"`{name}`" for name in ANSWER_NAMES),
        packages=", ".join(f"`{name}`" for name in ALLOWED_PACKAGES),
    )
    if kind == "draft":
        user = environment.get_template("draft.md.j2").render(
            spec=spec,
            description=_description(spec),
            hints=_hints(spec),
            supplied=[(part, code) for part, code in spec.parts.items() if code.strip()],
            notes=(notes or "").strip() or None,
        )
    else:
        failed, passed, total, not_applicable = _report_checks(report)
        user = environment.get_template("repair.md.j2").render(
            spec=spec,
            description=_description(spec),
            previous=format_reply(parts).strip() if parts is not None else None,
            hints=_hints(spec),
            failed=failed,
            passed=passed,
            total=total,
            not_applicable=not_applicable,
            notes=(notes or "").strip() or None,
        )
    return [
        {"role": "system", "content": system.strip() + "\n"},
        {"role": "user", "content": user.strip() + "\n"},
    ]


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PROMPTS),
        autoescape=False,  # chat messages, not HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["fenced"] = fenced
    return environment


def fenced(text: str, info: str = "") -> str:
    """`text` in a code fence longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.strip(chr(10))}\n{fence}"


def _hints(spec: Spec) -> str | None:
    hints = {key: spec.meta[key] for key in HINT_KEYS if key in spec.meta}
    if not hints:
        return None
    if "answer_kind" in hints:  # `integer` -> `Integer()`: the form the meta block uses
        with contextlib.suppress(PartsError):
            hints["answer_kind"] = answer_kind_expression(hints["answer_kind"]) or "none"
    return yaml_block(hints)


def _description(spec: Spec) -> str:
    """The spec's prose without the `## Reference solution` heading and empty trailing headings
    (the reference program and the parts are shown on their own)."""
    lines = [
        line for line in spec.description.splitlines() if not _REFERENCE_HEADING.match(line.strip())
    ]
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        lines.pop()
    return "\n".join(lines).strip()


def _report_checks(
    report: Any,
) -> tuple[list[dict[str, Any]], list[str], int, list[dict[str, str]]]:
    """The failing checks (id, summary, evidence lines), the passing check ids, the number of
    checks that apply, and the checks that do not apply (id, reason): a check that does not
    apply (`applicable` false) is neither a failure to repair nor a pass to keep."""
    if report is None:
        return [], [], 0, []
    data = report.model_dump() if hasattr(report, "model_dump") else dict(report)
    checks = data.get("checks") or []
    applicable = [check for check in checks if check.get("applicable", True)]
    failed = [
        {
            "id": check.get("id", "?"),
            "summary": check.get("summary", ""),
            "evidence": _evidence_lines(check.get("evidence")),
        }
        for check in applicable
        if not check.get("passed")
    ]
    passed = [check.get("id", "?") for check in applicable if check.get("passed")]
    not_applicable = [
        {"id": check.get("id", "?"), "reason": _not_applicable_reason(check.get("summary", ""))}
        for check in checks
        if not check.get("applicable", True)
    ]
    return failed, passed, len(applicable), not_applicable


def _not_applicable_reason(summary: str) -> str:
    """The reason a check does not apply, without the "not applicable: " its summary opens with."""
    prefix = "not applicable: "
    return summary[len(prefix) :] if summary.startswith(prefix) else summary


def _evidence_lines(evidence: dict[str, Any] | None) -> list[tuple[str, str]]:
    if not evidence:
        return []
    lines = [
        (field, _compact(evidence[field], VALUE_LIMIT))
        for field in EVIDENCE_FIELDS
        if evidence.get(field) is not None
    ]
    details = evidence.get("detail") or {}
    for key, value in list(details.items())[:MAX_DETAILS]:
        if value is not None:
            lines.append((str(key), _compact(value, DETAIL_LIMIT)))
    return lines


def _compact(value: Any, limit: int) -> str:
    """A value on one line, JSON-ish, cut to `limit` characters with a note of what was cut."""
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        except (TypeError, ValueError):
            text = repr(value)
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text) - limit} more characters)"
    return text
