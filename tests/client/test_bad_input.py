"""Bad arguments fail before anything is sent, with an error naming the parameter."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import agentplatform as ap
import pytest
from agentplatform import _params
from agentplatform.types import GraphQuery, VectorQuery
from pytest_httpserver import HTTPServer

from ._support import run

NAIVE = datetime.datetime(2026, 1, 1, 12, 0)
AWARE = datetime.datetime(2026, 1, 1, 12, 0, tzinfo=datetime.UTC)

Call = Callable[[Any], Any]

BAD_CALLS: list[tuple[str, Call, str]] = [
    # (id, call, parameter named by the error)
    ("entity id empty", lambda c: c.entities.get(""), "entity_id"),
    ("entity id blank", lambda c: c.entities.get("  "), "entity_id"),
    ("entity id slash", lambda c: c.entities.get("a/b"), "entity_id"),
    ("entity id dot-dot", lambda c: c.entities.get(".."), "entity_id"),
    ("entity id dot", lambda c: c.entities.delete("."), "entity_id"),
    ("entity id int", lambda c: c.entities.get(5), "entity_id"),
    ("entity id None", lambda c: c.entities.delete(None), "entity_id"),
    ("entity type int", lambda c: c.entities.create(type=5, properties={}), "type"),
    ("entity type empty", lambda c: c.entities.create(type="", properties={}), "type"),
    ("properties str", lambda c: c.entities.create(type="P", properties="x"), "properties"),
    ("properties list", lambda c: c.entities.create(type="P", properties=[]), "properties"),
    ("properties int key", lambda c: c.entities.create(type="P", properties={1: 2}), "properties"),
    (
        "properties datetime",
        lambda c: c.entities.create(type="P", properties={"at": AWARE}),
        "properties",
    ),
    (
        "properties nan",
        lambda c: c.entities.create(type="P", properties={"x": float("nan")}),
        "properties",
    ),
    (
        "properties set",
        lambda c: c.entities.create(type="P", properties={"x": {1, 2}}),
        "properties",
    ),
    (
        "embedding str",
        lambda c: c.entities.create(type="P", properties={}, embedding="0.1"),
        "embedding",
    ),
    (
        "embedding empty",
        lambda c: c.entities.create(type="P", properties={}, embedding=[]),
        "embedding",
    ),
    (
        "embedding bool",
        lambda c: c.entities.create(type="P", properties={}, embedding=[True]),
        "embedding[0]",
    ),
    (
        "embedding inf",
        lambda c: c.entities.validate(type="P", properties={}, embedding=[1, float("inf")]),
        "embedding[1]",
    ),
    ("update properties", lambda c: c.entities.update("e", properties=None), "properties"),
    ("update if_match", lambda c: c.entities.update("e", properties={}, if_match=""), "if_match"),
    ("update id", lambda c: c.entities.update("a b", properties={}), "entity_id"),
    ("list limit 0", lambda c: c.entities.list(limit=0), "limit"),
    ("list limit 201", lambda c: c.entities.list(limit=201), "limit"),
    ("list limit bool", lambda c: c.entities.list(limit=True), "limit"),
    ("list limit str", lambda c: c.entities.list(limit="5"), "limit"),
    ("list max_items", lambda c: c.entities.list(max_items=-1), "max_items"),
    ("list type", lambda c: c.entities.list(type=""), "type"),
    (
        "relation from id",
        lambda c: c.relations.create(type="R", from_entity_id="a/b", to_entity_id="b"),
        "from_entity_id",
    ),
    (
        "relation to id",
        lambda c: c.relations.create(type="R", from_entity_id="a", to_entity_id=""),
        "to_entity_id",
    ),
    (
        "relation properties",
        lambda c: c.relations.create(type="R", from_entity_id="a", to_entity_id="b", properties=1),
        "properties",
    ),
    ("relation get", lambda c: c.relations.get(""), "relation_id"),
    ("relation delete", lambda c: c.relations.delete("x/y"), "relation_id"),
    ("relation direction", lambda c: c.relations.list(direction="up"), "direction"),
    ("relation list entity", lambda c: c.relations.list(entity_id="a/b"), "entity_id"),
    ("hybrid nothing", lambda c: c.queries.hybrid(), "vector_query"),
    (
        "hybrid embedding str",
        lambda c: c.queries.hybrid(vector_query={"embedding": "0.1,0.2"}),
        "vector_query",
    ),
    ("hybrid missing embedding", lambda c: c.queries.hybrid(vector_query={}), "vector_query"),
    (
        "hybrid top_k bool",
        lambda c: c.queries.hybrid(vector_query={"embedding": [0.1], "top_k": True}),
        "vector_query",
    ),
    (
        "hybrid lone start id",
        lambda c: c.queries.hybrid(graph_query={"start_entity_ids": "ent_1"}),
        "graph_query",
    ),
    (
        "hybrid start ids dict",
        lambda c: c.queries.hybrid(graph_query={"start_entity_ids": {"ent_1": 1}}),
        "graph_query",
    ),
    (
        "hybrid model instance",
        lambda c: c.queries.hybrid(vector_query=VectorQuery(embedding="0.1")),
        "vector_query",
    ),
    (
        "hybrid graph not mapping",
        lambda c: c.queries.hybrid(graph_query=["ent_1"]),
        "graph_query",
    ),
    (
        "hybrid strategy",
        lambda c: c.queries.hybrid(vector_query={"embedding": [1]}, merge_strategy="max"),
        "merge_strategy",
    ),
    (
        "hybrid weights",
        lambda c: c.queries.hybrid(vector_query={"embedding": [1]}, weights={"vector": "x"}),
        "weights",
    ),
    (
        "hybrid limit",
        lambda c: c.queries.hybrid(vector_query={"embedding": [1]}, limit=101),
        "limit",
    ),
    ("expand lone string", lambda c: c.queries.expand_types("Person"), "types"),
    ("expand empty", lambda c: c.queries.expand_types([]), "types"),
    ("expand blank item", lambda c: c.queries.expand_types(["Person", ""]), "types[1]"),
    ("expand int", lambda c: c.queries.expand_types(3), "types"),
    ("anomaly severity", lambda c: c.anomalies.list(severity="huge"), "severity"),
    ("anomaly type", lambda c: c.anomalies.list(anomaly_type="x"), "anomaly_type"),
    ("anomaly service", lambda c: c.anomalies.list(service_name=""), "service_name"),
    ("anomaly naive since", lambda c: c.anomalies.list(since=NAIVE), "since"),
    ("anomaly str since", lambda c: c.anomalies.list(since="2026-01-01"), "since"),
    ("anomaly get", lambda c: c.anomalies.get(""), "anomaly_id"),
    ("knowledge query", lambda c: c.knowledge.search(""), "query"),
    ("knowledge lone kind", lambda c: c.knowledge.search("q", kinds="wisdom"), "kinds"),
    ("knowledge bad kind", lambda c: c.knowledge.search("q", kinds=["rumour"]), "kinds[0]"),
    ("knowledge limit", lambda c: c.knowledge.search("q", limit=51), "limit"),
    ("knowledge limit bool", lambda c: c.knowledge.search("q", limit=False), "limit"),
    ("memory user", lambda c: c.memory.store(user_id="", key="k", value="v"), "user_id"),
    ("memory key", lambda c: c.memory.store(user_id="u", key=None, value="v"), "key"),
    ("memory value", lambda c: c.memory.store(user_id="u", key="k", value=5), "value"),
    (
        "memory lone tag",
        lambda c: c.memory.store(user_id="u", key="k", value="v", tags="prefs"),
        "tags",
    ),
    (
        "memory ttl zero",
        lambda c: c.memory.store(user_id="u", key="k", value="v", ttl_s=0),
        "ttl_s",
    ),
    (
        "memory ttl float",
        lambda c: c.memory.store(user_id="u", key="k", value="v", ttl_s=1.5),
        "ttl_s",
    ),
    (
        "memory ttl bool",
        lambda c: c.memory.store(user_id="u", key="k", value="v", ttl_s=True),
        "ttl_s",
    ),
    ("memory retrieve", lambda c: c.memory.retrieve("a/b"), "memory_id"),
    ("memory delete", lambda c: c.memory.delete(""), "memory_id"),
    ("memory list user", lambda c: c.memory.list(user_id=""), "user_id"),
    ("memory list tag", lambda c: c.memory.list(tag=3), "tag"),
    ("api key name", lambda c: c.api_keys.create(name=""), "name"),
    ("api key lone scope", lambda c: c.api_keys.create(name="n", scopes="read"), "scopes"),
    ("api key bad scope", lambda c: c.api_keys.create(name="n", scopes=["root"]), "scopes[0]"),
    ("api key naive expiry", lambda c: c.api_keys.create(name="n", expires_at=NAIVE), "expires_at"),
    ("api key delete", lambda c: c.api_keys.delete(""), "key_id"),
    ("api keys limit", lambda c: c.api_keys.list(limit=0), "limit"),
    (
        "webhook scheme",
        lambda c: c.webhooks.create(url="ftp://x.com", events=["entity.deleted"]),
        "url",
    ),
    ("webhook url", lambda c: c.webhooks.create(url="", events=["entity.deleted"]), "url"),
    (
        "webhook lone event",
        lambda c: c.webhooks.create(url="https://x.com", events="entity.deleted"),
        "events",
    ),
    ("webhook no events", lambda c: c.webhooks.create(url="https://x.com", events=[]), "events"),
    (
        "webhook bad event",
        lambda c: c.webhooks.create(url="https://x.com", events=["entity.created"]),
        "events[0]",
    ),
    ("webhook delete", lambda c: c.webhooks.delete("a/b"), "webhook_id"),
    ("schema lone type", lambda c: c.ontology.put_schema(entity_types="Person"), "entity_types"),
    ("schema missing id", lambda c: c.ontology.put_schema(entity_types=[{}]), "entity_types[0]"),
    (
        "schema id int",
        lambda c: c.ontology.put_schema(entity_types=[{"id": 5}]),
        "entity_types[0]",
    ),
    (
        "schema property type",
        lambda c: c.ontology.put_schema(
            entity_types=[{"id": "P", "properties": {"age": {"type": "int"}}}]
        ),
        "entity_types[0]",
    ),
    (
        "schema relation",
        lambda c: c.ontology.put_schema(entity_types=[], relation_types=[{"id": "R"}]),
        "relation_types[0]",
    ),
    (
        "schema relation mapping",
        lambda c: c.ontology.put_schema(entity_types=[], relation_types={"id": "R"}),
        "relation_types",
    ),
    ("entity type id", lambda c: c.ontology.get_entity_type(""), "type_id"),
    ("subtypes id", lambda c: c.ontology.list_subtypes("a/b"), "type_id"),
]


@pytest.mark.parametrize(
    ("call", "parameter"), [row[1:] for row in BAD_CALLS], ids=[row[0] for row in BAD_CALLS]
)
async def test_bad_argument_fails_before_sending(
    client: Any, server: HTTPServer, call: Call, parameter: str
) -> None:
    with pytest.raises(ap.InvalidParameterError) as info:
        await run(call(client))
    error = info.value
    assert error.parameter == parameter
    assert str(error).startswith(f"{parameter}: ")
    assert isinstance(error, ValueError)
    assert server.log == []


async def test_nested_field_is_named(client: Any, server: HTTPServer) -> None:
    with pytest.raises(ap.InvalidParameterError) as info:
        await run(client.queries.hybrid(graph_query={"start_entity_ids": ["a", 3]}))
    assert "'graph_query.start_entity_ids[1]' should be a string" in str(info.value)
    with pytest.raises(ap.InvalidParameterError) as info:
        await run(client.queries.hybrid(vector_query={"embedding": [0.1], "top_k": "5"}))
    assert "'vector_query.top_k' should be an integer" in str(info.value)
    with pytest.raises(ap.InvalidParameterError) as info:
        await run(client.queries.hybrid(vector_query={"top_k": 5}))
    assert "'vector_query.embedding' is required but missing" in str(info.value)
    assert server.log == []


def test_good_models_pass_through() -> None:
    query = GraphQuery(start_entity_ids=["e"], depth=2)
    assert _params.model("graph_query", GraphQuery, query) is query
    built = _params.model("graph_query", GraphQuery, {"start_entity_ids": ["e"], "x": 1})
    assert built.start_entity_ids == ["e"]
    assert built.additional_properties == {"x": 1}
    with pytest.raises(ap.InvalidParameterError, match="JSON-serialisable"):
        _params.model("vector_query", VectorQuery, VectorQuery(embedding=[float("nan")]))


def test_param_helpers_directly() -> None:
    assert _params.boolean("flag", True) is True
    with pytest.raises(ap.InvalidParameterError, match="expected True or False"):
        _params.boolean("flag", 1)
    assert _params.number("n", 3, minimum=0) == 3.0
    with pytest.raises(ap.InvalidParameterError, match="must be >= 0"):
        _params.number("n", -1, minimum=0)
    assert _params.text("s", "abc", max_length=3) == "abc"
    with pytest.raises(ap.InvalidParameterError, match="at most 3"):
        _params.text("s", "abcd", max_length=3)
    assert _params.strings("tags", ("a", "b")) == ["a", "b"]
    assert _params.instant("at", AWARE) is AWARE
