"""The operations of agents and the account: events, telemetry, anomalies, chat,
knowledge, memory, research, API keys, webhook endpoints."""

from __future__ import annotations

from typing import Any

from agentplatform import types as t
from agentplatform.telemetry import TelemetryEventBuilder

from ._case import SPAN_ID, TRACE_ID, WHEN, Case, opts, post_opts

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


def platform_cases() -> list[Case]:
    """The cases of events, telemetry, anomalies, chat, knowledge, memory, research,
    API keys and webhook endpoints."""
    c = Case
    return [
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
                **post_opts(),
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
                **opts(),
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
                **post_opts(),
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
                **opts(),
            ),
            t.AnomalyPage,
            "list",
        ),
        c("getAnomaly", "minimal", lambda cl: cl.anomalies.get("anom_1"), t.Anomaly),
        c("getAnomaly", "full", lambda cl: cl.anomalies.get("anom_1", **opts()), t.Anomaly),
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
                **post_opts(),
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
                **post_opts(),
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
                "refunds", kinds=["wisdom", "pattern", "gotcha"], limit=50, **post_opts()
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
                **post_opts(),
            ),
            t.Memory,
        ),
        c("listMemories", "minimal", lambda cl: cl.memory.list(), t.MemoryPage, "list"),
        c(
            "listMemories",
            "full",
            lambda cl: cl.memory.list(user_id="user_1", tag="preferences", limit=7, **opts()),
            t.MemoryPage,
            "list",
        ),
        c("getMemory", "minimal", lambda cl: cl.memory.retrieve("mem_1"), t.Memory),
        c("getMemory", "full", lambda cl: cl.memory.retrieve("mem_1", **opts()), t.Memory),
        c("deleteMemory", "minimal", lambda cl: cl.memory.delete("mem_1"), None),
        c("deleteMemory", "full", lambda cl: cl.memory.delete("mem_1", **opts()), None),
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
            lambda cl: cl.research.create("graph memory", depth=5, **post_opts()),
            t.ResearchJob,
        ),
        c("getResearch", "minimal", lambda cl: cl.research.get("job_1"), t.ResearchJob),
        c("getResearch", "full", lambda cl: cl.research.get("job_1", **opts()), t.ResearchJob),
        # api keys
        c("listApiKeys", "minimal", lambda cl: cl.api_keys.list(), t.ApiKeyPage, "list"),
        c(
            "listApiKeys",
            "full",
            lambda cl: cl.api_keys.list(limit=20, max_items=5, **opts()),
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
                name="ci", scopes=["read", "write", "admin"], expires_at=WHEN, **post_opts()
            ),
            t.ApiKeyWithSecret,
        ),
        c("deleteApiKey", "minimal", lambda cl: cl.api_keys.delete("key_1"), None),
        c("deleteApiKey", "full", lambda cl: cl.api_keys.delete("key_1", **opts()), None),
        # webhook endpoints
        c("listWebhooks", "minimal", lambda cl: cl.webhooks.list(), t.WebhookPage, "list"),
        c(
            "listWebhooks",
            "full",
            lambda cl: cl.webhooks.list(limit=1, **opts()),
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
                **post_opts(),
            ),
            t.WebhookWithSecret,
        ),
        c("deleteWebhook", "minimal", lambda cl: cl.webhooks.delete("wh_1"), None),
        c("deleteWebhook", "full", lambda cl: cl.webhooks.delete("wh_1", **opts()), None),
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
