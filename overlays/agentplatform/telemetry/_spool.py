"""The spool of one channel in one process: `<spool_dir>/<channel>/`.

Every record is appended to this process's active segment before `track()` returns, so
what was enqueued survives the process, however it ends (and, with `fsync=True`, a power
loss). Segments are sent oldest first and deleted once every frame is settled.

Several processes may share a directory: each writes and sends its own segments, and
adopts those of processes that have ended (their locks are free) when its exporter
starts and every `ADOPT_INTERVAL_S` while it runs. A segment is only ever sent by the
one process that holds it. `max_bytes` bounds what this process holds on disk (its own
segments and the ones it adopted); space comes back a segment at a time. The active
segment reserves its whole size (`segment_limit`, at most 1/16 of `max_bytes`) when it
is created and is written through a shared memory mapping of that space; the unused
part is cut off when it is sealed.

Not thread-safe: the pipeline calls it under its lock, except for the file reads and
acknowledgement writes of its exporter, which touch segments no producer writes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import time
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ._segment import (
    ACK_SUFFIX,
    LEGACY_SUFFIX,
    SUFFIX,
    TMP_PREFIX,
    Segment,
    SpoolFormatError,
    try_lock,
)

logger = logging.getLogger("agentplatform.telemetry")

ADOPT_INTERVAL_S = 5.0
MIN_SEGMENT_BYTES = 64 * 1024
MAX_SEGMENT_BYTES = 8 * 1024 * 1024
_STALE_TMP_S = 60.0


class Spool:
    """The segments this process holds in one channel's directory, in sending order."""

    def __init__(
        self,
        root: Path,
        channel: str,
        max_bytes: int,
        *,
        fsync: bool = False,
        defaults: Mapping[str, Any] | None = None,
    ) -> None:
        self.directory = Path(root) / channel
        self.channel = channel
        self.max_bytes = max_bytes
        self.fsync = fsync
        self.defaults = dict(defaults or {})
        self.segment_limit = min(MAX_SEGMENT_BYTES, max(MIN_SEGMENT_BYTES, max_bytes // 16))
        self.segments: deque[Segment] = deque()
        self.active: Segment | None = None
        self.used_bytes = 0
        self.scanned_at: float | None = None
        self._token = secrets.token_hex(6)
        self._names = 0

    # ------------------------------------------------------------------ producers

    def open(self) -> None:
        """Create the directory (this process's first segment comes with its first
        record); raises OSError if it cannot be written."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not os.access(self.directory, os.W_OK | os.X_OK):
            raise PermissionError(f"{self.directory} is not writable")

    def append(self, frame: bytes, pos: int) -> bool:
        """Write the frame of the record at position `pos`; False when there is no room.
        Raises OSError when the disk refuses it."""
        size = len(frame)
        active = self.active
        if (
            active is None
            or self.used_bytes + size > self.max_bytes
            or (active.end + size > self.segment_limit and active.total)
            or self.fsync
        ):
            return self._append_slowly(frame, pos)
        end = active.end
        stop = end + size
        mapping = active.map
        if mapping is not None and stop <= active.mapped:
            mapping[end:stop] = frame  # into the page cache: it outlives the process
            active.end = stop
            active.total += 1
        else:
            active.append(frame)
        self.used_bytes += size
        return True

    def _append_slowly(self, frame: bytes, pos: int) -> bool:
        """`append` when the spool is full or the active segment must rotate."""
        size = len(frame)
        if self.used_bytes + size > self.max_bytes and not self._recycle(size):
            return False
        active = self.active
        if active is None or (active.total and active.end + size > self.segment_limit):
            active = self._rotate(pos)
        active.append(frame)
        self.used_bytes += size
        return True

    def has_room(self, size: int) -> bool:
        """Whether a frame of `size` bytes fits now."""
        return self.used_bytes + size <= self.max_bytes

    def drop_oldest(self) -> int:
        """Make room by deleting the oldest segment that is not being sent; the number of
        unsettled records it held (-1 when no segment could go)."""
        for segment in self.segments:
            if not segment.batches:
                break
        else:
            return -1
        lost = segment.total - segment.done
        self._remove(segment)
        segment.delete()
        logger.warning(
            "telemetry spool %s is full: %d oldest %s record(s) dropped",
            self.directory,
            lost,
            self.channel,
        )
        if segment is self.active:
            self.active = None
        return lost

    def _rotate(self, pos: int) -> Segment:
        old = self.active
        if old is not None:
            old.seal()
            if old.done == old.total:
                self._remove(old)
                old.delete()
        return self._new_active(pos)

    def _recycle(self, size: int) -> bool:
        """The spool is full: if the active segment is all settled, delete it (the next
        frame starts a new one)."""
        active = self.active
        if active is None or not active.total or active.done != active.total:
            return False
        self._remove(active)
        active.delete()
        self.active = None
        return self.has_room(size)

    def _new_active(self, pos: int) -> Segment:
        self._names += 1
        name = f"{time.time_ns():020d}-{os.getpid()}-{self._token}-{self._names:06d}{SUFFIX}"
        ident = f"{self._token}-{os.getpid()}-{self._names}"
        segment = Segment.create(
            self.directory / name,
            ident,
            self.channel,
            self.defaults,
            fsync=self.fsync,
            reserve=0 if self.fsync else self.segment_limit,  # fsync: a flush per write
        )
        segment.first_pos = pos
        self.active = segment
        self.segments.append(segment)
        self.used_bytes += segment.size
        return segment

    # ------------------------------------------------------------------ exporter

    def next_unsent(self) -> Segment | None:
        """The oldest segment with frames not yet taken into a batch."""
        for segment in self.segments:
            if segment.sent_to < segment.end:
                return segment
        return None

    def oldest_unsettled(self) -> int | None:
        """The position of the oldest unsettled record (0 for adopted ones), None if none."""
        for segment in self.segments:
            if segment.done < segment.total:
                return segment.first_pos + segment.done if segment.own else 0
        return None

    def spooled(self) -> int:
        """Records held in segments and not yet settled."""
        return sum(segment.total - segment.done for segment in self.segments)

    def settled(self, segment: Segment, end: int, frames: int) -> bool:
        """Count frames before `end` as settled; True when the segment is now to be deleted
        (the caller deletes it outside its lock)."""
        segment.committed = max(segment.committed, end)
        segment.done += frames
        if segment.sealed and segment.done >= segment.total and segment is not self.active:
            self._remove(segment)
            return True
        return False

    def discard(self, segment: Segment) -> None:
        """Stop using a segment (unreadable); its files are the caller's to set aside."""
        self._remove(segment)
        if segment is self.active:
            self.active = None

    def _remove(self, segment: Segment) -> None:
        with contextlib.suppress(ValueError):
            self.segments.remove(segment)
            self.used_bytes = max(0, self.used_bytes - segment.size)

    def held(self) -> set[str]:
        """Names of the segment files this process holds (call under the lock)."""
        return {segment.path.name for segment in self.segments}

    def find_orphans(self, held: set[str]) -> list[Segment]:
        """Adopt the segments (and first-format files) of ended processes, oldest first,
        skipping the `held` ones. File I/O only: the caller adds them with `add_adopted`
        under its lock. Unreadable files are renamed `*.corrupt`; settled ones deleted."""
        self.scanned_at = time.monotonic()
        found = []
        for path in sorted(self.directory.iterdir()):
            if path.name.startswith(".") or path.name in held:
                continue
            if path.suffix not in (SUFFIX, LEGACY_SUFFIX):
                continue
            try:
                segment = Segment.adopt(path, fsync=self.fsync)
            except (OSError, ValueError) as exc:
                _set_aside(path, exc)
                continue
            if segment is None:
                continue
            if segment.total == 0:
                segment.delete()
                continue
            found.append(segment)
        self._remove_debris()
        return found

    def add_adopted(self, segments: Iterable[Segment]) -> None:
        """Queue adopted segments after earlier adopted ones, before this process's own."""
        index = sum(1 for segment in self.segments if not segment.own)
        for segment in segments:
            self.segments.insert(index, segment)
            self.used_bytes += segment.size
            index += 1

    def _remove_debris(self) -> None:
        """Logs whose segment is gone, and temporary files of writers that died."""
        now = time.time()
        for path in self.directory.iterdir():
            name = path.name
            with contextlib.suppress(OSError):
                if name.endswith(ACK_SUFFIX):
                    if not path.with_name(name[: -len(ACK_SUFFIX)]).exists():
                        path.unlink()
                elif name.startswith(TMP_PREFIX) and now - path.stat().st_mtime > _STALE_TMP_S:
                    fd = os.open(path, os.O_RDONLY)
                    try:
                        if try_lock(fd):
                            path.unlink()
                    finally:
                        os.close(fd)

    # ------------------------------------------------------------------ ending

    def release(self) -> int:
        """At close: delete this process's settled segments, release the rest for the next
        process; the number of unsettled records left on disk."""
        left = 0
        for segment in list(self.segments):
            if segment.done >= segment.total and segment.own:
                segment.delete()
            else:
                left += segment.total - segment.done
                segment.release()
        self.segments.clear()
        self.active = None
        self.used_bytes = 0
        return left

    def forget(self) -> None:
        """In a forked child: close the inherited files without touching them on disk
        (the parent still holds its segments)."""
        for segment in self.segments:
            segment.release()
        self.segments.clear()
        self.active = None
        self.used_bytes = 0


def open_spool(
    root: Path, channel: str, max_bytes: int, *, fsync: bool, defaults: Mapping[str, Any]
) -> Spool | None:
    """This process's spool of a channel; None, with a warning, if it cannot be used."""
    spool = Spool(root, channel, max_bytes, fsync=fsync, defaults=defaults)
    try:
        spool.open()
    except OSError as exc:
        logger.warning(
            "telemetry spool %s is unusable (%s); records are kept in memory only",
            spool.directory,
            exc,
        )
        return None
    return spool


def _set_aside(path: Path, error: Exception) -> None:
    reason = error if isinstance(error, SpoolFormatError) else f"{type(error).__name__}: {error}"
    logger.warning("telemetry spool file %s is unreadable (%s); set aside", path, reason)
    with contextlib.suppress(OSError):
        path.rename(path.with_suffix(".corrupt"))
