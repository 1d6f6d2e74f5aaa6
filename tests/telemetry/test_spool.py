"""The spool: atomic batch files, ownership, limits, and the pipeline writing ahead of sends."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import pytest
from agentplatform.errors import APIConnectionError
from agentplatform.telemetry import Telemetry, TelemetryConfig
from agentplatform.telemetry._spool import Spool, SpoolFull

from ._support import FakeSender, event

FAST = {"retry_initial_delay": 0.001, "retry_max_delay": 0.005, "service_name": "svc"}


def wait_until(predicate: Any, guard: float = 30.0) -> None:
    deadline = time.monotonic() + guard
    while not predicate():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.002)


def test_write_read_delete(tmp_path: Path) -> None:
    spool = Spool(tmp_path, "telemetry", 10_000)
    assert spool.open() == [] and spool.owner
    first = spool.write("key-1", [b'{"a":1}', b'{"a":2}'])
    second = spool.write("key-2", [b'{"b":1}'])
    assert first.path.name < second.path.name
    assert spool.read(first) == [b'{"a":1}', b'{"a":2}']
    header = json.loads(first.path.read_text().splitlines()[0])
    assert header == {"spool": 1, "channel": "telemetry", "idempotency_key": "key-1", "count": 2}
    assert oct(first.path.stat().st_mode & 0o777) == "0o600"
    assert spool.used_bytes == first.size + second.size
    spool.delete(first)
    spool.delete(first)
    assert not first.path.exists() and spool.used_bytes == second.size
    assert not list(tmp_path.glob("telemetry/.tmp-*"))
    assert [p.name for p in tmp_path.glob("telemetry/.*")] == [".lock"]
    spool.close()


def test_a_full_spool_refuses_batches(tmp_path: Path) -> None:
    spool = Spool(tmp_path, "telemetry", 100)
    spool.open()
    spool.write("k", [b"x" * 10])
    with pytest.raises(SpoolFull):
        spool.write("k2", [b"x" * 100])
    assert len(list(spool.directory.glob("*.jsonl"))) == 1
    spool.close()


def test_only_one_owner_replays_the_directory(tmp_path: Path) -> None:
    owner = Spool(tmp_path, "telemetry", 10_000)
    owner.open()
    owner.write("k", [b"{}"])
    other = Spool(tmp_path, "telemetry", 10_000)
    assert other.open() == [] and not other.owner
    owner.close()
    successor = Spool(tmp_path, "telemetry", 10_000)
    (left,) = successor.open()
    assert left.key == "k" and left.count == 1
    successor.close()
    other.close()


def test_unreadable_files_are_set_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    directory = tmp_path / "telemetry"
    directory.mkdir()
    (directory / "0001-bad.jsonl").write_text("not json\n{}\n")
    (directory / "0002-foreign.jsonl").write_text(
        '{"spool": 99, "idempotency_key": "k", "count": 1}\n'
    )
    (directory / "0003-empty.jsonl").write_text(
        '{"spool": 1, "idempotency_key": "k", "count": 0}\n'
    )
    stale = directory / ".tmp-0004.jsonl.part"
    stale.write_text("half")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    fresh = directory / ".tmp-0005.jsonl.part"
    fresh.write_text("being written")
    spool = Spool(tmp_path, "telemetry", 10_000)
    with caplog.at_level(logging.WARNING, logger="agentplatform.telemetry"):
        assert spool.open() == []
    assert sorted(p.name for p in directory.glob("*.corrupt")) == [
        "0001-bad.corrupt",
        "0002-foreign.corrupt",
        "0003-empty.corrupt",
    ]
    assert not stale.exists() and fresh.exists()
    spool.close()


def test_a_truncated_batch_fails_to_read(tmp_path: Path) -> None:
    spool = Spool(tmp_path, "telemetry", 10_000)
    spool.open()
    entry = spool.write("k", [b"{}", b"{}"])
    entry.path.write_text(entry.path.read_text().splitlines()[0] + "\n{}\n")
    with pytest.raises(ValueError, match="holds 1 records"):
        spool.read(entry)
    spool.quarantine(entry)
    assert entry.path.with_suffix(".corrupt").exists() and spool.used_bytes == 0
    spool.close()


def test_batches_are_on_disk_before_they_are_sent_and_gone_once_acknowledged(
    tmp_path: Path,
) -> None:
    sender = FakeSender()
    sender.gate.clear()
    telemetry = Telemetry(sender, TelemetryConfig(**FAST, spool_dir=tmp_path, batch_size=3))
    ids = [telemetry.track(event()) for _ in range(3)]
    assert sender.entered.wait(10)
    (path,) = tmp_path.glob("telemetry/*.jsonl")
    lines = path.read_text().splitlines()
    assert [json.loads(line)["event_id"] for line in lines[1:]] == ids
    assert telemetry.stats().spooled == 3
    sender.gate.set()
    assert telemetry.flush(10)
    assert sender.calls[0]["key"] == json.loads(lines[0])["idempotency_key"]
    assert list(tmp_path.glob("telemetry/*.jsonl")) == []
    assert telemetry.stats().spooled == 0
    telemetry.close()


def test_during_an_outage_the_queue_drains_into_the_spool(tmp_path: Path) -> None:
    def answer(call: Any, body: dict[str, Any]) -> Any:
        raise APIConnectionError("offline")

    sender = FakeSender()
    sender.answers = [answer] * 10_000
    config = TelemetryConfig(
        **FAST, spool_dir=tmp_path, batch_size=50, max_queue_size=100, flush_interval=0.01
    )
    telemetry = Telemetry(sender, config)
    ids = []
    for _ in range(20):
        ids += [telemetry.track(event()) for _ in range(100)]
        wait_until(lambda: telemetry.stats().queued == 0)
    stats = telemetry.stats()
    assert (stats.dropped, stats.spooled, stats.queued) == (0, 2000, 0)
    assert len(list(tmp_path.glob("telemetry/*.jsonl"))) == 40
    sender.answers = []
    assert telemetry.flush(30)
    delivered = [r["event_id"] for r in sender.delivered]
    assert delivered == ids and telemetry.stats().sent == 2000
    assert list(tmp_path.glob("telemetry/*.jsonl")) == []
    telemetry.close()


def test_a_full_spool_leaves_batches_in_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sender = FakeSender([APIConnectionError("offline")] * 20)
    config = TelemetryConfig(**FAST, spool_dir=tmp_path, batch_size=2, spool_max_bytes=900)
    telemetry = Telemetry(sender, config)
    with caplog.at_level(logging.WARNING, logger="agentplatform.telemetry"):
        ids = [telemetry.track(event()) for _ in range(10)]
        assert telemetry.flush(30)
    assert "spool" in caplog.text and "full" in caplog.text
    assert sorted({r["event_id"] for r in sender.records}) == sorted(ids)
    assert telemetry.stats().sent == 10
    telemetry.close()


def test_close_spools_what_is_left_and_the_next_client_sends_it(tmp_path: Path) -> None:
    sender = FakeSender()
    sender.gate.clear()
    config = TelemetryConfig(**FAST, spool_dir=tmp_path, batch_size=4, flush_interval=60)
    first = Telemetry(sender, config)
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
    second = Telemetry(later, config)
    assert second.flush(30)
    assert [r["event_id"] for r in later.records] == ids[4:]
    assert second.stats().sent == 6
    second.close()
    assert list(tmp_path.glob("telemetry/*.jsonl")) == []


def test_start_sends_what_an_earlier_client_left(tmp_path: Path) -> None:
    spool = Spool(tmp_path, "telemetry", 10_000)
    spool.open()
    record = {
        "kind": "data_quality",
        "event_id": "e1",
        "timestamp": "2026-01-01T00:00:00Z",
        "dataset_name": "d",
        "record_count": 1,
    }
    spool.write("kept-key", [json.dumps(record).encode()])
    spool.close()
    sender = FakeSender()
    telemetry = Telemetry(sender, TelemetryConfig(**FAST, spool_dir=tmp_path))
    telemetry.start()
    wait_until(lambda: telemetry.stats().sent == 1)
    assert sender.calls[0]["key"] == "kept-key"
    assert sender.records == [record]
    telemetry.close()


def test_an_unreadable_spooled_batch_is_reported(tmp_path: Path) -> None:
    spool = Spool(tmp_path, "telemetry", 10_000)
    spool.open()
    entry = spool.write("k", [b"{}", b"{}"])
    spool.close()
    entry.path.write_text(entry.path.read_text().splitlines()[0] + "\n")
    errors: list[Any] = []
    sender = FakeSender()
    config = TelemetryConfig(**FAST, spool_dir=tmp_path, on_error=lambda e, r: errors.append(e))
    telemetry = Telemetry(sender, config)
    assert telemetry.flush(10)
    assert sender.calls == [] and telemetry.stats().failed == 2
    assert isinstance(errors[0], ValueError)
    telemetry.close()


def test_an_unusable_spool_dir_is_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    sender = FakeSender()
    telemetry = Telemetry(sender, TelemetryConfig(**FAST, spool_dir=not_a_dir))
    with caplog.at_level(logging.WARNING, logger="agentplatform.telemetry"):
        telemetry.track(event())
        assert telemetry.flush(10)
    assert "unusable" in caplog.text and telemetry.stats().sent == 1
    telemetry.close()


def test_a_second_client_on_the_same_spool_keeps_its_own_batches(tmp_path: Path) -> None:
    config = TelemetryConfig(**FAST, spool_dir=tmp_path)
    first_sender, second_sender = FakeSender(), FakeSender()
    first, second = Telemetry(first_sender, config), Telemetry(second_sender, config)
    a = first.track(event())
    b = second.track(event())
    assert first.flush(10) and second.flush(10)
    assert [r["event_id"] for r in first_sender.records] == [a]
    assert [r["event_id"] for r in second_sender.records] == [b]
    first.close()
    second.close()
