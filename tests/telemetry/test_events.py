"""client.events.buffered: checked agent events, ids and times at enqueue, trace context."""

from __future__ import annotations

import datetime
from typing import Any

import agentplatform as ap
import pytest
from agentplatform.resources.events import BufferedEvents, agent_event_payload
from agentplatform.telemetry import Telemetry, TelemetryConfig
from agentplatform_sandbox import DEFAULT_TENANT, Faults, Sandbox
from opentelemetry.sdk.trace import TracerProvider

from ._support import FakeSender


def buffered() -> tuple[BufferedEvents, FakeSender, Telemetry]:
    sender = FakeSender()
    telemetry = Telemetry(sender, TelemetryConfig())
    return BufferedEvents(telemetry._events), sender, telemetry


def test_all_fields_reach_the_batch() -> None:
    events, sender, telemetry = buffered()
    when = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)
    event_id = events.ingest(
        agent_id="planner",
        session_id="s1",
        type="tool_call",
        timestamp=when,
        trace_id="a" * 32,
        span_id="b" * 16,
        attributes={"tool": "search"},
        event_id="my-id",
    )
    assert events.flush(10)
    (record,) = sender.records
    assert record == {
        "agent_id": "planner",
        "session_id": "s1",
        "type": "tool_call",
        "timestamp": when.isoformat(),
        "trace_id": "a" * 32,
        "span_id": "b" * 16,
        "attributes": {"tool": "search"},
        "event_id": "my-id",
    }
    assert event_id is not None and events.stats().sent == 1
    telemetry.close()


def test_trace_ids_come_from_a_recording_span_only() -> None:
    tracer = TracerProvider().get_tracer("t")
    with tracer.start_as_current_span("agent-step") as span:
        inside = agent_event_payload(agent_id="a", session_id="s", type="custom")
    outside = agent_event_payload(agent_id="a", session_id="s", type="custom")
    assert inside["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert "trace_id" not in outside and "span_id" not in outside


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"agent_id": ""}, "agent_id"),
        ({"session_id": 3}, "session_id"),
        ({"type": "unknown"}, "type"),
        ({"timestamp": datetime.datetime(2026, 1, 1)}, "timestamp"),
        ({"trace_id": "xyz", "span_id": "b" * 16}, "trace_id"),
        ({"trace_id": "a" * 32}, "span_id"),
        ({"attributes": [1]}, "attributes"),
        ({"event_id": " "}, "event_id"),
    ],
)
def test_bad_fields_are_named(options: dict[str, Any], field: str) -> None:
    events, _, telemetry = buffered()
    arguments: dict[str, Any] = {"agent_id": "a", "session_id": "s", "type": "custom"}
    arguments.update(options)
    with pytest.raises(ap.InvalidParameterError) as info:
        events.ingest(**arguments)
    assert info.value.parameter == field
    telemetry.close()


def test_buffered_events_reach_the_sandbox_exactly_once(sandbox: Sandbox) -> None:
    sandbox.set_faults(Faults(error_rate=0.2, drop_after_rate=0.2, retry_after_s=0, seed=3))
    config = TelemetryConfig(batch_size=20, retry_initial_delay=0.001, retry_max_delay=0.01)
    with ap.Client(api_key=sandbox.api_key, base_url=sandbox.url, telemetry=config) as client:
        ids = [
            client.events.buffered.ingest(
                agent_id="planner", session_id=f"s{i % 3}", type="task_started"
            )
            for i in range(200)
        ]
        assert client.events.buffered.flush(60)
        assert client.events.buffered.stats().sent == 200
    with sandbox.state.lock:
        stored = list(sandbox.state.tenant(DEFAULT_TENANT).events)
    assert sorted(stored) == sorted(ids)
