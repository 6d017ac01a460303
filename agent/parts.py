"""Parts: the pieces of a bootcamp an LLM (or a spec) supplies, and the module rendered from them.

A bootcamp module is boilerplate around a few parts, named as in `agent.spec.PARTS`: `imports`
and `helpers` (module level), `answer_kind` (an expression over `generated_bootcamps.answers`),
`defaults` and `difficulties` (parameters), and the methods `generate`, `prompt`, `solve`,
`check`, `extract`, `format_answer`, `to_reference_input`, `from_reference_output`. The LLM
writes only the parts; `render_module` puts them into `templates/bootcamp.py.j2`, so the
contract's boilerplate (imports, class attributes, `@classmethod`, ClassVar annotations) never
depends on the LLM.

    parts = parse_response(reply_text, finish_reason="stop", spec=spec)   # or parts_from_spec(spec)
    source = render_module(parts, spec=spec)

The reply format `parse_response` reads (and `format_reply` writes): one ```yaml meta``` block
(name, description, domain, answer_kind, defaults, difficulties) and one ```python <part>```
block per part. It also reads what LLMs write instead: prose around the fences, a heading
(`### solve`) or a label line (`**solve**`) above an untagged fence, several methods in one
block, or a whole module with a `Bootcamp` subclass. Nothing in a reply is executed: parts are
parsed with `ast` and `yaml.safe_load` only.
"""

from __future__ import annotations

import ast
import contextlib
import io
import math
import re
import subprocess
import sys
import textwrap
import tokenize
from dataclasses import dataclass, field
from typing import Any

import jinja2
import yaml

import campforge_templates
from agent import pyliteral, pysource
from agent.spec import NAME_PATTERN, Spec
from generated_bootcamps import answers, contract
from generated_bootcamps.contract import MODULE_PARTS, PARTS, REQUIRED_PARTS, VALUE_PARTS

TEMPLATES = campforge_templates.DIRECTORY  # templates/ in the repository
META_KEYS = ("name", "description", "domain", "answer_kind", "defaults", "difficulties")
LEVELS = contract.DIFFICULTIES
METHODS = contract.SIGNATURES  # method parts in class order, each with its signature
CLASSMETHODS = tuple(part for part in METHODS if part != "generate")
# Names of generated_bootcamps.answers a module may use; imported when the parts use them.
ANSWER_KINDS = tuple(sorted(kind.__name__ for kind in answers.KINDS))
ANSWER_NAMES = ("AnswerKind", *ANSWER_KINDS, *answers.HELPERS)
# Short names a spec's front matter may use for an answer kind (`answer_kind: integer`); a
# choice needs its options, so it has none.
KIND_ALIASES = {
    alias: f"{kind.__name__}()"
    for kind, aliases in answers.KINDS.items()
    if kind is not answers.Choice
    for alias in aliases
}
NO_KIND = {"none", "null", "custom", "~", ""}
FIXED_IMPORTS = (
    "from __future__ import annotations",
    "from typing import Any, ClassVar",
    "from generated_bootcamps.base import Bootcamp",
)
FIRST_PARTY = {"generated_bootcamps", "agent", "review"}
LINE_LENGTH = 100
DEFAULTS_PREFIX = "defaults: ClassVar[dict[str, Any]] = "  # as in the template, for line lengths
DIFFICULTIES_PREFIX = "difficulties: ClassVar[dict[str, dict[str, Any]]] = "

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*(.*?)\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_LABEL = re.compile(r"^\s*(?:\d+[.)]\s*)?(?:\*\*|__|`)+\s*(.+?)\s*(?:\*\*|__|`)+\s*:?\s*$")
_PLAIN_LABEL = re.compile(r"^\s*([\w\s`'\".()#-]{1,60}):\s*$")  # "Part 1 - helpers:"
_WORD = re.compile(r"[a-z_]+")
_TAG_ALIASES = {"meta": "meta", "metadata": "meta"}
_CODE_LANGUAGES = {"python", "py", "python3", "py3", "yaml", "yml", "json", "toml", "text", ""}


class PartsError(ValueError):
    """A reply or spec that does not give usable parts; the message says exactly what is wrong."""


