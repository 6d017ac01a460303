"""Novelty: is a candidate a near-duplicate of a task already in the catalog?

Compares the candidate's name and description with every catalog entry's, as sets of content
words (Jaccard similarity), and flags a taken name. The reviewer sees the nearest entry; a
near-duplicate is flagged for review, not rejected: the reviewer decides.
"""

from __future__ import annotations

import re
from typing import Any

from generated_bootcamps import catalog

DUPLICATE_SIMILARITY = 0.5
STOPWORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "give", "given", "in",
     "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "what", "which", "with",
     "you", "your", "find", "compute", "return"}
)  # fmt: skip


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS}


def novelty(name: str, description: str) -> dict[str, Any]:
    """{name_taken, nearest, similarity, duplicate} against the current catalog."""
    mine = words(name.replace("_", " ") + " " + description)
    best: tuple[float, str | None] = (0.0, None)
    for entry in catalog.entries():
        theirs = words(entry.name.replace("_", " ") + " " + entry.description)
        if mine or theirs:
            similarity = len(mine & theirs) / len(mine | theirs)
            if similarity > best[0]:
                best = (similarity, entry.name)
    similarity, nearest = best
    taken = name in catalog.names()
    return {
        "name_taken": taken,
        "nearest": nearest,
        "similarity": round(similarity, 3),
        "duplicate": taken or similarity >= DUPLICATE_SIMILARITY,
    }
