"""Where instrumented calls put their events: `client.telemetry`, safely from anywhere.

An event is usually enqueued at once, in the caller's thread. A stream that is garbage
collected finishes inside the collector, which may run while this very thread holds the
telemetry queue's lock; enqueuing there could deadlock. So while a collection runs,
events go to a reentrant `queue.SimpleQueue` instead, and a daemon thread enqueues them.
"""

from __future__ import annotations

import gc
import logging
import os
import queue
import threading
from collections.abc import Callable
from typing import Any

from ..errors import InvalidParameterError
from ..telemetry import AsyncTelemetry, LlmEvent, Telemetry

logger = logging.getLogger("agentplatform.integrations")

Put = Callable[[LlmEvent], Any]


class _Collector:
    """Knows whether a garbage collection is running (via `gc.callbacks`)."""

    def __init__(self) -> None:
        self.running = False
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, _info: dict[str, int]) -> None:
        self.running = phase == "start"


class _Deferred:
    """Events handed over during a collection, enqueued by a daemon thread."""

    def __init__(self) -> None:
        self.items: queue.SimpleQueue[tuple[Put, LlmEvent] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def ensure_started(self) -> None:
        """Start the thread (call from ordinary code, never from a finalizer)."""
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                thread = threading.Thread(
                    target=self._run, name="agentplatform-integrations", daemon=True
                )
                thread.start()
                self._thread = thread

    def _run(self) -> None:
        while True:
            item = self.items.get()
            if item is None:
                return
            put, event = item
            _deliver(put, event)

    def after_fork(self) -> None:
        self._thread = None
        self._lock = threading.Lock()
        self.items = queue.SimpleQueue()


_collector = _Collector()
_deferred = _Deferred()
os.register_at_fork(after_in_child=_deferred.after_fork)


def _deliver(put: Put, event: LlmEvent) -> None:
    try:
        put(event)
    except Exception:
        logger.exception("could not enqueue an LLM event")


class Sink:
    """Enqueues LLM events on a `Telemetry` or `AsyncTelemetry` without waiting."""

    __slots__ = ("_put", "telemetry")

    telemetry: Telemetry | AsyncTelemetry

    def __init__(self, telemetry: object) -> None:
        if isinstance(telemetry, Telemetry):
            self._put: Put = telemetry.track
        elif isinstance(telemetry, AsyncTelemetry):
            self._put = telemetry.track_nowait
        else:
            raise InvalidParameterError(
                "telemetry",
                f"expected client.telemetry of an agentplatform client, got "
                f"{type(telemetry).__name__}.",
            )
        self.telemetry: Telemetry | AsyncTelemetry = telemetry

    @property
    def service_name(self) -> str | None:
        """The telemetry config's service name."""
        service: str | None = self.telemetry.config.service_name
        return service

    def emit(self, event: LlmEvent) -> None:
        """Enqueue `event` (deferred to the daemon thread during a garbage collection)."""
        if _collector.running:
            _deferred.items.put((self._put, event))
        else:
            _deliver(self._put, event)


def prepare_deferred() -> None:
    """Make sure events handed over during a collection will be enqueued."""
    _deferred.ensure_started()
