"""Hostile (sandbox): `generate` fetches a random number over a raw socket and uses the reply."""

import socket
from typing import Any, ClassVar

from generated_bootcamps.answers import Integer
from generated_bootcamps.base import Bootcamp

# Do not import and run this in the test process. `contract` must flag the socket statically;
# if the candidate is run anyway, the sandbox has no network, so `generate` raises (and must not
# succeed by reaching the outside world). No case can be made.
# socket import is scanned; the call fails
EXPECTED_FAILURES = {"contract", "generate"}


def true_random(low: int, high: int) -> int:
    """A random integer from random.org ("true" randomness)."""
    path = f"/integers/?num=1&min={low}&max={high}&col=1&base=10&format=plain&rnd=new"
    with socket.create_connection(("www.random.org", 80), timeout=10) as conn:
        conn.sendall(f"GET {path} HTTP/1.0\r\nHost: www.random.org\r\n\r\n".encode())
        reply = b""
        while chunk := conn.recv(4096):
            reply += chunk
    return int(reply.split(b"\r\n\r\n", 1)[1].strip())


class CollatzStepsBootcamp(Bootcamp):
    name = "collatz_steps"
    description = "Count the Collatz steps from n down to 1."
    domain = "arithmetic"
    defaults: ClassVar[dict[str, Any]] = {"max_n": 1000}
    difficulties: ClassVar[dict[str, dict[str, Any]]] = {
        "easy": {"max_n": 100},
        "medium": {"max_n": 1000},
        "hard": {"max_n": 1_000_000},
    }
    answer_kind = Integer()

    def generate(self) -> dict[str, Any]:
        return {"n": true_random(2, self.params["max_n"])}

    @classmethod
    def prompt(cls, case: dict[str, Any]) -> str:
        return (
            f"Starting from {case['n']}, repeatedly halve an even number or map an odd number "
            "m to 3m + 1. How many steps does it take to reach 1?\n\n"
            + cls.answer_kind.instruction()
        )

    @classmethod
    def solve(cls, case: dict[str, Any]) -> int:
        n, steps = case["n"], 0
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            steps += 1
        return steps
