"""With `spool_dir`: every record is on disk before `track()` returns, whatever the exporter
is doing; the exporter sends from the spool and logs what was settled."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from agentplatform.errors import (
    APIConnectionError,
    APIStatusError,
    ConflictError,
    InvalidParameterError,
)
from agentplatform.telemetry import Telemetry, TelemetryConfig
from agentplatform.telemetry import _spool as spool_module

from ._support import FakeSender, event, frames_on_disk, logged_keys, refuse_writes, segments

FAST = {"retry_initial_delay": 0.001, "retry_max_delay": 0.005, "service_name": "svc"}


def make(sender: FakeSender, spool_dir: Path, **options: Any) -> Telemetry:
    return Telemetry(sender, TelemetryConfig(**{**FAST, "spool_dir": spool_dir, **options}))


def wait_until(predicate: Any, guard: float = 30.0) -> None:
    deadline = time.monotonic() + guard
    while not predicate():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.002)


def offline(call: Any, body: dict[str, Any]) -> Any:
    raise APIConnectionError("offline")


def crash(telemetry: Telemetry) -> None:
    """What the kernel does to a killed process: its files close, its locks go; nothing
    is flushed, deleted or logged. (The exporter is stopped first; callers make sure it
    is not inside a request that could succeed.)"""
    for pipeline in (telemetry._records, telemetry._events):
        pipeline._stopping = True
        pipeline._wake()
        if pipeline._thread is not None:
            pipeline._thread.join(10)
            assert not pipeline._thread.is_alive()
        if pipeline._spool is not None:
            pipeline._spool.forget()
        pipeline._spool = None
        pipeline._closed = True
        pipeline._unregister()


def test_each_record_is_on_disk_when_track_returns(tmp_path: Path) -> None:
    sender = FakeSender()
    sender.gate.clear()  # the exporter is stuck inside its first request
    telemetry = make(sender, tmp_path, batch_size=3)
    ids = []
    for n in range(50):
        ids.append(telemetry.track(event()))
        assert frames_on_disk(tmp_path) == n + 1
    assert sender.entered.wait(10)
    stats = telemetry.stats()
    assert (stats.enqueued, stats.spooled, stats.queued, stats.dropped) == (50, 50, 0, 0)
    sender.gate.set()
    assert telemetry.flush(10)
    assert [r["event_id"] for r in sender.records] == ids
    assert telemetry.stats().spooled == 0
    telemetry.close()
    assert list(tmp_path.glob("*/*")) == []


def test_an_outage_does_not_hold_up_spooling(tmp_path: Path) -> None:
    sender = FakeSender([offline] * 100_000)
    telemetry = make(sender, tmp_path, batch_size=50)
    ids = [telemetry.track(event()) for _ in range(5000)]
    assert None not in ids
    assert frames_on_disk(tmp_path) == 5000, "records waited for the retry loop"
    stats = telemetry.stats()
    assert (stats.spooled, stats.dropped, stats.queued) == (5000, 0, 0)
    wait_until(lambda: telemetry.stats().retries > 0)
    sender.answers = []
    assert telemetry.flush(60)
    assert sorted(r["event_id"] for r in sender.delivered) == sorted(ids)
    telemetry.close()


def test_records_past_the_memory_queue_go_to_the_spool(tmp_path: Path) -> None:
    sender = FakeSender()
    sender.gate.clear()
    telemetry = make(sender, tmp_path, batch_size=10, max_queue_size=10)
    ids = [telemetry.track(event()) for _ in range(1000)]
    assert sender.entered.wait(10)
    assert None not in ids and telemetry.stats().dropped == 0
    assert frames_on_disk(tmp_path) == 1000
    sender.gate.set()
    assert telemetry.flush(30)
    assert [r["event_id"] for r in sender.delivered] == ids
    telemetry.close()


def test_a_full_spool_drops_the_newest_records(tmp_path: Path) -> None:
    sender = FakeSender()
    sender.gate.clear()
    telemetry = make(sender, tmp_path, spool_max_bytes=4096, batch_size=2)
    ids = [telemetry.track(event()) for _ in range(100)]
    kept = [i for i in ids if i is not None]
    assert 0 < len(kept) < 100 and ids[len(kept) :] == [None] * (100 - len(kept))
    stats = telemetry.stats()
    assert stats.dropped == 100 - len(kept) and stats.spooled == len(kept)
    sender.gate.set()
    assert telemetry.flush(30)
    assert [r["event_id"] for r in sender.delivered] == kept
    telemetry.close()


def test_a_full_spool_with_drop_oldest_discards_the_oldest_segment(tmp_path: Path) -> None:
    sender = FakeSender()
    sender.gate.clear()
    telemetry = make(
        sender, tmp_path, spool_max_bytes=16 * 4096, batch_size=5, overflow="drop_oldest"
    )
    telemetry._records._open_spool()
    spool = telemetry._records._spool
    assert spool is not None
    spool.segment_limit = 4096
    ids = [telemetry.track(event()) for _ in range(500)]
    assert None not in ids
    stats = telemetry.stats()
    assert stats.dropped > 0 and stats.spooled + stats.dropped == 500
    sender.gate.set()
    assert telemetry.flush(30)
    delivered = [r["event_id"] for r in sender.delivered]
    assert delivered[:5] == ids[:5], "the batch being sent was dropped"
    assert delivered[-1] == ids[-1] and len(delivered) == 500 - stats.dropped
    telemetry.close()


def test_a_full_spool_with_block_waits_for_room(tmp_path: Path) -> None:
    sender = FakeSender()
    sender.gate.clear()
    telemetry = make(
        sender, tmp_path, spool_max_bytes=2048, batch_size=2, overflow="block", block_timeout=10
    )
    telemetry._records._open_spool()
    spool = telemetry._records._spool
    assert spool is not None
    spool.segment_limit = 700
    telemetry.track(event())
    size = spool.segments[0].end - spool.segments[0].data_start
    telemetry.track(event())
    assert sender.entered.wait(10)
    while spool.has_room(size):
        telemetry.track(event())
    outcome: list[str | None] = []
    producer = threading.Thread(target=lambda: outcome.append(telemetry.track(event())))
    producer.start()
    producer.join(0.05)
    assert producer.is_alive(), "track() did not wait for room"
    sender.gate.set()
    producer.join(30)
    assert not producer.is_alive() and outcome[0] is not None
    assert telemetry.flush(30) and telemetry.stats().dropped == 0
    telemetry.close()


def test_the_next_process_resends_an_unacknowledged_batch_under_its_key(tmp_path: Path) -> None:
    sender = FakeSender([offline] * 1000)
    first = make(sender, tmp_path, batch_size=4)
    ids = [first.track(event()) for _ in range(10)]
    wait_until(lambda: len(sender.calls) >= 2)
    crash(first)
    tried = {c["key"] for c in sender.calls}
    assert len(tried) == 1 and tried <= logged_keys(tmp_path)

    later = FakeSender()
    second = make(later, tmp_path, batch_size=4)
    assert second.flush(30)
    assert later.calls[0]["key"] in tried
    assert later.calls[0]["body"] == sender.calls[0]["body"], "the same key met another body"
    assert [r["event_id"] for r in later.records] == ids
    assert second.stats().sent == 10
    second.close()
    assert list(tmp_path.glob("*/*")) == []


def test_acknowledged_batches_are_not_sent_again_after_a_crash(tmp_path: Path) -> None:
    sender = FakeSender()
    first = make(sender, tmp_path, batch_size=5)
    ids = [first.track(event()) for _ in range(10)]
    assert first.flush(10)
    sender.answers = [offline] * 1000
    more = [first.track(event()) for _ in range(3)]
    first._records._flush_mark()
    wait_until(lambda: len(sender.calls) >= 3)
    crash(first)

    later = FakeSender()
    second = make(later, tmp_path)
    assert second.flush(30)
    assert [r["event_id"] for r in later.records] == more
    assert [r["event_id"] for r in sender.records][:10] == ids
    second.close()


def test_a_conflict_on_a_replayed_key_resends_under_a_new_key(tmp_path: Path) -> None:
    sender = FakeSender([offline] * 1000)
    first = make(sender, tmp_path, batch_size=4)
    ids = [first.track(event()) for _ in range(4)]
    wait_until(lambda: len(sender.calls) >= 1)
    crash(first)
    conflict = ConflictError("key reused", status_code=409, retryable=False)
    later = FakeSender([conflict])
    second = make(later, tmp_path)
    assert second.flush(30)
    keys = [c["key"] for c in later.calls]
    assert len(keys) == 2 and keys[0] != keys[1]
    assert [r["event_id"] for r in later.delivered] == ids
    second.close()


def test_a_split_batch_logs_each_half(tmp_path: Path) -> None:
    sender = FakeSender([APIStatusError("too large", status_code=413)])
    telemetry = make(sender, tmp_path, batch_size=8)
    ids = [telemetry.track(event()) for _ in range(8)]
    assert telemetry.flush(10)
    assert [len(c["body"]["records"]) for c in sender.calls] == [8, 4, 4]
    assert [r["event_id"] for c in sender.calls[1:] for r in c["body"]["records"]] == ids
    assert len({c["key"] for c in sender.calls}) == 3
    assert {c["key"] for c in sender.calls} <= logged_keys(tmp_path)
    assert telemetry.stats().sent == 8
    telemetry.close()


def test_a_record_that_cannot_be_stored_is_reported(tmp_path: Path) -> None:
    errors: list[tuple[BaseException, list[Any]]] = []
    sender = FakeSender()
    telemetry = make(sender, tmp_path, on_error=lambda e, r: errors.append((e, r)))
    good = telemetry.track(event())
    assert telemetry.log_model_call("m", latency_ms=1, input_data={"x": object()}) is None
    assert telemetry.flush(10)
    stats = telemetry.stats()
    assert (stats.enqueued, stats.sent, stats.failed) == (2, 1, 1)
    ((error, records),) = errors
    assert isinstance(error, InvalidParameterError) and records[0]["input_data"]["x"] is not None
    assert [r["event_id"] for r in sender.records] == [good]
    telemetry.close()


def test_a_spooled_record_json_refuses_fails_alone_at_send(tmp_path: Path) -> None:
    errors: list[Any] = []
    sender = FakeSender()
    telemetry = make(sender, tmp_path, on_error=lambda e, r: errors.append((e, r)))
    bad = telemetry.log_model_call("m", latency_ms=1, prediction={"p": float("nan")})
    good = telemetry.track(event())
    assert bad is not None
    assert telemetry.flush(10)
    assert [r["event_id"] for r in sender.records] == [good]
    assert telemetry.stats().failed == 1
    ((error, records),) = errors
    assert isinstance(error, InvalidParameterError) and records[0]["event_id"] == bad
    telemetry.close()


def test_a_refused_write_falls_back_to_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sender = FakeSender()
    telemetry = make(sender, tmp_path)
    first = telemetry.track(event())
    spool = telemetry._records._spool
    assert spool is not None and spool.active is not None
    refuse_writes(spool.active)
    with caplog.at_level(logging.WARNING, logger="agentplatform.telemetry"):
        later = [telemetry.track(event()) for _ in range(5)]
    assert "kept in memory" in caplog.text
    assert telemetry.flush(10)
    assert [r["event_id"] for r in sender.records] == [first, *later]
    telemetry.close()


def test_an_unusable_spool_dir_is_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    sender = FakeSender()
    telemetry = make(sender, not_a_dir)
    with caplog.at_level(logging.WARNING, logger="agentplatform.telemetry"):
        telemetry.track(event())
        assert telemetry.flush(10)
    assert "unusable" in caplog.text and telemetry.stats().sent == 1
    telemetry.close()


def test_fsync_is_a_checked_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agentplatform.telemetry import _segment

    with pytest.raises(InvalidParameterError, match="fsync"):
        TelemetryConfig(fsync="yes")  # type: ignore[arg-type]
    synced: list[int] = []
    monkeypatch.setattr(_segment, "datasync", synced.append)
    sender = FakeSender()
    sender.gate.clear()
    telemetry = make(sender, tmp_path, fsync=True, batch_size=100)
    for n in range(1, 6):
        telemetry.track(event())
        assert len(synced) == n + 1  # one per record, after the new segment file
    sender.gate.set()
    assert telemetry.flush(10)
    telemetry.close()


def test_two_clients_share_a_spool_and_each_sends_its_own(tmp_path: Path) -> None:
    first_sender, second_sender = FakeSender(), FakeSender()
    first, second = make(first_sender, tmp_path), make(second_sender, tmp_path)
    a = first.track(event())
    b = second.track(event())
    assert first.flush(10) and second.flush(10)
    assert [r["event_id"] for r in first_sender.records] == [a]
    assert [r["event_id"] for r in second_sender.records] == [b]
    first.close()
    second.close()


def test_a_running_client_adopts_what_an_ended_sibling_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spool_module, "ADOPT_INTERVAL_S", 0.01)
    survivor_sender = FakeSender()
    survivor = make(survivor_sender, tmp_path)
    survivor.start()
    sibling = make(FakeSender([offline] * 1000), tmp_path)
    left = [sibling.track(event()) for _ in range(7)]
    crash(sibling)
    wait_until(lambda: survivor.stats().sent == 7)
    assert sorted(r["event_id"] for r in survivor_sender.records) == sorted(left)
    survivor.close()
    assert segments(tmp_path) == []


def test_close_leaves_what_a_stuck_exporter_had_for_the_next_client(tmp_path: Path) -> None:
    sender = FakeSender()
    sender.gate.clear()
    config = {"batch_size": 4, "flush_interval": 60}
    first = make(sender, tmp_path, **config)
    ids = [first.track(event()) for _ in range(10)]
    assert sender.entered.wait(10)
    assert first.close(timeout=0.05) is False
    stats = first.stats()
    assert stats.dropped == 0 and stats.spooled == 10 and stats.queued == 0
    sender.gate.set()
    thread = first._records._thread
    assert thread is not None
    thread.join(30)
    assert [r["event_id"] for r in sender.records] == ids[:4]

    later = FakeSender()
    second = make(later, tmp_path, **config)
    assert second.flush(30)
    assert [r["event_id"] for r in later.records] == ids[4:]
    assert second.stats().sent == 6
    second.close()
    assert list(tmp_path.glob("*/*")) == []


def test_a_forked_child_leaves_the_parents_segments_alone(tmp_path: Path) -> None:
    sender = FakeSender()
    sender.gate.clear()
    telemetry = make(sender, tmp_path, flush_interval=60)
    ids = [telemetry.track(event()) for _ in range(3)]
    spool = telemetry._records._spool
    assert spool is not None
    mine = spool.segments[0].path
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        telemetry.track(event())
        os.write(write, json.dumps(len(segments(tmp_path))).encode())
        os._exit(0)
    os.close(write)
    seen = json.loads(os.read(read, 1024))
    os.close(read)
    os.waitpid(pid, 0)
    assert seen == 2, "the child did not write a segment of its own"
    assert frames_in(mine) == 3, "the child wrote into the parent's segment"
    sender.gate.set()
    assert telemetry.flush(10)
    assert [r["event_id"] for r in sender.records][:3] == ids
    telemetry.close()


def frames_in(path: Path) -> int:
    from agentplatform.telemetry import _frames

    with path.open("rb") as file:
        file.readline()
        count = 0
        while _frames.read(file, path.stat().st_size) is not None:
            count += 1
    return count
