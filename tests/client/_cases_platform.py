"""The request cases of the agent and account resources: events, anomalies, chat,
knowledge, memory, research, API keys and webhooks."""

from __future__ import annotations

import datetime

from agentplatform import types

from ._case import Case, limit
from ._support import (
    ANOMALY,
    API_KEY_BODY,
    MEMORY,
    RESEARCH_JOB,
    T0,
    WEBHOOK,
    page,
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

PLATFORM_CASES = [
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
