"""Difficulty calibration: how often a solver model answers each preset of a bootcamp right.

`campforge calibrate NAME... --model M` sends N generated cases per difficulty of each catalog
bootcamp to any OpenAI-compatible endpoint (through `agent.llm.LLMClient`: concurrent, retried,
budgeted, every exchange in the SQLite transcript) and scores each reply with the bootcamp. Per
difficulty it reports the accuracy (fully right replies / answered requests) with a 95% Wilson
interval, the tokens used and the failure modes (a wrong answer, or no answer extracted), and
flags

- a preset outside the band (default 0.03..0.85, InternBootcamp's): its accuracy is outside it;
  "far" outside when its whole interval is (the graph node sends those back to the drafter);
- difficulty that does not rise: a harder preset answered right more often than an easier one,
  beyond their intervals (the harder one's lower bound above the easier one's upper bound).

Where the bootcamp code runs: catalog bootcamps are reviewed code, run in this process as
`campforge generate` and the reward functions run them (`CatalogSubject`); a candidate in the graph
is untrusted and runs only in the sandbox (`SandboxSubject`, used by `agent.calibrate_node`).

Resumable: the cases are fixed by (seed, bootcamp, difficulty, index), the run id by (model,
endpoint, seed, sampling settings), and each request's key names the case and its prompt's hash,
so running the same calibration again serves every finished request from the transcript.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from agent.llm import LLMClient, LLMError, LLMUnavailable, TokenBudgetExceeded
from generated_bootcamps import catalog

DEFAULT_BAND = (0.03, 0.85)  # InternBootcamp keeps tasks a solver model gets right this often
Z_95 = 1.959963984540054  # two-sided 95% normal quantile


# --------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------


def wilson_interval(correct: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion correct/n ((0, 1) when n is 0)."""
    if n <= 0:
        return 0.0, 1.0
    p = correct / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def parse_band(text: str) -> tuple[float, float]:
    """ "LOW,HIGH" as two shares, 0 <= LOW < HIGH <= 1; ValueError saying what to give."""
    wanted = "give the band as LOW,HIGH with 0 <= LOW < HIGH <= 1, e.g. 0.03,0.85"
    pieces = text.split(",")
    try:
        low, high = (float(piece) for piece in pieces)
    except ValueError:
        raise ValueError(f"bad band {text!r}: {wanted}") from None
    if not 0 <= low < high <= 1:
        raise ValueError(f"bad band {text!r}: {wanted}")
    return low, high


@dataclass
class PresetResult:
    """What one difficulty of one bootcamp measured."""

    difficulty: str
    requested: int  # cases sent (or to send)
    correct: int = 0
    wrong: int = 0  # an answer was extracted, and it scored below 1
    no_answer: int = 0  # nothing could be extracted from the reply
    errors: int = 0  # requests that failed (endpoint errors, malformed replies): not in n
    skipped: int = 0  # never sent: the run stopped first (token budget, endpoint down)
    tokens: int = 0
    first_error: str | None = None

    @property
    def n(self) -> int:
        return self.correct + self.wrong + self.no_answer

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.correct, self.n)

    def as_dict(self) -> dict[str, Any]:
        low, high = self.interval
        return {
            "difficulty": self.difficulty,
            "accuracy": round(self.accuracy, 4),
            "low": round(low, 4),
            "high": round(high, 4),
            "n": self.n,
            "correct": self.correct,
            "wrong": self.wrong,
            "no_answer": self.no_answer,
            "errors": self.errors,
            "skipped": self.skipped,
            "tokens": self.tokens,
            "first_error": self.first_error,
        }


