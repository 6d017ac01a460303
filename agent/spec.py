"""Task specs: markdown files describing a bootcamp to draft.

A spec is markdown with optional YAML front matter, a free-text description, an optional
`## Reference solution` section holding one fenced program (reads the case from stdin, prints the
answer), an optional `## Reference checker` section holding one fenced program (reads the case and
then an answer from stdin, prints 1 if the answer is valid and 0 if not), and optional fenced
blocks that supply parts directly, tagged with the part's name:

    ---
    name: knapsack
    domain: algorithms
    answer_kind: integer
    requires: [numpy]
    ---
    # 0/1 knapsack
    Given items with values and weights ...

    ## Reference solution
    ```python
    ...
    ```

    ## Reference checker
    ```cpp
    ...
    ```

    ```python generate
    def generate(self):
        ...
    ```

A reference program's fence tag names its language: python (the default, also py and python3),
c, cpp (also c++, cc, cxx), java, go (golang) or rust (rs); `reference_language` and
`checker_language` hold the canonical name.

`requires` (optional) lists the third-party packages the bootcamp may import, from the short
allow-list `agent.sandbox.packages.ALLOWED` (the drafting prompt shows it); the rendered module
declares them and the sandbox makes exactly those importable. Without it: the standard library.

A file may hold several specs: each then starts with its own front matter block (a `---` line
followed by `key: value` lines and a closing `---`). Errors name the file, the line and the problem.
A spec file may be at most MAX_SPEC_BYTES long (a spec's text is stored with every checkpoint and
shown on the review page).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from agent.sandbox.packages import ALLOWED as ALLOWED_PACKAGES
from agent.sandbox.packages import normalize as normalize_package
from agent.sandbox.programs import LANGUAGES, language_of
from generated_bootcamps.contract import PARTS, REQUIRED_PARTS

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# The largest spec file accepted: the examples are under 4 KiB, so 256 KiB leaves room for a file
# of dozens of specs, while keeping checkpoints and the review page small.
MAX_SPEC_BYTES = 256 * 1024
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^`]*)$")
_FRONT_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# The sections holding a reference program, by heading (lower case): what they are called.
REFERENCE_SECTIONS = {"reference solution": "solution", "reference checker": "checker"}


class SpecError(ValueError):
    """A malformed spec: where it is and what is wrong."""

    def __init__(self, path: Path | str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = str(path), line, message


@dataclass(frozen=True)
class CodeBlock:
    """A fenced block: its info string's words, its code and the line it starts on."""

    info: tuple[str, ...]
    code: str
    line: int


@dataclass
class Spec:
    """One task spec."""

    name: str
    path: str
    line: int
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    description: str = ""
    reference_solution: str | None = None
    reference_language: str = "python"
    reference_checker: str | None = None
    checker_language: str = "python"
    parts: dict[str, str] = field(default_factory=dict)

    @property
    def domain(self) -> str:
        return str(self.meta.get("domain", "general"))

    @property
    def requires(self) -> tuple[str, ...]:
        """The third-party packages the bootcamp may import (front matter `requires:`)."""
        return tuple(self.meta.get("requires") or ())

    @property
    def hash(self) -> str:
        """sha256 of the spec's text: the provenance of what was drafted from it."""
        return hashlib.sha256(self.text.strip().encode()).hexdigest()

    @property
    def offline(self) -> bool:
        """Whether the spec carries every part needed to render a bootcamp without an LLM."""
        has_answer = (
            "answer_kind" in self.parts
            or "answer_kind" in self.meta
            or ("extract" in self.parts and "format_answer" in self.parts)
        )
        has_params = ("defaults" in self.parts or "defaults" in self.meta) and (
            "difficulties" in self.parts or "difficulties" in self.meta
        )
        return all(part in self.parts for part in REQUIRED_PARTS) and has_answer and has_params


