"""Sandbox for untrusted, LLM-written bootcamp code: a separate, isolated process per candidate.

`Sandbox` serves one candidate module over a pipe RPC (describe / instantiate / generate / map);
`run_program` runs a Python program once; `build` and `run_many` (programs.py) compile a
reference program in any supported language once and run it on many inputs. Isolation (on Linux,
as root): a dedicated uid per sandbox, rlimits, fresh network and mount namespaces (everything
read-only but a private tmpfs scratch), no_new_privs and a seccomp filter; every process of the
sandbox is killed at the end. `Sandbox.isolation` and `ProgramResult.isolation` say what was
actually achieved.
"""

from agent.sandbox.client import (
    CandidateError,
    CandidateLoadError,
    ProgramResult,
    Sandbox,
    run_program,
)
from agent.sandbox.host import (
    SandboxCrashed,
    SandboxError,
    SandboxLimits,
    SandboxTimeout,
    processes_of_uid,
)
from agent.sandbox.programs import (
    BuildError,
    CompileError,
    CompilerMissing,
    Program,
    build,
    language_of,
    run_many,
)

__all__ = [
    "BuildError",
    "CandidateError",
    "CandidateLoadError",
    "CompileError",
    "CompilerMissing",
    "Program",
    "ProgramResult",
    "Sandbox",
    "SandboxCrashed",
    "SandboxError",
    "SandboxLimits",
    "SandboxTimeout",
    "build",
    "language_of",
    "processes_of_uid",
    "run_many",
    "run_program",
]
