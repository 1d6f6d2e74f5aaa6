"""The small parts: ids, trace context, JSON of records, configuration checks, fork safety."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import os
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from agentplatform.errors import InvalidParameterError
from agentplatform.telemetry import TelemetryConfig, _ids, _records, _trace, current_trace_context
from opentelemetry.sdk.trace import TracerProvider


def test_event_ids_are_uuid4_hex_and_unique() -> None:
    ids = [_ids.event_id() for _ in range(2000)]
    assert len(set(ids)) == 2000
    for value in ids:
        parsed = uuid.UUID(hex=value)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and parsed.hex == value


def test_trace_and_span_ids_are_w3c_shaped() -> None:
    for _ in range(300):
        assert re.fullmatch(r"[0-9a-f]{32}", _ids.trace_id())
        assert re.fullmatch(r"[0-9a-f]{16}", _ids.span_id())
    context = current_trace_context()
    assert not context.from_otel and len(context.trace_id) == 32


def test_trace_context_from_a_recording_span() -> None:
    tracer = TracerProvider().get_tracer("t")
    with tracer.start_as_current_span("s") as span:
        context = current_trace_context()
        ids = _trace.otel_ids()
    assert context.from_otel and ids == (context.trace_id, context.span_id)
    assert context.trace_id == format(span.get_span_context().trace_id, "032x")
    assert _trace.otel_ids() is None


def test_a_forked_child_never_repeats_the_parents_ids() -> None:
    _ids.event_id()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.write(write, _ids.event_id().encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 64).decode()
    os.close(read)
    os.waitpid(pid, 0)
    assert child != _ids.event_id() and len(child) == 32


class Color(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Point:
    x: int


class Model:
    def to_dict(self) -> dict[str, Any]:
        return {"m": 1}


class Scalar:
    def item(self) -> float:
        return 2.5


def test_records_json_handles_common_python_values() -> None:
    value = {
        "when": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        "day": datetime.date(2026, 1, 2),
        "color": Color.RED,
        "tags": ("a",),
        "path": Path("/tmp/x"),
        "point": Point(1),
        "model": Model(),
        "scalar": Scalar(),
        "text": "héllo",
    }
    encoded = _records.to_json(value)
    assert '"color":"red"' in encoded and '"point":{"x":1}' in encoded
    assert '"model":{"m":1}' in encoded and '"scalar":2.5' in encoded and "héllo" in encoded
    with pytest.raises(TypeError):
        _records.to_json({"x": object()})
    with pytest.raises(ValueError):
        _records.to_json({"x": float("inf")})


def test_enqueue_time_is_rfc3339_utc() -> None:
    assert _records.iso(0.0) == "1970-01-01T00:00:00.000000Z"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 1001}, "batch_size"),
        ({"flush_interval": 0}, "flush_interval"),
        ({"max_queue_size": 0}, "max_queue_size"),
        ({"overflow": "drop_all"}, "overflow"),
        ({"block_timeout": -1}, "block_timeout"),
        ({"sample_rate": 1.5}, "sample_rate"),
        ({"sample_rate": -0.1}, "sample_rate"),
        ({"compress": "yes"}, "compress"),
        ({"spool_dir": 3}, "spool_dir"),
        ({"spool_max_bytes": 0}, "spool_max_bytes"),
        ({"retry_initial_delay": 0}, "retry_initial_delay"),
        ({"retry_max_delay": -1}, "retry_max_delay"),
        ({"shutdown_timeout": -1}, "shutdown_timeout"),
        ({"on_success": 3}, "on_success"),
        ({"on_error": "log"}, "on_error"),
        ({"enabled": 1}, "enabled"),
        ({"service_name": ""}, "service_name"),
    ],
)
def test_config_names_the_bad_option(options: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        TelemetryConfig(**options)
    assert info.value.parameter == field


def test_config_defaults() -> None:
    config = TelemetryConfig(spool_dir="/tmp/spool", block_timeout=None)
    assert (config.batch_size, config.flush_interval, config.max_queue_size) == (100, 1.0, 10_000)
    assert config.overflow == "drop_newest" and config.spool_dir == Path("/tmp/spool")
    assert config.sample_rate == 1.0 and config.compress is True


def test_enqueue_times_match_datetime_formatting() -> None:
    import random

    rng = random.Random(5)
    for created in [0.0, 1.9999999, 59.5, *(rng.uniform(0, 4e9) for _ in range(2000))]:
        text = _records.iso(created)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", text)
        expected = datetime.datetime.fromtimestamp(created, datetime.UTC)
        assert abs((datetime.datetime.fromisoformat(text) - expected).total_seconds()) < 2e-6