@dataclass
class Parts:
    """Everything a bootcamp module is rendered from."""

    name: str
    description: str
    domain: str
    defaults: dict[str, Any]
    difficulties: dict[str, Any]
    answer_kind: str | None  # a Python expression, e.g. "Integer()", "Number(abs_tol=1e-6)"
    code: dict[str, str]  # method parts (whole defs), imports and helpers, as written
    needs_reference_input: bool = False  # the spec has a reference program
    origin: dict[str, str] = field(default_factory=dict)  # part -> "llm" or "spec"

    def missing(self) -> list[str]:
        """What is still needed for a complete module (empty when complete)."""
        needed = [f"`{part}`" for part in REQUIRED_PARTS if not self.code.get(part, "").strip()]
        has_codec = all(self.code.get(part, "").strip() for part in ("extract", "format_answer"))
        if not self.answer_kind and not has_codec:
            needed.append("`answer_kind` (or both `extract` and `format_answer`)")
        if not self.defaults:
            needed.append("`defaults` (the parameters)")
        lacking = [level for level in LEVELS if level not in (self.difficulties or {})]
        if lacking:
            needed.append(f"`difficulties` ({', '.join(lacking)})")
        if self.needs_reference_input and not self.code.get("to_reference_input", "").strip():
            needed.append("`to_reference_input` (the spec has a reference program)")
        return needed


# -- reading a reply ------------------------------------------------------------------------------


@dataclass
class _Block:
    tag: str | None  # a part name, "meta", or None
    language: str
    code: str
    line: int


def parse_response(text: str, *, finish_reason: str | None = None, spec: Spec) -> Parts:
    """The LLM's reply as Parts; the spec fills in what the reply omits. Raises PartsError."""
    if not isinstance(text, str) or not text.strip():
        raise PartsError(_cut_off(finish_reason, "before writing anything") or "empty response")
    blocks, open_block = _fenced_blocks(text)
    truncated = finish_reason == "length"
    if open_block is not None:
        where = f"the `{open_block.tag}` block" if open_block.tag else "a code block"
        if truncated:
            raise PartsError(f"the response was cut off (finish_reason=length) inside {where}")
        raise PartsError(
            f"{where} (line {open_block.line}) is never closed: the response ends inside it"
        )
    if not blocks:
        raise PartsError(
            _cut_off(finish_reason, "before any code block")
            or "no code blocks in the response: expected one ```yaml meta``` block and one "
            "```python <part>``` block per part"
        )
    meta: dict[str, Any] = {}
    code: dict[str, str] = {}
    for block in blocks:  # a later block overrides an earlier one (a corrected draft)
        if block.tag == "meta":
            meta.update(_meta(block.code))
        elif block.tag in METHODS:
            code.update(_split_methods(block.tag, block.code))
        elif block.tag in PARTS:
            code[block.tag] = block.code
        elif block.language in ("python", "py", "python3", "py3", ""):
            found_code, found_meta = _split_untagged(block.code)
            code.update(found_code)
            meta = {**found_meta, **meta}
    if not meta and not code:
        raise PartsError(
            _cut_off(finish_reason, "before any part")
            or "no recognisable parts in the response: tag each code block with its part, "
            "like ```python generate``` or ```yaml meta```"
        )
    parts = _assemble(meta, code, spec)
    missing = parts.missing()
    if missing:
        reason = "; ".join(_missing_phrase(item) for item in missing)
        last = next((b.tag for b in reversed(blocks) if b.tag), None)
        if truncated:
            after = f" after the `{last}` block" if last else ""
            raise PartsError(f"the response was cut off (finish_reason=length){after}: {reason}")
        raise PartsError(reason)
    return parts


def parts_from_spec(spec: Spec) -> Parts:
    """Every part from the spec alone (front matter + tagged blocks). PartsError if incomplete."""
    parts = _assemble({}, {}, spec)
    missing = parts.missing()
    if missing:
        raise PartsError(
            f"the spec {spec.name!r} does not carry every part needed to render it without an "
            f"LLM: missing {', '.join(missing)}"
        )
    return parts


def _cut_off(finish_reason: str | None, where: str) -> str | None:
    if finish_reason == "length":
        return f"the response was cut off (finish_reason=length) {where}"
    return None


def _missing_phrase(item: str) -> str:
    name = item.split("`")[1] if "`" in item else item
    if name in METHODS:
        return f"no `{name}` block" + (item[len(name) + 2 :] or "")
    return f"no {item} in the meta block" if name in META_KEYS else f"no {item}"


