"""TelemetryEventBuilder: fluent building, field checks that name the field, trace ids."""

from __future__ import annotations

import datetime
import math
import re

import pytest
from agentplatform.errors import ConfigurationError, InvalidParameterError
from agentplatform.telemetry import LlmEvent, TelemetryEventBuilder
from agentplatform_api.models import LlmEventRecord
from opentelemetry.sdk.trace import TracerProvider


def full() -> TelemetryEventBuilder:
    return (
        TelemetryEventBuilder(service="support-bot", model="gpt-4o-mini")
        .prompt("What is our refund policy?", tokens=7)
        .response("Refunds within 30 days.", tokens=8, finish_reason="stop")
        .latency(412.5)
        .cost(0.00021)
        .metadata({"tier": "pro"}, region="eu")
        .error(ValueError("bad"))
        .error("plain message")
    )


def test_build_produces_the_wire_fields() -> None:
    event = full().build()
    payload = event.to_dict()
    assert payload["kind"] == "llm_event"
    assert payload["service_name"] == "support-bot"
    assert payload["model"] == "gpt-4o-mini"
    assert payload["prompt"] == {"text": "What is our refund policy?", "tokens": 7}
    assert payload["response"] == {
        "text": "Refunds within 30 days.",
        "tokens": 8,
        "finish_reason": "stop",
    }
    assert payload["latency_ms"] == 412.5
    assert payload["cost_usd"] == 0.00021
    assert payload["metadata"] == {"tier": "pro", "region": "eu"}
    assert payload["errors"] == ["ValueError: bad", "plain message"]
    assert re.fullmatch(r"[0-9a-f]{32}", payload["trace_id"])
    assert re.fullmatch(r"[0-9a-f]{16}", payload["span_id"])
    assert "event_id" not in payload and "timestamp" not in payload
    assert event.model == "gpt-4o-mini" and event.service_name == "support-bot"
    assert event.trace_id == payload["trace_id"] and event.span_id == payload["span_id"]
    assert "gpt-4o-mini" in repr(event)


def test_built_event_parses_as_the_generated_model() -> None:
    payload = full().build().to_dict()
    payload.update(event_id="e1", timestamp="2026-01-01T00:00:00Z")
    record = LlmEventRecord.from_dict(payload)
    assert record.to_dict()["prompt"]["tokens"] == 7


def test_tokens_and_finish_reason_without_text() -> None:
    payload = (
        TelemetryEventBuilder(model="m")
        .tokens(prompt=3, completion=4)
        .finish_reason("length")
        .build()
        .payload
    )
    assert payload["prompt"] == {"text": "", "tokens": 3}
    assert payload["response"] == {"text": "", "tokens": 4, "finish_reason": "length"}
    assert "service_name" not in payload


def test_explicit_ids_and_time() -> None:
    when = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    payload = (
        TelemetryEventBuilder(model="m")
        .trace("a" * 32, "b" * 16)
        .event_id("evt-1")
        .timestamp(when)
        .build()
        .payload
    )
    assert payload["trace_id"] == "a" * 32 and payload["span_id"] == "b" * 16
    assert payload["event_id"] == "evt-1"
    assert payload["timestamp"] == when.isoformat()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.model(""), "model"),
        (lambda b: b.model(3), "model"),
        (lambda b: b.service("  "), "service_name"),
        (lambda b: b.prompt("x" * 100_001), "prompt.text"),
        (lambda b: b.response("x" * 100_001), "response.text"),
        (lambda b: b.prompt("ok", tokens=-1), "prompt.tokens"),
        (lambda b: b.response("ok", tokens=1.5), "response.tokens"),
        (lambda b: b.tokens(prompt=True), "prompt.tokens"),
        (lambda b: b.tokens(completion=-2), "response.tokens"),
        (lambda b: b.latency(-0.1), "latency_ms"),
        (lambda b: b.latency(math.inf), "latency_ms"),
        (lambda b: b.latency(math.nan), "latency_ms"),
        (lambda b: b.latency("12"), "latency_ms"),
        (lambda b: b.cost(-1), "cost_usd"),
        (lambda b: b.cost(float("inf")), "cost_usd"),
        (lambda b: b.finish_reason(""), "response.finish_reason"),
        (lambda b: b.trace("A" * 32, "b" * 16), "trace_id"),
        (lambda b: b.trace("a" * 32, "b" * 15), "span_id"),
        (lambda b: b.metadata({1: "x"}), "metadata"),
        (lambda b: b.metadata(bad=object()), "metadata"),
        (lambda b: b.metadata(bad=math.nan), "metadata"),
        (lambda b: b.error("x" * 100_001), "errors[0]"),
        (lambda b: b.event_id(""), "event_id"),
        (lambda b: b.timestamp(datetime.datetime(2026, 1, 1)), "timestamp"),
        (lambda b: b.timestamp("2026-01-01"), "timestamp"),
    ],
)
def test_build_names_the_bad_field(change, field: str) -> None:  # type: ignore[no-untyped-def]
    builder = TelemetryEventBuilder(service="svc", model="m")
    change(builder)
    with pytest.raises(InvalidParameterError) as info:
        builder.build()
    assert info.value.parameter == field
    assert str(info.value).startswith(field + ":")
    assert isinstance(info.value, ConfigurationError)
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)


def test_the_limits_themselves_are_accepted() -> None:
    payload = (
        TelemetryEventBuilder(model="m")
        .prompt("x" * 100_000, tokens=0)
        .response("", tokens=0)
        .latency(0)
        .cost(0.0)
        .build()
        .payload
    )
    assert len(payload["prompt"]["text"]) == 100_000
    assert payload["latency_ms"] == 0 and payload["cost_usd"] == 0


def test_model_is_required() -> None:
    with pytest.raises(InvalidParameterError, match="model"):
        TelemetryEventBuilder().build()


def test_metadata_must_be_a_mapping() -> None:
    with pytest.raises(InvalidParameterError, match="metadata"):
        TelemetryEventBuilder(model="m").metadata(["a"])  # type: ignore[arg-type]


def test_metadata_with_datetimes_and_sets_is_json_ready() -> None:
    when = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    payload = TelemetryEventBuilder(model="m").metadata(at=when, tags={"a"}).build().payload
    assert payload["metadata"]["at"] is when


def test_each_build_takes_fresh_trace_ids() -> None:
    builder = TelemetryEventBuilder(model="m")
    first, second = builder.build(), builder.build()
    assert first.trace_id != second.trace_id
    assert isinstance(first, LlmEvent)


def test_trace_ids_come_from_the_recording_otel_span() -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("llm-call") as span:
        event = TelemetryEventBuilder(model="m").build()
        context = span.get_span_context()
    assert event.trace_id == format(context.trace_id, "032x")
    assert event.span_id == format(context.span_id, "016x")


def test_a_non_recording_span_lends_no_ids() -> None:
    from opentelemetry import trace

    context = trace.SpanContext(
        trace_id=0x1234, span_id=0x5678, is_remote=False, trace_flags=trace.TraceFlags(0)
    )
    with trace.use_span(trace.NonRecordingSpan(context)):
        event = TelemetryEventBuilder(model="m").build()
    assert event.trace_id != format(0x1234, "032x")
