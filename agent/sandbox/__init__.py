"""Sandbox for untrusted, LLM-written bootcamp code: a separate, isolated process per candidate.

`Sandbox` serves one candidate module over a pipe RPC (describe / instantiate / generate / map);
`run_program` runs a reference program. Isolation (on Linux, as root): a dedicated uid per
sandbox, rlimits, fresh network and mount namespaces (everything read-only but a private tmpfs
scratch), no_new_privs and a seccomp filter; every process of the sandbox is killed at the end.
`Sandbox.isolation` and `ProgramResult.isolation` say what was actually achieved.
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

__all__ = [
    "CandidateError",
    "CandidateLoadError",
    "ProgramResult",
    "Sandbox",
    "SandboxCrashed",
    "SandboxError",
    "SandboxLimits",
    "SandboxTimeout",
    "processes_of_uid",
    "run_program",
]