@dataclass
class BootcampResult:
    """One bootcamp's calibration: its presets in order, easiest first, and what they show."""

    name: str
    model: str
    band: tuple[float, float]
    presets: list[PresetResult]
    date: str = field(default_factory=lambda: datetime.now(UTC).date().isoformat())
    stopped: str | None = None  # why the run stopped before every request was answered

    @property
    def complete(self) -> bool:
        return self.stopped is None and all(p.skipped == 0 for p in self.presets)

    def outside_band(self) -> list[PresetResult]:
        """Presets whose accuracy lies outside the band."""
        low, high = self.band
        return [p for p in self.presets if p.n and not low <= p.accuracy <= high]

    def far_outside_band(self) -> list[PresetResult]:
        """Presets whose whole 95% interval lies outside the band: surely too easy or too hard."""
        low, high = self.band
        return [p for p in self.presets if p.n and (p.interval[1] < low or p.interval[0] > high)]

    def inversions(self) -> list[tuple[PresetResult, PresetResult]]:
        """(easier, harder) pairs where the harder preset is answered right more often than the
        easier one beyond their intervals: the difficulty does not rise from easy to hard."""
        measured = [p for p in self.presets if p.n]
        return [
            (easier, harder)
            for i, easier in enumerate(measured)
            for harder in measured[i + 1 :]
            if harder.interval[0] > easier.interval[1]
        ]

    def flags(self) -> list[str]:
        """One line per problem found: presets outside the band, difficulty that does not rise."""
        low, high = self.band
        lines = [
            f"{p.difficulty}: accuracy {p.accuracy:.0%} is "
            f"{'above' if p.accuracy > high else 'below'} the band {low:g}..{high:g}"
            + (" (its whole interval is)" if p in self.far_outside_band() else "")
            for p in self.outside_band()
        ]
        lines += [
            f"difficulty does not rise: {harder.difficulty} ({_share(harder)}) is answered right "
            f"more often than {easier.difficulty} ({_share(easier)}), beyond their intervals"
            for easier, harder in self.inversions()
        ]
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "model": self.model,
            "date": self.date,
            "band": list(self.band),
            "complete": self.complete,
            "stopped": self.stopped,
            "difficulties": [preset.as_dict() for preset in self.presets],
            "flags": self.flags(),
        }

    def to_catalog(self) -> catalog.Calibration:
        """The result as the catalog entry stores it (presets that were measured)."""
        presets = {}
        for preset in self.presets:
            if not preset.n:
                continue
            data = preset.as_dict()
            presets[preset.difficulty] = catalog.PresetCalibration(
                **{key: data[key] for key in (*catalog.PRESET_SHARES, *catalog.PRESET_COUNTS)}
            )
        return catalog.Calibration(model=self.model, date=self.date, difficulties=presets)


def _share(preset: PresetResult) -> str:
    low, high = preset.interval
    return f"{preset.accuracy:.0%}, {low:.0%}..{high:.0%}"


# --------------------------------------------------------------------------------------------
# The bootcamp under calibration
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    """One reply, scored: extracted nothing, or extracted an answer that scored `score`."""

    extracted: bool
    score: float


class Subject(Protocol):
    """A bootcamp as calibration uses it: wherever its code runs."""

    name: str
    batch: int  # cases made per call (1: each request can go as soon as its case is made)

    def difficulties(self) -> list[str]: ...

    def cases(self, difficulty: str, seeds: list[int]) -> list[dict[str, Any]]: ...

    def prompts(self, cases: list[dict[str, Any]]) -> list[str]: ...

    def judge(self, replies: list[str], cases: list[dict[str, Any]]) -> list[Judgement]: ...


class CatalogSubject:
    """A catalog bootcamp, run in this process like `campforge generate` runs it (catalog code is
    reviewed before it is merged; candidates never take this path)."""

    batch = 1  # a call costs nothing here: send each case as soon as it is made

    def __init__(self, name: str) -> None:
        self.name = name
        self.cls = catalog.get(name)

    def difficulties(self) -> list[str]:
        return list(self.cls.difficulties)

    def cases(self, difficulty: str, seeds: list[int]) -> list[dict[str, Any]]:
        return [self.cls(seed=seed, difficulty=difficulty).generate() for seed in seeds]

    def prompts(self, cases: list[dict[str, Any]]) -> list[str]:
        return [self.cls.prompt(case) for case in cases]

    def judge(self, replies: list[str], cases: list[dict[str, Any]]) -> list[Judgement]:
        judged = []
        for reply, case in zip(replies, cases, strict=True):
            try:
                extracted = self.cls.extract(reply) is not None
            except Exception:  # an extractor that raises found nothing usable
                extracted = False
            score = self.cls.score(reply, case) if extracted else 0.0
            judged.append(Judgement(extracted, score))
        return judged