def _fenced_blocks(text: str) -> tuple[list[_Block], _Block | None]:
    """Closed fenced blocks with their tags, and the block left open at the end (if any)."""
    lines = text.splitlines()
    blocks: list[_Block] = []
    pending: str | None = None  # a part named by the latest heading or label line
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if not fence:
            if _HEADING.match(line):  # a new section: it names a part or none
                pending = _tag_from_heading(line)
            elif _LABEL.match(line) or _PLAIN_LABEL.match(line):
                pending = _tag_from_heading(line) or pending
            index += 1
            continue
        marker, info = fence.group(2), fence.group(3)
        language, tag = _info_tag(info)
        if tag is None and pending is not None and _fits(pending, language):
            tag = pending
        if (
            tag is None
            and language in ("yaml", "yml")
            and not any(block.tag == "meta" for block in blocks)
        ):
            tag = "meta"
        end = next(
            (
                j
                for j in range(index + 1, len(lines))
                if lines[j].strip().startswith(marker[0] * len(marker))
                and not lines[j].strip().strip(marker[0])
            ),
            None,
        )
        block = _Block(tag, language, "\n".join(lines[index + 1 : end]) + "\n", index + 1)
        if end is None:
            return blocks, block
        blocks.append(block)
        if pending is None or _fits(pending, language):  # an example output keeps the heading's
            pending = None
        index = end + 1
    return blocks, None


def _fits(tag: str, language: str) -> bool:
    """Whether an untagged block in `language` can be the part a heading above it names."""
    if tag == "meta":
        return language in ("yaml", "yml", "json", "")
    if tag in VALUE_PARTS:
        return language in ("yaml", "yml", "json", "python", "py", "")
    return language in ("python", "py", "python3", "py3", "")


def _info_tag(info: str) -> tuple[str, str | None]:
    """The language and part tag of a fence's info string (`python generate`, `python:solve`)."""
    words = [word.removeprefix("part=").strip("{}.\"'") for word in re.split(r"[\s:,]+", info)]
    words = [word for word in words if word]
    if not words:
        return "", None
    language = words[0].lower()
    for word in words if language not in _CODE_LANGUAGES else words[1:]:
        tag = _part_name(word.lower())
        if tag:
            return (language if language in _CODE_LANGUAGES else "python"), tag
    return language, None


def _part_name(word: str) -> str | None:
    word = word.strip("`*_ ").lower().replace("-", "_")
    if word in PARTS:
        return word
    return _TAG_ALIASES.get(word)


def _tag_from_heading(line: str) -> str | None:
    """The part a heading or label line names: `### solve`, `**Part 3: solve**`, `solve:`."""
    text = (_HEADING.match(line) or _LABEL.match(line) or _PLAIN_LABEL.match(line)).group(1)
    for word in _WORD.findall(text.lower().replace("`", " ")):
        tag = _part_name(word)
        if tag:
            return tag
    return None


def _meta(code: str) -> dict[str, Any]:
    try:
        meta = yaml.safe_load(code)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise PartsError(f"meta block is not valid YAML{where}: {problem}") from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise PartsError("meta block must be key: value pairs (name, description, domain, ...)")
    if len(meta) == 1 and isinstance(next(iter(meta.values())), dict):  # `meta:` nested once
        ((key, inner),) = meta.items()
        if str(key).strip().lower() in ("meta", "metadata", "bootcamp"):
            meta = inner
    return {str(key).strip().lower(): value for key, value in meta.items()}


