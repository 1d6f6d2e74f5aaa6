"""The buffered pipeline: a bounded queue, batches, the spool, and what became of records.

`Pipeline` holds the state and the decisions and does no network I/O; `SyncPipeline`
drives it from a daemon thread and `AsyncPipeline` from an asyncio task. Both start on
the first enqueue (or an explicit `start()`/`flush()`), never before.

Order is first in, first out: batches left in the spool by an earlier process, then
records in the order they were enqueued. A batch is retried (same idempotency key) until
the service acknowledges it or rejects it for good, so a transient failure never loses
it; meanwhile new records wait in the queue, or go to the spool when there is one.
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any, Literal

import httpx
from agentplatform_api.models import BatchResult, RejectedRecord

from .. import _retry
from .._operation import Call
from ..errors import (
    AgentPlatformError,
    APIConnectionError,
    APIStatusError,
    InvalidParameterError,
    status_error_class,
)
from . import _ids, _records
from ._batch import TELEMETRY, Batch, BatchEndpoint, Channel
from ._config import TelemetryConfig
from ._records import Item, Payload
from ._spool import Spool, SpoolFull
from ._stats import TelemetryStats

logger = logging.getLogger("agentplatform.telemetry")

Step = tuple[Literal["stop", "wait", "send", "spool"], Any]
Callback = tuple[Callable[..., Any], tuple[Any, ...]]

MAX_RETRY_AFTER_S = 300.0
_FLUSH_POLL_S = 0.05

_live: weakref.WeakSet[Pipeline] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for pipeline in list(_live):
        pipeline._after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


def is_transient(error: BaseException) -> bool:
    """Whether a failed batch request is worth repeating: network errors, 408, 429, 5xx.

    A 409 is not: for a batch it means its idempotency key met another body.
    """
    if isinstance(error, APIConnectionError):
        return True
    if isinstance(error, APIStatusError):
        return error.retryable and error.status_code != 409
    return False


def rejection_error(rejected: RejectedRecord, record: dict[str, Any] | None) -> APIStatusError:
    """The error of one record the service rejected inside an accepted batch."""
    problem = rejected.problem
    status = problem.status if isinstance(problem.status, int) else 422
    detail = problem.detail if isinstance(problem.detail, str) else problem.title
    event_id = record.get("event_id") if record else None
    return status_error_class(status)(
        f"Record {event_id or '#' + str(rejected.index)} was rejected: {detail}",
        status_code=status,
        problem=problem,
    )


class Pipeline:
    """State shared by the sync and async exporters of one channel (see module doc)."""

    def __init__(self, channel: Channel, config: TelemetryConfig, *, sampled: bool) -> None:
        self.channel = channel
        self.config = config
        self._endpoint = BatchEndpoint(channel)
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
        self._next_pos = 0
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
        self._spool_opened = False
        self._spool_blocked = False
        self._warned_closed = False
        self._atexit = False
        self._detached = False
        _live.add(self)

    def _new_locks(self) -> None:
        self._lock = threading.Lock()
        self._not_full = threading.Condition(self._lock)
        self._progress = threading.Condition(self._lock)
        self._start_lock = threading.Lock()

    # ----------------------------------------------------------------- producers

    def put(self, payload: Payload, *, may_block: bool = True) -> str | None:
        """Enqueue a record; its event id, or None when sampled out or dropped. Never raises."""
        if not self._ready and not self._before_first_put():
            return None
        rate = self._sample_rate
        if rate < 1.0 and self._random() >= rate:
            with self._lock:
                self._sampled_out += 1
            return None
        event_id = _ids.event_id()
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
        self.start()
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
            timeout = self.config.block_timeout
            deadline = None if timeout is None else time.monotonic() + timeout
            while len(self._queue) >= self._maxsize and not self._closed:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._blocked += 1
                try:
                    self._not_full.wait(remaining)
                finally:
                    self._blocked -= 1
            if len(self._queue) < self._maxsize:
                return True
        self._dropped += 1
        return False

    def _may_block_here(self) -> bool:
        raise NotImplementedError

    def _wake(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        """Start the exporter (and pick up spooled batches) if it is not running."""
        raise NotImplementedError

    # ------------------------------------------------------------------ counters

    def stats(self) -> TelemetryStats:
        """A snapshot of the counters."""
        with self._lock:
            spooled = sum(b.count for b in self._pending if b.spool is not None)
            in_memory = sum(b.count for b in self._pending if b.spool is None)
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
        """Called with the lock held: every record up to `target` is settled."""
        if self._next_pos - len(self._queue) < target:
            return False
        return not self._pending or self._pending[0].first_pos > target

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
        """Open the spool once and queue the batches earlier processes left in it."""
        if self._spool_opened or self.config.spool_dir is None:
            return
        self._spool_opened = True
        spool = Spool(self.config.spool_dir, self.channel.name, self.config.spool_max_bytes)
        try:
            left = spool.open()
        except OSError as exc:
            logger.warning("telemetry spool %s is unusable (%s)", spool.directory, exc)
            return
        self._spool = spool
        if left:
            logger.info(
                "sending %d %s record(s) left in %s",
                sum(f.count for f in left),
                self.channel.name,
                spool.directory,
            )
        with self._lock:
            self._pending.extendleft(
                Batch(f.key, f.count, 0, spool=f, replayed=True, prepared=True)
                for f in reversed(left)
            )

    def _next_step(self, now: float) -> Step:
        """Called with the lock held: what the exporter does next."""
        if self._stopping or (self._detached and not self._pending and not self._queue):
            return ("stop", None)
        if self._pending:
            head = self._pending[0]
            if head.retry_at <= now:
                return ("send", head)
            if self._spool is not None and not self._spool_blocked and self._due(now):
                return ("spool", self._take())
            return ("wait", head.retry_at - now)
        if not self._queue:
            self._since = None
            return ("wait", self.config.flush_interval)
        if self._due(now):
            return ("send", self._take())
        assert self._since is not None
        return ("wait", self._since + self.config.flush_interval - now)

    def _due(self, now: float) -> bool:
        """Called with the lock held: whether the queue's head should form a batch now."""
        size = len(self._queue)
        if size == 0:
            return False
        if size >= self._batch_size or self._flush_target > self._next_pos - size:
            return True
        if self._detached:
            return True
        if self._since is None:
            self._since = now
        return now - self._since >= self.config.flush_interval

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

    def _prepare(self, batch: Batch) -> list[Callback]:
        """Encode a new batch's records and write it to the spool (before it is sent)."""
        callbacks: list[Callback] = []
        if batch.prepared:
            return callbacks
        batch.prepared = True
        lines: list[bytes] = []
        for item in batch.items or ():
            try:
                lines.append(_records.encode(item, self._defaults))
            except (TypeError, ValueError) as exc:
                record = _records.record(item, self._defaults)
                error = InvalidParameterError(
                    "record", f"{record.get('event_id')} is not JSON-serializable: {exc}"
                )
                logger.warning("%s record dropped: %s", self.channel.name, error)
                callbacks += self._error_callbacks(error, [record])
                with self._lock:
                    self._failed += 1
        batch.items = None
        batch.lines = lines
        if len(lines) != batch.count:
            batch.count = len(lines)
            if not lines:
                batch.finished = True
                return callbacks
        if self._spool is not None and not self._spool_blocked:
            try:
                batch.spool = self._spool.write(batch.key, lines)
            except SpoolFull:
                self._spool_blocked = True
                logger.warning(
                    "telemetry spool %s is full; batches wait in memory",
                    self._spool.directory,
                )
            except OSError as exc:
                self._spool_blocked = True
                logger.warning("telemetry spool write failed (%s); batch kept in memory", exc)
        return callbacks

    def _load(self, batch: Batch) -> list[Callback]:
        """Make sure a batch about to be sent has its records in memory."""
        if batch.lines is not None or batch.spool is None or self._spool is None:
            return []
        try:
            batch.lines = self._spool.read(batch.spool)
        except (OSError, ValueError) as exc:
            logger.warning("telemetry spool file %s is unreadable (%s)", batch.spool.path, exc)
            self._spool.quarantine(batch.spool)
            batch.spool = None
            with self._lock:
                self._failed += batch.count
            batch.finished = True
            return self._error_callbacks(exc, [])
        return []

    def _settle(self, batch: Batch) -> None:
        """Forget a finished batch (acknowledged, failed, or emptied), once its callbacks ran,
        so that `flush()` returns after them."""
        with self._lock:
            try:
                self._pending.remove(batch)
            except ValueError:  # pragma: no cover - settled twice
                return
            self._spool_blocked = False
            if self._flush_waiters:
                self._progress.notify_all()
        self._progressed()

    def _progressed(self) -> None:
        """Tell flush waiters that something was settled (the async exporter's event)."""

    def _call(self, batch: Batch) -> Call[BatchResult]:
        return batch.call(self._endpoint, self.config.compress)

    def _acknowledged(self, batch: Batch, result: Any) -> list[Callback]:
        """The service answered 202: count each record's fate and report rejections."""
        if not isinstance(result, BatchResult):  # pragma: no cover - parse() guarantees it
            return self._failed_for_good(batch, TypeError(f"unexpected result {result!r}"))
        if batch.spool is not None and self._spool is not None:
            self._spool.delete(batch.spool)
            batch.spool = None
        rejected = list(result.rejected)
        with self._lock:
            self._sent += result.accepted
            self._duplicates += result.duplicates
            self._failed += len(rejected)
            self._batches += 1
        if result.accepted + result.duplicates + len(rejected) != batch.count:
            logger.info(
                "batch %s of %d records: the service counted %d accepted, %d duplicates, "
                "%d rejected",
                batch.key,
                batch.count,
                result.accepted,
                result.duplicates,
                len(rejected),
            )
        callbacks: list[Callback] = []
        if rejected and self.config.on_error is not None:
            lines = batch.lines or []
            for item in rejected:
                index = item.index
                record = json.loads(lines[index]) if 0 <= index < len(lines) else None
                error = rejection_error(item, record)
                callbacks.append((self.config.on_error, (error, [record] if record else [])))
        if self.config.on_success is not None:
            callbacks.append((self.config.on_success, (result,)))
        batch.finished = True
        return callbacks

    def _attempt_failed(self, batch: Batch, error: BaseException) -> list[Callback]:
        """A request for the batch failed: schedule a retry, split it, or give it up."""
        if is_transient(error):
            batch.attempts += 1
            delay = self._retry_delay(batch.attempts, error)
            batch.retry_at = time.monotonic() + delay
            with self._lock:
                self._retries += 1
            log = logger.warning if batch.attempts == 1 else logger.info
            log(
                "%s batch of %d record(s) not delivered (%s); retry %d in %.1f s",
                self.channel.name,
                batch.count,
                error,
                batch.attempts,
                delay,
            )
            return []
        if isinstance(error, APIStatusError) and error.status_code == 413 and batch.count > 1:
            return self._split(batch)
        return self._failed_for_good(batch, error)

    def _retry_delay(self, attempt: int, error: BaseException) -> float:
        """Exponential backoff with jitter; a longer `Retry-After` of the service wins."""
        cap = min(
            self.config.retry_max_delay,
            self.config.retry_initial_delay * 2.0 ** min(attempt - 1, 32),
        )
        delay = cap / 2 + random.uniform(0.0, cap / 2)
        if isinstance(error, APIStatusError) and error.headers:
            wait = _retry.retry_after_seconds(httpx.Headers(error.headers))
            if wait is not None:
                delay = max(delay, min(wait, MAX_RETRY_AFTER_S))
        return delay

    def _split(self, batch: Batch) -> list[Callback]:
        """The batch was too large (413): replace it by two halves with new keys."""
        lines = batch.lines or []
        half = len(lines) // 2
        halves = [
            Batch(_ids.event_id(), len(part), batch.first_pos, lines=part, prepared=True)
            for part in (lines[:half], lines[half:])
        ]
        for part in halves:
            if self._spool is not None and batch.spool is not None and part.lines is not None:
                try:
                    part.spool = self._spool.write(part.key, part.lines)
                except (SpoolFull, OSError) as exc:
                    logger.warning("telemetry spool write failed (%s)", exc)
        if batch.spool is not None and self._spool is not None:
            self._spool.delete(batch.spool)
        logger.info("%s batch of %d records too large; split in two", self.channel.name, len(lines))
        with self._lock:
            index = self._pending.index(batch)
            self._pending[index] = halves[1]
            self._pending.insert(index, halves[0])
        return []

    def _failed_for_good(self, batch: Batch, error: BaseException) -> list[Callback]:
        """Give a batch up (a non-transient failure); its records count as failed."""
        if batch.spool is not None and self._spool is not None:
            self._spool.delete(batch.spool)
            batch.spool = None
        with self._lock:
            self._failed += batch.count
        if isinstance(error, AgentPlatformError):
            logger.warning(
                "%s batch of %d record(s) failed: %s", self.channel.name, batch.count, error
            )
        else:
            logger.error(
                "%s batch of %d record(s) failed",
                self.channel.name,
                batch.count,
                exc_info=(type(error), error, error.__traceback__),
            )
        records = [json.loads(line) for line in batch.lines or ()]
        batch.finished = True
        return self._error_callbacks(error, records)

    def _error_callbacks(self, error: BaseException, records: list[Any]) -> list[Callback]:
        if self.config.on_error is None:
            return []
        return [(self.config.on_error, (error, records))]

    def _keep_leftovers(self, *, exporter_stopped: bool) -> None:
        """At close: spool what was not delivered, or count it as dropped."""
        with self._lock:
            items = list(self._queue)
            self._queue.clear()
            batches = list(self._pending) if exporter_stopped else []
            if exporter_stopped:
                self._pending.clear()
            if self._flush_waiters:
                self._progress.notify_all()
        if (items or batches) and self._spool is None and self.config.spool_dir is not None:
            spool = Spool(self.config.spool_dir, self.channel.name, self.config.spool_max_bytes)
            try:
                spool.open()  # batches left by others stay for the next start
                self._spool = spool
            except OSError as exc:
                logger.warning("telemetry spool %s is unusable (%s)", spool.directory, exc)
        kept = lost = 0
        for batch in batches:
            if batch.spool is None and batch.items is not None:
                items.extend(batch.items)
            elif batch.spool is None:
                kept_now = self._spool_lines(batch.key, batch.lines or [])
                kept, lost = kept + kept_now, lost + batch.count - kept_now
            else:
                kept += batch.count
        for start in range(0, len(items), self._batch_size):
            chunk = items[start : start + self._batch_size]
            lines = []
            for item in chunk:
                try:
                    lines.append(_records.encode(item, self._defaults))
                except (TypeError, ValueError):
                    lost += 1
            kept_now = self._spool_lines(_ids.event_id(), lines)
            kept, lost = kept + kept_now, lost + len(lines) - kept_now
        with self._lock:
            self._dropped += lost
            self._spooled_at_close += kept
        if lost:
            logger.warning(
                "%d %s record(s) were not delivered before close and are lost%s",
                lost,
                self.channel.name,
                "" if self.config.spool_dir else " (set spool_dir= to keep them)",
            )
        if kept:
            logger.info(
                "%d %s record(s) left in the spool for the next start", kept, self.channel.name
            )

    def _spool_lines(self, key: str, lines: list[bytes]) -> int:
        """Spool lines at close; how many were kept."""
        if not lines or self._spool is None:
            return 0
        try:
            self._spool.write(key, lines)
        except (SpoolFull, OSError) as exc:
            logger.warning("telemetry spool write failed at close (%s)", exc)
            return 0
        return len(lines)

    def _after_fork(self) -> None:
        """In a forked child: the parent's exporter and records are the parent's."""
        self._new_locks()
        self._queue.clear()
        self._pending.clear()
        self._ready = self._started = self._atexit = False
        self._stopping = False
        if self._spool is not None:
            self._spool.forget_lock()
        self._spool = None
        self._spool_opened = False
        self._fork_reset()

    def _fork_reset(self) -> None:
        """Drop the exporter handle inherited from the parent."""


def run_callbacks(callbacks: list[Callback]) -> list[Any]:
    """Call user callbacks; exceptions are logged, never raised. Returns awaitables left."""
    pending = []
    for fn, args in callbacks:
        try:
            result = fn(*args)
        except Exception:
            logger.exception("telemetry callback %r raised", fn)
            continue
        if hasattr(result, "__await__"):
            pending.append(result)
    return pending
