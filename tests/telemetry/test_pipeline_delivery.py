"""The sync pipeline against a fake sender: batching, idempotency keys, retries,
outcomes, callbacks, bad records and sampling."""

from __future__ import annotations

import logging
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

from ._support import FakeSender, event, exporter_threads, make, result


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
