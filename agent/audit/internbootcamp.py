"""InternBootcamp-style modules: finding them, reading them statically, and adapting them.

An InternBootcamp bootcamp is a `Basebootcamp` subclass with `case_generator()` (an "identity"
dict), `prompt_func(identity)`, `extract_output(text)` and `_verify_correction(answer,
identity)`. campforge adapts one by writing, in a scratch directory, a small campforge bootcamp
module (`adapter.py`, a `generated_bootcamps.base.Bootcamp` subclass) that imports the module and
delegates to it; its companion directory `adapter.d/` holds a copy of the module
(`<name>_target.py`), InternBootcamp's base class (`bootcamp/`) and `<name>_support.py`, where
<name> is the bootcamp's campforge name (`campforge_name`), so that several adapted modules load
side by side in one process (a trainer's reward worker over the catalog). The adapter finds its
companion beside its own file (`<its stem>.d/`), so the same two can move together: the sandbox
copies both next to each other, read-only, so the same sandboxed self-test runs on it (the
third-party code runs only in the sandbox, never in campforge's process), and an approved import
lands in the catalog as `<name>/bootcamp.py` with `<name>/bootcamp.d/` (`companion_files`).

The adapter maps
    generate      -> case_generator(), after seeding the global `random` from self.rng (and
                     passing a seed from self.rng to a constructor parameter named `seed`, which
                     some modules use for a generator of their own), then
                     through JSON (InternBootcamp stores identities as JSON: its verifier sees
                     lists where the generator made tuples, exactly as in training)
    prompt        -> prompt_func(case)
    extract       -> extract_output(response)
    check         -> _verify_correction(answer, case)
    solve         -> case[ANSWER_KEY], the identity key the audit detected (see `detect.py`);
                     without one, solve() raises and the self-test runs its verifier-only checks
    format_answer -> a writer `extract_output` reads (an answer span style and a rendering)
    defaults      -> the constructor's parameters with literal defaults (all three difficulty
                     presets are the defaults: InternBootcamp has no difficulty, and which
                     parameters set it is not known, see `single_level_reason`)

Static reading (`read_module`) never imports the module: Python 2 code is recognised here
(verdict `unusable: Python 2 syntax`), as is a constructor that needs arguments.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent import pyliteral, pysource
from agent.selftest.scan import GLOBAL_RNG, Finding, scan_source

SUPPORT_SOURCE = Path(__file__).with_name("ib_support.py")
ADAPTER = "adapter.py"
COMPANION = "adapter.d"
TARGET_MODULE = "ib_target"
BASE_CLASS = "Basebootcamp"
# Python 2 only: these modules do not exist in Python 3.
PY2_MODULES = {"__builtin__", "future_builtins", "StringIO", "cStringIO", "urllib2", "cPickle"}
PY2_SYNTAX = (
    (re.compile(r"^\s*print\s+[^\s(=.,)\]]", re.MULTILINE), "a print statement"),
    (re.compile(r"^\s*except\s+[\w.]+\s*,\s*\w+\s*:", re.MULTILINE), "`except X, e:`"),
    (re.compile(r"^\s*exec\s+[\"'\w]", re.MULTILINE), "an exec statement"),
    (re.compile(r"\b\d+L\b"), "a long literal"),
    (re.compile(r"<>"), "the `<>` operator"),
    (re.compile(r"`[^`\n]+`"), "backtick repr"),
)
SEED_NAMES = re.compile(r"^(seed|random_seed|rng_seed|rand_seed)$", re.IGNORECASE)


class NotAnInternBootcampSource(ValueError):
    """The directory holds no InternBootcamp-style module (or its index is unreadable)."""


@dataclass(frozen=True)
class IBModule:
    """One InternBootcamp bootcamp class: where its module is, and the root holding
    `bootcamp/base.py` (InternBootcamp's Basebootcamp)."""

    path: Path
    class_name: str
    root: Path

    @property
    def name(self) -> str:
        """The audit's name for it: the module's file name (InternBootcamp names them so)."""
        return self.path.stem

    @property
    def relative(self) -> str:
        try:
            return str(self.path.relative_to(self.root))
        except ValueError:
            return str(self.path)


# -- finding modules -------------------------------------------------------------------------------


def find_root(directory: Path) -> Path | None:
    """The directory holding `bootcamp/base.py`: `directory` itself or one above it."""
    for candidate in (directory, *directory.parents):
        if (candidate / "bootcamp" / "base.py").is_file():
            return candidate
    return None


def discover(directory: Path) -> list[IBModule]:
    """The bootcamps of an InternBootcamp-style directory: from its `index.json` when present
    (entries {"module": relative path, "class": name}), else every `Basebootcamp` subclass
    found by parsing the `.py` files under it. Raises NotAnInternBootcampSource."""
    directory = directory.resolve()
    root = find_root(directory) or directory
    index = directory / "index.json"
    if index.is_file():
        return _from_index(index, directory, root)
    found: list[IBModule] = []
    for path in sorted(directory.rglob("*.py")):
        if path.name in ("__init__.py", "base.py") or ".campforge" in path.parts:
            continue
        found.extend(IBModule(path, name, root) for name in bootcamp_classes(path))
    if not found:
        raise NotAnInternBootcampSource(
            f"{directory} holds no InternBootcamp module (no class deriving from {BASE_CLASS} "
            "and no index.json): give a directory of InternBootcamp-style modules"
        )
    return found


def _from_index(index: Path, directory: Path, root: Path) -> list[IBModule]:
    try:
        entries = json.loads(index.read_text(encoding="utf-8"))
        modules = [
            IBModule((directory / entry["module"]).resolve(), str(entry["class"]), root)
            for entry in entries
        ]
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise NotAnInternBootcampSource(
            f"{index} is not a list of {{module, class}} entries ({error}): fix or remove it"
        ) from None
    missing = [module.path for module in modules if not module.path.is_file()]
    if missing:
        raise NotAnInternBootcampSource(
            f"{index} lists {len(missing)} module(s) that do not exist, e.g. {missing[0]}"
        )
    return modules


def bootcamp_classes(path: Path) -> list[str]:
    """Names of the classes in `path` deriving from Basebootcamp (a regex match when the file
    does not parse, so that Python 2 modules are found too)."""
    try:
        source = path.read_text(encoding="utf-8", errors="replace")
        tree = _parse(source)
    except SyntaxError:
        return re.findall(rf"^class\s+(\w+)\s*\(\s*(?:\w+\.)?{BASE_CLASS}\s*\)", source, re.M)
    except (OSError, ValueError):
        return []
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base).split(".")[-1] == BASE_CLASS for base in node.bases)
    ]


