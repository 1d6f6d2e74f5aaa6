"""The buffered pipeline: where records wait, and what the exporter does next.

`Pipeline` holds the state and the decisions and does no network I/O; `_delivery.Exporter`
adds what becomes of a batch, and `SyncPipeline` / `AsyncPipeline` drive it from a
daemon thread or an asyncio task, started on the first enqueue (or an explicit
`start()`/`flush()`), never before.

Records wait in one of two places:

- without `spool_dir`, in a bounded in-memory queue (`max_queue_size`, then the overflow
  policy); the exporter encodes them to JSON off the caller's thread;
- with `spool_dir`, in the spool: each record is appended to this process's segment
  file before `put` returns, so it outlives the process (see `_spool`). The exporter
  reads its batches back from the segments and logs its progress next to them; nothing
  it does (a retry wait, a stuck request) holds up a producer. When the spool is full
  (`spool_max_bytes`), the overflow policy applies. If the disk refuses a write, the
  pipeline says so and carries on in memory.

Order is first in, first out: records an ended process left, then records in the order
they were enqueued. A batch is retried (same idempotency key) until the service
acknowledges it or rejects it for good, so a transient failure never loses it.
"""

from __future__ import annotations

import logging
import marshal
import os
import random
import threading
import time
import weakref
import zlib
from collections import deque
from collections.abc import Callable
from typing import Any, Literal

from ..errors import InvalidParameterError
from . import _frames, _ids, _records, _spool
from ._batch import TELEMETRY, Batch, Channel
from ._config import TelemetryConfig
from ._records import Item, Payload
from ._segment import Segment
from ._spool import Spool
from ._stats import TelemetryStats

logger = logging.getLogger("agentplatform.telemetry")

Step = tuple[Literal["stop", "wait", "send", "scan"], Any]
Callback = tuple[Callable[..., Any], tuple[Any, ...]]

_FLUSH_POLL_S = 0.05
_marshal = marshal.dumps
_frame_head = _frames.HEAD.pack
_crc32 = zlib.crc32

_live: weakref.WeakSet[Pipeline] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for pipeline in list(_live):
        pipeline._after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