def _split_untagged(code: str) -> tuple[dict[str, str], dict[str, Any]]:
    """Parts in an untagged Python block: a whole module with a Bootcamp subclass, or methods
    written side by side. Returns (code parts, meta values read from class attributes)."""
    source = _dedent(code)
    try:
        tree = pysource.parse(source)
    except SyntaxError:
        return {}, {}
    lines = source.splitlines()
    bootcamp = next(
        (
            node
            for node in tree.body
            if isinstance(node, ast.ClassDef)
            and any(_base_name(base) == "Bootcamp" for base in node.bases)
        ),
        None,
    )
    if bootcamp is not None:
        members: list[ast.stmt] = bootcamp.body
        module_level = [node for node in tree.body if node is not bootcamp]
    else:
        members = [
            node
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_member(node)
        ]
        if not any(getattr(node, "name", None) in METHODS for node in members):
            return {}, {}
        module_level = [node for node in tree.body if node not in members]
    found: dict[str, str] = {}
    meta: dict[str, Any] = {}
    imports, helpers = [], []
    for index, node in enumerate(module_level):
        if index == 0 and _is_docstring(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            if not _template_import(node):
                imports.append(_segment(lines, node))
        else:
            helpers.append(_segment(lines, node))
    owner: str | None = None
    orphans: list[str] = []  # class members written before any part: kept with the next part
    for index, node in enumerate(members):
        if index == 0 and _is_docstring(node):
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            text = textwrap.dedent(_segment(lines, node))
            if node.name in METHODS:
                owner = node.name
                found[owner] = "\n\n".join([text, *orphans])
                orphans = []
            elif owner is not None:
                found[owner] += "\n\n" + text
            else:
                orphans.append(text)
            continue
        target = _assigned_name(node)
        value = getattr(node, "value", None)
        if value is None:
            continue
        if target == "answer_kind":
            meta["answer_kind"] = ast.get_source_segment(source, value) or ""
        elif target in META_KEYS:
            with contextlib.suppress(ValueError, SyntaxError, TypeError):
                meta[target] = ast.literal_eval(value)
    helpers += orphans
    if imports:
        found["imports"] = "\n".join(imports)
    if helpers:
        found["helpers"] = "\n\n\n".join(helpers)
    return found, meta


def _template_import(node: ast.Import | ast.ImportFrom) -> bool:
    """An import the template writes itself (in a whole module an LLM replied with)."""
    if not isinstance(node, ast.ImportFrom) or node.level:
        return False
    if node.module in ("__future__", "generated_bootcamps.base", "generated_bootcamps.answers"):
        return True
    return node.module == "typing" and {alias.name for alias in node.names} <= {"Any", "ClassVar"}


def _split_methods(tag: str, code: str) -> dict[str, str]:
    """A method block, with any other part's method written in it split off into its own part."""
    source = _dedent(code)
    try:
        tree = pysource.parse(source)
    except SyntaxError:
        return {tag: code}
    others = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name in METHODS
        and node.name != tag
    ]
    if not others or not any(getattr(node, "name", None) == tag for node in tree.body):
        return {tag: code}
    lines = source.splitlines()
    found: dict[str, str] = {}
    taken: set[int] = set()
    for node in others:
        first = _first_line(node)
        found[node.name] = "\n".join(lines[first - 1 : node.end_lineno])
        taken.update(range(first, (node.end_lineno or first) + 1))
    rest = [line for number, line in enumerate(lines, 1) if number not in taken]
    found[tag] = "\n".join(rest).strip("\n")
    return found


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _assigned_name(node: ast.stmt) -> str | None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id
    return None