def _parse(source: str) -> ast.Module:
    """The module's syntax tree; third-party code's invalid escapes do not warn."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (SyntaxWarning, DeprecationWarning))
        return pysource.parse(source)


# -- reading a module without running it ---------------------------------------------------------


@dataclass
class ModuleFacts:
    """What the source says: whether it can be adapted, and the constructor's parameters."""

    source: str
    unusable: str | None = None
    params: dict[str, Any] = field(default_factory=dict)  # literal defaults, JSON values
    findings: list[Finding] = field(default_factory=list)  # static scan, global random excepted
    seed_param: str | None = None  # a constructor argument that seeds the module's own RNG


def read_module(module: IBModule) -> ModuleFacts:
    """Read the module's source: Python 2 code, a missing class or a constructor with required
    arguments make it unusable; otherwise its parameters and the static scan's findings."""
    try:
        source = module.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return ModuleFacts("", unusable=f"unusable: cannot read the module ({error})")
    try:
        tree = _parse(source)
    except SyntaxError as error:
        return ModuleFacts(source, unusable=_syntax_verdict(source, error))
    python2 = _python2_imports(tree)
    if python2:
        return ModuleFacts(source, unusable=f"unusable: Python 2 syntax (imports {python2})")
    cls = next(
        (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == module.class_name),
        None,
    )
    if cls is None:
        return ModuleFacts(source, unusable=f"unusable: no class {module.class_name} at top level")
    if not (module.root / "bootcamp" / "base.py").is_file():
        return ModuleFacts(
            source,
            unusable=f"unusable: no bootcamp/base.py (InternBootcamp's {BASE_CLASS}) above it",
        )
    params, required = _constructor_parameters(cls)
    seed_param = next((name for name in params if SEED_NAMES.match(name)), None)
    if seed_param is not None:
        del params[seed_param]  # the adapter seeds it from self.rng
    if required:
        return ModuleFacts(
            source,
            unusable="unusable: the constructor needs argument(s) with no default: "
            + ", ".join(required),
        )
    # The adapter seeds the global generator from self.rng before every case: module-level
    # random calls are how InternBootcamp modules draw, not a defect here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (SyntaxWarning, DeprecationWarning))
        findings = [finding for finding in scan_source(source) if finding.why != GLOBAL_RNG]
    return ModuleFacts(source, params=params, findings=findings, seed_param=seed_param)


