"""The async pipeline: a lazily started task, awaitable calls, a `block` policy that awaits."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path
from typing import Any

import pytest
from agentplatform.errors import BadRequestError
from agentplatform.telemetry import AsyncTelemetry, TelemetryConfig
from agentplatform.telemetry import _async as async_module

from ._support import AsyncFakeSender, event, frames_on_disk

FAST = {"retry_initial_delay": 0.001, "retry_max_delay": 0.005, "service_name": "svc"}


def make(sender: AsyncFakeSender, **options: Any) -> AsyncTelemetry:
    return AsyncTelemetry(sender, TelemetryConfig(**FAST, **options))


async def test_the_task_starts_on_the_first_enqueue() -> None:
    sender = AsyncFakeSender()
    telemetry = make(sender)
    assert telemetry._records._task is None
    assert await telemetry.flush() is True
    assert telemetry._records._task is None
    event_id = await telemetry.track(event())
    task = telemetry._records._task
    assert task is not None and task.get_name() == "agentplatform-telemetry-exporter"
    assert await telemetry.log_model_call("m", latency_ms=1) is not None
    assert await telemetry.log_data_quality("d", record_count=1) is not None
    assert await telemetry.flush(10)
    assert sender.records[0]["event_id"] == event_id and len(sender.records) == 3
    assert await telemetry.close() is True
    assert task.done()
    assert await telemetry.close() is True
    assert await telemetry.flush() is True


async def test_block_waits_without_blocking_the_loop() -> None:
    sender = AsyncFakeSender()
    sender.gate.clear()
    telemetry = make(sender, batch_size=1, max_queue_size=1, overflow="block", block_timeout=None)
    await telemetry.track(event())
    assert await asyncio.to_thread(sender.entered.wait, 10)
    await telemetry.track(event())
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while not sender.gate.is_set():
            ticks += 1
            await asyncio.sleep(0.001)

    ticking = asyncio.create_task(ticker())
    asyncio.get_running_loop().call_later(0.05, sender.gate.set)
    third = await telemetry.track(event())
    await ticking
    assert third is not None and ticks > 0
    assert await telemetry.flush(10)
    assert telemetry.stats().sent == 3 and telemetry.stats().dropped == 0
    await telemetry.close()


async def test_block_gives_up_after_its_timeout() -> None:
    sender = AsyncFakeSender()
    sender.gate.clear()
    telemetry = make(sender, batch_size=1, max_queue_size=1, overflow="block", block_timeout=0.01)
    await telemetry.track(event())
    assert await asyncio.to_thread(sender.entered.wait, 10)
    await telemetry.track(event())
    assert await telemetry.track(event()) is None
    assert telemetry.stats().dropped == 1
    sender.gate.set()
    await telemetry.close()


async def test_flush_times_out_and_close_cancels_a_stuck_exporter(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sender = AsyncFakeSender()
    sender.gate.clear()
    telemetry = make(sender, batch_size=2)
    for _ in range(5):
        await telemetry.track(event())
    assert await telemetry.flush(timeout=0.05) is False
    with caplog.at_level(logging.WARNING, logger="agentplatform.telemetry"):
        assert await telemetry.close(timeout=0.05) is False
    stats = telemetry.stats()
    assert stats.dropped == 5 and stats.queued == 0
    assert telemetry._records._task is not None and telemetry._records._task.done()
    assert await telemetry.track(event()) is None


async def test_close_spools_what_a_stuck_exporter_left(tmp_path: Path) -> None:
    sender = AsyncFakeSender()
    sender.gate.clear()
    telemetry = make(sender, batch_size=2, spool_dir=tmp_path)
    for _ in range(5):
        await telemetry.track(event())
    assert await telemetry.close(timeout=0.05) is False
    stats = telemetry.stats()
    assert stats.dropped == 0 and stats.spooled == 5
    later = AsyncFakeSender()
    successor = make(later, spool_dir=tmp_path)
    await successor.start()
    assert await successor.flush(10)
    assert successor.stats().sent == 5
    await successor.close()


async def test_records_from_threads_without_a_loop_wait_for_the_task() -> None:
    sender = AsyncFakeSender()
    telemetry = make(sender)

    @telemetry.monitor("threaded")
    def work() -> int:
        return 1

    await asyncio.to_thread(work)
    assert telemetry._records._task is None
    assert telemetry.stats().queued == 1
    assert await telemetry.flush(10)
    await asyncio.to_thread(work)
    assert await telemetry.flush(10)
    assert telemetry.stats().sent == 2
    await telemetry.close()


async def test_async_callbacks_are_awaited_and_their_errors_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[Any] = []

    async def on_success(result: Any) -> None:
        seen.append(result.accepted)

    async def on_error(error: BaseException, records: list[Any]) -> None:
        raise RuntimeError("async callback bug")

    sender = AsyncFakeSender([BadRequestError("no", status_code=400)])
    telemetry = make(sender, batch_size=1, on_success=on_success, on_error=on_error)
    with caplog.at_level(logging.ERROR, logger="agentplatform.telemetry"):
        await telemetry.track(event())
        await telemetry.track(event())
        assert await telemetry.flush(10)
    assert seen == [1]
    assert "async callback bug" in caplog.text
    await telemetry.close()


async def test_the_exporter_carries_on_after_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(async_module, "_ERROR_PAUSE_S", 0.0)
    sender = AsyncFakeSender()
    telemetry = make(sender)
    original = telemetry._records._prepare
    calls = {"n": 0}

    def flaky(batch: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("internal bug")
        return original(batch)

    monkeypatch.setattr(telemetry._records, "_prepare", flaky)
    with caplog.at_level(logging.ERROR, logger="agentplatform.telemetry"):
        await telemetry.track(event())
        assert await telemetry.flush(10)
    assert "internal bug" in caplog.text and telemetry.stats().sent == 1
    await telemetry.close()


async def test_buffered_events_on_the_async_pipeline() -> None:
    sender = AsyncFakeSender()
    telemetry = make(sender)
    from agentplatform.resources.events import AsyncBufferedEvents

    buffered = AsyncBufferedEvents(telemetry._events)
    event_id = await buffered.ingest(agent_id="a", session_id="s", type="error")
    assert await buffered.flush(10)
    assert buffered.stats().sent == 1
    assert sender.records == [
        {
            "agent_id": "a",
            "session_id": "s",
            "type": "error",
            "event_id": event_id,
            "timestamp": sender.records[0]["timestamp"],
        }
    ]
    await telemetry.close()


def test_the_exit_hook_without_a_running_loop_keeps_what_it_can(tmp_path: Path) -> None:
    sender = AsyncFakeSender()
    sender.gate.clear()
    telemetry = make(
        sender, batch_size=2, flush_interval=60, spool_dir=tmp_path, shutdown_timeout=0.05
    )

    async def main() -> None:
        for _ in range(5):
            await telemetry.track(event())
        assert await asyncio.to_thread(sender.entered.wait, 10)

    asyncio.run(main())
    telemetry._records._at_exit()
    stats = telemetry.stats()
    assert (stats.spooled, stats.dropped, stats.queued) == (5, 0, 0)
    assert frames_on_disk(tmp_path) == 5
    telemetry._records._at_exit()


def test_the_exit_hook_closes_through_a_loop_running_elsewhere() -> None:
    sender = AsyncFakeSender()
    telemetry = make(sender, flush_interval=60)
    loop = asyncio.new_event_loop()
    runner = threading.Thread(target=loop.run_forever, daemon=True)
    runner.start()
    try:
        asyncio.run_coroutine_threadsafe(telemetry.track(event()), loop).result(10)
        telemetry._records._at_exit()
        assert telemetry.stats().sent == 1
    finally:
        loop.call_soon_threadsafe(loop.stop)
        runner.join(10)
        loop.close()


def test_a_wake_for_a_closed_loop_is_ignored() -> None:
    sender = AsyncFakeSender()
    telemetry = make(sender, flush_interval=60)

    async def main() -> None:
        await telemetry.track(event())

    asyncio.run(main())
    pipeline = telemetry._records
    assert pipeline._loop is not None and pipeline._loop.is_closed()
    pipeline._loop_thread = -1
    pipeline._wake()


async def test_close_from_an_async_callback_does_not_wait_on_itself() -> None:
    outcome: list[bool] = []
    holder: dict[str, AsyncTelemetry] = {}

    async def on_success(_: Any) -> None:
        if not outcome:
            await holder["t"].track(event())
            outcome.append(await holder["t"].close())

    telemetry = make(AsyncFakeSender(), batch_size=1, on_success=on_success)
    holder["t"] = telemetry
    await telemetry.track(event())
    task = telemetry._records._task
    assert task is not None
    await asyncio.wait_for(task, 30)
    assert outcome == [False]
    stats = telemetry.stats()
    assert (stats.sent, stats.dropped) == (1, 1)


async def test_close_spools_records_of_a_task_that_never_started(tmp_path: Path) -> None:
    telemetry = make(AsyncFakeSender(), spool_dir=tmp_path)

    @telemetry.monitor("threaded")
    def work() -> int:
        return 1

    await asyncio.to_thread(work)
    assert telemetry._records._task is None
    assert await telemetry._records.aclose(timeout=0.1) is False
    assert telemetry.stats().spooled == 1
    assert frames_on_disk(tmp_path) == 1
