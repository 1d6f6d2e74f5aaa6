"""What the exporter does with a batch: read or encode it, and act on each outcome.

`Exporter` adds to `Pipeline` the steps around one attempt (the attempt itself is the
`BatchSender`'s): making the batch's wire lines (from memory, or read back from a spool
segment, with its `send` logged first), then settling it: acknowledged (rejected records
reported one by one), retried later under the same key, split in two on 413, or failed
for good. A spooled batch is settled by logging `done` in its segment's log, so no later
process sends it again. At close, what is only in memory is spooled when it can be.
"""

from __future__ import annotations

import json
import logging
import random
import time
from typing import Any

import httpx
from agentplatform_api.models import BatchResult, RejectedRecord

from .. import _retry
from ..errors import (
    AgentPlatformError,
    APIConnectionError,
    APIStatusError,
    ConflictError,
    InvalidParameterError,
    status_error_class,
)
from . import _frames, _ids, _records
from ._batch import Batch
from ._pipeline import Callback, Pipeline
from ._segment import ReadBatch
from ._spool import Spool

logger = logging.getLogger("agentplatform.telemetry")

MAX_RETRY_AFTER_S = 300.0


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


class Exporter(Pipeline):
    """The pipeline with its exporter's steps (driven by `_sync` or `_async`)."""

    # ------------------------------------------------------------- before sending

    def _prepare(self, batch: Batch) -> list[Callback]:
        """Give a batch its wire lines (once) and, for a spooled one, log its `send`."""
        callbacks: list[Callback] = []
        if not batch.prepared:
            batch.prepared = True
            if batch.segment is not None:
                callbacks = self._read_spooled(batch)
            else:
                callbacks = self._encode_items(batch)
        segment = batch.segment
        if segment is not None and not batch.finished and batch.logged != batch.key:
            batch.logged = batch.key
            try:
                segment.mark_sending(batch.start, batch.end, batch.key)
            except OSError as exc:  # a restart may send these again; the service dedupes
                logger.warning("telemetry spool log write failed (%s)", exc)
        return callbacks

    def _encode_items(self, batch: Batch) -> list[Callback]:
        callbacks: list[Callback] = []
        lines: list[bytes] = []
        for item in batch.items or ():
            try:
                lines.append(_records.encode(item, self._defaults))
            except (TypeError, ValueError) as exc:
                callbacks += self._not_serializable(item, exc)
        batch.items = None
        batch.lines = lines
        if len(lines) != batch.count:
            batch.count = len(lines)
            batch.finished = not lines
        return callbacks

    def _read_spooled(self, batch: Batch) -> list[Callback]:
        """Read a spooled batch's frames; an unreadable segment is set aside (failed)."""
        segment = batch.segment
        assert segment is not None
        try:
            read = segment.read_batch(batch.start, batch.limit, batch.max_frames)
        except (OSError, ValueError) as exc:
            logger.warning("telemetry spool file %s is unreadable (%s)", segment.path, exc)
            with self._lock:
                lost = segment.total - segment.done
                self._failed += lost
                if self._spool is not None:
                    self._spool.discard(segment)
            segment.quarantine()
            batch.segment = None
            batch.count, batch.finished = lost, True
            return self._error_callbacks(exc, [])
        self._adopt_read(batch, read)
        callbacks: list[Callback] = []
        for record, error in read.unsendable:
            problem = InvalidParameterError("record", f"is not JSON-serializable: {error}")
            logger.warning("%s spooled record dropped: %s", self.channel.name, problem)
            callbacks += self._error_callbacks(problem, [record] if record else [])
        return callbacks

    def _adopt_read(self, batch: Batch, read: ReadBatch) -> None:
        segment = batch.segment
        assert segment is not None
        batch.lines, batch.end, batch.frames = read.lines, read.end, read.frames
        batch.marks = read.marks
        batch.count = len(read.lines)
        if not batch.key:
            batch.key = segment.batch_key(batch.start, batch.end)
        with self._lock:
            segment.sent_to = read.end
            segment.taken += read.frames
            if segment.own:
                self._taken_pos = max(self._taken_pos, segment.first_pos + segment.taken - 1)
            self._failed += len(read.unsendable)
        batch.finished = not read.lines

    # ------------------------------------------------------------- after sending

    def _settle(self, batch: Batch) -> None:
        """Forget a finished batch (acknowledged, failed, or emptied), once its callbacks
        ran, so that `flush()` returns after them; a spooled one is logged `done`."""
        segment = batch.segment
        delete = False
        if segment is not None:
            try:
                segment.commit(batch.end)
            except OSError as exc:  # a restart may send these again; the service dedupes
                logger.warning("telemetry spool log write failed (%s)", exc)
            with self._lock:
                segment.batches -= 1
                spool = self._spool
                delete = spool is not None and spool.settled(segment, batch.end, batch.frames)
        if delete:
            assert segment is not None
            segment.delete()
        with self._lock:
            try:
                self._pending.remove(batch)
            except ValueError:  # pragma: no cover - settled twice
                return
            if delete and self._blocked:
                self._not_full.notify_all()
            if self._flush_waiters:
                self._progress.notify_all()
        self._progressed()

    def _progressed(self) -> None:
        """Tell flush waiters that something was settled (the async exporter's event)."""

    def _acknowledged(self, batch: Batch, result: Any) -> list[Callback]:
        """The service answered 202: count each record's fate and report rejections."""
        if not isinstance(result, BatchResult):  # pragma: no cover - parse() guarantees it
            return self._failed_for_good(batch, TypeError(f"unexpected result {result!r}"))
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
        if isinstance(error, ConflictError) and batch.replayed and batch.segment is not None:
            return self._rekey(batch)
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

    def _rekey(self, batch: Batch) -> list[Callback]:
        """A batch an ended process logged met another body under its key (409): send it
        once more under a new key; records the service already has count as duplicates."""
        segment = batch.segment
        assert segment is not None
        batch.key = segment.batch_key(batch.start, batch.end, generation=1)
        batch.replayed = False
        batch.wire = None
        logger.info("%s batch resent under a new key after a 409", self.channel.name)
        return []

    def _split(self, batch: Batch) -> list[Callback]:
        """The batch was too large (413): replace it by two halves with new keys."""
        lines = batch.lines or []
        half = len(lines) // 2
        halves = [
            Batch(_ids.event_id(), len(part), batch.first_pos, lines=part, prepared=True)
            for part in (lines[:half], lines[half:])
        ]
        segment = batch.segment
        if segment is not None:
            middle, frames = batch.marks[half - 1]
            first, second = halves
            first.segment, first.start, first.end = segment, batch.start, middle
            first.frames = frames
            first.marks = batch.marks[:half]
            second.segment, second.start, second.end = segment, middle, batch.end
            second.frames = batch.frames - frames
            second.marks = [(end, count - frames) for end, count in batch.marks[half:]]
            for part in halves:
                part.key = segment.batch_key(part.start, part.end)
        logger.info("%s batch of %d records too large; split in two", self.channel.name, len(lines))
        with self._lock:
            if segment is not None:
                segment.batches += 1  # two halves for one batch
            index = self._pending.index(batch)
            self._pending[index] = halves[1]
            self._pending.insert(index, halves[0])
        return []

    def _failed_for_good(self, batch: Batch, error: BaseException) -> list[Callback]:
        """Give a batch up (a non-transient failure); its records count as failed."""
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

    # ------------------------------------------------------------------- spool

    def _scan(self, spool: Spool) -> None:
        """Adopt the segments that ended processes left (file I/O, off the lock)."""
        with self._lock:
            held = spool.held()
        try:
            found = spool.find_orphans(held)
        except OSError as exc:
            logger.warning("telemetry spool %s cannot be listed (%s)", spool.directory, exc)
            found = []
        with self._lock:
            spool.add_adopted(found)
            self._scanned = True
            if self._flush_waiters:
                self._progress.notify_all()
        if found:
            logger.info(
                "sending %d %s record(s) left in %s",
                sum(segment.total for segment in found),
                self.channel.name,
                spool.directory,
            )

    def _release_spool(self) -> None:
        """The exporter has stopped: release the segments for the next process."""
        with self._lock:
            spool, self._spool = self._spool, None
            self._durable = False
            if spool is not None:
                self._spooled_at_close += spool.release()

    def _keep_leftovers(self, *, exporter_stopped: bool) -> None:
        """At close: spool what is only in memory, or count it as dropped. (Spooled
        records are on disk already; a stopped exporter's segments are released.)"""
        with self._lock:
            items = list(self._queue)
            self._queue.clear()
            batches = list(self._pending) if exporter_stopped else []
            if exporter_stopped:
                self._pending.clear()
            if self._flush_waiters:
                self._progress.notify_all()
        lines: list[bytes] = []
        lost = 0
        for batch in batches:
            if batch.segment is not None:
                continue
            if batch.items is not None:
                items = batch.items + items
            else:
                lines.extend(batch.lines or ())
        frames = [_frames.pack_line(line) for line in lines]
        for item in items:
            try:
                frames.append(_frames.pack(item, self._defaults))
            except (TypeError, ValueError):
                lost += 1
        kept = self._spool_frames(frames) if frames else 0
        lost += len(frames) - kept
        with self._lock:
            self._dropped += lost
        if lost:
            logger.warning(
                "%d %s record(s) were not delivered before close and are lost%s",
                lost,
                self.channel.name,
                "" if self.config.spool_dir else " (set spool_dir= to keep them)",
            )
        if exporter_stopped:
            self._release_spool()
        if self._spooled_at_close:
            logger.info(
                "%d %s record(s) left in the spool for the next start",
                self._spooled_at_close,
                self.channel.name,
            )

    def _spool_frames(self, frames: list[bytes]) -> int:
        """Append frames at close (to this process's spool, or a fresh one); how many."""
        with self._lock:
            spool = self._spool if self._durable else None
        fresh = spool is None
        if spool is None:
            spool = self._new_spool()
            if spool is None:
                return 0
        kept = 0
        try:
            with self._lock:  # positions 0: these are older than any record to come
                for frame in frames:
                    if not spool.append(frame, 0):
                        break
                    kept += 1
        except OSError as exc:
            logger.warning("telemetry spool write failed at close (%s)", exc)
        if fresh:
            with self._lock:
                self._spooled_at_close += spool.release()
        return kept