def _syntax_verdict(source: str, error: SyntaxError) -> str:
    for pattern, what in PY2_SYNTAX:
        match = pattern.search(source)
        if match:
            line = source.count("\n", 0, match.start()) + 1
            return f"unusable: Python 2 syntax ({what} at line {line})"
    return f"unusable: syntax error at line {error.lineno}: {error.msg}"


def _python2_imports(tree: ast.Module) -> str | None:
    """A Python-2-only module imported outside a `try:` (which would be a 2/3 compatibility
    shim), or None."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try):
            guarded.update(id(inner) for inner in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        for name in names:
            if name.split(".")[0] in PY2_MODULES:
                return name
    return None


def _constructor_parameters(cls: ast.ClassDef) -> tuple[dict[str, Any], list[str]]:
    """(parameters with a literal default, parameters without a default) of `__init__`."""
    init = next(
        (n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None
    )
    if init is None:
        return {}, []
    args = init.args
    positional = [*args.posonlyargs, *args.args][1:]  # without self
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    pairs = [
        *zip(positional, defaults, strict=True),
        *zip(args.kwonlyargs, args.kw_defaults, strict=True),
    ]
    params: dict[str, Any] = {}
    required: list[str] = []
    for arg, default in pairs:
        if default is None:
            required.append(arg.arg)
            continue
        value = constant_value(default)
        if value is not _UNKNOWN:
            params[arg.arg] = value
    return params, required


_UNKNOWN = object()


def constant_value(node: ast.expr) -> Any:
    """The JSON value of a constant expression (literals, tuples as lists, and arithmetic such
    as `10**9` or `2 * 10**5`), or _UNKNOWN."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        value = _arithmetic(node)
    if value is _UNKNOWN:
        return _UNKNOWN
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError):
        return _UNKNOWN


def _arithmetic(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _arithmetic(node.operand)
        return _UNKNOWN if inner is _UNKNOWN else -inner
    if isinstance(node, ast.BinOp):
        left, right = _arithmetic(node.left), _arithmetic(node.right)
        if left is _UNKNOWN or right is _UNKNOWN:
            return _UNKNOWN
        if isinstance(node.op, ast.Pow) and abs(right) <= 64 and abs(left) <= 10**6:
            return left**right
        operations = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__"}
        name = operations.get(type(node.op))
        if name is not None:
            return getattr(left, name)(right)
    return _UNKNOWN


def single_level_reason(params: dict[str, Any]) -> str:
    """Why an InternBootcamp module is judged at one difficulty level."""
    if not params:
        return (
            "InternBootcamp has no difficulty presets and the constructor takes no parameters: "
            "one level"
        )
    shown = ", ".join(f"{name}={value!r}" for name, value in list(params.items())[:6])
    return (
        "InternBootcamp has no difficulty presets; the constructor's parameters "
        f"({shown}) are the adapter's parameters, but which of them set the difficulty is not "
        "known (scaled presets failed this check on parameters that are not sizes): judged at "
        "the constructor's defaults, one level"
    )


# -- writing the adapter ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Wiring:
    """How the adapter connects the module to the contract (what the audit detected)."""

    answer_key: str | None = None
    style: str = "tags"
    rendering: str = "text"
    difficulties: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {"easy": {}, "medium": {}, "hard": {}}
    )


def campforge_name(module: IBModule) -> str:
    text = re.sub(r"[^a-z0-9_]+", "_", module.name.lower()).strip("_") or "bootcamp"
    return f"ib_{text}"


def target_module(module: IBModule) -> str:
    """The name the adapter imports the module by (unique per bootcamp)."""
    return f"{campforge_name(module)}_{TARGET_MODULE}"


def support_module(module: IBModule) -> str:
    """The name the adapter imports its support code by (unique per bootcamp)."""
    return f"{campforge_name(module)}_support"


