"""The sync pipeline's records: disabled telemetry, service names, what `track` and
the `log_*` calls accept."""

from __future__ import annotations

import pytest
from agentplatform.errors import (
    InvalidParameterError,
)
from agentplatform.telemetry import Telemetry, TelemetryConfig

from ._support import FAST_RETRIES, FakeSender, event, exporter_threads, make


def test_disabled_telemetry_is_a_no_op() -> None:
    before = len(exporter_threads())
    telemetry = make(FakeSender(), enabled=False)
    assert telemetry.track(event()) is None
    assert telemetry.stats().enqueued == 0
    assert len(exporter_threads()) == before
    assert telemetry.flush() and telemetry.close()


def test_service_name_comes_from_the_event_or_the_config() -> None:
    sender = FakeSender()
    telemetry = Telemetry(sender, TelemetryConfig(**FAST_RETRIES))
    from agentplatform.telemetry import TelemetryEventBuilder

    anonymous = TelemetryEventBuilder(model="m").build()
    with pytest.raises(InvalidParameterError, match="service_name"):
        telemetry.track(anonymous)
    telemetry.track(TelemetryEventBuilder(model="m", service="mine").build())
    assert telemetry.flush(10)
    telemetry.close()
    configured_sender = FakeSender()
    configured = Telemetry(configured_sender, TelemetryConfig(service_name="cfg", **FAST_RETRIES))
    configured.track(anonymous)
    configured.log_model_call("m", latency_ms=1)
    configured.log_model_call("m", latency_ms=1, service_name="own")
    assert configured.flush(10)
    assert [r["service_name"] for r in configured_sender.records] == ["cfg", "cfg", "own"]
    assert [r["service_name"] for r in sender.records] == ["mine"]
    configured.close()


def test_track_accepts_builders_and_generated_records() -> None:
    from agentplatform.telemetry import TelemetryEventBuilder
    from agentplatform_api.models import LlmEventRecord

    sender = FakeSender()
    telemetry = make(sender)
    telemetry.track(TelemetryEventBuilder(model="from-builder"))
    record = LlmEventRecord.from_dict(
        {
            "kind": "llm_event",
            "event_id": "given-id",
            "timestamp": "2026-01-01T00:00:00+00:00",
            "service_name": "svc",
            "model": "generated",
        }
    )
    assert telemetry.track(record) is not None
    with pytest.raises(InvalidParameterError, match="event"):
        telemetry.track({"model": "dict"})  # type: ignore[arg-type]
    assert telemetry.flush(10)
    assert [r["model"] for r in sender.records] == ["from-builder", "generated"]
    assert sender.records[1]["event_id"] == "given-id"
    assert sender.records[1]["timestamp"] == "2026-01-01T00:00:00+00:00"
    telemetry.close()


def test_model_call_and_data_quality_records() -> None:
    sender = FakeSender()
    telemetry = make(sender)
    telemetry.log_model_call(
        "fraud-v3",
        latency_ms=4.5,
        input_data={"amount": 12},
        prediction={"score": 0.1},
        error=ValueError("broken"),
        trace_id="c" * 32,
        span_id="d" * 16,
    )
    telemetry.log_model_call("m", latency_ms=1, error="timeout")
    telemetry.log_data_quality(
        "orders", record_count=100, null_count=3, anomaly_score=0.25, service_name="etl"
    )
    assert telemetry.flush(10)
    call, text_error, quality = sender.records
    assert call["kind"] == "model_call" and call["model_name"] == "fraud-v3"
    assert call["prediction"] == {
        "score": 0.1,
        "error": {"type": "ValueError", "message": "broken"},
    }
    assert (call["trace_id"], call["span_id"]) == ("c" * 32, "d" * 16)
    assert text_error["prediction"] == {"error": {"message": "timeout"}}
    assert len(text_error["trace_id"]) == 32 and len(text_error["span_id"]) == 16
    assert quality == {
        "kind": "data_quality",
        "dataset_name": "orders",
        "record_count": 100,
        "null_count": 3,
        "anomaly_score": 0.25,
        "service_name": "etl",
        "event_id": quality["event_id"],
        "timestamp": quality["timestamp"],
    }
    telemetry.close()


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda t: t.log_model_call("", latency_ms=1), "model_name"),
        (lambda t: t.log_model_call("m", latency_ms=-1), "latency_ms"),
        (lambda t: t.log_model_call("m", latency_ms=1, input_data=[1]), "input_data"),
        (lambda t: t.log_model_call("m", latency_ms=1, prediction={2: 1}), "prediction"),
        (lambda t: t.log_model_call("m", latency_ms=1, trace_id="x"), "trace_id"),
        (lambda t: t.log_model_call("m", latency_ms=1, service_name=""), "service_name"),
        (lambda t: t.log_data_quality("", record_count=1), "dataset_name"),
        (lambda t: t.log_data_quality("d", record_count=-1), "record_count"),
        (lambda t: t.log_data_quality("d", record_count=1, null_count=-1), "null_count"),
        (lambda t: t.log_data_quality("d", record_count=1, anomaly_score=1.5), "anomaly_score"),
        (lambda t: t.log_data_quality("d", record_count=1, anomaly_score=-0.1), "anomaly_score"),
    ],
)
def test_log_calls_name_the_bad_field(call, field: str) -> None:  # type: ignore[no-untyped-def]
    telemetry = make(FakeSender())
    with pytest.raises(InvalidParameterError) as info:
        call(telemetry)
    assert info.value.parameter == field
    assert telemetry.stats().enqueued == 0
    telemetry.close()
