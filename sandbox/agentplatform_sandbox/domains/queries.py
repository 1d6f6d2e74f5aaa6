"""Hybrid vector + graph queries and type expansion."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from ..context import Handler, RequestContext
from ..problems import FieldError, validation_error
from ..replies import Reply
from ..state import Stored, TenantStore
from ..vectors import as_floats, cosine


def _vector_scores(store: TenantStore, query: dict[str, Any]) -> dict[str, float]:
    embedding = as_floats(query["embedding"])
    if embedding is None:
        return {}
    wanted = None
    if query.get("entity_types"):
        wanted = set(store.ontology.expand(query["entity_types"]))
    scored: list[tuple[float, int, str]] = []
    for entity in store.entities.values():
        if wanted is not None and entity.data["type"] not in wanted:
            continue
        candidate = as_floats(entity.data["embedding"] or [])
        score = cosine(embedding, candidate) if candidate else None
        if score is not None:
            scored.append((score, entity.seq, entity.data["id"]))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return {entity_id: score for score, _, entity_id in scored[: int(query.get("top_k", 10))]}


def _graph_scores(store: TenantStore, query: dict[str, Any]) -> dict[str, float]:
    """Breadth-first along relations (both directions): score 1 / (hops + 1)."""
    missing = [
        FieldError(f"graph_query.start_entity_ids[{i}]", f"no entity with id {start!r}")
        for i, start in enumerate(query["start_entity_ids"])
        if start not in store.entities
    ]
    if missing:
        raise validation_error(missing)
    types = set(query["relation_types"]) if query.get("relation_types") else None
    neighbours: dict[str, list[str]] = defaultdict(list)
    for relation in store.relations.values():
        if types is None or relation.data["type"] in types:
            neighbours[relation.data["from_entity_id"]].append(relation.data["to_entity_id"])
            neighbours[relation.data["to_entity_id"]].append(relation.data["from_entity_id"])
    hops = {start: 0 for start in query["start_entity_ids"]}
    frontier = list(hops)
    for hop in range(1, int(query.get("depth", 1)) + 1):
        reached = []
        for node in frontier:
            for neighbour in neighbours[node]:
                if neighbour not in hops:
                    hops[neighbour] = hop
                    reached.append(neighbour)
        frontier = reached
    return {entity_id: 1.0 / (hop + 1) for entity_id, hop in hops.items()}


def _weight(value: float) -> float:
    """A weight as a float small enough that weighted sums stay finite."""
    try:
        return min(float(value), 1e300)
    except OverflowError:
        return 1e300


def _merge(
    body: dict[str, Any], vector: dict[str, float] | None, graph: dict[str, float] | None
) -> dict[str, float]:
    strategy = body.get("merge_strategy", "union")
    found_v, found_g = vector or {}, graph or {}
    if strategy == "weighted":
        weights = body.get("weights") or {}
        w_vector, w_graph = _weight(weights.get("vector", 0.5)), _weight(weights.get("graph", 0.5))
        return {
            key: w_vector * found_v.get(key, 0.0) + w_graph * found_g.get(key, 0.0)
            for key in {**found_v, **found_g}
        }
    if strategy == "intersection" and vector is not None and graph is not None:
        return {key: (found_v[key] + found_g[key]) / 2 for key in found_v if key in found_g}
    return {
        key: max(s for s in (found_v.get(key), found_g.get(key)) if s is not None)
        for key in {**found_v, **found_g}
    }


def hybrid_query(ctx: RequestContext) -> Reply:
    """Cosine search and graph expansion merged by union, intersection or weights."""
    started = time.perf_counter()
    body = ctx.body
    if "vector_query" not in body and "graph_query" not in body:
        raise validation_error(
            [FieldError("vector_query", "send a vector_query, a graph_query or both")]
        )
    with ctx.state.lock:
        store = ctx.store
        vector = _vector_scores(store, body["vector_query"]) if "vector_query" in body else None
        graph = _graph_scores(store, body["graph_query"]) if "graph_query" in body else None
        merged = _merge(body, vector, graph)
        entities: dict[str, Stored] = {key: store.entities[key] for key in merged}
    ranked = sorted(merged.items(), key=lambda item: (-item[1], entities[item[0]].seq))
    results = [
        {
            "entity": entities[key].data,
            "score": round(score, 6),
            "sources": [
                name
                for name, found in (("vector", vector), ("graph", graph))
                if found and key in found
            ],
        }
        for key, score in ranked[: int(body.get("limit", 10))]
    ]
    took_ms = round((time.perf_counter() - started) * 1000, 3)
    return Reply(200, {"results": results, "took_ms": took_ms})


def expand_types(ctx: RequestContext) -> Reply:
    """The types followed by all their subtypes; 422 for a type the ontology lacks."""
    types = ctx.body["types"]
    with ctx.state.lock:
        ontology = ctx.store.ontology
        if ontology.entity_types:
            unknown = [
                FieldError(f"types[{i}]", f"unknown entity type {t!r}")
                for i, t in enumerate(types)
                if t not in ontology.entity_types
            ]
            if unknown:
                raise validation_error(unknown)
        return Reply(200, {"types": ontology.expand(types)})


HANDLERS: dict[str, Handler] = {"hybridQuery": hybrid_query, "expandTypes": expand_types}