def companion_files(module: IBModule, facts: ModuleFacts) -> dict[str, str]:
    """The adapter's companion directory as text files by relative path: the module, its base
    class and the support code (and InternBootcamp's LICENSE, when the library has one)."""
    root = module.root
    files = {
        "bootcamp/__init__.py": f"from .base import {BASE_CLASS}\n",
        "bootcamp/base.py": (root / "bootcamp" / "base.py").read_text(encoding="utf-8"),
        f"{target_module(module)}.py": facts.source,
        f"{support_module(module)}.py": SUPPORT_SOURCE.read_text(encoding="utf-8"),
    }
    if (root / "LICENSE").is_file():
        files["LICENSE"] = (root / "LICENSE").read_text(encoding="utf-8", errors="replace")
    return files


def write_adapter(module: IBModule, facts: ModuleFacts, wiring: Wiring, directory: Path) -> Path:
    """Write `adapter.py` and its companion directory into `directory`; the adapter's path."""
    companion = directory / COMPANION
    if companion.exists():
        shutil.rmtree(companion)
    for relative, text in companion_files(module, facts).items():
        (companion / relative).parent.mkdir(parents=True, exist_ok=True)
        (companion / relative).write_text(text, encoding="utf-8")
    path = directory / ADAPTER
    path.write_text(adapter_source(module, facts, wiring), encoding="utf-8")
    return path


def adapter_source(module: IBModule, facts: ModuleFacts, wiring: Wiring) -> str:
    """The adapter module's source. Every value is written through `pyliteral`."""
    lit = pyliteral.literal
    doc = pyliteral.docstring(
        f"Adapter of InternBootcamp's {module.class_name} ({module.relative}) to campforge's "
        "contract.\n\nGenerated by `campforge audit`. Its companion directory, `<this file's "
        f"stem>.d/` beside it, holds the module as {target_module(module)}.py, InternBootcamp's "
        f"base class and {support_module(module)}.py.\n"
    )
    difficulties = pyliteral.block(wiring.difficulties, indent=4, prefix="difficulties = ")
    defaults = pyliteral.block(facts.params, indent=4, prefix="defaults = ")
    return f"""{doc}

from __future__ import annotations

import json
import os
import sys
from typing import Any, ClassVar

sys.path.insert(0, os.path.splitext(os.path.abspath(__file__))[0] + ".d")

import {support_module(module)} as support  # noqa: E402
import {target_module(module)} as target  # noqa: E402

from generated_bootcamps.base import Bootcamp  # noqa: E402

TARGET = target.{module.class_name}
ANSWER_KEY: str | None = {lit(wiring.answer_key)}
STYLE = {lit(wiring.style)}
RENDERING = {lit(wiring.rendering)}
SEED_PARAMETER: str | None = {lit(facts.seed_param)}


class Adapted(Bootcamp):
    {pyliteral.docstring(f"InternBootcamp's {module.class_name}, through campforge's contract.")}

    name = {lit(campforge_name(module))}
    description = {lit(f"InternBootcamp's {module.class_name} ({module.relative})")}
    domain = "internbootcamp"
    defaults: ClassVar[dict[str, Any]] = {defaults}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {difficulties}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        changed = {{k: v for k, v in self.params.items() if v != self.defaults.get(k)}}
        if SEED_PARAMETER is not None:  # the module's own generator, seeded from self.rng
            changed[SEED_PARAMETER] = self.rng.getrandbits(31)
        support.seed_global_random(self.rng)
        self.target = TARGET(**changed)

    def generate(self) -> dict[str, Any]:
        support.seed_global_random(self.rng)
        return json.loads(json.dumps(self.target.case_generator()))

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return TARGET.prompt_func(case)

    @classmethod
    def solve(cls, case: dict[str, Any]) -> Any:
        return support.stored_answer(case, ANSWER_KEY)

    @classmethod
    def extract(cls, response: str) -> Any:
        return TARGET.extract_output(response)

    @classmethod
    def check(cls, case: dict[str, Any], answer: Any) -> bool | float:
        return TARGET._verify_correction(answer, case)

    @classmethod
    def format_answer(cls, answer: Any) -> str:
        return support.write(answer, STYLE, RENDERING)
"""
