"""Fault injection: latency, errors, 429s, dropped connections and cut streams."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import socket
import struct
import threading
from dataclasses import dataclass
from typing import Any

from .problems import ApiError


class ConnectionDropped(Exception):
    """Raised when the transport cannot be aborted directly; the server then closes it."""


@dataclass(frozen=True)
class Faults:
    """What goes wrong, and how often. Rates are probabilities in [0, 1] per request.

    Attributes:
        latency_ms: delay before every response.
        error_rate: answer a random 500, 502 or 503 instead of handling the request.
        rate_429: answer 429 (with `Retry-After`) instead of handling the request.
        drop_rate: close the connection without any response, before handling.
        drop_after_rate: handle the request (it takes effect), then close the connection
            without a response: the case idempotency keys exist for.
        cut_stream_after: close every event stream after this many events.
        retry_after_s: the `Retry-After` of injected 429 and 503 answers.
        apply_to_health: also inject into `GET /v1/health`.
        seed: seed of the random choices, for reproducible runs.
    """

    latency_ms: float = 0
    error_rate: float = 0.0
    rate_429: float = 0.0
    drop_rate: float = 0.0
    drop_after_rate: float = 0.0
    cut_stream_after: int | None = None
    retry_after_s: int = 1
    apply_to_health: bool = False
    seed: int | None = None


class FaultInjector:
    """Holds the current `Faults` and the deterministic `fail_next` queue; thread-safe."""

    def __init__(self, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self._faults = faults or Faults()
        self._random = random.Random(self._faults.seed)
        self._fail_next: list[tuple[int, str | None]] = []

    @property
    def faults(self) -> Faults:
        """The faults in force."""
        return self._faults

    def set(self, faults: Faults | None = None, **changes: Any) -> Faults:
        """Replace the faults, change some fields of the current ones, or (no arguments)
        clear them all."""
        with self._lock:
            if faults is None and not changes:
                faults = Faults()
            base = faults if faults is not None else self._faults
            self._faults = dataclasses.replace(base, **changes)
            if faults is not None or "seed" in changes:
                self._random = random.Random(self._faults.seed)
            return self._faults

    @property
    def pending_failures(self) -> list[dict[str, Any]]:
        """The `fail_next` answers still to come: their status and path prefix."""
        with self._lock:
            return [{"status": status, "path": path} for status, path in self._fail_next]

    def fail_next(self, count: int = 1, status: int = 503, path: str | None = None) -> None:
        """Answer the next `count` requests (under `path`, when given) with `status`."""
        with self._lock:
            self._fail_next.extend([(status, path)] * count)

    def reset(self) -> None:
        """No faults and an empty `fail_next` queue."""
        with self._lock:
            self._faults = Faults()
            self._random = random.Random(None)
            self._fail_next.clear()

    def applies(self, path: str) -> bool:
        """Whether faults apply to a request for `path`."""
        return path != "/v1/health" or self._faults.apply_to_health

    def _chance(self, rate: float) -> bool:
        return rate > 0 and self._random.random() < rate

    def should_drop(self, *, after: bool = False) -> bool:
        """Draw whether to drop this connection (before or after handling)."""
        with self._lock:
            return self._chance(self._faults.drop_after_rate if after else self._faults.drop_rate)

    def injected_error(self, path: str) -> ApiError | None:
        """The error to answer instead of handling the request, if any."""
        with self._lock:
            for index, (status, prefix) in enumerate(self._fail_next):
                if prefix is None or path.startswith(prefix):
                    del self._fail_next[index]
                    return self._error(status)
            if self._chance(self._faults.error_rate):
                return self._error(self._random.choice((500, 502, 503)))
            if self._chance(self._faults.rate_429):
                return self._error(429)
            return None

    def _error(self, status: int) -> ApiError:
        headers = {}
        if status in (429, 503):
            headers["Retry-After"] = str(self._faults.retry_after_s)
        code = "rate_limited" if status == 429 else "injected_fault"
        return ApiError(status, code, f"Injected fault: HTTP {status}.", headers=headers)


async def drop_connection(send: Any) -> None:
    """Close the client's connection at once, without a (further) response.

    Under uvicorn the transport is reset; elsewhere `ConnectionDropped` is raised.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionDropped("connection dropped by fault injection")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    for _ in range(3):
        await asyncio.sleep(0)
