"""The sync pipeline against a fake sender: batching, keys, retries, outcomes, callbacks."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest
from agentplatform.errors import (
    APIConnectionError,
    APIStatusError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidParameterError,
    RateLimitError,
    UnprocessableEntityError,
)
from agentplatform.telemetry import Telemetry, TelemetryConfig
from agentplatform.telemetry import _sync as sync_module

from ._support import FakeSender, event, result

FAST = {"retry_initial_delay": 0.001, "retry_max_delay": 0.005}


def make(sender: FakeSender, **options: Any) -> Telemetry:
    settings = {"service_name": "svc", **FAST, **options}
    return Telemetry(sender, TelemetryConfig(**settings))


def exporter_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("agentplatform-")]


def test_nothing_runs_before_the_first_enqueue() -> None:
    before = len(exporter_threads())
    telemetry = make(FakeSender())
    assert len(exporter_threads()) == before
    assert telemetry.flush() is True
    assert len(exporter_threads()) == before
    assert telemetry.close() is True


def test_track_returns_at_once_with_id_and_enqueue_time() -> None:
    sender = FakeSender()
    sender.gate.clear()
    telemetry = make(sender)
    before = time.time()
    event_id = telemetry.track(event())
    after = time.time()
    assert event_id is not None and len(event_id) == 32
    assert telemetry.stats().queued == 1
    sender.gate.set()
    assert telemetry.flush(10)
    (record,) = sender.records
    assert record["event_id"] == event_id
    stamp = record["timestamp"]
    assert stamp.endswith("Z")
    import datetime

    moment = datetime.datetime.fromisoformat(stamp).timestamp()
    assert before - 1e-6 <= moment <= after + 1e-6
    telemetry.close()


def test_batches_by_size() -> None:
    sender = FakeSender()
    telemetry = make(sender, batch_size=10)
    for _ in range(25):
        telemetry.track(event())
    assert telemetry.flush(10)
    assert sorted(len(c["body"]["records"]) for c in sender.calls) == [5, 10, 10]
    assert len({c["key"] for c in sender.calls}) == 3
    assert telemetry.stats().batches == 3
    telemetry.close()


def test_batches_by_interval_without_flush() -> None:
    sender = FakeSender()
    telemetry = make(sender, batch_size=100, flush_interval=0.02)
    for _ in range(3):
        telemetry.track(event())
    assert sender.entered.wait(10)
    assert telemetry.flush(10)
    assert len(sender.records) == 3
    telemetry.close()


def test_one_idempotency_key_across_every_retry_of_a_batch() -> None:
    sender = FakeSender(
        [
            APIConnectionError("down"),
            InternalServerError("boom", status_code=503, retryable=True),
            RateLimitError("slow", status_code=429, retry_after=0.0, headers={"retry-after": "0"}),
            InternalServerError("bad gateway", status_code=502, retryable=True),
        ]
    )
    telemetry = make(sender, batch_size=5)
    ids = [telemetry.track(event()) for _ in range(5)]
    assert telemetry.flush(10)
    assert len(sender.calls) == 5
    assert len({c["key"] for c in sender.calls}) == 1
    assert all([r["event_id"] for r in c["body"]["records"]] == ids for c in sender.calls)
    stats = telemetry.stats()
    assert (stats.sent, stats.retries, stats.failed, stats.queued) == (5, 4, 0, 0)
    telemetry.close()


def test_a_whole_batch_rejected_with_a_4xx_is_failed_and_reported() -> None:
    errors: list[tuple[BaseException, list[dict[str, Any]]]] = []
    sender = FakeSender([BadRequestError("nope", status_code=400)])
    telemetry = make(sender, on_error=lambda e, r: errors.append((e, r)))
    ids = [telemetry.track(event()) for _ in range(3)]
    assert telemetry.flush(10)
    assert len(sender.calls) == 1
    ((error, records),) = errors
    assert isinstance(error, BadRequestError)
    assert [r["event_id"] for r in records] == ids
    stats = telemetry.stats()
    assert (stats.failed, stats.sent, stats.retries) == (3, 0, 0)
    telemetry.close()


def test_409_is_not_retried() -> None:
    sender = FakeSender([ConflictError("key reused", status_code=409, retryable=True)])
    telemetry = make(sender)
    telemetry.track(event())
    assert telemetry.flush(10)
    assert len(sender.calls) == 1 and telemetry.stats().failed == 1
    telemetry.close()


def test_413_splits_the_batch_in_halves() -> None:
    sender = FakeSender([APIStatusError("too large", status_code=413)])
    telemetry = make(sender, batch_size=8)
    ids = [telemetry.track(event()) for _ in range(8)]
    assert telemetry.flush(10)
    sizes = [len(c["body"]["records"]) for c in sender.calls]
    assert sizes == [8, 4, 4]
    assert len({c["key"] for c in sender.calls}) == 3
    assert [r["event_id"] for c in sender.calls[1:] for r in c["body"]["records"]] == ids
    assert telemetry.stats().sent == 8
    telemetry.close()


def test_a_single_record_too_large_fails() -> None:
    sender = FakeSender([APIStatusError("too large", status_code=413)])
    telemetry = make(sender)
    telemetry.track(event())
    assert telemetry.flush(10)
    assert telemetry.stats().failed == 1
    telemetry.close()


def test_rejected_records_are_reported_one_by_one() -> None:
    problem = {
        "type": "https://agentplatform.dev/problems/validation",
        "title": "Unprocessable entity",
        "status": 422,
        "detail": "latency_ms: must be >= 0",
    }
    errors: list[tuple[BaseException, list[dict[str, Any]]]] = []
    successes: list[Any] = []
    sender = FakeSender([result(2, 0, [{"index": 1, "problem": problem}])])
    telemetry = make(
        sender, on_error=lambda e, r: errors.append((e, r)), on_success=successes.append
    )
    ids = [telemetry.track(event()) for _ in range(3)]
    assert telemetry.flush(10)
    ((error, records),) = errors
    assert isinstance(error, UnprocessableEntityError)
    assert error.problem is not None and error.problem.detail == "latency_ms: must be >= 0"
    assert ids[1] in str(error)
    assert [r["event_id"] for r in records] == [ids[1]]
    assert successes[0].accepted == 2
    stats = telemetry.stats()
    assert (stats.sent, stats.failed, stats.duplicates) == (2, 1, 0)
    telemetry.close()


def test_duplicates_are_not_counted_as_sent() -> None:
    sender = FakeSender([result(1, 2)])
    telemetry = make(sender)
    for _ in range(3):
        telemetry.track(event())
    assert telemetry.flush(10)
    stats = telemetry.stats()
    assert (stats.sent, stats.duplicates) == (1, 2)
    telemetry.close()


def test_a_raising_callback_never_stops_the_exporter(caplog: pytest.LogCaptureFixture) -> None:
    def explode(*_: Any) -> None:
        raise RuntimeError("callback bug")

    sender = FakeSender([BadRequestError("nope", status_code=400)])
    telemetry = make(sender, on_error=explode, on_success=explode, batch_size=1)
    with caplog.at_level(logging.ERROR, logger="agentplatform.telemetry"):
        telemetry.track(event())
        telemetry.track(event())
        assert telemetry.flush(10)
    assert telemetry.stats().sent == 1 and telemetry.stats().failed == 1
    assert "callback bug" in caplog.text
    telemetry.close()


def test_an_unexpected_sender_exception_fails_the_batch(caplog: pytest.LogCaptureFixture) -> None:
    sender = FakeSender([KeyError("bug")])
    telemetry = make(sender)
    telemetry.track(event())
    with caplog.at_level(logging.ERROR, logger="agentplatform.telemetry"):
        assert telemetry.flush(10)
    assert telemetry.stats().failed == 1
    telemetry.track(event())
    assert telemetry.flush(10) and telemetry.stats().sent == 1
    telemetry.close()


def test_a_record_that_is_not_json_fails_alone() -> None:
    errors: list[tuple[BaseException, list[dict[str, Any]]]] = []
    sender = FakeSender()
    telemetry = make(sender, on_error=lambda e, r: errors.append((e, r)))
    good = telemetry.log_model_call("m", latency_ms=1, input_data={"x": 1})
    bad = telemetry.log_model_call("m", latency_ms=1, input_data={"x": object()})
    nan = telemetry.log_model_call("m", latency_ms=1, prediction={"p": float("nan")})
    assert telemetry.flush(10)
    assert [r["event_id"] for r in sender.records] == [good]
    assert [r[0]["event_id"] for _, r in errors] == [bad, nan]
    assert all(isinstance(e, InvalidParameterError) for e, _ in errors)
    assert telemetry.stats().failed == 2
    telemetry.close()


def test_a_batch_of_only_bad_records_is_never_sent() -> None:
    sender = FakeSender()
    telemetry = make(sender)
    telemetry.log_model_call("m", latency_ms=1, input_data={"x": object()})
    assert telemetry.flush(10)
    assert sender.calls == [] and telemetry.stats().failed == 1
    telemetry.close()


def test_sampling_is_decided_at_enqueue_and_counted() -> None:
    sender = FakeSender()
    telemetry = make(sender, sample_rate=0.0)
    assert telemetry.track(event()) is None
    assert telemetry.log_data_quality("ds", record_count=1) is None
    stats = telemetry.stats()
    assert (stats.sampled_out, stats.enqueued) == (2, 0)
    telemetry.close()

    half = make(FakeSender(), sample_rate=0.5)
    kept = [half.track(event()) for _ in range(400)]
    stats = half.stats()
    assert stats.sampled_out + stats.enqueued == 400
    assert stats.enqueued == sum(k is not None for k in kept)
    assert 100 < stats.enqueued < 300
    half.close()


def test_disabled_telemetry_is_a_no_op() -> None:
    before = len(exporter_threads())
    telemetry = make(FakeSender(), enabled=False)
    assert telemetry.track(event()) is None
    assert telemetry.stats().enqueued == 0
    assert len(exporter_threads()) == before
    assert telemetry.flush() and telemetry.close()


def test_service_name_comes_from_the_event_or_the_config() -> None:
    sender = FakeSender()
    telemetry = Telemetry(sender, TelemetryConfig(**FAST))
    from agentplatform.telemetry import TelemetryEventBuilder

    anonymous = TelemetryEventBuilder(model="m").build()
    with pytest.raises(InvalidParameterError, match="service_name"):
        telemetry.track(anonymous)
    telemetry.track(TelemetryEventBuilder(model="m", service="mine").build())
    assert telemetry.flush(10)
    telemetry.close()
    configured_sender = FakeSender()
    configured = Telemetry(configured_sender, TelemetryConfig(service_name="cfg", **FAST))
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


def test_flush_times_out_while_the_service_is_stuck() -> None:
    sender = FakeSender()
    sender.gate.clear()
    telemetry = make(sender)
    telemetry.track(event())
    assert telemetry.flush(timeout=0.05) is False
    sender.gate.set()
    assert telemetry.flush(10) is True
    telemetry.close()


def test_flush_waits_for_the_stuck_batch_even_when_drop_oldest_evicts() -> None:
    sender = FakeSender()
    sender.gate.clear()
    telemetry = make(sender, batch_size=2, max_queue_size=2, overflow="drop_oldest")
    telemetry.track(event())
    telemetry.track(event())
    assert sender.entered.wait(10)
    outcome: list[bool] = []
    waiter = threading.Thread(target=lambda: outcome.append(telemetry.flush(timeout=0.3)))
    waiter.start()
    for _ in range(50):
        telemetry.track(event())
    waiter.join(30)
    assert outcome == [False]
    sender.gate.set()
    assert telemetry.flush(10)
    stats = telemetry.stats()
    assert stats.sent == 4 and stats.dropped == 48
    telemetry.close()


def test_close_delivers_what_is_queued_and_then_drops_new_records(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sender = FakeSender()
    telemetry = make(sender, flush_interval=60)
    for _ in range(7):
        telemetry.track(event())
    assert telemetry.close() is True
    assert len(sender.records) == 7
    with caplog.at_level(logging.WARNING, logger="agentplatform.telemetry"):
        assert telemetry.track(event()) is None
        assert telemetry.track(event()) is None
    assert caplog.text.count("client is closed") == 1
    assert telemetry.stats().dropped == 2
    assert telemetry.close() is True
    assert telemetry.flush() is True


def test_close_with_a_stuck_service_and_no_spool_drops_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sender = FakeSender()
    sender.gate.clear()
    telemetry = make(sender, batch_size=2)
    for _ in range(5):
        telemetry.track(event())
    assert sender.entered.wait(10)
    with caplog.at_level(logging.WARNING, logger="agentplatform.telemetry"):
        assert telemetry.close(timeout=0.05) is False
    assert "set spool_dir=" in caplog.text
    stats = telemetry.stats()
    assert stats.dropped == 3 and stats.queued == 2
    sender.gate.set()
    assert telemetry.flush() is False


def test_exit_hook_is_registered_on_start_and_removed_on_close(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered: list[Any] = []
    monkeypatch.setattr(sync_module.atexit, "register", registered.append)
    monkeypatch.setattr(sync_module.atexit, "unregister", registered.remove)
    sender = FakeSender()
    telemetry = make(sender)
    assert registered == []
    telemetry.track(event())
    assert len(registered) == 1
    hook = registered[0]
    telemetry.track(event())
    assert len(registered) == 1
    assert telemetry.close()
    assert registered == []
    hook()
    assert len(sender.records) == 2


def test_the_exit_hook_flushes(monkeypatch: pytest.MonkeyPatch) -> None:
    registered: list[Any] = []
    monkeypatch.setattr(sync_module.atexit, "register", registered.append)
    monkeypatch.setattr(sync_module.atexit, "unregister", registered.remove)
    sender = FakeSender()
    telemetry = make(sender, flush_interval=60)
    telemetry.track(event())
    registered[0]()
    assert len(sender.records) == 1
    assert registered == []


def test_the_counters_add_up() -> None:
    sender = FakeSender(
        [
            result(3, 1, [{"index": 4, "problem": {"type": "t", "title": "x", "status": 422}}]),
            BadRequestError("nope", status_code=400),
        ]
    )
    sender.gate.clear()
    telemetry = make(sender, batch_size=5, max_queue_size=10)
    for _ in range(20):
        telemetry.track(event())
    sender.gate.set()
    assert telemetry.flush(10)
    stats = telemetry.stats()
    assert stats.dropped > 0 and stats.failed >= 1 and stats.duplicates == 1
    assert stats.enqueued + stats.dropped == 20
    assert stats.sent + stats.duplicates + stats.failed + stats.queued == stats.enqueued
    telemetry.close()


def test_a_forked_child_starts_clean() -> None:
    import json
    import os

    sender = FakeSender()
    sender.gate.clear()
    telemetry = make(sender, flush_interval=60)
    for _ in range(3):
        telemetry.track(event())
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        pipeline = telemetry._records
        before = (pipeline.stats().queued, pipeline._started, pipeline._thread is None)
        telemetry.track(event())
        after = (
            pipeline.stats().queued,
            pipeline._thread is not None and pipeline._thread.is_alive(),
        )
        os.write(write, json.dumps([before, after]).encode())
        os._exit(0)
    os.close(write)
    before, after = json.loads(os.read(read, 1024))
    os.close(read)
    os.waitpid(pid, 0)
    assert before == [0, False, True]
    assert after == [1, True]
    assert telemetry.stats().queued == 3
    sender.gate.set()
    assert telemetry.flush(10) and len(sender.records) == 3
    telemetry.close()


def test_close_from_a_callback_does_not_wait_on_itself() -> None:
    outcome: list[bool] = []
    holder: dict[str, Telemetry] = {}

    def on_success(_: Any) -> None:
        if not outcome:
            holder["t"].track(event())
            outcome.append(holder["t"].close())

    telemetry = make(FakeSender(), batch_size=1, on_success=on_success)
    holder["t"] = telemetry
    telemetry.track(event())
    thread = telemetry._records._thread
    assert thread is not None
    thread.join(30)
    assert outcome == [False] and not thread.is_alive()
    stats = telemetry.stats()
    assert (stats.sent, stats.dropped) == (1, 1)