def _is_member(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A def written for the class: a part's name, a self/cls first argument or a decorator."""
    if node.name in METHODS:
        return True
    decorators = {_base_name(d) for d in node.decorator_list}
    if decorators & {"classmethod", "staticmethod"}:
        return True
    arguments = node.args.posonlyargs + node.args.args
    return bool(arguments) and arguments[0].arg in ("self", "cls")


def _segment(lines: list[str], node: ast.stmt) -> str:
    """The source lines of a statement, decorators included."""
    decorators = getattr(node, "decorator_list", None) or []
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return "\n".join(lines[start - 1 : node.end_lineno])


# -- assembling parts from a reply and a spec ---------------------------------------------------


def _assemble(meta: dict[str, Any], code: dict[str, str], spec: Spec) -> Parts:
    origin: dict[str, str] = {}
    merged: dict[str, str] = {}
    for part in PARTS:
        if part in VALUE_PARTS:
            continue
        if code.get(part, "").strip():
            merged[part], origin[part] = code[part], "llm"
        elif spec.parts.get(part, "").strip():
            merged[part], origin[part] = spec.parts[part], "spec"
    values: dict[str, Any] = {}
    for key in VALUE_PARTS:
        for source, candidate in (
            ("llm", meta.get(key)),
            ("llm", code.get(key)),
            ("spec", spec.meta.get(key)),
            ("spec", spec.parts.get(key)),
        ):
            if candidate is None or (isinstance(candidate, str) and not candidate.strip()):
                continue
            values[key], origin[key] = candidate, source
            break
    name = _identity_name(meta, spec)
    domain = str(spec.meta.get("domain") or meta.get("domain") or "general").strip()
    description = _one_line(
        str(meta.get("description") or spec.meta.get("description") or _describe(spec))
    )
    return Parts(
        name=name,
        description=description or name.replace("_", " "),
        domain=domain or "general",
        defaults=_params("defaults", values.get("defaults")),
        difficulties=_difficulties(values.get("difficulties")),
        answer_kind=answer_kind_expression(values.get("answer_kind")),
        code=merged,
        needs_reference_input=bool(spec.reference_solution),
        origin=origin,
    )


def _identity_name(meta: dict[str, Any], spec: Spec) -> str:
    """The spec's front-matter name (the catalog id), else the reply's, else the spec's title."""
    if spec.meta.get("name"):
        return spec.name
    proposed = str(meta.get("name") or "").strip()
    return proposed if NAME_PATTERN.match(proposed) else spec.name


def _describe(spec: Spec) -> str:
    """A one-line description from the spec's prose: its first sentence, else its title."""
    paragraph: list[str] = []
    for line in spec.description.splitlines():
        stripped = line.strip()
        if stripped.startswith(("#", "```", "~~~", "|", "---")):
            if paragraph:
                break
            continue
        if not stripped:
            if paragraph:
                break
            continue
        paragraph.append(stripped)
    text = " ".join(paragraph)
    sentence = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0] if text else ""
    return sentence or spec.title or spec.name.replace("_", " ")


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def _literal(value: Any, what: str) -> Any:
    """A value given as code text (`{"n": 4}`, `defaults = {...}`, YAML) or already parsed."""
    if not isinstance(value, str):
        return value
    text = _dedent(value).strip()
    text = re.sub(rf"^{what}\s*(?::[^=]*)?=\s*", "", text)
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PartsError(f"`{what}` is neither a Python literal nor YAML: {error}") from None


def _params(what: str, value: Any) -> dict[str, Any]:
    value = _literal(value, what)
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise PartsError(f"`{what}` must be a mapping of parameter names to values, not {value!r}")
    return {key: _json_like(item, f"{what}.{key}") for key, item in value.items()}


def _difficulties(value: Any) -> dict[str, Any]:
    value = _literal(value, "difficulties")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PartsError(f"`difficulties` must map easy/medium/hard to parameters, not {value!r}")
    levels: dict[str, Any] = {}
    for level, preset in value.items():
        levels[str(level)] = _params(f"difficulties.{level}", preset if preset is not None else {})
    return levels


