"""Novelty: is a candidate a near-duplicate of a task already in the catalog?

Each catalog entry is a bag of words from its name (counted twice: names are short and telling),
its one-line description and, for generated entries, the description in its spec. A candidate is
compared with every entry by TF-IDF cosine similarity, so the words that tell tasks apart
("knapsack", "sudoku", "dice") count for more than the ones many tasks share ("sum", "list",
"number"), and words that only name a domain ("probability", "graph") count for nothing. A
near-duplicate, or a name already taken, is flagged for the reviewer, not rejected: the reviewer
decides.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from generated_bootcamps import catalog

DUPLICATE_SIMILARITY = 0.26  # calibrated in tests/drafting/test_novelty.py
STOPWORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "each", "every", "for", "from", "give",
     "given", "in", "into", "is", "it", "its", "of", "on", "or", "so", "that", "the", "their",
     "them", "this", "to", "what", "which", "with", "you", "your", "find", "compute", "return",
     "answer", "write", "task", "bootcamp", "ask", "asks", "how", "many", "much", "all", "one",
     "two", "no", "not", "than", "then", "there", "when", "where", "whose", "can", "must"}
)  # fmt: skip
# Words that name a domain tell which shelf a task is on, not which task it is: "urn draws
# probability" and "dice probability" are different tasks. So are quantifiers every task uses.
GENERIC_WORDS = frozenset(
    {"algorithm", "arithmetic", "cipher", "graph", "grid", "logic", "probability", "puzzle",
     "string", "exactly", "least", "most"}
)  # fmt: skip
SPEC_CHARS = 2000  # of a generated entry's spec: its title and description, not its code


def words(text: str) -> list[str]:
    """Content words, lower-cased, with a plural -s dropped ("items" and "item" match), without
    stopwords and GENERIC_WORDS."""
    found = re.findall(r"[a-z]+|\d+", text.lower().replace("_", " "))
    singular = [
        _singular(word)
        for word in found
        if word not in STOPWORDS and (len(word) > 1 or word.isdigit())
    ]
    return [word for word in singular if word not in GENERIC_WORDS]


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith(("xes", "ches", "shes", "sses")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _document(name: str, description: str, extra: str = "") -> Counter[str]:
    return Counter(words(name) * 2 + words(description) + words(extra))


def _spec_text(entry: catalog.CatalogEntry) -> str:
    """The spec a generated entry was drafted from, up to its first code block."""
    path = Path(catalog.catalog_dir()) / entry.name / "spec.md"
    try:
        text = path.read_text(encoding="utf-8")[:SPEC_CHARS]
    except OSError:
        return ""
    body = text.split("\n---\n", 1)[-1] if text.startswith("---") else text
    return body.split("```", 1)[0]


def _best(scores: dict[tuple[str, Any], float], kind: str) -> tuple[Any, float]:
    """The document of `kind` nearest the query, with its similarity ((None, 0.0): none)."""
    mine = {key[1]: score for key, score in scores.items() if key[0] == kind}
    best = max(mine, key=lambda key: mine[key], default=None)
    return best, (mine[best] if best is not None else 0.0)


def _cosines(
    query: Counter[str], documents: dict[tuple[str, Any], Counter[str]]
) -> dict[tuple[str, Any], float]:
    """TF-IDF cosine similarity of `query` with each document (IDF over all of them)."""
    frequency: Counter[str] = Counter()
    for document in [*documents.values(), query]:
        frequency.update(set(document))
    total = len(documents) + 1
    idf = {word: math.log((1 + total) / (1 + count)) + 1 for word, count in frequency.items()}

    def vector(document: Counter[str]) -> dict[str, float]:
        return {word: count * idf[word] for word, count in document.items()}

    def cosine(a: dict[str, float], b: dict[str, float]) -> float:
        dot = sum(weight * b.get(word, 0.0) for word, weight in a.items())
        norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
        return dot / norm if norm else 0.0

    mine = vector(query)
    return {key: cosine(mine, vector(document)) for key, document in documents.items()}


def novelty(
    name: str, description: str, queued: Sequence[tuple[int, str, str]] = ()
) -> dict[str, Any]:
    """The candidate against the catalog and, optionally, against `queued` candidates of other
    specs ((id, name, description), e.g. those awaiting review, so two specs of one batch that
    describe the same task are flagged too).

    {name_taken, nearest, similarity, catalog_duplicate}: the nearest catalog entry and whether
    it is at or over the threshold; "queued": the nearest queued candidate at or over it
    ({id, name, similarity}) or None; "duplicate": whether any of these calls for the
    reviewer's attention."""
    documents: dict[tuple[str, Any], Counter[str]] = {
        ("catalog", entry.name): _document(entry.name, entry.description, _spec_text(entry))
        for entry in catalog.entries()
    }
    for number, other, text in queued:
        documents[("queued", (number, other))] = _document(other, text)
    scores = _cosines(_document(name, description), documents)
    nearest, similarity = _best(scores, "catalog")
    if similarity == 0.0:
        nearest = None  # nothing in common with any entry
    other_candidate, other_similarity = _best(scores, "queued")
    near_queued = None
    if other_candidate is not None and other_similarity >= DUPLICATE_SIMILARITY:
        number, other = other_candidate
        near_queued = {"id": number, "name": other, "similarity": round(other_similarity, 3)}
    taken = name in catalog.names()
    catalog_duplicate = similarity >= DUPLICATE_SIMILARITY
    return {
        "name_taken": taken,
        "nearest": nearest,
        "similarity": round(similarity, 3),
        "catalog_duplicate": catalog_duplicate,
        "queued": near_queued,
        "duplicate": taken or catalog_duplicate or near_queued is not None,
    }


def queued_only(found: dict[str, Any]) -> bool:
    """Whether a flagged candidate looks like another spec's queued candidate and nothing in the
    catalog. Reads older records (without "catalog_duplicate") too."""
    queued = found.get("queued")
    in_catalog = found.get("catalog_duplicate", not queued) or found.get("name_taken")
    return bool(queued) and not in_catalog


def near_label(found: dict[str, Any]) -> str:
    """What a flagged candidate looks like, in a few words: "knapsack" (a catalog entry) or
    "#7 rail_fence_decrypt" (another spec's queued candidate)."""
    if queued_only(found):
        return f"#{found['queued']['id']} {found['queued']['name']}"
    return str(found.get("nearest") or "")
