"""2xx bodies are checked against the spec; unknown fields and enum values are kept."""

from __future__ import annotations

import copy
from typing import Any

import agentplatform as ap
import pytest
from agentplatform.types import Anomaly, ApiKey, Entity, Health, ScoredEntity
from pytest_httpserver import HTTPServer

from ._support import (
    ANOMALY,
    API_KEY_BODY,
    ENTITY,
    HEALTH,
    MEMORY,
    ONTOLOGY,
    REQUEST_ID,
    RESEARCH_JOB,
    collect,
    json_response,
    page,
    run,
)


def with_changes(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `body` with the dotted `path` set (or removed, for `...`)."""
    result = copy.deepcopy(body)
    target: Any = result
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is ...:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return result


HYBRID = {"results": [{"entity": ENTITY, "score": 0.9, "sources": ["vector"]}], "took_ms": 3}

BROKEN_BODIES: list[tuple[str, str, dict[str, Any], str]] = [
    # (call, url, body, field)
    ("health", "/v1/health", with_changes(HEALTH, "version", ...), "version"),
    ("health", "/v1/health", with_changes(HEALTH, "uptime_s", "long"), "uptime_s"),
    ("health", "/v1/health", with_changes(HEALTH, "uptime_s", True), "uptime_s"),
    ("health", "/v1/health", with_changes(HEALTH, "status", 3), "status"),
    ("health", "/v1/health", with_changes(HEALTH, "version", None), "version"),
    ("entity", "/v1/entities/e", with_changes(ENTITY, "created_at", "yesterday"), "created_at"),
    ("entity", "/v1/entities/e", with_changes(ENTITY, "updated_at", 1767225600), "updated_at"),
    ("entity", "/v1/entities/e", with_changes(ENTITY, "version", "1"), "version"),
    ("entity", "/v1/entities/e", with_changes(ENTITY, "version", 1.5), "version"),
    ("entity", "/v1/entities/e", with_changes(ENTITY, "embedding", ["a"]), "embedding[0]"),
    ("entity", "/v1/entities/e", with_changes(ENTITY, "embedding", "0.1,0.2"), "embedding"),
    ("entity", "/v1/entities/e", with_changes(ENTITY, "properties", [1]), "properties"),
    ("entity", "/v1/entities/e", with_changes(ENTITY, "id", ...), "id"),
    ("entities", "/v1/entities", page(ENTITY, with_changes(ENTITY, "id", ...)), "data[1].id"),
    (
        "entities",
        "/v1/entities",
        page(ENTITY, with_changes(ENTITY, "created_at", "2026-13-45T00:00:00Z")),
        "data[1].created_at",
    ),
    ("entities", "/v1/entities", page(ENTITY, "not an entity"), "data[1]"),  # type: ignore[arg-type]
    ("entities", "/v1/entities", with_changes(page(ENTITY), "has_more", "no"), "has_more"),
    ("entities", "/v1/entities", with_changes(page(), "data", {}), "data"),
    ("research", "/v1/research/j", with_changes(RESEARCH_JOB, "result", "done"), "result"),
    (
        "research",
        "/v1/research/j",
        with_changes(RESEARCH_JOB, "result", {"summary": 3, "sources": []}),
        "result.summary",
    ),
    (
        "research",
        "/v1/research/j",
        with_changes(RESEARCH_JOB, "result", {"summary": "s", "sources": [{"url": "u"}]}),
        "result.sources[0].title",
    ),
    (
        "research",
        "/v1/research/j",
        with_changes(RESEARCH_JOB, "error", {"title": "t"}),
        "error.type",
    ),
    (
        "hybrid",
        "/v1/queries/hybrid",
        with_changes(HYBRID, "results.0.entity.created_at", "soon"),
        "results[0].entity.created_at",
    ),
    (
        "hybrid",
        "/v1/queries/hybrid",
        with_changes(HYBRID, "results.0.sources", "vector"),
        "results[0].sources",
    ),
    ("memory", "/v1/memories/m", with_changes(MEMORY, "expires_at", "never"), "expires_at"),
    ("memory", "/v1/memories/m", with_changes(MEMORY, "tags", ["a", 2]), "tags[1]"),
    (
        "ontology",
        "/v1/ontology/schema",
        with_changes(ONTOLOGY, "entity_types.0.properties.name.type", 7),
        "entity_types[0].properties.name.type",
    ),
    (
        "ontology",
        "/v1/ontology/schema",
        with_changes(ONTOLOGY, "entity_types.0.properties.name", "string"),
        "entity_types[0].properties.name",
    ),
]


def call_for(client: Any, name: str) -> Any:
    return {
        "health": client.health,
        "entity": lambda: client.entities.get("e"),
        "entities": lambda: collect(client.entities.list()),
        "research": lambda: client.research.get("j"),
        "hybrid": lambda: client.queries.hybrid(graph_query={"start_entity_ids": ["e"]}),
        "memory": lambda: client.memory.retrieve("m"),
        "ontology": client.ontology.get_schema,
    }[name]()


@pytest.mark.parametrize(
    ("name", "url", "body", "field"), BROKEN_BODIES, ids=[row[3] for row in BROKEN_BODIES]
)
async def test_body_that_breaks_the_spec_names_the_field(
    client: Any, server: HTTPServer, name: str, url: str, body: Any, field: str
) -> None:
    status = 200
    server.expect_request(url).respond_with_response(json_response(body, status))
    with pytest.raises(ap.APIResponseValidationError) as info:
        await run(call_for(client, name))
    error = info.value
    assert error.field == field
    assert repr(field) in str(error)
    assert error.status_code == status
    assert error.request_id == REQUEST_ID


@pytest.mark.parametrize(
    ("body", "content_type", "fragment"),
    [
        (b"not json", "application/json", "not JSON"),
        (b"", "application/json", "not JSON"),
        (b'["ok"]', "application/json", "should be an object"),
        (b'"ok"', "application/json", "should be an object"),
        (b"null", "application/json", "should be an object"),
        (b"\xff\xfe", "application/json", "not JSON"),
    ],
)
async def test_body_that_is_no_object(
    client: Any, server: HTTPServer, body: bytes, content_type: str, fragment: str
) -> None:
    server.expect_request("/v1/health").respond_with_data(body, content_type=content_type)
    with pytest.raises(ap.APIResponseValidationError, match=fragment) as info:
        await run(client.health())
    assert info.value.status_code == 200


async def test_undocumented_success_status(client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/health").respond_with_json(HEALTH, status=202)
    with pytest.raises(ap.APIResponseValidationError, match="Status 202 is not a documented"):
        await run(client.health())


async def test_unknown_fields_are_kept(client: Any, server: HTTPServer) -> None:
    body = {**HEALTH, "region": "eu-west-1", "checks": {"db": "ok"}}
    server.expect_request("/v1/health").respond_with_json(body)
    health = await run(client.health())
    assert isinstance(health, Health)
    assert health.additional_properties == {"region": "eu-west-1", "checks": {"db": "ok"}}
    assert health["region"] == "eu-west-1"


async def test_unknown_nested_fields_are_kept(client: Any, server: HTTPServer) -> None:
    entity = {**ENTITY, "shard": 7}
    body = {
        "results": [{"entity": entity, "score": 1.0, "sources": ["vector"], "why": "near"}],
        "took_ms": 1,
        "cache": "hit",
    }
    server.expect_request("/v1/queries/hybrid").respond_with_json(body)
    result = await run(client.queries.hybrid(vector_query={"embedding": [0.1]}))
    assert result.additional_properties == {"cache": "hit"}
    (scored,) = result.results
    assert isinstance(scored, ScoredEntity)
    assert scored.additional_properties == {"why": "near"}
    assert isinstance(scored.entity, Entity)
    assert scored.entity.additional_properties == {"shard": 7}


async def test_unknown_enum_values_are_kept_as_strings(client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/health").respond_with_json({**HEALTH, "status": "maintenance"})
    server.expect_request("/v1/anomalies/a").respond_with_json(
        {
            **ANOMALY,
            "severity": "catastrophic",
            "anomaly_type": "memory_leak",
            "detection_method": "isolation_forest",
        }
    )
    server.expect_request("/v1/api-keys").respond_with_json(
        page({**API_KEY_BODY, "scopes": ["read", "superuser"]})
    )
    health = await run(client.health())
    assert health.status == "maintenance"
    anomaly = await run(client.anomalies.get("a"))
    assert isinstance(anomaly, Anomaly)
    assert anomaly.severity == "catastrophic"
    assert anomaly.anomaly_type == "memory_leak"
    assert anomaly.detection_method == "isolation_forest"
    (key,) = await collect(client.api_keys.list())
    assert isinstance(key, ApiKey)
    assert key.scopes == ["read", "superuser"]


async def test_known_enum_values_and_nulls_parse(client: Any, server: HTTPServer) -> None:
    server.expect_request("/v1/research/j").respond_with_json(
        {
            **RESEARCH_JOB,
            "status": "succeeded",
            "result": {"summary": "s", "sources": [{"title": "t", "url": "u"}]},
        }
    )
    job = await run(client.research.get("j"))
    assert job.status == "succeeded"
    assert job.result.sources[0].title == "t"
    assert job.error is None
