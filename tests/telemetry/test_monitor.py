"""monitor(): model calls logged from sync and async functions, errors recorded and re-raised."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from agentplatform.telemetry import AsyncTelemetry, Telemetry, TelemetryConfig, monitor, summarize
from opentelemetry.sdk.trace import TracerProvider

from ._support import AsyncFakeSender, FakeSender

CONFIG = TelemetryConfig(service_name="svc", retry_initial_delay=0.001, retry_max_delay=0.005)


def test_sync_function_calls_are_logged() -> None:
    sender = FakeSender()
    telemetry = Telemetry(sender, CONFIG)

    @telemetry.monitor("fraud-v3")
    def score(amount: float, *, country: str) -> dict[str, Any]:
        """Score a transaction."""
        return {"score": 0.25, "label": "ok"}

    assert score(12.5, country="FR") == {"score": 0.25, "label": "ok"}
    assert score.__name__ == "score" and score.__doc__ == "Score a transaction."
    assert telemetry.flush(10)
    (record,) = sender.records
    assert record["kind"] == "model_call" and record["model_name"] == "fraud-v3"
    assert record["latency_ms"] >= 0
    assert record["input_data"] == {"args": [12.5], "kwargs": {"country": "FR"}}
    assert record["prediction"] == {"output": {"score": 0.25, "label": "ok"}}
    assert record["service_name"] == "svc"
    telemetry.close()


def test_the_exception_is_recorded_then_re_raised() -> None:
    sender = FakeSender()
    telemetry = Telemetry(sender, CONFIG)

    @monitor(telemetry, service_name="scoring")
    def broken() -> None:
        raise ValueError("model file missing")

    with pytest.raises(ValueError, match="model file missing"):
        broken()
    assert telemetry.flush(10)
    (record,) = sender.records
    assert record["model_name"].endswith("broken")
    assert record["service_name"] == "scoring"
    assert record["prediction"] == {
        "error": {"type": "ValueError", "message": "model file missing"}
    }
    assert "input_data" not in record
    telemetry.close()


def test_custom_summaries_and_no_capture() -> None:
    sender = FakeSender()
    telemetry = Telemetry(sender, CONFIG)

    @telemetry.monitor(
        "m",
        summarize_input=lambda text: {"chars": len(text)},
        summarize_output=lambda out: {"words": len(out.split())},
    )
    def echo(text: str) -> str:
        return text + " again"

    @telemetry.monitor("quiet", capture_input=False, capture_output=False)
    def secret(password: str) -> str:
        return password[::-1]

    echo("hello")
    secret("hunter2")
    assert telemetry.flush(10)
    custom, quiet = sender.records
    assert custom["input_data"] == {"chars": 5} and custom["prediction"] == {"words": 2}
    assert "input_data" not in quiet and "prediction" not in quiet
    assert "hunter2" not in str(quiet)
    telemetry.close()


def test_a_failing_summary_never_reaches_the_caller(caplog: pytest.LogCaptureFixture) -> None:
    sender = FakeSender()
    telemetry = Telemetry(sender, CONFIG)

    @telemetry.monitor("m", summarize_output=lambda out: 1 / 0)  # type: ignore[arg-type,return-value]
    def work() -> int:
        return 3

    with caplog.at_level(logging.ERROR, logger="agentplatform.telemetry"):
        assert work() == 3
    assert "could not record" in caplog.text
    assert telemetry.stats().enqueued == 0
    telemetry.close()


def test_trace_ids_are_those_of_the_callers_span() -> None:
    sender = FakeSender()
    telemetry = Telemetry(sender, CONFIG)
    tracer = TracerProvider().get_tracer("t")

    @telemetry.monitor("m")
    def inner() -> None:
        with tracer.start_as_current_span("inside"):
            pass

    with tracer.start_as_current_span("outer") as span:
        inner()
        context = span.get_span_context()
    assert telemetry.flush(10)
    (record,) = sender.records
    assert record["trace_id"] == format(context.trace_id, "032x")
    assert record["span_id"] == format(context.span_id, "016x")
    telemetry.close()


async def test_async_functions_on_the_async_client() -> None:
    sender = AsyncFakeSender()
    telemetry = AsyncTelemetry(sender, CONFIG)

    @telemetry.monitor("embedder")
    async def embed(text: str) -> list[float]:
        await asyncio.sleep(0)
        return [0.1, 0.2]

    @telemetry.monitor("failing")
    async def fail() -> None:
        raise RuntimeError("gpu lost")

    @telemetry.monitor("plain")
    def plain(x: int) -> int:
        return x * 2

    assert await embed("hi") == [0.1, 0.2]
    with pytest.raises(RuntimeError):
        await fail()
    assert plain(4) == 8
    assert await telemetry.flush(10)
    ok, failed, sync_call = sender.records
    assert ok["prediction"] == {"output": [0.1, 0.2]}
    assert failed["prediction"]["error"] == {"type": "RuntimeError", "message": "gpu lost"}
    assert sync_call["prediction"] == {"output": 8}
    await telemetry.close()


def test_async_functions_on_the_sync_client() -> None:
    sender = FakeSender()
    telemetry = Telemetry(sender, CONFIG)

    @telemetry.monitor("m")
    async def work() -> str:
        return "done"

    assert asyncio.run(work()) == "done"
    assert telemetry.flush(10)
    assert sender.records[0]["prediction"] == {"output": "done"}
    telemetry.close()


class Array:
    shape = (3, 4)


class BadShape:
    shape = ("x",)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, True),
        (7, 7),
        (1.5, 1.5),
        (float("nan"), "nan"),
        ("short", "short"),
        ("x" * 1001, "x" * 1000 + "…"),
        (b"abc", {"type": "bytes", "length": 3}),
        (Array(), {"type": "Array", "shape": [3, 4]}),
        ({"a": [1, 2]}, {"a": [1, 2]}),
        ({1: "x"}, {"1": "x"}),
        (list(range(21)), {"type": "list", "length": 21}),
        ({i: i for i in range(21)}, {"type": "dict", "length": 21}),
        ((1, (2, (3, (4,)))), [1, [2, [3, {"type": "tuple", "length": 1}]]]),
    ],
)
def test_summaries(value: Any, expected: Any) -> None:
    assert summarize(value) == expected


def test_summaries_of_other_objects_are_cut_reprs() -> None:
    assert summarize(BadShape()).startswith("<")
    assert summarize(type("Long", (), {"__repr__": lambda self: "y" * 2000})()) == "y" * 1000 + "…"