def select_difficulties(available: Sequence[str], wanted: str) -> list[str]:
    """The presets to calibrate, in the bootcamp's order: "all", or names joined by commas.
    An unknown one raises ValueError naming the known ones."""
    if wanted.strip() == "all":
        return list(available)
    chosen = [level.strip() for level in wanted.split(",") if level.strip()]
    unknown = [level for level in chosen if level not in available]
    if unknown or not chosen:
        raise ValueError(
            f"no difficulty {', '.join(unknown) or repr(wanted)} (has: {', '.join(available)}, "
            "or all)"
        )
    return [level for level in available if level in chosen]


# --------------------------------------------------------------------------------------------
# Running a calibration
# --------------------------------------------------------------------------------------------


@dataclass
class _Request:
    result: PresetResult
    case: dict[str, Any]
    messages: list[dict[str, str]]
    key: str
    purpose: str
    reply: str | None = None
    tokens: int = 0
    error: str | None = None


def run_id_for(model: str, base_url: str, seed: int, temperature: float, max_tokens: int) -> str:
    """The same calibration gets the same run id, so running it again resumes it."""
    text = f"{model}\x1f{base_url}\x1f{seed}\x1f{temperature}\x1f{max_tokens}"
    return "calibrate-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def plan_batches(
    subject: Subject, preset: PresetResult, *, seed: int, key_prefix: str
) -> Iterator[list[_Request]]:
    """The requests of one difficulty, `subject.batch` cases at a time (so the first ones can be
    sent while the rest are made): case i has the seed `campforge generate` gives record i, its
    prompt goes alone as the user message (as trainers send it), and its key names the case and
    its prompt's hash."""
    level, n = preset.difficulty, preset.requested
    for start in range(0, n, max(1, subject.batch)):
        indexes = range(start, min(n, start + max(1, subject.batch)))
        cases = subject.cases(level, [record_seed(seed, subject.name, level, i) for i in indexes])
        prompts = subject.prompts(cases)
        yield [
            _Request(
                preset,
                case,
                [{"role": "user", "content": prompt}],
                f"{key_prefix}{subject.name}/{level}/{index}/{_digest(prompt)}",
                f"calibrate {subject.name} {level}",
            )
            for index, case, prompt in zip(indexes, cases, prompts, strict=True)
        ]


def record_seed(seed: int, name: str, difficulty: str | None, index: int) -> int:
    """`generated_bootcamps.export.record_seed`, without importing export (and pyarrow, half a
    second): case i here is record i of `campforge generate` (tests/calibrate hold them equal)."""
    key = f"{seed}\x1f{name}\x1f{difficulty or ''}\x1f{index}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") >> 1


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class Sender:
    """Sends requests on a pool, `concurrency` at once, as they are submitted. A request that
    fails is recorded on it and the rest go on; the endpoint staying down or the token budget
    running out stops the rest (they stay unsent, with reply None): `stopped` says why."""

    def __init__(
        self, client: LLMClient, concurrency: int, on_done: Callable[[], None] = lambda: None
    ) -> None:
        self.client, self.on_done = client, on_done
        self.pool = ThreadPoolExecutor(max(1, concurrency), thread_name_prefix="calibrate")
        self.stop = threading.Event()
        self.reasons: list[str] = []
        self.futures: list[Future[None]] = []

    @property
    def stopped(self) -> str | None:
        return self.reasons[0] if self.reasons else None

    def submit(self, requests: Sequence[_Request]) -> None:
        self.futures += [self.pool.submit(self._send, request) for request in requests]

    def finish(self) -> None:
        """Wait for every request submitted, then release the pool."""
        try:
            for future in self.futures:
                future.result()
        finally:
            self.pool.shutdown(cancel_futures=True)

    def _send(self, request: _Request) -> None:
        if self.stop.is_set():
            return
        try:
            completion = self.client.complete(
                request.messages, key=request.key, purpose=request.purpose
            )
        except (LLMUnavailable, TokenBudgetExceeded) as error:
            self.stop.set()
            self.reasons.append(str(error))
            request.error = str(error)
            return
        except LLMError as error:  # rejected or malformed: this request only
            request.error = str(error)
            return
        finally:
            self.on_done()
        request.reply = completion.text
        request.tokens = completion.prompt_tokens + completion.completion_tokens


