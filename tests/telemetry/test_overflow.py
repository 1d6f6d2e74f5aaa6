"""The bounded queue: overflow policies, flat memory under a flood, enqueue never blocks."""

from __future__ import annotations

import threading
import tracemalloc
from typing import Any

from agentplatform.telemetry import Telemetry, TelemetryConfig

from ._support import FakeSender, event

FAST = {"retry_initial_delay": 0.001, "retry_max_delay": 0.005, "service_name": "svc"}


def stuck(**options: Any) -> tuple[Telemetry, FakeSender]:
    """Telemetry whose exporter is held inside its first send."""
    sender = FakeSender()
    sender.gate.clear()
    return Telemetry(sender, TelemetryConfig(**FAST, **options)), sender


def test_drop_newest_keeps_the_first_records_and_counts_the_rest() -> None:
    telemetry, sender = stuck(batch_size=5, max_queue_size=10)
    ids = [telemetry.track(event()) for _ in range(5)]
    assert sender.entered.wait(10)
    ids += [telemetry.track(event()) for _ in range(30)]
    kept = [i for i in ids if i is not None]
    assert len(kept) == 15 and ids[15:] == [None] * 20
    stats = telemetry.stats()
    assert (stats.enqueued, stats.dropped, stats.queued) == (15, 20, 15)
    sender.gate.set()
    assert telemetry.flush(10)
    assert [r["event_id"] for r in sender.records] == kept
    telemetry.close()


def test_drop_oldest_keeps_the_newest_records() -> None:
    telemetry, sender = stuck(batch_size=5, max_queue_size=10, overflow="drop_oldest")
    first = [telemetry.track(event()) for _ in range(5)]
    assert sender.entered.wait(10)
    later = [telemetry.track(event()) for _ in range(30)]
    assert all(later)
    stats = telemetry.stats()
    assert (stats.enqueued, stats.dropped) == (35, 20)
    sender.gate.set()
    assert telemetry.flush(10)
    assert [r["event_id"] for r in sender.records] == first + later[-10:]
    telemetry.close()


def test_block_waits_for_room() -> None:
    telemetry, sender = stuck(batch_size=2, max_queue_size=2, overflow="block", block_timeout=None)
    telemetry.track(event())
    telemetry.track(event())
    assert sender.entered.wait(10)
    telemetry.track(event())
    telemetry.track(event())
    outcome: list[str | None] = []
    producer = threading.Thread(target=lambda: outcome.append(telemetry.track(event())))
    producer.start()
    producer.join(0.05)
    assert producer.is_alive()
    sender.gate.set()
    producer.join(30)
    assert not producer.is_alive() and outcome[0] is not None
    assert telemetry.flush(10)
    stats = telemetry.stats()
    assert (stats.sent, stats.dropped) == (5, 0)
    telemetry.close()


def test_block_gives_up_after_its_timeout() -> None:
    telemetry, sender = stuck(batch_size=1, max_queue_size=1, overflow="block", block_timeout=0.01)
    telemetry.track(event())
    assert sender.entered.wait(10)
    telemetry.track(event())
    assert telemetry.track(event()) is None
    assert telemetry.stats().dropped == 1
    sender.gate.set()
    telemetry.close()


def test_close_releases_blocked_producers() -> None:
    telemetry, sender = stuck(batch_size=1, max_queue_size=1, overflow="block", block_timeout=None)
    telemetry.track(event())
    assert sender.entered.wait(10)
    telemetry.track(event())
    outcome: list[str | None] = []
    producer = threading.Thread(target=lambda: outcome.append(telemetry.track(event())))
    producer.start()
    producer.join(0.05)
    assert producer.is_alive()
    assert telemetry.close(timeout=0.01) is False
    producer.join(30)
    assert outcome == [None]
    sender.gate.set()


def test_the_exporter_thread_never_blocks_on_a_full_queue() -> None:
    calls: list[str | None] = []
    holder: dict[str, Telemetry] = {}

    def on_success(_: Any) -> None:
        if not calls:
            calls.extend(holder["t"].track(event()) for _ in range(3))

    telemetry = Telemetry(
        FakeSender(),
        TelemetryConfig(
            **FAST,
            batch_size=1,
            max_queue_size=1,
            overflow="block",
            block_timeout=None,
            on_success=on_success,
        ),
    )
    holder["t"] = telemetry
    telemetry.track(event())
    assert telemetry.flush(10)
    assert calls[0] is not None and calls[1:] == [None, None]
    assert telemetry.flush(10)
    stats = telemetry.stats()
    assert (stats.sent, stats.dropped) == (2, 2)
    telemetry.close()


def test_enqueue_never_blocks_with_the_default_policy() -> None:
    telemetry, sender = stuck(max_queue_size=1000)
    done = threading.Event()

    def flood() -> None:
        for _ in range(20_000):
            telemetry.track(event())
        done.set()

    producer = threading.Thread(target=flood, daemon=True)
    producer.start()
    assert done.wait(60), "track() blocked while the exporter was stuck"
    stats = telemetry.stats()
    assert stats.enqueued + stats.dropped == 20_000
    assert stats.dropped >= 20_000 - 1000 - 100
    sender.gate.set()
    telemetry.close()


def test_memory_stays_flat_under_a_flood() -> None:
    telemetry, sender = stuck(max_queue_size=1000)
    built = event()
    telemetry.track(built)
    assert sender.entered.wait(10)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        for _ in range(200_000):
            telemetry.track(built)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    stats = telemetry.stats()
    assert stats.enqueued + stats.dropped == 200_001
    assert stats.dropped >= 200_001 - 1100
    # 1000 queued records are ~0.3 MB; 200,000 kept would be ~50 MB.
    assert peak - base < 2 * 1024 * 1024, f"peak grew by {peak - base} bytes"
    sender.gate.set()
    telemetry.close()