class Pipeline:
    """State shared by the sync and async exporters of one channel (see module doc)."""

    def __init__(self, channel: Channel, config: TelemetryConfig, *, sampled: bool) -> None:
        self.channel = channel
        self.config = config
        self._defaults: dict[str, Any] = (
            {"service_name": config.service_name}
            if channel is TELEMETRY and config.service_name
            else {}
        )
        self._sample_rate = config.sample_rate if sampled else 1.0
        self._random = random.Random().random
        self._batch_size = config.batch_size
        self._maxsize = config.max_queue_size
        self._policy = config.overflow
        self._new_locks()
        self._queue: deque[Item] = deque()
        self._pending: deque[Batch] = deque()
        self._deferred: list[Callback] = []
        self._next_pos = 0
        self._taken_pos = 0
        self._flush_target = -1
        self._flush_waiters = 0
        self._blocked = 0
        self._since: float | None = None
        self._enqueued = self._sent = self._duplicates = self._dropped = 0
        self._failed = self._sampled_out = self._batches = self._retries = 0
        self._spooled_at_close = 0
        self._closed_clean = True
        self._ready = False
        self._started = False
        self._closed = False
        self._stopping = False
        self._spool: Spool | None = None
        self._durable = False
        self._spool_tried = False
        self._scanned = False
        self._warned_closed = False
        self._atexit = False
        self._detached = False
        self._companion: Pipeline | None = None
        _live.add(self)

    def _new_locks(self) -> None:
        self._lock = threading.Lock()
        self._not_full = threading.Condition(self._lock)
        self._progress = threading.Condition(self._lock)
        self._start_lock = threading.Lock()

    # ----------------------------------------------------------------- producers

    def put(self, payload: Payload, *, may_block: bool = True) -> str | None:
        """Enqueue a record; its event id, or None when it was not kept (sampled out,
        dropped, or, with a spool, not storable). Never raises."""
        if not self._ready and not self._before_first_put():
            return None
        rate = self._sample_rate
        if rate < 1.0 and self._random() >= rate:
            with self._lock:
                self._sampled_out += 1
            return None
        event_id = payload.get("event_id") or _ids.event_id()
        if self._durable:
            return self._put_spooled((payload, event_id, time.time()), may_block)
        item = (payload, event_id, time.time())
        with self._lock:
            queue = self._queue
            if self._closed or (len(queue) >= self._maxsize and not self._make_room(may_block)):
                if self._closed:
                    self._dropped += 1
                return None
            queue.append(item)
            self._next_pos += 1
            self._enqueued += 1
            size = len(queue)
        if size in (1, self._batch_size):
            self._wake()
        return event_id

    def _put_spooled(self, item: Item, may_block: bool) -> str | None:
        """Write the record to the spool before returning (see module doc)."""
        try:
            body = _marshal(item, _frames.MARSHAL_VERSION)
            frame = _frame_head(len(body), _crc32(body), _frames.MARSHAL) + body
        except ValueError:  # not for marshal: the frame holds its JSON instead
            try:
                frame = _frames.pack(item, self._defaults)
            except (TypeError, ValueError) as exc:
                self._unstorable(item, exc)
                return None
        with self._lock:
            spool = self._spool
            if self._closed or spool is None or not self._durable:
                self._dropped += 1
                return None
            pos = self._next_pos + 1
            try:
                if not spool.append(frame, pos) and not self._spool_overflow(
                    spool, frame, pos, may_block
                ):
                    return None
            except OSError as exc:
                self._spool_failed(exc)
                self._queue.append(item)
                unsent = len(self._queue)
            else:
                unsent = pos - self._taken_pos
            self._next_pos = pos
            self._enqueued += 1
        if unsent in (1, self._batch_size):
            self._wake()
        return item[1]

    def _spool_overflow(self, spool: Spool, frame: bytes, pos: int, may_block: bool) -> bool:
        """Called with the lock held and the spool full: apply the overflow policy."""
        if self._policy == "drop_oldest":
            while (lost := spool.drop_oldest()) >= 0:
                self._dropped += lost
                if self._flush_waiters:
                    self._progress.notify_all()
                if spool.append(frame, pos):
                    return True
        elif self._policy == "block" and may_block and self._may_block_here():
            self._wait_for_room(lambda: spool.has_room(len(frame)))
            if not self._closed and spool.append(frame, pos):
                return True
        self._dropped += 1
        return False

    def _unstorable(self, item: Item, error: Exception) -> None:
        """A record that cannot be spooled: failed, and reported by the exporter."""
        callbacks = self._not_serializable(item, error)
        with self._lock:
            self._enqueued += 1
            self._deferred += callbacks
        self._wake()

    def _not_serializable(self, item: Item, error: Exception) -> list[Callback]:
        """Count a record that is not JSON-serializable as failed; its `on_error` call."""
        data = _records.record(item, self._defaults)
        problem = InvalidParameterError(
            "record", f"{data.get('event_id')} is not JSON-serializable: {error}"
        )
        logger.warning("%s record dropped: %s", self.channel.name, problem)
        with self._lock:
            self._failed += 1
        if self.config.on_error is None:
            return []
        return [(self.config.on_error, (problem, [data]))]

    def _spool_failed(self, error: OSError) -> None:
        """Called with the lock held: the disk refused a write; carry on in memory."""
        self._durable = False
        spool = self._spool
        if spool is not None and spool.active is not None:
            spool.active.seal()
        logger.warning(
            "telemetry spool write failed (%s); %s records are kept in memory from now on "
            "and are lost if the process ends before they are sent",
            error,
            self.channel.name,
        )

    def _before_first_put(self) -> bool:
        """The slow path of `put`: disabled, closed, or not started yet."""
        if not self.config.enabled:
            return False
        if self._closed or self._detached:
            with self._lock:
                self._dropped += 1
            if not self._warned_closed:
                self._warned_closed = True
                logger.warning("%s record dropped: the client is closed", self.channel.name)
            return False
        self._open_spool()
        self.start()
        companion = self._companion
        if companion is not None and self._spool is not None:
            companion.start()  # so it sends what ended processes left in its channel
        return True

    def _make_room(self, may_block: bool) -> bool:
        """Called with the lock held and the queue full: apply the overflow policy."""
        if self._policy == "drop_oldest":
            self._queue.popleft()
            self._dropped += 1
            if self._flush_waiters:
                self._progress.notify_all()
            return True
        if self._policy == "block" and may_block and self._may_block_here():
            self._wait_for_room(lambda: len(self._queue) < self._maxsize)
            if len(self._queue) < self._maxsize:
                return True
        self._dropped += 1
        return False

    def _wait_for_room(self, has_room: Callable[[], bool]) -> None:
        """Called with the lock held: wait (up to `block_timeout`) until `has_room()`."""
        timeout = self.config.block_timeout
        deadline = None if timeout is None else time.monotonic() + timeout
        while not has_room() and not self._closed:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            self._blocked += 1
            try:
                self._not_full.wait(remaining)
            finally:
                self._blocked -= 1

    def _may_block_here(self) -> bool:
        raise NotImplementedError

    def _wake(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        """Start the exporter (and pick up spooled records) if it is not running."""
        raise NotImplementedError

    # ------------------------------------------------------------------ counters

    def stats(self) -> TelemetryStats:
        """A snapshot of the counters."""
        with self._lock:
            in_memory = sum(b.count for b in self._pending if b.segment is None)
            spooled = self._spool.spooled() if self._spool is not None else 0
            return TelemetryStats(
                enqueued=self._enqueued,
                sent=self._sent,
                duplicates=self._duplicates,
                dropped=self._dropped,
                failed=self._failed,
                sampled_out=self._sampled_out,
                queued=len(self._queue) + in_memory,
                spooled=spooled + self._spooled_at_close,
                batches=self._batches,
                retries=self._retries,
            )

    # ------------------------------------------------------------ flush position

    def _flush_mark(self) -> int:
        """Ask for everything enqueued so far to be sent now; its position, for `_flushed`."""
        with self._lock:
            target = self._next_pos
            self._flush_target = max(self._flush_target, target)
        self._wake()
        return target

    def _flushed(self, target: int) -> bool:
        """Called with the lock held: every record up to `target` is settled (and the
        callbacks producers left have run)."""
        if self._next_pos - len(self._queue) < target or self._deferred:
            return False
        spool = self._spool
        if spool is not None:
            if not self._scanned:
                return False
            oldest = spool.oldest_unsettled()
            if oldest is not None and oldest <= target:
                return False
        return all(batch.first_pos > target for batch in self._pending)

    def _nothing_left(self) -> bool:
        """Called with the lock held: no record waits, in memory or in the spool."""
        spool = self._spool
        if self._queue or self._pending:
            return False
        return spool is None or spool.oldest_unsettled() is None

    def detach(self) -> None:
        """The owning client was garbage-collected: the exporter delivers what is queued,
        then ends. Lock-free, as it runs from a finalizer; the exporter's idle wake-ups
        (every `flush_interval`) notice it."""
        self._ready = False
        self._detached = True

    def _needs_start_for_flush(self) -> bool:
        return bool(self._queue) or self.config.spool_dir is not None

    # -------------------------------------------------------------- the exporter

    def _open_spool(self) -> None:
        """Open this process's spool once, before the first record is written to it."""
        if self._spool_tried or self.config.spool_dir is None:
            return
        with self._start_lock:
            if self._spool_tried:
                return
            spool = self._new_spool()
            if spool is not None:
                with self._lock:
                    self._spool, self._durable = spool, True
            self._spool_tried = True

    def _new_spool(self) -> Spool | None:
        """A spool of this process in `spool_dir` (None, with a warning, if unusable)."""
        config = self.config
        if config.spool_dir is None:
            return None
        return _spool.open_spool(
            config.spool_dir,
            self.channel.name,
            config.spool_max_bytes,
            fsync=config.fsync,
            defaults=self._defaults,
        )

    def _next_step(self, now: float) -> Step:
        """Called with the lock held: what the exporter does next."""
        if self._stopping:
            return ("stop", None)
        if self._pending:
            head = self._pending[0]
            if head.retry_at <= now:
                return ("send", head)
            return ("wait", head.retry_at - now)
        spool = self._spool
        if spool is not None:
            if not self._scanned or (
                spool.scanned_at is not None
                and now - spool.scanned_at >= _spool.ADOPT_INTERVAL_S
                and not self._detached
            ):
                return ("scan", spool)
            segment = spool.next_unsent()
            if segment is not None:
                wait = self._spool_wait(segment, now)
                if wait <= 0:
                    return ("send", self._take_spooled(segment))
                return ("wait", wait)
        if self._queue:
            if self._due(now):
                return ("send", self._take())
            assert self._since is not None
            return ("wait", self._since + self.config.flush_interval - now)
        self._since = None
        if self._detached:
            return ("stop", None)
        if spool is not None and spool.scanned_at is not None:
            next_scan = spool.scanned_at + _spool.ADOPT_INTERVAL_S - now
            return ("wait", max(0.0, min(self.config.flush_interval, next_scan)))
        return ("wait", self.config.flush_interval)

    def _due(self, now: float) -> bool:
        """Called with the lock held: whether the queue's head should form a batch now."""
        size = len(self._queue)
        if size >= self._batch_size or self._flush_target > self._next_pos - size:
            return True
        return self._waited(now)

    def _waited(self, now: float) -> bool:
        """Whether the oldest waiting record has waited `flush_interval` (or the client is
        gone, so nobody will add to the batch)."""
        if self._detached:
            return True
        if self._since is None:
            self._since = now
        return now - self._since >= self.config.flush_interval

    def _spool_wait(self, segment: Segment, now: float) -> float:
        """Called with the lock held: seconds until a batch of `segment` is due (<= 0: now).
        Frames of an adopted or finished segment go at once; the active one waits for a
        full batch, a flush, or `flush_interval`."""
        if not segment.own or segment.sealed or not self._durable:
            return 0.0
        first_unsent = segment.first_pos + segment.taken
        if segment.total - segment.taken >= self._batch_size:
            return 0.0
        if self._flush_target >= first_unsent or self._waited(now):
            return 0.0
        assert self._since is not None
        return self._since + self.config.flush_interval - now

    def _take_spooled(self, segment: Segment) -> Batch:
        """Called with the lock held: the next batch of a segment (read by `_prepare`)."""
        first_pos = segment.first_pos + segment.taken if segment.own else 0
        intent = segment.intent
        if intent is not None and intent[0] == segment.sent_to:
            segment.intent = None
            start, end, key = intent
            batch = Batch(key, 0, first_pos, segment=segment, start=start, limit=end)
            batch.replayed, batch.logged = True, key
        else:
            frames = min(self._batch_size, segment.total - segment.taken)
            batch = Batch("", 0, first_pos, segment=segment, start=segment.sent_to)
            batch.limit, batch.max_frames = segment.end, frames
        segment.batches += 1
        self._pending.append(batch)
        self._since = None
        return batch

    def _take(self) -> Batch:
        """Called with the lock held: move up to `batch_size` records into a new batch."""
        queue = self._queue
        count = min(self._batch_size, len(queue))
        first = self._next_pos - len(queue) + 1
        items = [queue.popleft() for _ in range(count)]
        batch = Batch(_ids.event_id(), count, first, items=items)
        self._pending.append(batch)
        self._since = None
        if self._blocked:
            self._not_full.notify_all()
        return batch

    def _take_deferred(self) -> list[Callback]:
        """Called with the lock held: callbacks producers left for the exporter to run."""
        deferred, self._deferred = self._deferred, []
        return deferred

    def _after_fork(self) -> None:
        """In a forked child: the parent's exporter, records and segments are the parent's."""
        self._new_locks()
        self._queue.clear()
        self._pending.clear()
        self._deferred = []
        self._ready = self._started = self._atexit = False
        self._stopping = False
        if self._spool is not None:
            self._spool.forget()
        self._spool = None
        self._durable = self._spool_tried = self._scanned = False
        self._fork_reset()

    def _fork_reset(self) -> None:
        """Drop the exporter handle inherited from the parent."""
