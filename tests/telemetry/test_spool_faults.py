"""The spool when files are damaged, old, or cannot be written."""

from __future__ import annotations

import json
import marshal
from pathlib import Path
from typing import Any

import pytest
from agentplatform.errors import InvalidParameterError
from agentplatform.telemetry import Telemetry, TelemetryConfig, _frames
from agentplatform.telemetry._segment import Segment
from agentplatform.telemetry._spool import Spool

from ._support import FakeSender, event, refuse_writes

FAST = {"retry_initial_delay": 0.001, "retry_max_delay": 0.005, "service_name": "svc"}


def make(sender: FakeSender, spool_dir: Path, **options: Any) -> Telemetry:
    return Telemetry(sender, TelemetryConfig(**{**FAST, "spool_dir": spool_dir, **options}))


def test_frames_that_are_not_records_are_refused() -> None:
    with pytest.raises(ValueError, match="not a queued record"):
        _frames.unpack(_frames.MARSHAL, marshal.dumps([1, 2], 4))
    with pytest.raises(ValueError, match="not a record"):
        _frames.unpack(_frames.JSON, b"[1]")
    with pytest.raises(ValueError, match="codec"):
        _frames.unpack(9, b"{}")
    line = b'{"event_id":"e"}'
    assert _frames.unpack(_frames.JSON, _frames.pack_line(line)[_frames.HEAD.size :]) == {
        "event_id": "e"
    }


def test_a_new_segment_that_cannot_be_created_leaves_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "gone" / "x.spool"
    with pytest.raises(OSError):
        Segment.create(missing, "id", "telemetry", {}, fsync=False)
    assert not (tmp_path / "gone").exists()


def test_a_torn_log_line_is_ignored(tmp_path: Path) -> None:
    writer = Spool(tmp_path, "telemetry", 1 << 20)
    writer.open()
    for n in range(3):
        assert writer.append(_frames.pack(({"n": n}, f"id-{n}", 0.0), {}), n + 1)
    segment = writer.segments[0]
    read = segment.read_batch(segment.data_start, segment.end, 1)
    segment.commit(read.end)
    writer.release()
    with segment.ack_path.open("ab") as log:
        log.write(b"done 99x\nsend 1")
    (adopted,) = Spool(tmp_path, "telemetry", 1 << 20).find_orphans(set())
    assert adopted.committed == read.end and adopted.total == 2 and adopted.intent is None
    adopted.release()


def test_a_first_format_file_is_sent_under_its_key_then_deleted(tmp_path: Path) -> None:
    directory = tmp_path / "telemetry"
    directory.mkdir()
    record = {
        "kind": "data_quality",
        "event_id": "e1",
        "timestamp": "2026-01-01T00:00:00Z",
        "dataset_name": "d",
        "record_count": 1,
    }
    header = {"spool": 1, "channel": "telemetry", "idempotency_key": "kept-key", "count": 1}
    path = directory / "00000000000000000001-1-000001.jsonl"
    path.write_bytes(json.dumps(header).encode() + b"\n" + json.dumps(record).encode() + b"\n")
    sender = FakeSender()
    telemetry = make(sender, tmp_path)
    telemetry.start()
    assert telemetry.flush(10)
    assert sender.calls[0]["key"] == "kept-key" and sender.records == [record]
    assert telemetry.stats().sent == 1 and not path.exists()
    telemetry.close()


def test_a_segment_damaged_under_the_exporter_is_set_aside(tmp_path: Path) -> None:
    errors: list[Any] = []
    sender = FakeSender()
    telemetry = make(sender, tmp_path, flush_interval=60, on_error=lambda e, r: errors.append(e))
    for _ in range(3):
        telemetry.track(event())
    spool = telemetry._records._spool
    assert spool is not None and spool.active is not None
    damaged = spool.active.path
    with damaged.open("r+b") as file:
        file.truncate(spool.active.data_start + 5)
    assert telemetry.flush(10)
    assert sender.calls == [] and telemetry.stats().failed == 3
    assert isinstance(errors[0], ValueError) and damaged.with_suffix(".corrupt").exists()
    later = telemetry.track(event())
    assert telemetry.flush(10)
    assert [r["event_id"] for r in sender.records] == [later]
    telemetry.close()


def test_memory_leftovers_of_a_broken_spool_are_spooled_at_close(tmp_path: Path) -> None:

    sender = FakeSender()
    sender.gate.clear()
    telemetry = make(sender, tmp_path, batch_size=2, flush_interval=60)
    spooled = [telemetry.track(event()) for _ in range(2)]
    assert sender.entered.wait(10)
    spool = telemetry._records._spool
    assert spool is not None and spool.active is not None
    refuse_writes(spool.active)
    in_memory = [telemetry.track(event()) for _ in range(3)]
    assert telemetry.stats().queued == 3
    assert telemetry.close(timeout=0.05) is False
    stats = telemetry.stats()
    assert stats.dropped == 0 and stats.spooled == 5 and stats.queued == 0
    sender.gate.set()  # the stuck batch goes through; the exporter then stops
    thread = telemetry._records._thread
    assert thread is not None
    thread.join(30)
    assert [r["event_id"] for r in sender.records] == spooled

    later = FakeSender()
    successor = make(later, tmp_path)
    successor.start()
    assert successor.flush(10)
    assert [r["event_id"] for r in later.records] == in_memory
    successor.close()


def test_unsendable_records_of_an_adopted_segment_are_reported(tmp_path: Path) -> None:
    writer = Spool(tmp_path, "telemetry", 1 << 20)
    writer.open()
    good = {"kind": "data_quality", "dataset_name": "d", "record_count": 1}
    assert writer.append(_frames.pack((good, "good", 0.0), {}), 1)
    assert writer.append(_frames.pack(({**good, "x": b"bytes"}, "bad", 0.0), {}), 2)
    writer.release()
    errors: list[Any] = []
    sender = FakeSender()
    telemetry = make(sender, tmp_path, on_error=lambda e, r: errors.append((e, r)))
    telemetry.start()
    assert telemetry.flush(10)
    assert [r["event_id"] for r in sender.records] == ["good"]
    ((error, records),) = errors
    assert isinstance(error, InvalidParameterError) and records[0]["event_id"] == "bad"
    telemetry.close()
