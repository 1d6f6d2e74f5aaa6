"""Spool segments: append-only files of record frames, and what of them was settled.

A segment `<ns>-<pid>-<token>-<n>.spool` starts with one JSON header line (format,
channel, segment id, the channel's defaults), then holds frames (see `_frames`). Only
the process that holds its `flock` writes it or sends from it; the kernel releases the
lock when that process ends, however it ends, so another process can adopt it.

Progress lives next to it, in `<segment>.ack`, as appended text lines:

    send <start> <end> <key>      a batch of the frames in [start, end) goes out under key
    done <end>                    every frame before `end` is settled (sent, known, failed)

`send` is written before the request, so a process that adopts the segment after a
crash sends the same frames under the same key (the service replays its answer instead
of storing them twice); keys come from the segment id and the range, so they are the
same in every process. A segment whose frames are all settled is deleted with its log.

Files of the first spool format (`*.jsonl`: one batch each, with its key in the header)
are adopted as one-batch segments, so an upgrade loses nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import attrs

from . import _frames

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locks, do not share a spool dir
    fcntl = None  # type: ignore[assignment]

SUFFIX = ".spool"
ACK_SUFFIX = ".ack"
LEGACY_SUFFIX = ".jsonl"
TMP_PREFIX = ".tmp-"
FORMAT = 2
LEGACY_FORMAT = 1
_READ_BUFFER = 256 * 1024


class SpoolFormatError(ValueError):
    """A spool file that is not in a format this version reads."""


def try_lock(fd: int) -> bool:
    """Take the exclusive lock of an open file without waiting; False if another holds it."""
    if fcntl is None:  # pragma: no cover - Windows
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def write_all(fd: int, data: bytes) -> None:
    """`os.write` until every byte is written."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def sync_directory(directory: Path) -> None:
    """fsync a directory, so a new or renamed file's name survives a power loss."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms that cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems without directory fsync
        pass
    finally:
        os.close(fd)


def datasync(fd: int) -> None:
    """Flush a file's data to the device (fdatasync where there is one)."""
    getattr(os, "fdatasync", os.fsync)(fd)


def write_at(fd: int, data: bytes, offset: int) -> None:
    """Write every byte of `data` at `offset` (the file position is not used)."""
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


