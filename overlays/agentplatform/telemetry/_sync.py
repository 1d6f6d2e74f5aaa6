"""`SyncPipeline`: the pipeline driven by a daemon thread, for `Client`."""

from __future__ import annotations

import atexit
import threading
import time

from ._batch import Batch, Channel
from ._config import TelemetryConfig
from ._delivery import Exporter, run_callbacks
from ._pipeline import _FLUSH_POLL_S, Callback, logger
from ._sender import BatchSender

_ERROR_PAUSE_S = 1.0


class SyncPipeline(Exporter):
    """A pipeline whose exporter is a daemon thread started on first use."""

    def __init__(
        self, channel: Channel, config: TelemetryConfig, sender: BatchSender, *, sampled: bool
    ) -> None:
        super().__init__(channel, config, sampled=sampled)
        self._sender = sender
        self._wake_event = threading.Event()
        self._thread: threading.Thread | None = None

    def _may_block_here(self) -> bool:
        return threading.current_thread() is not self._thread

    def _wake(self) -> None:
        self._wake_event.set()

    def start(self) -> None:
        """Start the exporter thread (and pick up spooled records) if it is not running."""
        if self._started or self._closed or not self.config.enabled:
            return
        self._open_spool()
        with self._start_lock:
            if self._started or self._closed:
                return
            self._stopping = False
            thread = threading.Thread(
                target=self._loop, name=f"agentplatform-{self.channel.name}-exporter", daemon=True
            )
            self._thread = thread
            thread.start()
            if not self._atexit:
                atexit.register(self._at_exit)
                self._atexit = True
            self._started = True
            self._ready = True

    def _loop(self) -> None:
        while True:
            try:
                if not self._step():
                    break
            except Exception:
                logger.exception("telemetry exporter error; it carries on")
                self._wake_event.wait(_ERROR_PAUSE_S)
        if self._detached and not self._closed:
            self._closed = True
            self._unregister()
        if self._closed:
            self._release_spool()

    def _step(self) -> bool:
        self._wake_event.clear()
        with self._lock:
            action, arg = self._next_step(time.monotonic())
            deferred = self._take_deferred()
        run_callbacks(deferred)
        if action == "stop":
            return False
        if action == "wait":
            self._wake_event.wait(arg)
            return True
        if action == "scan":
            self._scan(arg)
            return True
        batch: Batch = arg
        callbacks = self._prepare(batch)
        if not batch.finished:
            callbacks += self._deliver(batch)
        run_callbacks(callbacks)
        if batch.finished:
            self._settle(batch)
        return True

    def _deliver(self, batch: Batch) -> list[Callback]:
        try:
            result = self._sender.send(batch)
        except Exception as exc:
            return self._attempt_failed(batch, exc)
        return self._acknowledged(batch, result)

    def flush(self, timeout: float | None) -> bool:
        """Send everything enqueued so far; True once all of it is acknowledged."""
        if self._closed:
            return self._closed_clean
        if not self._started:
            if not self.config.enabled or not self._needs_start_for_flush():
                return True
            self.start()
        if threading.current_thread() is self._thread:
            return False
        target = self._flush_mark()
        deadline = None if timeout is None else time.monotonic() + timeout
        return self._wait_flushed(target, deadline)

    def _wait_flushed(self, target: int, deadline: float | None) -> bool:
        with self._lock:
            self._flush_waiters += 1
            try:
                while not self._flushed(target):
                    wait = _FLUSH_POLL_S
                    if deadline is not None:
                        remaining = deadline - time.monotonic()
                        if remaining <= 0:
                            return False
                        wait = min(wait, remaining)
                    self._progress.wait(wait)
                return True
            finally:
                self._flush_waiters -= 1

    def close(self, timeout: float | None = None) -> bool:
        """Deliver what is queued (up to `timeout` seconds, default `shutdown_timeout`), stop
        the exporter, and spool or drop what is left. True when nothing was left."""
        with self._start_lock:
            if self._closed:
                return self._closed_clean
            self._closed = True
            self._ready = False
        with self._lock:
            self._not_full.notify_all()
        timeout = self.config.shutdown_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        clean = True
        if threading.current_thread() is self._thread:  # from a callback: cannot wait on itself
            self._stopping = True
            self._keep_leftovers(exporter_stopped=False)
            clean = False
        elif self._started and self._thread is not None:
            clean = self._wait_flushed(self._flush_mark(), deadline)
            self._stopping = True
            self._wake()
            self._thread.join(max(0.0, deadline - time.monotonic()))
            self._keep_leftovers(exporter_stopped=not self._thread.is_alive())
        else:
            self._keep_leftovers(exporter_stopped=True)
        self._unregister()
        self._closed_clean = clean
        return clean

    def _at_exit(self) -> None:
        try:
            self.close(self.config.shutdown_timeout)
        except Exception:  # pragma: no cover - nothing may escape an exit hook
            logger.exception("telemetry exit hook failed")

    def _unregister(self) -> None:
        if self._atexit:
            atexit.unregister(self._at_exit)
            self._atexit = False

    def _fork_reset(self) -> None:
        self._wake_event = threading.Event()
        self._thread = None