def _json_like(value: Any, where: str) -> Any:
    """A parameter value as a JSON-like literal (tuples become lists)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise PartsError(f"`{where}` must be a finite number, not {value!r}")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json_like(item, where) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: _json_like(item, where) for key, item in value.items()}
    raise PartsError(f"`{where}` must be a number, string, bool, list or dict, not {value!r}")


def answer_kind_expression(value: Any) -> str | None:
    """The answer kind as a Python expression; short names (`integer`) are expanded."""
    if value is None:
        return None
    text = _dedent(str(value)).strip()
    text = re.sub(r"^answer_kind\s*(?::[^=]*)?=\s*", "", text).strip()
    if text.lower() in NO_KIND:
        return None
    if text.lower() in KIND_ALIASES:
        return KIND_ALIASES[text.lower()]
    if text.lower() == "choice":
        raise PartsError(
            'answer_kind `choice` needs its options: write it as Choice(["A", "B", "C", "D"])'
        )
    by_lower = {kind.lower(): kind for kind in ANSWER_KINDS}
    if text.lower() in by_lower:
        return by_lower[text.lower()] + "()"
    try:
        pysource.parse(text, mode="eval")
    except SyntaxError:
        raise PartsError(
            f"answer_kind {text!r} is not a Python expression: write one of the answer kinds, "
            "e.g. Integer(), Number(abs_tol=1e-6), Text(), IntList(), Grid(), Choice([...])"
        ) from None
    return " ".join(text.split()) if "\n" in text else text


# -- rendering the module -------------------------------------------------------------------------


def class_name(name: str) -> str:
    """The class of a bootcamp: "game24" -> "Game24Bootcamp"."""
    words = [word for word in re.split(r"[^A-Za-z0-9]+", name) if word]
    stem = "".join(word[:1].upper() + word[1:] for word in words) or "Generated"
    if stem[0].isdigit():
        stem = "Task" + stem
    return stem if stem.endswith("Bootcamp") else stem + "Bootcamp"


def render_module(parts: Parts, *, spec: Spec) -> str:
    """The bootcamp module's source, rendered from `templates/bootcamp.py.j2`."""
    missing = parts.missing()
    if missing:
        raise PartsError(f"cannot render {parts.name!r}: missing {', '.join(missing)}")
    imports: list[ast.stmt] = []
    helpers: list[str] = []
    for part in MODULE_PARTS:
        if parts.code.get(part, "").strip():
            found_imports, rest = _module_code(part, parts.code[part])
            imports += found_imports
            if rest.strip() and part == "imports":  # constants written among the imports
                helpers.insert(0, rest.strip())
            elif rest.strip():
                helpers.append(rest.strip())
    members: list[str] = []
    for part in METHODS:
        if not parts.code.get(part, "").strip():
            continue
        found_imports, member_code, module_code = _method_code(part, parts.code[part])
        imports += found_imports
        members.append(_indent(member_code, "    "))
        if module_code.strip():
            helpers.append(module_code.strip())
    answer_kind = parts.answer_kind
    used = _used_names([answer_kind or "", *helpers, *members])
    answer_names = [name for name in ANSWER_NAMES if name in used]
    import_lines = _import_lines(imports, answer_names)
    template = _environment().get_template("bootcamp.py.j2")
    source = template.render(
        docstring=_docstring(parts, spec),
        imports=import_lines,
        helpers="\n\n\n".join(helpers),
        helpers_open_with_def=bool(helpers) and _opens_with_def(helpers[0]),
        class_name=class_name(parts.name),
        class_doc=_class_doc(parts.description),
        name=pyliteral.literal(parts.name),
        description=pyliteral.literal(parts.description),
        domain=pyliteral.literal(parts.domain),
        defaults=pyliteral.block(parts.defaults, indent=4, prefix=DEFAULTS_PREFIX),
        difficulties=pyliteral.block(parts.difficulties, indent=4, prefix=DIFFICULTIES_PREFIX),
        answer_kind=answer_kind,
        requires=pyliteral.literal(list(spec.requires)) if spec.requires else None,
        members=members,
    )
    return source.rstrip() + "\n"


def render_test(name: str, class_name: str, module: str) -> str:
    """A pytest file for a merged catalog bootcamp, from `templates/test_bootcamp.py.j2`."""
    if not class_name.isidentifier() or not all(part.isidentifier() for part in module.split(".")):
        raise ValueError(f"not a class in a module: {class_name!r} in {module!r}")
    template = _environment().get_template("test_bootcamp.py.j2")
    source = template.render(name=pyliteral.literal(name), class_name=class_name, module=module)
    return source.rstrip() + "\n"


def format_reply(parts: Parts) -> str:
    """Parts written in the reply format the system prompt teaches (for repair prompts, records)."""
    meta: dict[str, Any] = {
        "name": parts.name,
        "description": parts.description,
        "domain": parts.domain,
        "answer_kind": parts.answer_kind or "none",
        "defaults": parts.defaults,
        "difficulties": parts.difficulties,
    }
    blocks = [f"```yaml meta\n{yaml_block(meta)}\n```"]
    for part in PARTS:
        code = parts.code.get(part, "")
        if part not in VALUE_PARTS and code.strip():
            blocks.append(f"```python {part}\n{_dedent(code).strip()}\n```")
    return "\n\n".join(blocks) + "\n"


def yaml_block(mapping: dict[str, Any]) -> str:
    """A mapping as block YAML, one key a line, with innermost mappings in flow style:
    `defaults: {n: 4}` and `difficulties:` followed by `  easy: {n: 3}`."""
    lines = []
    for key, value in mapping.items():
        flow = None if isinstance(value, dict | list) and value else False
        dumped = yaml.safe_dump(
            {key: value}, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=flow
        )
        lines.append(dumped.rstrip("\n"))
    return "\n".join(lines)