def map_for_writing(fd: int, size: int) -> mmap.mmap | None:
    """Reserve `size` bytes of disk for a segment and map them, so an append is a copy
    into the page cache instead of a system call. The reservation (fallocate) is what
    makes the mapping safe: a full disk fails here with OSError, not later with SIGBUS
    while a record is copied. None where the platform or file system cannot do it."""
    allocate = getattr(os, "posix_fallocate", None)
    if allocate is None:  # pragma: no cover - platforms without fallocate
        return None
    try:
        allocate(fd, 0, size)
        return mmap.mmap(fd, size, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        return None


@attrs.define(eq=False)
class ReadBatch:
    """Frames read for one batch: their wire lines, and the ones that cannot be sent."""

    lines: list[bytes]
    end: int
    frames: int
    unsendable: list[tuple[dict[str, Any] | None, Exception]]
    marks: list[tuple[int, int]] = attrs.Factory(list)
    """Per line: the end offset of its frame, and the frames read up to it."""


@attrs.define(eq=False)
class Segment:
    """One segment file held (locked) by this process, and how far it was sent/settled.

    Counters are in frames (`total`, `taken`, `done`) and bytes (`end`, `sent_to`,
    `committed`); `batches` counts the pipeline's unsettled batches of this segment;
    `first_pos` is the pipeline position of the segment's first frame (0 for one
    adopted from another process). The pipeline's lock guards the counters.
    """

    path: Path
    ident: str
    defaults: dict[str, Any]
    fd: int
    own: bool
    data_start: int
    end: int
    first_pos: int = 0
    total: int = 0
    taken: int = 0
    done: int = 0
    sent_to: int = 0
    committed: int = 0
    batches: int = 0
    sealed: bool = False
    intent: tuple[int, int, str] | None = None
    fsync: bool = False
    legacy: bool = False
    map: mmap.mmap | None = None
    """This process's writable mapping of the segment's reserved space (its own, active
    segment only); appends past it, and every append elsewhere, use `pwrite`."""
    mapped: int = 0
    _ack_fd: int | None = None
    _reader: BinaryIO | None = None

    @property
    def size(self) -> int:
        """Bytes this segment holds on disk."""
        return self.end

    @property
    def ack_path(self) -> Path:
        return self.path.with_name(self.path.name + ACK_SUFFIX)

    @classmethod
    def create(
        cls,
        path: Path,
        ident: str,
        channel: str,
        defaults: Mapping[str, Any],
        *,
        fsync: bool,
        reserve: int = 0,
    ) -> Segment:
        """Create a new segment of this process at `path` (locked before it is visible).

        With `reserve`, that many bytes of disk are allocated and mapped for appends;
        the unused, zeroed tail ends the frames like a file's end (see `_frames.read`)
        and is cut off when the segment is sealed or released.
        """
        header = {
            "spool": FORMAT,
            "channel": channel,
            "segment": ident,
            "codec": "frames/marshal4",
            "defaults": dict(defaults),
        }
        data = json.dumps(header).encode() + b"\n"
        tmp = path.with_name(TMP_PREFIX + path.name)
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        mapping: mmap.mmap | None = None
        try:
            try_lock(fd)
            if reserve > len(data):
                mapping = map_for_writing(fd, reserve)
            write_at(fd, data, 0)
            if fsync:
                datasync(fd)
            os.replace(tmp, path)
            if fsync:
                sync_directory(path.parent)
        except OSError:
            if mapping is not None:
                mapping.close()
            os.close(fd)
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        size = len(data)
        return cls(
            path,
            ident,
            dict(defaults),
            fd,
            own=True,
            data_start=size,
            end=size,
            sent_to=size,
            committed=size,
            fsync=fsync,
            map=mapping,
            mapped=reserve if mapping is not None else 0,
        )

    @classmethod
    def adopt(cls, path: Path, *, fsync: bool) -> Segment | None:
        """Take over a segment (or first-format file) whose writer is gone: None while
        another process holds it. Raises `SpoolFormatError` for an unreadable file."""
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return None
        try:
            if not try_lock(fd) or not _same_file(fd, path):
                os.close(fd)
                return None
            if path.suffix == LEGACY_SUFFIX:
                return _adopt_legacy(path, fd)
            segment = _adopt_segment(path, fd)
        except BaseException:
            os.close(fd)
            raise
        segment.fsync = fsync
        return segment

    # ------------------------------------------------------------------ writing

    def append(self, frame: bytes) -> None:
        """Append one frame (the caller holds the pipeline lock). A failed write leaves
        the segment as it was."""
        end = self.end
        stop = end + len(frame)
        try:
            if self.map is not None and stop <= self.mapped:
                self.map[end:stop] = frame
                if self.fsync:
                    start = end - end % mmap.PAGESIZE
                    self.map.flush(start, stop - start)
            else:
                write_at(self.fd, frame, end)
                if self.fsync:
                    datasync(self.fd)
        except OSError:
            self._undo(len(frame))
            raise
        self.end = stop
        self.total += 1

    def _undo(self, size: int) -> None:
        """Forget the bytes of a failed append after `end`: zero them inside the mapping,
        cut them off past it."""
        if self.map is not None and self.end < self.mapped:
            stop = min(self.mapped, self.end + size)
            self.map[self.end : stop] = bytes(stop - self.end)
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, max(self.end, self.mapped))

    def seal(self) -> None:
        """No more appends: drop the mapping and cut the reserved tail off the file."""
        self.sealed = True
        self.release_reserve()

    def release_reserve(self) -> None:
        """Drop the mapping and cut the unused reserve off the file (appends from now
        on are written with `pwrite`)."""
        mapping, self.map, self.mapped = self.map, None, 0
        if mapping is not None:
            with contextlib.suppress(OSError, ValueError):
                mapping.close()
            if self.fd >= 0:
                with contextlib.suppress(OSError):
                    os.ftruncate(self.fd, self.end)

    # ------------------------------------------------------------------ sending

    def batch_key(self, start: int, end: int, *, generation: int = 0) -> str:
        """The idempotency key of the frames in [start, end): the same in every process."""
        text = f"{self.ident}:{start}:{end}" + (f":{generation}" if generation else "")
        digest = hashlib.sha256(text.encode()).hexdigest()
        return f"spool-{digest[:40]}"

    def read_batch(self, start: int, limit: int, max_frames: int | None) -> ReadBatch:
        """Read frames from `start` (at most `max_frames`, None: every frame before
        `limit`) as wire lines. Raises OSError/ValueError if the file cannot be read."""
        if self.legacy:
            return _read_legacy(self)
        reader = self._reader
        if reader is None:
            reader = self._reader = self.path.open("rb", buffering=_READ_BUFFER)
        # Drop what the buffer holds: it may be the zeroed reserve of bytes that were
        # appended since (a seek inside the buffer would keep it).
        reader.seek(0, os.SEEK_END)
        reader.seek(start)
        lines: list[bytes] = []
        marks: list[tuple[int, int]] = []
        unsendable: list[tuple[dict[str, Any] | None, Exception]] = []
        frames = 0
        while max_frames is None or frames < max_frames:
            frame = _frames.read(reader, limit)
            if frame is None:
                break
            frames += 1
            codec, body = frame
            try:
                lines.append(_frames.wire_line(codec, body, self.defaults))
            except (TypeError, ValueError, EOFError) as exc:
                unsendable.append((_record_of(codec, body), exc))
            else:
                marks.append((reader.tell(), frames))
        if max_frames is not None and frames < max_frames:
            raise ValueError(f"{self.path} holds {frames} readable records, not {max_frames}")
        return ReadBatch(lines, reader.tell(), frames, unsendable, marks)

    def mark_sending(self, start: int, end: int, key: str) -> None:
        """Log, before the request, that [start, end) goes out under `key`."""
        if not self.legacy:
            self._log(b"send %d %d %s\n" % (start, end, key.encode()))

    def commit(self, end: int) -> None:
        """Log that every frame before `end` is settled."""
        if not self.legacy:
            self._log(b"done %d\n" % end)

    def _log(self, line: bytes) -> None:
        if self._ack_fd is None:
            self._ack_fd = os.open(self.ack_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        write_all(self._ack_fd, line)
        if self.fsync:
            datasync(self._ack_fd)

    # ------------------------------------------------------------------ ending

    def delete(self) -> None:
        """Remove the segment and its log (all of it is settled), then release it."""
        for path in (self.path, self.ack_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self.release()

    def release(self) -> None:
        """Close the files (and so release the lock); the segment stays for others."""
        self.release_reserve()
        if self._reader is not None:
            with contextlib.suppress(OSError):
                self._reader.close()
            self._reader = None
        for fd in (self._ack_fd, self.fd):
            if fd is not None and fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._ack_fd = None
        self.fd = -1

    def quarantine(self) -> None:
        """Set an unreadable segment aside (`.corrupt`), so it is not tried again."""
        with contextlib.suppress(OSError):
            self.path.rename(self.path.with_suffix(".corrupt"))
        with contextlib.suppress(FileNotFoundError):
            self.ack_path.unlink()
        self.release()


def _same_file(fd: int, path: Path) -> bool:
    """The locked file is still the one at `path` (not unlinked by its last holder)."""
    try:
        return os.fstat(fd).st_ino == path.stat().st_ino
    except FileNotFoundError:
        return False


def _header(path: Path, fd: int) -> tuple[dict[str, Any], int]:
    with os.fdopen(os.dup(fd), "rb") as file:
        line = file.readline(64 * 1024)
    if not line.endswith(b"\n"):
        raise SpoolFormatError("no header line")
    try:
        header = json.loads(line)
    except ValueError as exc:
        raise SpoolFormatError(f"bad header ({exc})") from exc
    if not isinstance(header, dict):
        raise SpoolFormatError("bad header")
    return header, len(line)


def _adopt_segment(path: Path, fd: int) -> Segment:
    header, start = _header(path, fd)
    ident, defaults = header.get("segment"), header.get("defaults", {})
    if header.get("spool") != FORMAT or not isinstance(ident, str) or not ident:
        raise SpoolFormatError("unknown spool format")
    if not isinstance(defaults, dict):
        raise SpoolFormatError("bad defaults")
    segment = Segment(path, ident, defaults, fd, own=False, data_start=start, end=start)
    committed, intent = _read_log(segment.ack_path, start)
    with path.open("rb", buffering=_READ_BUFFER) as reader:
        reader.seek(start)
        end, frames, limit = start, 0, os.fstat(fd).st_size
        while _frames.read(reader, limit) is not None:
            end = reader.tell()
            frames += end > committed
    segment.end = end
    segment.committed = segment.sent_to = min(committed, end)
    segment.total = frames
    if intent is not None and intent[0] == segment.committed and intent[1] <= end:
        segment.intent = intent
    segment.sealed = True
    return segment


def _read_log(path: Path, start: int) -> tuple[int, tuple[int, int, str] | None]:
    """The settled offset and the last `send` of an acknowledgement log."""
    committed, intent = start, None
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return committed, intent
    for line in text.split(b"\n"):
        parts = line.split()
        try:
            if len(parts) == 4 and parts[0] == b"send":
                intent = (int(parts[1]), int(parts[2]), parts[3].decode())
            elif len(parts) == 2 and parts[0] == b"done":
                committed = max(committed, int(parts[1]))
        except ValueError:  # a torn last line
            continue
    return committed, intent


def _adopt_legacy(path: Path, fd: int) -> Segment:
    header, start = _header(path, fd)
    key, count = header.get("idempotency_key"), header.get("count")
    if header.get("spool") != LEGACY_FORMAT or not isinstance(key, str) or not key:
        raise SpoolFormatError("unknown spool format")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise SpoolFormatError("bad record count")
    size = os.fstat(fd).st_size
    segment = Segment(path, key, {}, fd, own=False, data_start=start, end=size, legacy=True)
    segment.total, segment.sealed = count, True
    segment.committed = segment.sent_to = start
    segment.intent = (start, size, key)
    return segment


def _read_legacy(segment: Segment) -> ReadBatch:
    lines = [line for line in segment.path.read_bytes().split(b"\n")[1:] if line.strip()]
    if len(lines) != segment.total:
        raise ValueError(f"{segment.path} holds {len(lines)} records, not {segment.total}")
    start = segment.data_start
    marks = [(start + index, index) for index in range(1, len(lines) + 1)]
    return ReadBatch(lines, segment.end, len(lines), [], marks)


def _record_of(codec: int, body: bytes) -> dict[str, Any] | None:
    """What can be shown of a frame that cannot be sent (for `on_error`)."""
    try:
        value = _frames.unpack(codec, body)
    except (TypeError, ValueError, EOFError):
        return None
    if isinstance(value, dict):
        return value
    payload, event_id, _ = value
    return {**payload, "event_id": payload.get("event_id", event_id)}
