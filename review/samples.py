"""Sample cases of a candidate for a reviewer, and trying an answer — always in the sandbox.

Candidate code is untrusted until merged: neither the CLI nor the web process imports it. These
functions start a sandboxed worker on the candidate's code, ask it for cases, prompts, reference
answers and scores, and return plain data.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from agent.sandbox import Sandbox, SandboxError


class SampleError(RuntimeError):
    """The candidate could not produce samples (it crashed, hung or failed to load)."""


def _with_sandbox(code: str, work: Any, companion: dict[str, str] | None = None) -> Any:
    """Run `work` on a sandbox over `code`, with its companion files (relative path -> text,
    an imported candidate's) in `candidate.d/` beside it, where the code finds them."""
    with tempfile.TemporaryDirectory(prefix="campforge-review-") as scratch:
        module = Path(scratch) / "candidate.py"
        module.write_text(code, encoding="utf-8")
        for relative, text in (companion or {}).items():
            path = Path(scratch, "candidate.d", relative).resolve()
            if not path.is_relative_to(Path(scratch, "candidate.d").resolve()):
                raise SampleError(f"the companion file {relative!r} is not a plain path")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        try:
            with Sandbox(module, call_timeout=10.0) as sandbox:
                return work(sandbox)
        except SandboxError as error:
            raise SampleError(f"the candidate failed in the sandbox: {error}") from None


def _values(items: list[dict[str, Any]]) -> list[Any]:
    return [item["value"] if item.get("ok") else None for item in items]


def sample_cases(
    code: str, per_difficulty: int = 5, companion: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """`per_difficulty` cases per difficulty: prompt, reference answer, response, score."""

    def work(sandbox: Sandbox) -> list[dict[str, Any]]:
        difficulties = list(sandbox.describe().get("difficulties") or {})
        samples: list[dict[str, Any]] = []
        for difficulty in difficulties:
            items = sandbox.generate_seeds(difficulty, {}, list(range(per_difficulty)))
            cases = [item["value"] for item in items if item.get("ok")]
            prompts = _values(sandbox.map("prompt", [[case] for case in cases]))
            answers = _values(sandbox.map("solve", [[case] for case in cases]))
            responses = _values(sandbox.map("format_answer", [[answer] for answer in answers]))
            scores = _values(
                sandbox.map(
                    "score",
                    [
                        [response or "", case]
                        for response, case in zip(responses, cases, strict=True)
                    ],
                )
            )
            for seed, (case, prompt, answer, response, score) in enumerate(
                zip(cases, prompts, answers, responses, scores, strict=True)
            ):
                samples.append(
                    {
                        "difficulty": difficulty,
                        "seed": seed,
                        "case": case,
                        "prompt": prompt,
                        "answer": answer,
                        "response": response,
                        "score": score,
                    }
                )
        return samples

    return _with_sandbox(code, work, companion)


def try_answer(
    code: str, case: dict[str, Any], response: str, companion: dict[str, str] | None = None
) -> dict[str, Any]:
    """What the candidate extracts from `response` for `case`, and the score it gives."""

    def work(sandbox: Sandbox) -> dict[str, Any]:
        extracted = sandbox.map("extract", [[response]])[0]
        scored = sandbox.map("score", [[response, case]])[0]
        return {
            "extracted": extracted.get("value") if extracted.get("ok") else None,
            "score": scored.get("value") if scored.get("ok") else None,
            "error": None if scored.get("ok") else scored.get("error", {}).get("message"),
        }

    return _with_sandbox(code, work, companion)
