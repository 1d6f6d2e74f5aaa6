"""`AsyncPipeline`: the pipeline driven by an asyncio task, for `AsyncClient`."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import threading
import time

from . import _frames
from ._batch import Batch, Channel
from ._config import TelemetryConfig
from ._delivery import Exporter, run_callbacks
from ._pipeline import _FLUSH_POLL_S, Callback, logger
from ._records import Payload
from ._sender import AsyncBatchSender

_ERROR_PAUSE_S = 1.0
_BLOCK_POLL_S = 0.005


class AsyncPipeline(Exporter):
    """A pipeline whose exporter is an asyncio task, started on first use inside a loop.

    Records enqueued from a thread without a running loop wait (in memory, or in the
    spool) until a coroutine of the client (`track`, `flush`, ...) starts the task.
    Spool reads and writes of the exporter run in worker threads; with `fsync=True`,
    so does each record's write.
    """

    def __init__(
        self,
        channel: Channel,
        config: TelemetryConfig,
        sender: AsyncBatchSender,
        *,
        sampled: bool,
    ) -> None:
        super().__init__(channel, config, sampled=sampled)
        self._sender = sender
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._aio_wake: asyncio.Event | None = None
        self._aio_progress: asyncio.Event | None = None

    def _on_loop_thread(self) -> bool:
        return self._loop_thread == threading.get_ident()

    def _may_block_here(self) -> bool:
        return self._loop is not None and not self._on_loop_thread()

    def _wake(self) -> None:
        loop, event = self._loop, self._aio_wake
        if loop is None or event is None:
            return
        if self._on_loop_thread():
            event.set()
            return
        with contextlib.suppress(RuntimeError):  # the loop is closed
            loop.call_soon_threadsafe(event.set)

    def _progressed(self) -> None:
        if self._aio_progress is not None and self._on_loop_thread():
            self._aio_progress.set()

    def start(self) -> None:
        """Start the exporter task in the running loop (no-op without one)."""
        if self._started or self._closed or not self.config.enabled:
            return
        self._open_spool()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        with self._start_lock:
            if self._started or self._closed:
                return
            self._loop = loop
            self._loop_thread = threading.get_ident()
            self._aio_wake = asyncio.Event()
            self._aio_progress = asyncio.Event()
            self._stopping = False
            self._task = loop.create_task(
                self._run(), name=f"agentplatform-{self.channel.name}-exporter"
            )
            if not self._atexit:
                atexit.register(self._at_exit)
                self._atexit = True
            self._started = True
            self._ready = True

    async def aput(self, payload: Payload) -> str | None:
        """`put`, but the `block` policy waits without blocking the event loop, and with
        `fsync=True` the write and its sync run in a worker thread."""
        if self._policy == "block" and self._ready and self._full():
            timeout = self.config.block_timeout
            deadline = None if timeout is None else time.monotonic() + timeout
            while self._full() and not self._closed:
                if deadline is not None and time.monotonic() >= deadline:
                    break
                await asyncio.sleep(_BLOCK_POLL_S)
        if self._durable and self.config.fsync and self._ready:
            return await asyncio.to_thread(self.put, payload, may_block=False)
        return self.put(payload, may_block=False)

    def _full(self) -> bool:
        """Whether a new record would overflow now (approximately, for the spool)."""
        spool = self._spool
        if self._durable and spool is not None:
            return not spool.has_room(_frames.HEAD.size + 1)
        return len(self._queue) >= self._maxsize

    async def _run(self) -> None:
        try:
            while True:
                try:
                    if not await self._step():
                        return
                except Exception:
                    logger.exception("telemetry exporter error; it carries on")
                    await asyncio.sleep(_ERROR_PAUSE_S)
        except asyncio.CancelledError:
            if not self._stopping:
                await self._last_chance()
            raise
        finally:
            if self._detached and not self._closed:
                self._closed = True
                self._release_spool()
                if self._atexit:
                    atexit.unregister(self._at_exit)
                    self._atexit = False
            elif not self._closed:
                self._ready = self._started = False

    async def _step(self, cap: float | None = None) -> bool:
        assert self._aio_wake is not None
        self._aio_wake.clear()
        with self._lock:
            action, arg = self._next_step(time.monotonic())
            deferred = self._take_deferred()
        await self._run_callbacks(deferred)
        if action == "stop":
            return False
        if action == "wait":
            wait = arg if cap is None else cap if arg is None else min(arg, cap)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._aio_wake.wait(), wait)
            return True
        if action == "scan":
            await asyncio.to_thread(self._scan, arg)
            return True
        batch: Batch = arg
        spooled = batch.segment is not None
        if spooled and (not batch.prepared or batch.logged != batch.key):
            callbacks = await asyncio.to_thread(self._prepare, batch)
        else:
            callbacks = self._prepare(batch)
        if not batch.finished:
            callbacks += await self._deliver(batch)
        await self._run_callbacks(callbacks)
        if batch.finished:
            if spooled:
                await asyncio.to_thread(self._settle, batch)
                self._progressed()
            else:
                self._settle(batch)
        return True

    @staticmethod
    async def _run_callbacks(callbacks: list[Callback]) -> None:
        for awaitable in run_callbacks(callbacks):
            try:
                await awaitable
            except Exception:
                logger.exception("telemetry callback raised")

    async def _deliver(self, batch: Batch) -> list[Callback]:
        try:
            result = await self._sender.send(batch)
        except Exception as exc:
            return self._attempt_failed(batch, exc)
        return self._acknowledged(batch, result)

    async def _last_chance(self) -> None:
        """The task is being cancelled (e.g. `asyncio.run` is ending) with records left:
        try to deliver them within `shutdown_timeout`."""
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        with self._lock:
            if self._flushed(self._next_pos):
                return
        target = self._flush_mark()
        deadline = time.monotonic() + self.config.shutdown_timeout
        try:
            async with asyncio.timeout(self.config.shutdown_timeout):
                while True:
                    with self._lock:
                        if self._flushed(target):
                            return
                    await self._step(cap=max(0.0, deadline - time.monotonic()))
        except Exception as exc:
            logger.warning("telemetry records left undelivered at shutdown (%s)", exc)

    async def flush(self, timeout: float | None) -> bool:  # noqa: ASYNC109
        """Send everything enqueued so far; True once all of it is acknowledged."""
        if self._closed:
            return self._closed_clean
        if not self._started:
            if not self.config.enabled or not self._needs_start_for_flush():
                return True
            self.start()
        if self._task is not None and self._task is asyncio.current_task():
            return False
        target = self._flush_mark()
        deadline = None if timeout is None else time.monotonic() + timeout
        return await self._wait_flushed(target, deadline)

    async def _wait_flushed(self, target: int, deadline: float | None) -> bool:
        while True:
            progress = self._aio_progress if self._on_loop_thread() else None
            if progress is not None:
                progress.clear()
            with self._lock:
                if self._flushed(target):
                    return True
            wait = _FLUSH_POLL_S
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                wait = min(wait, remaining)
            if progress is None:
                await asyncio.sleep(wait)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(progress.wait(), wait)

    async def aclose(self, timeout: float | None = None) -> bool:  # noqa: ASYNC109
        """Deliver what is queued (up to `timeout` seconds, default `shutdown_timeout`), stop
        the exporter, and spool or drop what is left. True when nothing was left."""
        with self._start_lock:
            if self._closed:
                return self._closed_clean
            self._closed = True
            self._ready = False
        with self._lock:
            self._not_full.notify_all()
            clean = self._nothing_left()
        timeout = self.config.shutdown_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        task = self._task
        if task is not None and task is asyncio.current_task():  # from a callback
            clean = False
            self._stopping = True
        elif task is not None and not task.done() and task.get_loop() is asyncio.get_running_loop():
            clean = await self._wait_flushed(self._flush_mark(), deadline)
            self._stopping = True
            self._wake()
            done, _ = await asyncio.wait({task}, timeout=max(0.0, deadline - time.monotonic()))
            if not done:
                task.cancel()
                await asyncio.wait({task})
        else:
            self._stopping = True
            self._wake()
        self._finish_close(clean)
        return self._closed_clean

    def _finish_close(self, clean: bool) -> None:
        stopped = self._task is None or self._task.done()
        with self._lock:
            clean = clean and self._nothing_left()
        self._keep_leftovers(exporter_stopped=stopped)
        if self._atexit:
            atexit.unregister(self._at_exit)
            self._atexit = False
        self._closed_clean = clean

    def _at_exit(self) -> None:
        try:
            loop = self._loop
            if loop is not None and loop.is_running() and not self._on_loop_thread():
                timeout = self.config.shutdown_timeout
                future = asyncio.run_coroutine_threadsafe(self.aclose(timeout), loop)
                future.result(timeout + 1.0)
                return
            with self._start_lock:
                if self._closed:
                    return
                self._closed = True
                self._ready = False
            self._finish_close(False)
        except Exception:  # pragma: no cover - nothing may escape an exit hook
            logger.exception("telemetry exit hook failed")

    def _fork_reset(self) -> None:
        self._loop = None
        self._loop_thread = None
        self._task = None
        self._aio_wake = None
        self._aio_progress = None