def autofix(source: str) -> str:
    """`source` after `ruff check --fix --isolated --select E4,E7,E9,F,I` (what the graph runs)."""
    command = [sys.executable, "-m", "ruff", "check", "--fix", "--isolated", "--no-cache"]
    command += ["--select", "E4,E7,E9,F,I", "--quiet", "--stdin-filename", "bootcamp.py", "-"]
    result = subprocess.run(command, input=source, capture_output=True, text=True, timeout=60)
    return result.stdout if result.stdout.strip() else source


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # Python source, not HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _docstring(parts: Parts, spec: Spec) -> str:
    where = spec.path if spec.path and not spec.path.startswith("<") else "given as text"
    summary = textwrap.fill(
        f"{parts.name}: {parts.description}", width=LINE_LENGTH - 4, break_long_words=False
    )
    provenance = textwrap.fill(
        f"Generated by campforge from the spec {where} (spec sha256 {spec.hash[:16]}): the class "
        "boilerplate comes from templates/bootcamp.py.j2, the rest from the parts.",
        width=LINE_LENGTH - 4,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return pyliteral.docstring(f"{summary}\n\n{provenance}\n")


def _class_doc(description: str) -> str:
    if len(description) <= LINE_LENGTH - 10:
        return pyliteral.docstring(description)
    text = textwrap.fill(description, width=LINE_LENGTH - 8, subsequent_indent="    ")
    return pyliteral.docstring(text + "\n    ")


def _opens_with_def(code: str) -> bool:
    """Whether module-level code starts (after comments) with a def, class or decorator."""
    try:
        tree = pysource.parse(code)
    except SyntaxError:
        return True
    return bool(tree.body) and isinstance(
        tree.body[0], ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    )


def _module_code(part: str, code: str) -> tuple[list[ast.stmt], str]:
    """Top-level imports of a module-level part, and the rest of its code."""
    source = _dedent(code)
    tree = _parse(part, source)
    lines = source.splitlines()
    imports: list[ast.stmt] = []
    rest: list[str] = []
    previous_end = 0
    for node in tree.body:
        start = _first_line(node)
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(node)
        else:
            rest.append("\n".join(lines[previous_end : node.end_lineno]))
        previous_end = node.end_lineno or start
    trailing = "\n".join(lines[previous_end:]).strip()
    if trailing:
        rest.append(trailing)
    return imports, "\n".join(rest)


def _method_code(part: str, code: str) -> tuple[list[ast.stmt], str, str]:
    """A method part as (its imports, the class members' source, module-level code)."""
    source = _dedent(code)
    tree = _parse(part, source)
    functions = [
        node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    if not any(node.name == part for node in functions):
        if functions:
            names = ", ".join(f"`{node.name}`" for node in functions)
            raise PartsError(f"the `{part}` block defines {names} but no `{part}`")
        source = METHODS[part] + "\n" + _indent(source, "    ")
        tree = _parse(part, source)
    lines = source.splitlines()
    imports: list[ast.stmt] = []
    members: list[str] = []
    module_level: list[str] = []
    previous_end = 0
    for index, node in enumerate(tree.body):
        start, begin = _first_line(node), previous_end
        chunk = lines[begin : node.end_lineno]  # comments above a statement belong to it
        previous_end = node.end_lineno or start
        if index == 0 and _is_docstring(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(node)
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_member(node):
            decorators = {_base_name(d) for d in node.decorator_list}
            if node.name in CLASSMETHODS and not decorators & {"classmethod", "staticmethod"}:
                arguments = node.args.posonlyargs + node.args.args
                bound = bool(arguments) and arguments[0].arg in ("cls", "self")
                first = start - 1 - begin  # the first decorator's or the def's line
                decorator = "@classmethod" if bound else "@staticmethod"  # def solve(case)
                chunk = [*chunk[:first], decorator, *chunk[first:]]
            members.append("\n".join(chunk).strip("\n"))
        else:
            module_level.append("\n".join(chunk).strip("\n"))
    return imports, "\n\n".join(members), "\n\n\n".join(module_level)


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(d.lineno for d in decorators)])


def _parse(part: str, source: str) -> ast.Module:
    try:
        return pysource.parse(source)
    except SyntaxError as error:
        line = f"line {error.lineno}: " if error.lineno else ""
        raise PartsError(f"the `{part}` block is not valid Python ({line}{error.msg})") from None


def _string_lines(source: str) -> set[int]:
    """Line numbers (1-based) that begin inside a multi-line string: never re-indented."""
    inside: set[int] = set()
    starts: list[int] = []
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.STRING and token.end[0] > token.start[0]:
                inside.update(range(token.start[0] + 1, token.end[0] + 1))
            elif fstring_start is not None and token.type == fstring_start:
                starts.append(token.start[0])
            elif fstring_end is not None and token.type == fstring_end and starts:
                first = starts.pop()
                inside.update(range(first + 1, token.end[0] + 1))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return inside


def _dedent(code: str) -> str:
    """Code with its common indentation removed, ignoring lines inside multi-line strings."""
    code = "\n".join(line.rstrip() for line in code.strip("\n").splitlines())
    simple = textwrap.dedent(code)
    try:
        pysource.parse(simple)
        return simple
    except SyntaxError:
        pass
    skip = _string_lines(code)
    indents = [
        len(line) - len(line.lstrip())
        for number, line in enumerate(code.splitlines(), 1)
        if line.strip() and number not in skip
    ]
    width = min(indents, default=0)
    if not width:
        return simple
    return "\n".join(
        line if number in skip else line[width:] for number, line in enumerate(code.splitlines(), 1)
    )


def _indent(code: str, prefix: str) -> str:
    skip = _string_lines(code)
    return "\n".join(
        line if number in skip or not line.strip() else prefix + line
        for number, line in enumerate(code.splitlines(), 1)
    )


def _used_names(sources: list[str]) -> set[str]:
    names: set[str] = set()
    for source in sources:
        try:
            tree = pysource.parse(_dedent(source))
        except SyntaxError:
            continue
        names.update(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))
    return names


