"""Hybrid queries: cosine search, graph expansion and the three merge strategies."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .helpers import ONTOLOGY, assert_problem, create, fields, relate


@pytest.fixture
def graph(client: httpx.Client) -> dict[str, str]:
    """a -- b -- c -- d along KNOWS, plus e (not linked); embeddings point in 2-D."""
    client.put("/v1/ontology/schema", json=ONTOLOGY).raise_for_status()
    people = {
        "a": create(client, "Person", [1.0, 0.0], name="a"),
        "b": create(client, "Engineer", [0.8, 0.6], name="b", language="Go"),
        "c": create(client, "Person", [0.0, 1.0], name="c"),
        "d": create(client, "Person", [-1.0, 0.0], name="d"),
        "e": create(client, "Engineer", [0.9, 0.1], name="e", language="C"),
        "z": create(client, "Person", None, name="no vector"),
    }
    relate(client, "KNOWS", people["a"]["id"], people["b"]["id"])
    relate(client, "KNOWS", people["c"]["id"], people["b"]["id"])
    relate(client, "KNOWS", people["c"]["id"], people["d"]["id"])
    return {name: entity["id"] for name, entity in people.items()}


def query(client: httpx.Client, body: dict[str, Any]) -> list[tuple[str, float, list[str]]]:
    response = client.post("/v1/queries/hybrid", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["took_ms"] >= 0
    return [(r["entity"]["id"], r["score"], r["sources"]) for r in result["results"]]


def names(graph: dict[str, str], rows: list[tuple[str, float, list[str]]]) -> list[str]:
    by_id = {v: k for k, v in graph.items()}
    return [by_id[row[0]] for row in rows]


def test_vector_search_ranks_by_cosine(client: httpx.Client, graph: dict[str, str]) -> None:
    rows = query(client, {"vector_query": {"embedding": [1, 0], "top_k": 3}})
    assert names(graph, rows) == ["a", "e", "b"]
    assert rows[0][1] == 1.0
    assert rows[2][1] == 0.8
    assert all(row[2] == ["vector"] for row in rows)


def test_vector_search_filters_types_with_subtypes(
    client: httpx.Client, graph: dict[str, str]
) -> None:
    rows = query(client, {"vector_query": {"embedding": [1, 0], "entity_types": ["Engineer"]}})
    assert names(graph, rows) == ["e", "b"]


def test_graph_expansion_follows_depth(client: httpx.Client, graph: dict[str, str]) -> None:
    one = query(client, {"graph_query": {"start_entity_ids": [graph["a"]]}})
    assert names(graph, one) == ["a", "b"]
    assert [row[1] for row in one] == [1.0, 0.5]
    three = query(client, {"graph_query": {"start_entity_ids": [graph["a"]], "depth": 3}})
    assert names(graph, three) == ["a", "b", "c", "d"]
    assert [row[1] for row in three] == [1.0, 0.5, 0.333333, 0.25]
    none = query(
        client,
        {"graph_query": {"start_entity_ids": [graph["a"]], "relation_types": ["WORKS_AT"]}},
    )
    assert names(graph, none) == ["a"]


def test_merge_strategies(client: httpx.Client, graph: dict[str, str]) -> None:
    both = {
        "vector_query": {"embedding": [1, 0], "top_k": 2},
        "graph_query": {"start_entity_ids": [graph["c"]], "depth": 2},
    }
    union = query(client, {**both, "merge_strategy": "union"})
    assert set(names(graph, union)) == {"a", "e", "c", "b", "d"}
    assert dict(zip(names(graph, union), [r[2] for r in union], strict=True))["a"] == [
        "vector",
        "graph",
    ]
    intersection = query(client, {**both, "merge_strategy": "intersection"})
    assert names(graph, intersection) == ["a"]
    assert intersection[0][1] == pytest.approx((1.0 + 1 / 3) / 2, abs=1e-6)
    weighted = query(
        client,
        {**both, "merge_strategy": "weighted", "weights": {"vector": 0.0, "graph": 1.0}},
    )
    assert names(graph, weighted)[0] == "c"
    assert weighted[0][1] == 1.0
    default_weights = query(client, {**both, "merge_strategy": "weighted", "limit": 1})
    assert names(graph, default_weights) == ["a"]
    assert default_weights[0][1] == pytest.approx(0.5 + 0.5 / 3, abs=1e-6)


def test_hybrid_needs_a_query_and_known_start(client: httpx.Client, graph: dict[str, str]) -> None:
    assert fields(assert_problem(client.post("/v1/queries/hybrid", json={}), 422)) == {
        "vector_query": "send a vector_query, a graph_query or both"
    }
    unknown = client.post("/v1/queries/hybrid", json={"graph_query": {"start_entity_ids": ["x"]}})
    assert fields(assert_problem(unknown, 422)) == {
        "graph_query.start_entity_ids[0]": "no entity with id 'x'"
    }


def test_odd_vectors_are_ignored_not_fatal(client: httpx.Client, graph: dict[str, str]) -> None:
    assert query(client, {"vector_query": {"embedding": [1, 0, 0]}}) == []
    assert query(client, {"vector_query": {"embedding": [0, 0]}}) == []
    huge = query(client, {"vector_query": {"embedding": [1e308, 1e308], "top_k": 1}})
    assert names(graph, huge) == ["b"]
