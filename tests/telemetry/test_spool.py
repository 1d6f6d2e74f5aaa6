"""The spool on disk: frames, segments and their logs, adoption, limits, first-format files."""

from __future__ import annotations

import datetime
import enum
import json
import logging
import os
import time
from pathlib import Path

import pytest
from agentplatform.telemetry import _frames, _records
from agentplatform.telemetry._segment import Segment
from agentplatform.telemetry._spool import Spool

from ._support import refuse_writes


def item(n: int = 0, **extra: object) -> _records.Item:
    payload = {"kind": "data_quality", "dataset_name": f"d{n}", "record_count": n, **extra}
    return (payload, f"id-{n}", 1_767_225_600.25 + n)


def spool(root: Path, max_bytes: int = 1 << 20, **options: object) -> Spool:
    opened = Spool(root, "telemetry", max_bytes, defaults={"service_name": "svc"}, **options)  # type: ignore[arg-type]
    opened.open()
    return opened


def write(opened: Spool, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        assert opened.append(_frames.pack(item(n), opened.defaults), n + 1)


def test_a_frame_reads_back_as_the_wire_line_the_memory_path_sends(tmp_path: Path) -> None:
    class Tier(enum.Enum):
        PRO = "pro"

    defaults = {"service_name": "svc"}
    plain = item(1)
    rich = item(2, when=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), tier=Tier.PRO)
    for value in (plain, rich):
        frame = _frames.pack(value, defaults)
        path = tmp_path / "f"
        path.write_bytes(frame)
        with path.open("rb") as file:
            codec, body = _frames.read(file, len(frame)) or (0, b"")
        assert _frames.wire_line(codec, body, defaults) == _records.encode(value, defaults)
    assert _frames.pack(plain, defaults)[8] == _frames.MARSHAL
    assert _frames.pack(rich, defaults)[8] == _frames.JSON


def test_a_record_that_is_not_json_cannot_be_framed() -> None:
    with pytest.raises(TypeError):
        _frames.pack(item(1, thing=object()), {})


def test_torn_and_corrupt_tails_end_a_segment(tmp_path: Path) -> None:
    frames = [_frames.pack(item(n), {}) for n in range(3)]
    path = tmp_path / "f"
    for tail in (frames[2][:-1], frames[2][:5], b"\0" * 20):
        path.write_bytes(frames[0] + frames[1] + tail)
        with path.open("rb") as file:
            found = [_frames.read(file, path.stat().st_size) for _ in range(3)]
        assert [f is not None for f in found] == [True, True, False]
    flipped = bytearray(frames[1])
    flipped[-1] ^= 0xFF
    path.write_bytes(frames[0] + bytes(flipped) + frames[2])
    with path.open("rb") as file:
        assert _frames.read(file, path.stat().st_size) is not None
        assert _frames.read(file, path.stat().st_size) is None


def test_records_are_appended_to_a_private_locked_segment(tmp_path: Path) -> None:
    opened = spool(tmp_path)
    write(opened, 3)
    (path,) = (tmp_path / "telemetry").glob("*.spool")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "telemetry").stat().st_mode & 0o777) == "0o700"
    header = json.loads(path.read_bytes().split(b"\n", 1)[0])
    assert header["spool"] == 2 and header["defaults"] == {"service_name": "svc"}
    segment = opened.segments[0]
    assert opened.spooled() == 3 and opened.used_bytes == segment.end
    assert segment.map is not None and path.stat().st_size == opened.segment_limit  # reserved
    assert Segment.adopt(path, fsync=False) is None, "a live writer's segment was adopted"
    read = segment.read_batch(segment.data_start, segment.end, 2)
    assert [json.loads(line)["event_id"] for line in read.lines] == ["id-0", "id-1"]
    assert json.loads(read.lines[0])["service_name"] == "svc"
    assert read.frames == 2 and read.marks[-1] == (read.end, 2)
    opened.release()
    assert path.stat().st_size == segment.end  # the unused reserve is cut off


