"""The sync pipeline's lifecycle: flush, close, the exit hook, counters, fork, and
closing from a callback."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from agentplatform.errors import (
    BadRequestError,
)
from agentplatform.telemetry import Telemetry
from agentplatform.telemetry import _sync as sync_module

from ._support import FakeSender, event, make, result


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