def _import_lines(nodes: list[ast.stmt], answer_names: list[str]) -> list[str]:
    """The module's import statements: fixed ones, the parts' ones, deduplicated and grouped."""
    statements: list[tuple[int, str, str]] = []  # (group, module, statement)
    seen: set[tuple[Any, ...]] = set()
    fixed = [pysource.parse(line).body[0] for line in FIXED_IMPORTS]
    if answer_names:
        kinds = ", ".join(sorted(answer_names, key=_isort_key))
        fixed.append(pysource.parse(f"from generated_bootcamps.answers import {kinds}").body[0])
    for node in [*fixed, *nodes]:
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            fresh = [
                alias
                for alias in node.names
                if ("from", module, alias.name, alias.asname) not in seen
            ]
            seen.update(("from", module, alias.name, alias.asname) for alias in fresh)
            if not fresh:
                continue
            names = ", ".join(
                alias.name + (f" as {alias.asname}" if alias.asname else "")
                for alias in sorted(fresh, key=lambda alias: _isort_key(alias.name))
            )
            statement = f"from {module} import {names}"
            if len(statement) > LINE_LENGTH:
                inner = "".join(
                    f"    {alias.name}" + (f" as {alias.asname}" if alias.asname else "") + ",\n"
                    for alias in sorted(fresh, key=lambda alias: _isort_key(alias.name))
                )
                statement = f"from {module} import (\n{inner})"
            statements.append((_group(module), module, statement))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                key = ("import", alias.name, alias.asname)
                if key in seen:
                    continue
                seen.add(key)
                text = f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
                statements.append((_group(alias.name), alias.name, text))
    statements.sort(key=lambda item: (item[0], item[2].startswith("from "), item[1]))
    lines: list[str] = []
    group = None
    for number, _, statement in statements:
        if group is not None and number != group:
            lines.append("")
        lines.append(statement)
        group = number
    return lines


def _group(module: str) -> int:
    top = module.split(".")[0]
    if top == "__future__":
        return 0
    if module.startswith(".") or top in FIRST_PARTY:
        return 3
    return 1 if top in sys.stdlib_module_names else 2


def _isort_key(name: str) -> tuple[int, str]:
    """isort's order of imported names: CONSTANTS, then Classes, then functions."""
    if name.isupper() and len(name) > 1:
        return (0, name)
    return (1, name.lower()) if name[:1].isupper() else (2, name.lower())
