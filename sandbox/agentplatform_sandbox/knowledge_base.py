"""A small built-in knowledge corpus and token-overlap search over it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

CORPUS: tuple[dict[str, Any], ...] = (
    {
        "id": "kn_wisdom_01",
        "kind": "wisdom",
        "title": "Keep prompts and tools versioned together",
        "content": "A prompt is code: version it with the tools it calls, so a rollback "
        "restores behaviour that was tested together.",
        "tags": ["prompts", "tools", "versioning"],
    },
    {
        "id": "kn_wisdom_02",
        "kind": "wisdom",
        "title": "Measure before you tune latency",
        "content": "Record latency per model and per service before changing anything; "
        "most agent latency hides in tool calls, not in the model.",
        "tags": ["latency", "telemetry", "performance"],
    },
    {
        "id": "kn_wisdom_03",
        "kind": "wisdom",
        "title": "Small graphs beat large context windows",
        "content": "Storing facts as entities and relations in graph memory keeps the "
        "context short and retrieval precise.",
        "tags": ["graph", "memory", "context"],
    },
    {
        "id": "kn_wisdom_04",
        "kind": "wisdom",
        "title": "Budget tokens like money",
        "content": "Track tokens and cost per request; a cost spike is often the first "
        "sign of a runaway agent loop.",
        "tags": ["cost", "tokens", "telemetry"],
    },
    {
        "id": "kn_pattern_01",
        "kind": "pattern",
        "title": "Hybrid retrieval: vectors then graph",
        "content": "Find seed entities with vector search, then expand along relations "
        "in the graph to collect connected facts.",
        "tags": ["retrieval", "graph", "vector", "hybrid"],
    },
    {
        "id": "kn_pattern_02",
        "kind": "pattern",
        "title": "Idempotency keys for every write",
        "content": "Send an idempotency key with each POST and reuse it on retries so a "
        "retried request never duplicates a write.",
        "tags": ["retries", "idempotency", "reliability"],
    },
    {
        "id": "kn_pattern_03",
        "kind": "pattern",
        "title": "Stream replies and resume with Last-Event-ID",
        "content": "Stream the assistant reply as server-sent events; after a dropped "
        "connection resume from the last event id.",
        "tags": ["streaming", "sse", "chat"],
    },
    {
        "id": "kn_pattern_04",
        "kind": "pattern",
        "title": "Ontology first, entities second",
        "content": "Define entity types, subtypes and relation types before loading "
        "data, so invalid entities are rejected early.",
        "tags": ["ontology", "entities", "schema"],
    },
    {
        "id": "kn_gotcha_01",
        "kind": "gotcha",
        "title": "Retries without jitter cause thundering herds",
        "content": "Exponential backoff needs random jitter, or every client retries at "
        "the same moment and overloads the service again.",
        "tags": ["retries", "backoff", "reliability"],
    },
    {
        "id": "kn_gotcha_02",
        "kind": "gotcha",
        "title": "Webhook signatures need the raw body",
        "content": "Verify the webhook signature over the exact bytes received; parsing "
        "and re-serialising the JSON breaks the signature.",
        "tags": ["webhooks", "signatures", "security"],
    },
    {
        "id": "kn_gotcha_03",
        "kind": "gotcha",
        "title": "Embeddings of different models do not mix",
        "content": "Cosine similarity between embeddings from different models or "
        "dimensions is meaningless; store the model with each vector.",
        "tags": ["embeddings", "vector", "models"],
    },
    {
        "id": "kn_gotcha_04",
        "kind": "gotcha",
        "title": "Memories without expiry grow stale",
        "content": "Give user memories a time to live; old preferences silently steer the "
        "assistant long after they stopped being true.",
        "tags": ["memory", "ttl", "users"],
    },
)

_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "do",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "with",
        "you",
        "your",
        "my",
        "me",
        "we",
        "our",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> set[str]:
    """Lower-case words of `text` without stop words and one-letter words."""
    return {w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in _STOP_WORDS}


def search(query: str, kinds: Iterable[str] | None = None, limit: int = 5) -> list[dict[str, Any]]:
    """Items sharing words with `query`, best first; score = shared / query words."""
    wanted = tokens(query)
    allowed = set(kinds) if kinds else None
    scored = []
    for position, item in enumerate(CORPUS):
        if allowed is not None and item["kind"] not in allowed:
            continue
        words = tokens(" ".join([item["title"], item["content"], *item["tags"]]))
        shared = len(wanted & words)
        if shared:
            scored.append((shared / len(wanted), position, item))
    scored.sort(key=lambda entry: (-entry[0], entry[1]))
    return [{**item, "score": round(score, 4)} for score, _, item in scored[:limit]]