def test_frames_appended_after_a_read_are_read_next(tmp_path: Path) -> None:
    # The reader's buffer once held the zeroed reserve where these frames now are.
    opened = spool(tmp_path)
    write(opened, 1)
    segment = opened.segments[0]
    first = segment.read_batch(segment.data_start, segment.end, None)
    assert first.frames == 1
    write(opened, 2)
    later = segment.read_batch(first.end, segment.end, None)
    assert later.frames == 2 and later.end == segment.end
    opened.release()


def test_a_killed_writers_reserved_segment_is_adopted_whole(tmp_path: Path) -> None:
    # The process died with the reserve still on disk: the zeroed tail ends the frames.
    opened = spool(tmp_path)
    write(opened, 3)
    segment = opened.segments[0]
    assert segment.map is not None
    segment.map.close()  # as the kernel does when a process ends: no cut-off, no unlock...
    segment.map = None
    end = segment.end
    os.close(segment.fd)  # ...but the lock is released
    segment.fd = -1
    (adopted,) = Spool(tmp_path, "telemetry", 1 << 20).find_orphans(set())
    assert adopted.end == end and adopted.total == 3 and adopted.map is None
    read = adopted.read_batch(adopted.data_start, adopted.end, None)
    assert [json.loads(line)["event_id"] for line in read.lines] == ["id-0", "id-1", "id-2"]
    adopted.release()


