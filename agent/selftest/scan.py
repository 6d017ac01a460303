"""Static scan of candidate source: what a bootcamp must never do, found without running it.

A bootcamp computes; it does not talk to the network, start processes, touch files, evaluate
strings as code or use the global random generator (all randomness goes through `self.rng`, so a
seed reproduces a case). The sandbox contains a candidate that tries anyway; the scan names
the line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from agent import pysource

FORBIDDEN_MODULES = {
    "socket": "network access",
    "ssl": "network access",
    "urllib": "network access",
    "http": "network access",
    "requests": "network access",
    "httpx": "network access",
    "aiohttp": "network access",
    "ftplib": "network access",
    "smtplib": "network access",
    "subprocess": "starting processes",
    "multiprocessing": "starting processes",
    "concurrent": "starting processes or threads",
    "threading": "threads",
    "ctypes": "native code",
    "shutil": "file system changes",
    "tempfile": "file writing",
    "pickle": "unsafe deserialisation",
    "importlib": "dynamic imports",
    "builtins": "rebinding builtins",
}
FORBIDDEN_CALLS = {
    "eval": "evaluating strings as code",
    "exec": "evaluating strings as code",
    "compile": "compiling strings as code",
    "__import__": "dynamic imports",
    "breakpoint": "a debugger hook",
    "input": "reading stdin",
}
OS_FUNCTIONS = {
    "system", "popen", "fork", "forkpty", "kill", "killpg", "remove", "unlink", "rmdir",
    "removedirs", "rename", "replace", "mkdir", "makedirs", "chmod", "chown", "truncate",
    "putenv", "setuid", "setgid", "_exit",
}  # fmt: skip
OS_PREFIXES = ("exec", "spawn", "posix_spawn")
PATH_WRITERS = {"write_text", "write_bytes", "unlink", "mkdir", "rmdir", "touch", "rename"}
GLOBAL_RNG = "the global random generator: use self.rng"
GLOBAL_RANDOM = {
    "random", "randint", "randrange", "choice", "choices", "shuffle", "sample", "uniform",
    "gauss", "normalvariate", "triangular", "betavariate", "expovariate", "getrandbits", "seed",
    "randbytes", "lognormvariate", "vonmisesvariate", "paretovariate", "weibullvariate",
}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """One forbidden use, at a line of the candidate."""

    line: int
    what: str
    why: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.what} ({self.why})"


def scan_source(source: str) -> list[Finding]:
    """Every forbidden use in `source`, in line order. A syntax error is itself a finding."""
    try:
        tree = pysource.parse(source)
    except SyntaxError as error:
        return [Finding(error.lineno or 0, "syntax error", str(error.msg))]
    visitor = _Scanner()
    visitor.visit(tree)
    return sorted(visitor.findings, key=lambda finding: (finding.line, finding.what))


class _Scanner(ast.NodeVisitor):
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.random_names: set[str] = set()  # names bound to the `random` module or its functions
        self.module_aliases: dict[str, str] = {}  # local name -> imported module

    def flag(self, node: ast.AST, what: str, why: str) -> None:
        self.findings.append(Finding(getattr(node, "lineno", 0), what, why))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            root = alias.name.split(".")[0]
            self.module_aliases[alias.asname or root] = alias.name
            if root in FORBIDDEN_MODULES:
                self.flag(node, f"import {alias.name}", FORBIDDEN_MODULES[root])
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        root = module.split(".")[0]
        if root in FORBIDDEN_MODULES:
            self.flag(node, f"from {module} import ...", FORBIDDEN_MODULES[root])
        if module == "random":
            for alias in node.names:
                if alias.name in GLOBAL_RANDOM:
                    self.random_names.add(alias.asname or alias.name)
        if module == "os":
            for alias in node.names:
                if alias.name in OS_FUNCTIONS or alias.name.startswith(OS_PREFIXES):
                    self.flag(node, f"from os import {alias.name}", "processes or file changes")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        if isinstance(function, ast.Name):
            if function.id in FORBIDDEN_CALLS:
                self.flag(node, f"{function.id}()", FORBIDDEN_CALLS[function.id])
            elif function.id in self.random_names:
                self.flag(node, f"{function.id}()", GLOBAL_RNG)
            elif function.id == "open" and _opens_for_writing(node):
                self.flag(node, "open(..., write mode)", "file writing")
        elif isinstance(function, ast.Attribute):
            self._attribute_call(node, function)
        self.generic_visit(node)

    def _attribute_call(self, node: ast.Call, function: ast.Attribute) -> None:
        owner = _dotted(function.value)
        module = self.module_aliases.get(owner.split(".")[0], "") if owner else ""
        if module == "random" and owner == _first(owner) and function.attr in GLOBAL_RANDOM:
            self.flag(node, f"{owner}.{function.attr}()", GLOBAL_RNG)
        elif module == "random" and function.attr in ("Random", "SystemRandom") and not node.args:
            self.flag(node, f"{owner}.{function.attr}()", "an unseeded generator: use self.rng")
        elif module == "os" and (
            function.attr in OS_FUNCTIONS or function.attr.startswith(OS_PREFIXES)
        ):
            self.flag(node, f"{owner}.{function.attr}()", "processes or file changes")
        elif module.startswith("numpy") and owner.endswith("random"):
            self.flag(node, f"{owner}.{function.attr}()", "numpy's global generator: use self.rng")
        elif function.attr in PATH_WRITERS and module != "random":
            self.flag(node, f".{function.attr}()", "file writing")
        elif function.attr == "open" and _opens_for_writing(node):
            self.flag(node, f"{owner}.open(..., write mode)", "file writing")


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _first(dotted: str) -> str:
    return dotted.split(".")[0]


def _opens_for_writing(node: ast.Call) -> bool:
    mode: ast.expr | None = node.args[1] if len(node.args) > 1 else None
    for keyword in node.keywords:
        if keyword.arg == "mode":
            mode = keyword.value
    if mode is None:
        return False
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
        return any(flag in mode.value for flag in "wax+")
    return True  # a computed mode: assume the worst
