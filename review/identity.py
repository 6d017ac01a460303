"""Who decides: a reviewer's name, and optionally an e-mail, checked before anything is recorded.

A reviewer's name travels far: into the queue's audit trail, the catalog index, a git commit's
author and its `Campforge-Reviewer:` trailer, and the docstring of the merged package. So it is
checked once, here, before a decision is recorded: one printable line of at most 80 characters,
with a letter or digit in it, and no `<` or `>` (git refuses them in an identity). The usual
`Ada Lovelace <ada@example.com>` form is understood as a name and an e-mail address.

    reviewer = parse_reviewer("Ada Lovelace <ada@example.com>")
    reviewer.name, reviewer.email, str(reviewer)   # "Ada Lovelace", "ada@example.com", the text
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LENGTH = 80
DEFAULT_EMAIL = "campforge@localhost"
_WITH_EMAIL = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s@]+@[^<>\s@]+)>$")


@dataclass(frozen=True)
class Reviewer:
    name: str
    email: str | None = None

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name

    @property
    def git_email(self) -> str:
        return self.email or DEFAULT_EMAIL


class InvalidReviewer(ValueError):
    """A reviewer name that cannot be recorded; nothing was changed."""


def parse_reviewer(text: str) -> Reviewer:
    """The reviewer named by `text`, or InvalidReviewer saying what is wrong with it."""
    shown = text if len(text) <= MAX_LENGTH else text[:MAX_LENGTH] + "…"
    if len(text) > MAX_LENGTH:
        raise InvalidReviewer(f"reviewer name {shown!r} is longer than {MAX_LENGTH} characters")
    if not text.isprintable():
        raise InvalidReviewer(
            f"reviewer name {shown!r} has a line break or another unprintable character: "
            "give one line of plain text"
        )
    text = text.strip()
    found = _WITH_EMAIL.match(text)
    name, email = (found["name"], found["email"]) if found else (text, None)
    if "<" in name or ">" in name:
        raise InvalidReviewer(
            f"reviewer name {shown!r} has '<' or '>': give a name, or `Name <email@host>`"
        )
    if not any(character.isalnum() for character in name):
        raise InvalidReviewer(
            f"reviewer name {shown!r} has no letter or digit: say who you are "
            "(--reviewer NAME or $CAMPFORGE_REVIEWER)"
        )
    return Reviewer(name, email)