def test_a_segment_without_room_to_reserve_is_written_without_a_mapping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(fd: int, offset: int, size: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", no_space)
    opened = spool(tmp_path)
    write(opened, 2)
    segment = opened.segments[0]
    assert segment.map is None and segment.path.stat().st_size == segment.end
    read = segment.read_batch(segment.data_start, segment.end, None)
    assert read.frames == 2
    opened.release()


def test_segments_rotate_and_settled_ones_are_deleted(tmp_path: Path) -> None:
    opened = spool(tmp_path)
    opened.segment_limit = 600
    write(opened, 12)
    held = list(opened.segments)
    assert len(held) > 2 and all(s.sealed for s in held[:-1]) and not held[-1].sealed
    first = held[0]
    assert opened.settled(first, first.end, first.total) is True
    first.delete()
    assert not first.path.exists() and first not in opened.segments
    assert opened.oldest_unsettled() == held[1].first_pos
    assert opened.release() == 12 - first.total
    assert len(list((tmp_path / "telemetry").glob("*.spool"))) == len(held) - 1


def test_an_ended_writers_segment_is_adopted_from_its_log(tmp_path: Path) -> None:
    writer = spool(tmp_path)
    write(writer, 5)
    segment = writer.segments[0]
    read = segment.read_batch(segment.data_start, segment.end, 2)
    segment.commit(read.end)
    key = segment.batch_key(read.end, segment.end)
    segment.mark_sending(read.end, segment.end, key)
    writer.release()  # the process ends: its locks go

    successor = Spool(tmp_path, "telemetry", 1 << 20)
    (adopted,) = successor.find_orphans(set())
    assert not adopted.own and adopted.sealed and adopted.total == 3
    assert adopted.committed == read.end and adopted.intent == (read.end, segment.end, key)
    assert adopted.batch_key(read.end, segment.end) == key, "keys differ between processes"
    assert Spool(tmp_path, "telemetry", 1 << 20).find_orphans(set()) == [], "adopted twice"
    adopted.commit(adopted.end)
    adopted.delete()
    assert list((tmp_path / "telemetry").iterdir()) == []


def test_settled_orphans_logs_and_temporaries_are_cleared(tmp_path: Path) -> None:
    writer = spool(tmp_path)
    write(writer, 2)
    segment = writer.segments[0]
    segment.commit(segment.end)
    writer.release()
    directory = tmp_path / "telemetry"
    (directory / "0000-gone.spool.ack").write_text("done 10\n")
    stale = directory / ".tmp-0001.spool"
    stale.write_text("half")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    fresh = directory / ".tmp-0002.spool"
    fresh.write_text("being written")
    assert Spool(tmp_path, "telemetry", 1 << 20).find_orphans(set()) == []
    assert sorted(p.name for p in directory.iterdir()) == [".tmp-0002.spool"]


def test_unreadable_files_are_set_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    directory = tmp_path / "telemetry"
    directory.mkdir()
    (directory / "0001-bad.spool").write_text("not json\n")
    (directory / "0002-foreign.spool").write_text('{"spool": 99, "segment": "x"}\n')
    (directory / "0003-nohead.spool").write_bytes(b"\x00\x01")
    (directory / "0004-bad.jsonl").write_text('{"spool": 1, "idempotency_key": "k", "count": 0}\n')
    with caplog.at_level(logging.WARNING, logger="agentplatform.telemetry"):
        assert Spool(tmp_path, "telemetry", 1 << 20).find_orphans(set()) == []
    assert sorted(p.name for p in directory.glob("*.corrupt")) == [
        "0001-bad.corrupt",
        "0002-foreign.corrupt",
        "0003-nohead.corrupt",
        "0004-bad.corrupt",
    ]
    assert "unreadable" in caplog.text


def test_a_first_format_file_is_adopted_as_one_batch_under_its_key(tmp_path: Path) -> None:
    directory = tmp_path / "telemetry"
    directory.mkdir()
    header = {"spool": 1, "channel": "telemetry", "idempotency_key": "old-key", "count": 2}
    lines = [b'{"event_id":"a"}', b'{"event_id":"b"}']
    (directory / "0001-1-000001.jsonl").write_bytes(
        b"\n".join([json.dumps(header).encode(), *lines]) + b"\n"
    )
    (adopted,) = Spool(tmp_path, "telemetry", 1 << 20).find_orphans(set())
    assert adopted.legacy and adopted.total == 2 and adopted.intent is not None
    assert adopted.intent[2] == "old-key"
    assert adopted.read_batch(0, 0, None).lines == lines
    adopted.delete()


def test_a_full_spool_refuses_frames_and_recycles_a_settled_segment(tmp_path: Path) -> None:
    frame = _frames.pack(item(0), {})
    opened = spool(tmp_path, max_bytes=opened_size(tmp_path) + 2 * len(frame))
    write(opened, 2)
    assert not opened.append(frame, 3) and not opened.has_room(len(frame))
    segment = opened.segments[0]
    segment.taken = segment.total
    opened.settled(segment, segment.end, segment.total)
    assert opened.append(frame, 3), "a settled active segment was not recycled"
    assert len(opened.segments) == 1 and opened.spooled() == 1
    assert len(list((tmp_path / "telemetry").glob("*.spool"))) == 1
    opened.release()


def opened_size(root: Path) -> int:
    """The size of a fresh segment (its header)."""
    probe = spool(root / "probe")
    frame = _frames.pack(item(0), {})
    probe.append(frame, 1)
    size = probe.used_bytes - len(frame)
    probe.release()
    return size


def test_drop_oldest_deletes_the_oldest_segment_not_being_sent(tmp_path: Path) -> None:
    opened = spool(tmp_path)
    opened.segment_limit = 400
    write(opened, 8)
    first, second = opened.segments[0], opened.segments[1]
    first.batches = 1  # a batch of it is being sent
    lost = opened.drop_oldest()
    assert lost == second.total and second not in opened.segments and first in opened.segments
    assert not second.path.exists()
    opened.release()


def test_a_failed_append_leaves_the_segment_as_it_was(tmp_path: Path) -> None:
    opened = spool(tmp_path)
    write(opened, 1)
    segment = opened.segments[0]
    size = segment.end
    refuse_writes(segment)
    with pytest.raises(OSError):
        opened.append(_frames.pack(item(1), {}), 2)
    assert segment.end == size == segment.path.stat().st_size and segment.total == 1
    opened.release()


def test_fsync_flushes_frames_logs_and_new_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agentplatform.telemetry import _segment

    synced: list[str] = []
    monkeypatch.setattr(_segment, "datasync", lambda fd: synced.append("data"))
    monkeypatch.setattr(_segment, "sync_directory", lambda path: synced.append("dir"))
    opened = spool(tmp_path, fsync=True)
    assert synced == []
    write(opened, 2)  # a new segment (its header, its name), then each frame
    segment = opened.segments[0]
    segment.commit(segment.end)
    assert synced == ["data", "dir", "data", "data", "data"]
    opened.release()

    synced.clear()
    plain = spool(tmp_path / "plain")
    write(plain, 2)
    plain.segments[0].commit(plain.segments[0].end)
    assert synced == []
    plain.release()