def tally(subject: Subject, requests: list[_Request]) -> None:
    """Score the answered requests with the bootcamp and count them into their presets."""
    answered = [request for request in requests if request.reply is not None]
    judged = subject.judge([r.reply or "" for r in answered], [r.case for r in answered])
    for request, judgement in zip(answered, judged, strict=True):
        preset = request.result
        preset.tokens += request.tokens
        if not judgement.extracted:
            preset.no_answer += 1
        elif judgement.score >= 1.0:
            preset.correct += 1
        else:
            preset.wrong += 1
    for request in requests:
        if request.reply is not None:
            continue
        if request.error is None:
            request.result.skipped += 1
        else:
            request.result.errors += 1
            request.result.first_error = request.result.first_error or request.error


@dataclass
class Settings:
    """What a calibration asks for (the CLI's options; the graph node's defaults)."""

    n: int = 30
    band: tuple[float, float] = DEFAULT_BAND
    difficulty: str = "all"
    seed: int = 0
    concurrency: int = 8
    model: str | None = None  # the graph node: None -> the drafting model
    repairs: int = 1  # the graph node: redrafts asked for a preset far outside the band


def calibrate(
    subjects: Sequence[Subject],
    client: LLMClient,
    settings: Settings,
    *,
    key_prefix: str = "",
    on_planned: Callable[[int], None] = lambda total: None,
    on_done: Callable[[], None] = lambda: None,
) -> list[BootcampResult]:
    """Calibrate every subject against the client's model: one pool of requests across them all,
    each difficulty's requests sent as soon as its cases are made (making cases can be slow: it
    overlaps the requests already in flight), then score each reply."""
    planned = []
    sender = Sender(client, settings.concurrency, on_done)
    total = 0
    try:
        for subject in subjects:
            levels = select_difficulties(subject.difficulties(), settings.difficulty)
            presets = [PresetResult(level, requested=settings.n) for level in levels]
            requests = []
            for preset in presets:
                for batch in plan_batches(
                    subject, preset, seed=settings.seed, key_prefix=key_prefix
                ):
                    requests += batch
                    sender.submit(batch)
                    total += len(batch)
                    on_planned(total)
            planned.append((subject, presets, requests))
    finally:
        sender.finish()
    stopped = sender.stopped
    results = []
    for subject, presets, requests in planned:
        tally(subject, requests)
        unsent = any(preset.skipped for preset in presets)
        results.append(
            BootcampResult(
                subject.name,
                client.settings.model,
                settings.band,
                presets,
                stopped=stopped if unsent else None,
            )
        )
    return results


# --------------------------------------------------------------------------------------------
# Using stored calibrations
# --------------------------------------------------------------------------------------------


def band_filter(
    names: Sequence[str], difficulty: str, band: tuple[float, float]
) -> tuple[dict[str, list[str | None]], list[str], list[str]]:
    """Per bootcamp, the asked difficulties whose stored calibration accuracy lies in `band`
    (those with no calibration are kept); and the "name/difficulty (accuracy)" pairs skipped,
    and the "name/difficulty" pairs kept for want of a calibration."""
    from generated_bootcamps.export import difficulties_of

    low, high = band
    kept: dict[str, list[str | None]] = {}
    skipped: list[str] = []
    unknown: list[str] = []
    for name in names:
        stored = catalog.entry(name).calibration
        kept[name] = []
        for level in difficulties_of(name, difficulty):
            accuracy = stored.accuracy(level) if stored is not None else None
            pair = f"{name}/{level or 'defaults'}"
            if accuracy is None:
                unknown.append(pair)
            elif not low <= accuracy <= high:
                skipped.append(f"{pair} ({accuracy:.0%}, {stored.model})")  # type: ignore[union-attr]
                continue
            kept[name].append(level)
    return kept, skipped, unknown