def load_specs(path: Path | str) -> list[Spec]:
    """Every spec in a markdown file. Raises SpecError for the first malformed one, or for a file
    over MAX_SPEC_BYTES (read no further than that, so a huge file or a device costs nothing)."""
    path = Path(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_SPEC_BYTES + 1)
            if len(data) > MAX_SPEC_BYTES:
                raise _too_large(path, _size_of(stream))
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(path, 0, f"cannot read the spec: {error}") from None
    return parse_specs(text, path)


def parse_specs(text: str, path: Path | str = "<spec>") -> list[Spec]:
    """Every spec in a markdown text (at most MAX_SPEC_BYTES of UTF-8)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SPEC_BYTES:
        raise _too_large(path, size)
    lines = text.splitlines()
    starts = _front_matter_starts(lines)
    if not starts or any(line.strip() for line in lines[: starts[0]]):
        starts = [0, *starts]
    specs = []
    for index, start in enumerate(starts):
        stop = starts[index + 1] if index + 1 < len(starts) else len(lines)
        specs.append(_parse_one(lines[start:stop], start, Path(path)))
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise SpecError(path, spec.line, f"two specs are named {spec.name!r}")
        seen.add(spec.name)
    return specs


def _size_of(stream: BinaryIO) -> int | None:
    """The size of a regular file; None for a device or a pipe, whose size is unknown."""
    status = os.fstat(stream.fileno())
    return status.st_size if stat.S_ISREG(status.st_mode) else None


def _too_large(path: Path | str, size: int | None) -> SpecError:
    cap = f"{MAX_SPEC_BYTES:,} bytes ({MAX_SPEC_BYTES // 1024} KiB)"
    actual = f"{size:,} bytes, " if size is not None else ""
    return SpecError(
        path,
        0,
        f"the spec file is {actual}over the cap of {cap}: shorten it or split its specs "
        "across several files",
    )


def _front_matter_starts(lines: list[str]) -> list[int]:
    """Line indexes of `---` lines that open a front matter block (outside code fences)."""
    starts, fence, index = [], None, 0
    while index < len(lines):
        line = lines[index]
        fence = _track_fence(line, fence)
        if fence is None and line.strip() == "---":
            following = lines[index + 1] if index + 1 < len(lines) else ""
            closing = next(
                (j for j in range(index + 1, len(lines)) if lines[j].strip() == "---"), None
            )
            if _FRONT_KEY.match(following) and closing is not None:
                starts.append(index)
                index = closing + 1
                continue
        index += 1
    return starts


def _track_fence(line: str, fence: str | None) -> str | None:
    match = _FENCE.match(line)
    if not match:
        return fence
    marker = match.group(2)
    if fence is None:
        return marker
    return None if marker[0] == fence[0] and len(marker) >= len(fence) else fence


def _parse_one(lines: list[str], offset: int, path: Path) -> Spec:
    first_line = offset + 1
    meta: dict[str, Any] = {}
    body_start = 0
    if lines and lines[0].strip() == "---":
        closing = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), None)
        if closing is None:
            raise SpecError(path, first_line, "front matter opened with --- is never closed")
        meta = _front_matter(lines[1:closing], first_line + 1, path)
        _check_requires(meta, first_line + 1, path)
        body_start = closing + 1
    body = lines[body_start:]
    body_offset = offset + body_start
    blocks, prose_lines, references, title = _blocks(body, body_offset, path)
    reference, checker = references.get("solution"), references.get("checker")
    parts: dict[str, str] = {}
    for block in blocks:
        tagged = [word for word in block.info[1:] if not word.startswith("{")]
        if not tagged:
            continue
        part = tagged[0].removeprefix("part=")
        if part not in PARTS:
            raise SpecError(path, block.line, f"unknown part {part!r} (parts: {', '.join(PARTS)})")
        if part in parts:
            raise SpecError(path, block.line, f"part {part!r} is given twice")
        parts[part] = block.code
    name = str(meta.get("name") or _slug(title) or _slug(path.stem))
    if not NAME_PATTERN.match(name):
        raise SpecError(
            path, first_line, f"name {name!r} must be snake_case (a-z, digits, underscores)"
        )
    return Spec(
        name=name,
        path=str(path),
        line=first_line,
        text="\n".join(lines),
        meta=meta,
        title=title,
        description="\n".join(prose_lines).strip(),
        reference_solution=reference.code if reference else None,
        reference_language=_language(reference, path),
        reference_checker=checker.code if checker else None,
        checker_language=_language(checker, path),
        parts=parts,
    )


def _front_matter(lines: list[str], first_line: int, path: Path) -> dict[str, Any]:
    try:
        meta = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + (mark.line if mark is not None else 0)
        problem = getattr(error, "problem", None) or str(error)
        raise SpecError(path, line, f"front matter is not valid YAML: {problem}") from None
    if not isinstance(meta, dict):
        raise SpecError(path, first_line, "front matter must be key: value pairs")
    return meta


def _check_requires(meta: dict[str, Any], line: int, path: Path) -> None:
    """`requires:` must list packages of the allow-list (normalized in `meta`)."""
    if "requires" not in meta or meta["requires"] is None:
        return
    allowed = ", ".join(ALLOWED_PACKAGES)
    value = meta["requires"]
    if isinstance(value, str) or not isinstance(value, list):
        raise SpecError(path, line, f"requires must be a list of packages, e.g. [{allowed}]")
    names = [normalize_package(str(name)) for name in value]
    unknown = [name for name in names if name not in ALLOWED_PACKAGES]
    if unknown:
        raise SpecError(
            path,
            line,
            f"requires names {', '.join(unknown)}: a bootcamp may require only {allowed} "
            "(otherwise the standard library)",
        )
    meta["requires"] = list(dict.fromkeys(names))


def _language(block: CodeBlock | None, path: Path) -> str:
    """The canonical language of a reference program's block (python when untagged)."""
    tag = block.info[0] if block is not None and block.info else "python"
    language = language_of(tag)
    if language is None:
        assert block is not None
        raise SpecError(
            path,
            block.line,
            f"a reference program in {tag!r} cannot be run: tag its block with one of "
            f"{', '.join(LANGUAGES)}",
        )
    return language


