"""Novelty: is a candidate a near-duplicate of a task already in the catalog?

Each catalog entry is a bag of words from its name (counted twice: names are short and telling),
its one-line description and, for generated entries, the description in its spec. A candidate is
compared with every entry by TF-IDF cosine similarity, so the words that tell tasks apart
("knapsack", "sudoku", "dice") count for more than the ones many tasks share ("sum", "list",
"number"), and words that only name a domain ("probability", "graph") count for nothing. A
near-duplicate, or a name already taken, is flagged for the reviewer, not rejected: the reviewer
decides.

TF-IDF misses paraphrases that avoid a task's key words ("a weight-limited bag of objects" scored
0.037 against knapsack). When an LLM is configured, the candidate's top-k neighbours (catalog and
queue) also go to a judge (`judge_novelty`, prompt `prompts/novelty_judge.md.j2`) with both specs;
its verdicts (same task / variant / different) and reasons are stored with the candidate, and
"same task" flags it. A reply that cannot be read is recorded as the judge's problem, never an
error of the batch.
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

import campforge_prompts
from generated_bootcamps import catalog

JUDGE_NEIGHBOURS = 3  # nearest TF-IDF neighbours the LLM judge compares the candidate with
VERDICTS = ("same task", "variant", "different")
NEIGHBOUR_SPEC_CHARS = 3000  # of each spec shown to the judge
_JSON_FENCE = re.compile(r"```json\s*\n(.*?)```", re.DOTALL | re.IGNORECASE)

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
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    return spec_prose(text)


def spec_prose(text: str) -> str:
    """A spec's title and description: without its front matter, up to its first code block."""
    text = text[:SPEC_CHARS]
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


def neighbours(
    name: str,
    description: str,
    queued: Sequence[tuple[int, str, str, str]] = (),
    k: int = JUDGE_NEIGHBOURS,
) -> list[dict[str, Any]]:
    """The `k` catalog entries and queued candidates ((id, name, description, spec text)) nearest
    the candidate by TF-IDF, nearest first: {kind, name, id, similarity, spec}. A catalog entry's
    spec is its spec.md, or the bootcamp module's docstring when it was written by hand."""
    entries = {entry.name: entry for entry in catalog.entries()}
    documents: dict[tuple[str, Any], Counter[str]] = {
        ("catalog", entry.name): _document(entry.name, entry.description, _spec_text(entry))
        for entry in entries.values()
    }
    texts: dict[tuple[str, Any], str] = {}
    for number, other, text, spec in queued:
        documents[("queued", (number, other))] = _document(other, text)
        texts[("queued", (number, other))] = spec
    scores = _cosines(_document(name, description), documents)
    found = []
    for key in sorted(scores, key=lambda key: -scores[key])[:k]:
        kind, which = key
        if kind == "catalog":
            entry = entries[which]
            spec = _spec_text(entry) or _module_docstring(entry) or entry.description
            found.append({"kind": kind, "name": which, "id": None, "spec": spec})
        else:
            found.append({"kind": kind, "name": which[1], "id": which[0], "spec": texts[key]})
        found[-1]["similarity"] = round(scores[key], 3)
        found[-1]["spec"] = found[-1]["spec"][:NEIGHBOUR_SPEC_CHARS]
    return found


def _module_docstring(entry: catalog.CatalogEntry) -> str:
    path = Path(catalog.catalog_dir()) / entry.path
    try:
        return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError, ValueError):
        return ""


def judge_messages(spec_text: str, found: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The judge's chat message: the candidate's spec and each neighbour's."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(campforge_prompts.DIRECTORY),
        autoescape=False,  # a chat message, not HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    text = environment.get_template("novelty_judge.md.j2").render(
        spec=spec_text[:NEIGHBOUR_SPEC_CHARS], neighbours=found, verdicts=VERDICTS
    )
    return [{"role": "user", "content": text}]


def parse_verdicts(text: str, count: int) -> list[dict[str, Any]]:
    """The judge's verdicts: a JSON list of {neighbour, verdict, reason}; ValueError when the
    reply holds no such list. Items naming no shown neighbour or no known verdict are dropped."""
    fenced = _JSON_FENCE.search(text)
    body = fenced.group(1) if fenced else text[text.find("[") : text.rfind("]") + 1]
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        raise ValueError("no ```json block holding a list of verdicts") from None
    if not isinstance(data, list):
        raise ValueError(f"the json block holds {type(data).__name__}, not a list")
    verdicts: dict[int, dict[str, Any]] = {}
    for item in data:
        if not isinstance(item, dict):
            continue
        index, verdict = item.get("neighbour"), str(item.get("verdict") or "").strip().lower()
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
            continue
        if verdict in VERDICTS and index not in verdicts:
            verdicts[index] = {"verdict": verdict, "reason": str(item.get("reason") or "")[:500]}
    if not verdicts:
        raise ValueError("no verdict names a shown neighbour with one of: " + ", ".join(VERDICTS))
    return [{"neighbour": index, **verdicts[index]} for index in sorted(verdicts)]


def judged(found: dict[str, Any], judge: dict[str, Any]) -> dict[str, Any]:
    """A candidate's novelty record with the judge's result added: a "same task" verdict flags
    it as a duplicate of that neighbour ("judged_same")."""
    updated = {**found, "judge": judge}
    same = next((v for v in judge.get("verdicts", []) if v["verdict"] == "same task"), None)
    if same is not None:
        updated["duplicate"] = True
        updated["judged_same"] = {key: same[key] for key in ("kind", "name", "id")}
    return updated


def queued_only(found: dict[str, Any]) -> bool:
    """Whether a flagged candidate looks like another spec's queued candidate and nothing in the
    catalog. Reads older records (without "catalog_duplicate") too."""
    queued = found.get("queued")
    in_catalog = found.get("catalog_duplicate", not queued) or found.get("name_taken")
    return bool(queued) and not in_catalog


def near_label(found: dict[str, Any]) -> str:
    """What a flagged candidate looks like, in a few words: "knapsack" (a catalog entry) or
    "#7 rail_fence_decrypt" (another spec's queued candidate); the LLM judge's "same task"
    first."""
    same = found.get("judged_same")
    if same:
        return f"#{same['id']} {same['name']}" if same.get("kind") == "queued" else same["name"]
    if queued_only(found):
        return f"#{found['queued']['id']} {found['queued']['name']}"
    return str(found.get("nearest") or "")


def novelty_flag(found: dict[str, Any]) -> str:
    """One line for a queue listing: "new", "near knapsack", "near knapsack (LLM: same task)";
    a judged variant is named too: "new (LLM: variant of knapsack)"."""
    judge = found.get("judge") or {}
    variant = next((v for v in judge.get("verdicts", []) if v["verdict"] == "variant"), None)
    if found.get("duplicate") or found.get("name_taken"):
        flag = f"near {near_label(found)}"
        return f"{flag} (LLM: same task)" if found.get("judged_same") else flag
    if variant is not None:
        return f"new (LLM: variant of {variant['name']})"
    return "new"


def judge_lines(found: dict[str, Any]) -> list[str]:
    """The LLM judge's verdicts, one line each (none when it did not run)."""
    judge = found.get("judge")
    if not judge:
        return []
    if judge.get("problem") and not judge.get("verdicts"):
        return [f"LLM judge: no verdict ({judge['problem']})"]
    return [
        f"LLM judge: {v['verdict']} as {'catalog bootcamp' if v['kind'] == 'catalog' else 'queued'}"
        f" {v['name']!r} (similarity {v['similarity']}): {v['reason']}"
        for v in judge.get("verdicts", [])
    ]
