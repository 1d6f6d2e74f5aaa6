"""Every resource call of the design's table builds the right method, path, query and body."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import agentplatform as ap
import attrs
import pytest
from agentplatform import types
from pytest_httpserver import HTTPServer

from ._support import (
    ANOMALY,
    API_KEY_BODY,
    ENTITY,
    ENTITY_TYPE,
    HEALTH,
    MEMORY,
    ONTOLOGY,
    RELATION,
    RELATION_TYPE,
    RESEARCH_JOB,
    T0,
    WEBHOOK,
    collect,
    page,
    run,
)

AWARE = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
AWARE_TEXT = "2026-01-02T03:04:05+00:00"

EVENT = {
    "id": "evt_1",
    "agent_id": "planner",
    "session_id": "s1",
    "type": "tool_call",
    "timestamp": T0,
    "received_at": T0,
    "attributes": {"tool": "search"},
}
CHAT = {
    "conversation_id": "conv_1",
    "message_id": "msg_1",
    "response": "Hello.",
    "usage": {"prompt_tokens": 1, "completion_tokens": 2},
    "finish_reason": "stop",
}
KNOWLEDGE = {
    "results": [{"id": "k1", "kind": "gotcha", "title": "t", "content": "c", "score": 0.5}]
}
HYBRID = {
    "results": [{"entity": ENTITY, "score": 0.9, "sources": ["vector", "graph"]}],
    "took_ms": 2,
}


@attrs.frozen
class Case:
    """One resource call and the request it must make."""

    id: str
    call: Callable[[Any], Any]
    method: str
    uri: str
    response: Any
    expected: type | None
    query: dict[str, str] | None = None
    json: Any = None
    headers: dict[str, str] | None = None
    status: int = 200


def limit(n: int = 20, **more: str) -> dict[str, str]:
    return {**more, "limit": str(n)}


CASES = [
    Case("health", lambda c: c.health(), "GET", "/v1/health", HEALTH, types.Health),
    Case(
        "ontology.put_schema",
        lambda c: c.ontology.put_schema(
            entity_types=[ENTITY_TYPE, types.EntityType(id="Company")],
            relation_types=[RELATION_TYPE],
        ),
        "PUT",
        "/v1/ontology/schema",
        ONTOLOGY,
        types.OntologySchema,
        json={
            "entity_types": [ENTITY_TYPE, {"id": "Company"}],
            "relation_types": [RELATION_TYPE],
        },
    ),
    Case(
        "ontology.put_schema empty relations",
        lambda c: c.ontology.put_schema(entity_types=[{"id": "Person"}]),
        "PUT",
        "/v1/ontology/schema",
        ONTOLOGY,
        types.OntologySchema,
        json={"entity_types": [{"id": "Person"}], "relation_types": []},
    ),
    Case(
        "ontology.get_schema",
        lambda c: c.ontology.get_schema(),
        "GET",
        "/v1/ontology/schema",
        ONTOLOGY,
        types.OntologySchema,
    ),
    Case(
        "ontology.get_entity_type",
        lambda c: c.ontology.get_entity_type("Person"),
        "GET",
        "/v1/ontology/entity-types/Person",
        ENTITY_TYPE,
        types.EntityType,
    ),
    Case(
        "ontology.list_subtypes",
        lambda c: c.ontology.list_subtypes("Person"),
        "GET",
        "/v1/ontology/entity-types/Person/subtypes",
        {"type_id": "Person", "subtypes": [{"id": "Engineer", "parent": "Person"}]},
        types.SubtypeList,
    ),
    Case(
        "entities.create",
        lambda c: c.entities.create(
            type="Person", properties={"name": "Ada", "age": 36}, embedding=[0.1, 2]
        ),
        "POST",
        "/v1/entities",
        ENTITY,
        types.Entity,
        json={"type": "Person", "properties": {"name": "Ada", "age": 36}, "embedding": [0.1, 2.0]},
        status=201,
    ),
    Case(
        "entities.get",
        lambda c: c.entities.get("ent_1"),
        "GET",
        "/v1/entities/ent_1",
        ENTITY,
        types.Entity,
    ),
    Case(
        "entities.get quoted id",
        lambda c: c.entities.get("ent:1@x?y#z%"),
        "GET",
        "/v1/entities/ent:1@x?y#z%",
        ENTITY,
        types.Entity,
    ),
    Case(
        "entities.update",
        lambda c: c.entities.update(
            "ent_1", properties={"age": 37, "nick": None}, embedding=[1], if_match='"v1"'
        ),
        "PATCH",
        "/v1/entities/ent_1",
        ENTITY,
        types.Entity,
        json={"properties": {"age": 37, "nick": None}, "embedding": [1.0]},
        headers={"If-Match": '"v1"'},
    ),
    Case(
        "entities.delete",
        lambda c: c.entities.delete("ent_1"),
        "DELETE",
        "/v1/entities/ent_1",
        "",
        None,
        status=204,
    ),
    Case(
        "entities.validate",
        lambda c: c.entities.validate(type="Person", properties={"name": "Ada"}),
        "POST",
        "/v1/entities/validate",
        {"valid": False, "errors": [{"field": "age", "message": "required"}]},
        types.ValidationResult,
        json={"type": "Person", "properties": {"name": "Ada"}},
    ),
    Case(
        "entities.list",
        lambda c: c.entities.list(type="Person", limit=50),
        "GET",
        "/v1/entities",
        page(ENTITY),
        types.Entity,
        query=limit(50, type="Person"),
    ),
    Case(
        "entities.list defaults",
        lambda c: c.entities.list(),
        "GET",
        "/v1/entities",
        page(ENTITY),
        types.Entity,
        query=limit(),
    ),
    Case(
        "relations.create",
        lambda c: c.relations.create(
            type="WORKS_AT", from_entity_id="ent_1", to_entity_id="ent_2", properties={"since": 1}
        ),
        "POST",
        "/v1/relations",
        RELATION,
        types.Relation,
        json={
            "type": "WORKS_AT",
            "from_entity_id": "ent_1",
            "to_entity_id": "ent_2",
            "properties": {"since": 1},
        },
        status=201,
    ),
    Case(
        "relations.get",
        lambda c: c.relations.get("rel_1"),
        "GET",
        "/v1/relations/rel_1",
        RELATION,
        types.Relation,
    ),
    Case(
        "relations.delete",
        lambda c: c.relations.delete("rel_1"),
        "DELETE",
        "/v1/relations/rel_1",
        "",
        None,
        status=204,
    ),
    Case(
        "relations.list",
        lambda c: c.relations.list(entity_id="ent_1", type="WORKS_AT", direction="both", limit=5),
        "GET",
        "/v1/relations",
        page(RELATION),
        types.Relation,
        query=limit(5, entity_id="ent_1", type="WORKS_AT", direction="both"),
    ),
    Case(
        "queries.hybrid",
        lambda c: c.queries.hybrid(
            vector_query={"embedding": [0.1, 0.2], "top_k": 5, "entity_types": ["Person"]},
            graph_query=types.GraphQuery(start_entity_ids=["ent_1"], depth=2),
            merge_strategy="weighted",
            weights={"vector": 0.7, "graph": 0.3},
            limit=10,
        ),
        "POST",
        "/v1/queries/hybrid",
        HYBRID,
        types.HybridQueryResult,
        json={
            "vector_query": {"embedding": [0.1, 0.2], "top_k": 5, "entity_types": ["Person"]},
            "graph_query": {"start_entity_ids": ["ent_1"], "depth": 2},
            "merge_strategy": "weighted",
            "weights": {"vector": 0.7, "graph": 0.3},
            "limit": 10,
        },
    ),
    Case(
        "queries.expand_types",
        lambda c: c.queries.expand_types(("Person", "Company")),
        "POST",
        "/v1/queries/expand-types",
        {"types": ["Person", "Engineer", "Company"]},
        types.ExpandTypesResult,
        json={"types": ["Person", "Company"]},
    ),
    Case(
        "events.ingest",
        lambda c: c.events.ingest(
            agent_id="planner",
            session_id="s1",
            type="tool_call",
            timestamp=AWARE,
            attributes={"tool": "search"},
            event_id="e1",
        ),
        "POST",
        "/v1/events",
        EVENT,
        types.AgentEvent,
        json={
            "agent_id": "planner",
            "session_id": "s1",
            "type": "tool_call",
            "timestamp": AWARE_TEXT,
            "attributes": {"tool": "search"},
            "event_id": "e1",
        },
        status=201,
    ),
    Case(
        "events.ingest_batch",
        lambda c: c.events.ingest_batch(
            [{"agent_id": "a", "session_id": "s", "type": "custom"}],
        ),
        "POST",
        "/v1/events/batch",
        {"accepted": 1, "duplicates": 0, "rejected": []},
        types.BatchResult,
        json={"events": [{"agent_id": "a", "session_id": "s", "type": "custom"}]},
        status=202,
    ),
    Case(
        "events.list",
        lambda c: c.events.list(agent_id="a", session_id="s", type="error", since=AWARE),
        "GET",
        "/v1/events",
        page(EVENT),
        types.AgentEvent,
        query=limit(agent_id="a", session_id="s", type="error", since=AWARE_TEXT),
    ),
    Case(
        "anomalies.list",
        lambda c: c.anomalies.list(
            severity="high",
            anomaly_type="latency_spike",
            service_name="bot",
            since=AWARE,
            limit=3,
        ),
        "GET",
        "/v1/anomalies",
        page(ANOMALY),
        types.Anomaly,
        query=limit(
            3, severity="high", anomaly_type="latency_spike", service_name="bot", since=AWARE_TEXT
        ),
    ),
    Case(
        "anomalies.get",
        lambda c: c.anomalies.get("anom_1"),
        "GET",
        "/v1/anomalies/anom_1",
        ANOMALY,
        types.Anomaly,
    ),
    Case(
        "chat.create",
        lambda c: c.chat.create("Hi", conversation_id="conv_1", use_memory=True, user_id="u1"),
        "POST",
        "/v1/chat",
        CHAT,
        types.ChatResponse,
        json={"message": "Hi", "conversation_id": "conv_1", "use_memory": True, "user_id": "u1"},
    ),
    Case(
        "knowledge.search",
        lambda c: c.knowledge.search("retries", kinds=["gotcha", "pattern"], limit=3),
        "POST",
        "/v1/knowledge/search",
        KNOWLEDGE,
        types.KnowledgeSearchResult,
        json={"query": "retries", "kinds": ["gotcha", "pattern"], "limit": 3},
    ),
    Case(
        "memory.store",
        lambda c: c.memory.store(
            user_id="user_1", key="lang", value="Python", tags=["prefs"], ttl_s=60
        ),
        "POST",
        "/v1/memories",
        MEMORY,
        types.Memory,
        json={
            "user_id": "user_1",
            "key": "lang",
            "value": "Python",
            "tags": ["prefs"],
            "ttl_s": 60,
        },
        status=201,
    ),
    Case(
        "memory.store empty value",
        lambda c: c.memory.store(user_id="user_1", key="lang", value=""),
        "POST",
        "/v1/memories",
        MEMORY,
        types.Memory,
        json={"user_id": "user_1", "key": "lang", "value": ""},
        status=201,
    ),
    Case(
        "memory.retrieve",
        lambda c: c.memory.retrieve("mem_1"),
        "GET",
        "/v1/memories/mem_1",
        MEMORY,
        types.Memory,
    ),
    Case(
        "memory.list",
        lambda c: c.memory.list(user_id="user_1", tag="prefs"),
        "GET",
        "/v1/memories",
        page(MEMORY),
        types.Memory,
        query=limit(user_id="user_1", tag="prefs"),
    ),
    Case(
        "memory.delete",
        lambda c: c.memory.delete("mem_1"),
        "DELETE",
        "/v1/memories/mem_1",
        "",
        None,
        status=204,
    ),
    Case(
        "research.create",
        lambda c: c.research.create("How?", depth=3),
        "POST",
        "/v1/research",
        RESEARCH_JOB,
        types.ResearchJob,
        json={"query": "How?", "depth": 3},
        status=202,
    ),
    Case(
        "research.get",
        lambda c: c.research.get("job_1"),
        "GET",
        "/v1/research/job_1",
        RESEARCH_JOB,
        types.ResearchJob,
    ),
    Case(
        "api_keys.list",
        lambda c: c.api_keys.list(limit=2),
        "GET",
        "/v1/api-keys",
        page(API_KEY_BODY),
        types.ApiKey,
        query=limit(2),
    ),
    Case(
        "api_keys.create",
        lambda c: c.api_keys.create(name="ci", scopes=["read", "write"], expires_at=AWARE),
        "POST",
        "/v1/api-keys",
        {**API_KEY_BODY, "secret": "sk-live-new"},
        types.ApiKeyWithSecret,
        json={"name": "ci", "scopes": ["read", "write"], "expires_at": AWARE_TEXT},
        status=201,
    ),
    Case(
        "api_keys.delete",
        lambda c: c.api_keys.delete("key_1"),
        "DELETE",
        "/v1/api-keys/key_1",
        "",
        None,
        status=204,
    ),
    Case(
        "webhooks.list",
        lambda c: c.webhooks.list(),
        "GET",
        "/v1/webhooks",
        page(WEBHOOK),
        types.Webhook,
        query=limit(),
    ),
    Case(
        "webhooks.create",
        lambda c: c.webhooks.create(
            url="https://example.com/hook", events=["anomaly.detected", "entity.deleted"]
        ),
        "POST",
        "/v1/webhooks",
        {**WEBHOOK, "secret": "whsec_abc"},
        types.WebhookWithSecret,
        json={"url": "https://example.com/hook", "events": ["anomaly.detected", "entity.deleted"]},
        status=201,
    ),
    Case(
        "webhooks.delete",
        lambda c: c.webhooks.delete("wh_1"),
        "DELETE",
        "/v1/webhooks/wh_1",
        "",
        None,
        status=204,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_call_builds_the_right_request(client: Any, server: HTTPServer, case: Case) -> None:
    expectation: dict[str, Any] = {"method": case.method, "query_string": case.query or ""}
    if case.json is not None:
        expectation["json"] = case.json
    if case.headers:
        expectation["headers"] = case.headers
    handler = server.expect_request(case.uri, **expectation)
    if case.status == 204:
        handler.respond_with_data("", status=204)
    else:
        handler.respond_with_json(case.response, status=case.status)

    result = await run(case.call(client))
    if isinstance(result, (ap.SyncPaginator, ap.AsyncPaginator)):
        items = await collect(result)
        assert len(items) == 1
        result = items[0]

    assert len(server.log) == 1
    request, response = server.log[0]
    assert response.status_code == case.status, response.get_data(as_text=True)
    if case.json is None:
        assert request.get_data() == b""
    if case.method == "POST":
        assert request.headers.get("Idempotency-Key")
    if case.expected is None:
        assert result is None
    else:
        assert isinstance(result, case.expected)


async def test_list_walks_every_page_with_the_cursor(client: Any, server: HTTPServer) -> None:
    second = {**ENTITY, "id": "ent_2"}
    server.expect_ordered_request(
        "/v1/entities", method="GET", query_string=limit(type="Person")
    ).respond_with_json(page(ENTITY, cursor="c2"))
    server.expect_ordered_request(
        "/v1/entities", method="GET", query_string=limit(type="Person", cursor="c2")
    ).respond_with_json(page(second))
    items = await collect(client.entities.list(type="Person"))
    assert [item.id for item in items] == ["ent_1", "ent_2"]
    server.check_assertions()


def test_every_resource_of_the_table_is_there(client: Any) -> None:
    table = {
        "ontology": ["put_schema", "get_schema", "get_entity_type", "list_subtypes"],
        "entities": ["create", "get", "update", "delete", "validate", "list"],
        "relations": ["create", "get", "delete", "list"],
        "queries": ["hybrid", "expand_types"],
        "events": ["ingest", "ingest_batch", "list"],
        "anomalies": ["list", "get"],
        "chat": ["create", "stream"],
        "knowledge": ["search"],
        "memory": ["store", "retrieve", "list", "delete"],
        "research": ["create", "get", "wait"],
        "api_keys": ["list", "create", "delete"],
        "webhooks": ["list", "create", "delete"],
    }
    covered = {case.id.split(" ")[0] for case in CASES}
    for resource, calls in table.items():
        for name in calls:
            assert callable(getattr(getattr(client, resource), name)), f"{resource}.{name}"
            if (resource, name) not in {("chat", "stream"), ("research", "wait")}:
                assert f"{resource}.{name}" in covered, f"{resource}.{name} has no request test"
    assert callable(client.health)