def _blocks(
    body: list[str], offset: int, path: Path
) -> tuple[list[CodeBlock], list[str], dict[str, CodeBlock], str]:
    """Fenced blocks, the prose around them, the reference program blocks ("solution",
    "checker") and the title."""
    blocks: list[CodeBlock] = []
    prose: list[str] = []
    references: dict[str, CodeBlock] = {}
    headings: dict[str, tuple[int, str]] = {}  # section: (line of its heading, its text)
    title = ""
    section: str | None = None  # the reference section we are in, if any
    index = 0
    while index < len(body):
        line = body[index]
        heading = _HEADING.match(line)
        fence = _FENCE.match(line)
        if heading:
            text = heading.group(2)
            if heading.group(1) == "#" and not title:
                title = text
            section = REFERENCE_SECTIONS.get(text.strip().lower())
            if section is not None:
                if section in headings:
                    raise SpecError(path, offset + index + 1, f"## {text.strip()} is given twice")
                headings[section] = (offset + index + 1, text.strip())
            else:  # a reference section is not part of the description
                prose.append(line)
        elif fence:
            marker, info = fence.group(2), tuple(fence.group(3).split())
            end = next(
                (
                    j
                    for j in range(index + 1, len(body))
                    if body[j].strip().startswith(marker[0] * len(marker))
                    and not body[j].strip().strip(marker[0])
                ),
                None,
            )
            if end is None:
                raise SpecError(path, offset + index + 1, "code block is never closed")
            block = CodeBlock(info, "\n".join(body[index + 1 : end]) + "\n", offset + index + 1)
            if section is not None and section not in references and len(info) <= 1:
                references[section] = block
            else:
                blocks.append(block)
                if len(info) <= 1:  # untagged examples are part of the description
                    prose.extend(body[index : end + 1])
            index = end
        else:
            prose.append(line)
        index += 1
    for name, (line_number, text) in headings.items():
        if name not in references:
            raise SpecError(path, line_number, f"## {text} has no code block")
    return blocks, prose, references, title


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return slug if slug and slug[0].isalpha() else ""
