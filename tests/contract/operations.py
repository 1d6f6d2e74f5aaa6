"""Every operation of openapi.yaml as SDK calls, with minimal and with full parameters.

A case is the call a user would write; it works on `Client` and `AsyncClient` alike
(the async variant returns a coroutine, an async paginator or an async stream). The
"full" variant runs on a client configured with every optional header the spec
defines (tenant, workspace, traceparent) and passes every optional argument.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agentplatform import types as t
from agentplatform.telemetry import TelemetryEventBuilder

UTC = datetime.UTC
WHEN = datetime.datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{SPAN_ID}-01"

# Client options of the "full" variant: every optional header parameter of the spec.
FULL_CLIENT_OPTIONS: dict[str, Any] = {
    "tenant_id": "tenant_1",
    "workspace_id": "workspace_1",
    "traceparent": TRACEPARENT,
}

# Operations of the spec's `webhooks:` section: the service calls the user, so the SDK
# never sends them (their bodies are checked by the webhook tests instead).
NOT_SENT_BY_THE_SDK = {
    "onAnomalyDetected": "inbound webhook delivery (service -> user)",
    "onResearchCompleted": "inbound webhook delivery (service -> user)",
    "onEntityDeleted": "inbound webhook delivery (service -> user)",
}


@dataclass(frozen=True)
class Case:
    """One SDK call exercising one operation."""

    operation_id: str
    variant: str  # "minimal" (a bare client), else "full" (FULL_CLIENT_OPTIONS)
    call: Callable[[Any], Any]
    returns: type | None  # the parsed type (the page type for list calls); None: no body
    kind: str = "call"  # "call", "list", "stream" or "telemetry"

    @property
    def id(self) -> str:
        return f"{self.operation_id}-{self.variant}"


def _opts(**extra: Any) -> dict[str, Any]:
    """Per-call options of the full variant (a POST also gets its own idempotency key)."""
    return {"timeout": 20.0, "extra_headers": {"X-Contract-Test": "1"}, **extra}


def _post_opts() -> dict[str, Any]:
    return _opts(idempotency_key="idem-contract-0001")


_FULL_ENTITY_TYPES: list[Any] = [
    {
        "id": "Person",
        "parent": None,
        "description": "A human.",
        "properties": {
            "name": {"type": "string", "description": "Full name."},
            "age": {"type": "integer"},
            "role": {"type": "string", "enum": ["dev", "ops"]},
        },
        "required": ["name"],
    },
    t.EntityType(id="Engineer", parent="Person", description="Builds things.", required=[]),
]
_FULL_RELATION_TYPES: list[Any] = [
    {
        "id": "WORKS_AT",
        "description": "Employment.",
        "from_types": ["Person"],
        "to_types": ["Company"],
    },
    t.RelationType(id="KNOWS", from_types=["Person"], to_types=["Person"]),
]
_FULL_EVENT: dict[str, Any] = {
    "event_id": "evt_1",
    "agent_id": "planner",
    "session_id": "sess_1",
    "type": "tool_call",
    "timestamp": WHEN.isoformat(),
    "trace_id": TRACE_ID,
    "span_id": SPAN_ID,
    "attributes": {"tool": "search", "duration_ms": 12.5, "nested": {"ok": True, "n": None}},
}


def _cases() -> list[Case]:
    c = Case
    return [
        # health
        c("getHealth", "minimal", lambda cl: cl.health(), t.Health),
        c("getHealth", "full", lambda cl: cl.health(**_opts()), t.Health),
        # ontology
        c(
            "putOntologySchema",
            "minimal",
            lambda cl: cl.ontology.put_schema(entity_types=[]),
            t.OntologySchema,
        ),
        c(
            "putOntologySchema",
            "full",
            lambda cl: cl.ontology.put_schema(
                entity_types=_FULL_ENTITY_TYPES, relation_types=_FULL_RELATION_TYPES, **_opts()
            ),
            t.OntologySchema,
        ),
        c("getOntologySchema", "minimal", lambda cl: cl.ontology.get_schema(), t.OntologySchema),
        c(
            "getOntologySchema",
            "full",
            lambda cl: cl.ontology.get_schema(**_opts()),
            t.OntologySchema,
        ),
        c(
            "getEntityType",
            "minimal",
            lambda cl: cl.ontology.get_entity_type("Person"),
            t.EntityType,
        ),
        c(
            "getEntityType",
            "full",
            lambda cl: cl.ontology.get_entity_type("Sub:Type.v2~x", **_opts()),
            t.EntityType,
        ),
        c("listSubtypes", "minimal", lambda cl: cl.ontology.list_subtypes("Person"), t.SubtypeList),
        c(
            "listSubtypes",
            "full",
            lambda cl: cl.ontology.list_subtypes("Person", **_opts()),
            t.SubtypeList,
        ),
        # entities
        c(
            "createEntity",
            "minimal",
            lambda cl: cl.entities.create(type="Person", properties={}),
            t.Entity,
        ),
        c(
            "createEntity",
            "full",
            lambda cl: cl.entities.create(
                type="Person",
                properties={"name": "Ada", "age": 36, "tags": ["a"], "meta": {"x": None}},
                embedding=[0.1, -0.2, 3],
                **_post_opts(),
            ),
            t.Entity,
        ),
        c("listEntities", "minimal", lambda cl: cl.entities.list(), t.EntityPage, "list"),
        c(
            "listEntities",
            "full",
            lambda cl: cl.entities.list(type="Person", limit=200, max_items=1000, **_opts()),
            t.EntityPage,
            "list",
        ),
        c(
            "validateEntity",
            "minimal",
            lambda cl: cl.entities.validate(type="Person", properties={}),
            t.ValidationResult,
        ),
        c(
            "validateEntity",
            "full",
            lambda cl: cl.entities.validate(
                type="Person", properties={"name": "Ada"}, embedding=[1.0], **_post_opts()
            ),
            t.ValidationResult,
        ),
        c("getEntity", "minimal", lambda cl: cl.entities.get("ent_1"), t.Entity),
        c("getEntity", "full", lambda cl: cl.entities.get("ent:1.a~b", **_opts()), t.Entity),
        c(
            "updateEntity",
            "minimal",
            lambda cl: cl.entities.update("ent_1", properties={}),
            t.Entity,
        ),
        c(
            "updateEntity",
            "full",
            lambda cl: cl.entities.update(
                "ent_1",
                properties={"age": 37, "nickname": None},
                embedding=[0.5, 0.25],
                if_match='"v1"',
                **_opts(),
            ),
            t.Entity,
        ),
        c("deleteEntity", "minimal", lambda cl: cl.entities.delete("ent_1"), None),
        c("deleteEntity", "full", lambda cl: cl.entities.delete("ent_1", **_opts()), None),
        # relations
        c(
            "createRelation",
            "minimal",
            lambda cl: cl.relations.create(
                type="WORKS_AT", from_entity_id="ent_1", to_entity_id="ent_2"
            ),
            t.Relation,
        ),
        c(
            "createRelation",
            "full",
            lambda cl: cl.relations.create(
                type="WORKS_AT",
                from_entity_id="ent_1",
                to_entity_id="ent_2",
                properties={"since": 1842, "note": None},
                **_post_opts(),
            ),
            t.Relation,
        ),
        c("listRelations", "minimal", lambda cl: cl.relations.list(), t.RelationPage, "list"),
        c(
            "listRelations",
            "full",
            lambda cl: cl.relations.list(
                entity_id="ent_1", type="WORKS_AT", direction="both", limit=1, **_opts()
            ),
            t.RelationPage,
            "list",
        ),
        c("getRelation", "minimal", lambda cl: cl.relations.get("rel_1"), t.Relation),
        c("getRelation", "full", lambda cl: cl.relations.get("rel_1", **_opts()), t.Relation),
        c("deleteRelation", "minimal", lambda cl: cl.relations.delete("rel_1"), None),
        c("deleteRelation", "full", lambda cl: cl.relations.delete("rel_1", **_opts()), None),
        # queries
        c(
            "hybridQuery",
            "minimal",
            lambda cl: cl.queries.hybrid(graph_query={"start_entity_ids": ["ent_1"]}),
            t.HybridQueryResult,
        ),
        c(
            "hybridQuery",
            "full",
            lambda cl: cl.queries.hybrid(
                vector_query={"embedding": [0.1, 0.2], "top_k": 100, "entity_types": ["Person"]},
                graph_query=t.GraphQuery(
                    start_entity_ids=["ent_1", "ent_2"], relation_types=["WORKS_AT"], depth=5
                ),
                merge_strategy="weighted",
                weights={"vector": 0.7, "graph": 0.0},
                limit=100,
                **_post_opts(),
            ),
            t.HybridQueryResult,
        ),
        c(
            "expandTypes",
            "minimal",
            lambda cl: cl.queries.expand_types(["Person"]),
            t.ExpandTypesResult,
        ),
        c(
            "expandTypes",
            "full",
            lambda cl: cl.queries.expand_types(("Person", "Company"), **_post_opts()),
            t.ExpandTypesResult,
        ),
        # events
        c(
            "ingestEvent",
            "minimal",
            lambda cl: cl.events.ingest(agent_id="a", session_id="s", type="custom"),
            t.AgentEvent,
        ),
        c(
            "ingestEvent",
            "full",
            lambda cl: cl.events.ingest(
                agent_id="planner",
                session_id="sess_1",
                type="llm_call",
                timestamp=WHEN,
                trace_id=TRACE_ID,
                span_id=SPAN_ID,
                attributes={"model": "m", "tokens": 3, "list": [1, "a", None]},
                event_id="evt_1",
                **_post_opts(),
            ),
            t.AgentEvent,
        ),
        c("listEvents", "minimal", lambda cl: cl.events.list(), t.AgentEventPage, "list"),
        c(
            "listEvents",
            "full",
            lambda cl: cl.events.list(
                agent_id="planner",
                session_id="sess_1",
                type="error",
                since=WHEN,
                limit=50,
                **_opts(),
            ),
            t.AgentEventPage,
            "list",
        ),
        c(
            "ingestEventBatch",
            "minimal",
            lambda cl: cl.events.ingest_batch(
                [{"agent_id": "a", "session_id": "s", "type": "task_started"}]
            ),
            t.BatchResult,
        ),
        c(
            "ingestEventBatch",
            "full",
            lambda cl: cl.events.ingest_batch(
                [_FULL_EVENT, t.AgentEventInput.from_dict({**_FULL_EVENT, "event_id": "evt_2"})],
                **_post_opts(),
            ),
            t.BatchResult,
        ),
        # telemetry: records go through the buffered exporter, sent by `flush()`
        c(
            "ingestTelemetryBatch",
            "minimal",
            lambda cl: [cl.telemetry.log_model_call("ranker", latency_ms=0)],
            None,
            "telemetry",
        ),
        c("ingestTelemetryBatch", "full", _full_telemetry, None, "telemetry"),
        c(
            "ingestEventBatch",
            "buffered",
            lambda cl: [
                cl.events.buffered.ingest(agent_id="a", session_id="s", type="custom"),
                cl.events.buffered.ingest(
                    agent_id="planner",
                    session_id="sess_1",
                    type="tool_call",
                    timestamp=WHEN,
                    trace_id=TRACE_ID,
                    span_id=SPAN_ID,
                    attributes={"tool": "search"},
                    event_id="evt_b1",
                ),
            ],
            None,
            "telemetry",
        ),
        # anomalies
        c("listAnomalies", "minimal", lambda cl: cl.anomalies.list(), t.AnomalyPage, "list"),
        c(
            "listAnomalies",
            "full",
            lambda cl: cl.anomalies.list(
                severity="critical",
                anomaly_type="data_quality",
                service_name="support-bot",
                since=WHEN,
                limit=20,
                **_opts(),
            ),
            t.AnomalyPage,
            "list",
        ),
        c("getAnomaly", "minimal", lambda cl: cl.anomalies.get("anom_1"), t.Anomaly),
        c("getAnomaly", "full", lambda cl: cl.anomalies.get("anom_1", **_opts()), t.Anomaly),
        # chat
        c("createChat", "minimal", lambda cl: cl.chat.create("Hi"), t.ChatResponse),
        c(
            "createChat",
            "full",
            lambda cl: cl.chat.create(
                "What do you know about Ada?",
                conversation_id="conv_1",
                model="default",
                use_memory=True,
                user_id="user_1",
                **_post_opts(),
            ),
            t.ChatResponse,
        ),
        c("streamChat", "minimal", lambda cl: cl.chat.stream("Hi"), t.ChatResponse, "stream"),
        c(
            "streamChat",
            "full",
            lambda cl: cl.chat.stream(
                "What do you know about Ada?",
                conversation_id="conv_1",
                model="default",
                use_memory=False,
                user_id="user_1",
                **_post_opts(),
            ),
            t.ChatResponse,
            "stream",
        ),
        # knowledge
        c(
            "searchKnowledge",
            "minimal",
            lambda cl: cl.knowledge.search("refunds"),
            t.KnowledgeSearchResult,
        ),
        c(
            "searchKnowledge",
            "full",
            lambda cl: cl.knowledge.search(
                "refunds", kinds=["wisdom", "pattern", "gotcha"], limit=50, **_post_opts()
            ),
            t.KnowledgeSearchResult,
        ),
        # memory
        c(
            "storeMemory",
            "minimal",
            lambda cl: cl.memory.store(user_id="user_1", key="k", value=""),
            t.Memory,
        ),
        c(
            "storeMemory",
            "full",
            lambda cl: cl.memory.store(
                user_id="user_1",
                key="favourite_language",
                value="Python",
                tags=["preferences", "lang"],
                ttl_s=86400,
                **_post_opts(),
            ),
            t.Memory,
        ),
        c("listMemories", "minimal", lambda cl: cl.memory.list(), t.MemoryPage, "list"),
        c(
            "listMemories",
            "full",
            lambda cl: cl.memory.list(user_id="user_1", tag="preferences", limit=7, **_opts()),
            t.MemoryPage,
            "list",
        ),
        c("getMemory", "minimal", lambda cl: cl.memory.retrieve("mem_1"), t.Memory),
        c("getMemory", "full", lambda cl: cl.memory.retrieve("mem_1", **_opts()), t.Memory),
        c("deleteMemory", "minimal", lambda cl: cl.memory.delete("mem_1"), None),
        c("deleteMemory", "full", lambda cl: cl.memory.delete("mem_1", **_opts()), None),
        # research
        c(
            "createResearch",
            "minimal",
            lambda cl: cl.research.create("graph memory"),
            t.ResearchJob,
        ),
        c(
            "createResearch",
            "full",
            lambda cl: cl.research.create("graph memory", depth=5, **_post_opts()),
            t.ResearchJob,
        ),
        c("getResearch", "minimal", lambda cl: cl.research.get("job_1"), t.ResearchJob),
        c("getResearch", "full", lambda cl: cl.research.get("job_1", **_opts()), t.ResearchJob),
        # api keys
        c("listApiKeys", "minimal", lambda cl: cl.api_keys.list(), t.ApiKeyPage, "list"),
        c(
            "listApiKeys",
            "full",
            lambda cl: cl.api_keys.list(limit=20, max_items=5, **_opts()),
            t.ApiKeyPage,
            "list",
        ),
        c(
            "createApiKey",
            "minimal",
            lambda cl: cl.api_keys.create(name="ci"),
            t.ApiKeyWithSecret,
        ),
        c(
            "createApiKey",
            "full",
            lambda cl: cl.api_keys.create(
                name="ci", scopes=["read", "write", "admin"], expires_at=WHEN, **_post_opts()
            ),
            t.ApiKeyWithSecret,
        ),
        c("deleteApiKey", "minimal", lambda cl: cl.api_keys.delete("key_1"), None),
        c("deleteApiKey", "full", lambda cl: cl.api_keys.delete("key_1", **_opts()), None),
        # webhook endpoints
        c("listWebhooks", "minimal", lambda cl: cl.webhooks.list(), t.WebhookPage, "list"),
        c(
            "listWebhooks",
            "full",
            lambda cl: cl.webhooks.list(limit=1, **_opts()),
            t.WebhookPage,
            "list",
        ),
        c(
            "createWebhook",
            "minimal",
            lambda cl: cl.webhooks.create(url="https://example.com/h", events=["entity.deleted"]),
            t.WebhookWithSecret,
        ),
        c(
            "createWebhook",
            "full",
            lambda cl: cl.webhooks.create(
                url="https://example.com/hooks/agentplatform?x=1",
                events=["anomaly.detected", "research.completed", "entity.deleted"],
                **_post_opts(),
            ),
            t.WebhookWithSecret,
        ),
        c("deleteWebhook", "minimal", lambda cl: cl.webhooks.delete("wh_1"), None),
        c("deleteWebhook", "full", lambda cl: cl.webhooks.delete("wh_1", **_opts()), None),
    ]


def _full_telemetry(client: Any) -> list[Any]:
    """Every record kind with every optional field; one batch (values, or coroutines)."""
    telemetry = client.telemetry
    event = (
        TelemetryEventBuilder(service="support-bot", model="gpt-4o-mini")
        .prompt("What is our refund policy?", tokens=7)
        .response("Refunds are accepted within 30 days.", tokens=8, finish_reason="stop")
        .latency(412.5)
        .cost(0.00021)
        .metadata({"customer": "c_1"}, region="eu")
        .trace(TRACE_ID, SPAN_ID)
        .error("upstream timeout")
        .event_id("evt_llm_1")
        .timestamp(WHEN)
        .build()
    )
    return [
        telemetry.track(event),
        telemetry.log_model_call(
            "ranker",
            latency_ms=3.25,
            input_data={"q": "refund"},
            prediction={"label": "billing", "p": 0.9},
            error="low confidence",
            service_name="search",
            trace_id=TRACE_ID,
            span_id=SPAN_ID,
        ),
        telemetry.log_data_quality(
            "tickets", record_count=1000, null_count=3, anomaly_score=0.25, service_name="etl"
        ),
    ]


CASES: list[Case] = _cases()
